"""Error measures for forecasts and sequence models. Arrays of equal shape in, a float out.

Inputs must be finite and non-empty: a NaN in a prediction is a bug to find, not a number
to average.
"""

from __future__ import annotations

import numpy as np

from lstm_course._checks import check_int, check_same_shape, check_series


def mae(y_true, y_pred) -> float:
    """Mean absolute error, in the units of y."""
    true, pred = check_same_shape("y_true", y_true, "y_pred", y_pred)
    return float(np.mean(np.abs(true - pred)))


def rmse(y_true, y_pred) -> float:
    """Root mean squared error, in the units of y."""
    true, pred = check_same_shape("y_true", y_true, "y_pred", y_pred)
    return float(np.sqrt(np.mean((true - pred) ** 2)))


def mse(y_true, y_pred) -> float:
    """Mean squared error."""
    true, pred = check_same_shape("y_true", y_true, "y_pred", y_pred)
    return float(np.mean((true - pred) ** 2))


def mase(y_true, y_pred, train, season: int = 1) -> float:
    """Mean absolute scaled error: MAE divided by the in-sample MAE of the seasonal naive
    forecast on ``train`` (Hyndman & Koehler 2006). Below 1 beats that naive forecast.

    Args:
        y_true, y_pred: same shape, any rank.
        train: (time,) the training series, longer than ``season``.
        season: the naive forecast's lag, an int >= 1 (1: "tomorrow equals today").
    """
    season = check_int("season", season, minimum=1)
    train = check_series("train", train)
    if len(train) <= season:
        raise ValueError(f"train must be longer than season={season}, got {len(train)} values")
    scale = np.mean(np.abs(train[season:] - train[:-season]))
    if scale == 0:
        raise ValueError(
            f"train is constant at lag season={season} (the naive forecast is perfect "
            "in-sample): MASE is undefined"
        )
    return mae(y_true, y_pred) / float(scale)


def direction_accuracy(y_true_change, y_pred_change) -> float:
    """Share of steps where the predicted change has the sign of the actual change.

    Steps whose actual change is exactly 0 are left out (no direction to get right).
    """
    true, pred = check_same_shape("y_true_change", y_true_change, "y_pred_change", y_pred_change)
    moving = true != 0
    if not moving.any():
        raise ValueError(
            "every actual change is 0 (y_true_change): direction accuracy is undefined"
        )
    return float(np.mean(np.sign(pred[moving]) == np.sign(true[moving])))
