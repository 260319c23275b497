"""Error measures for forecasts and sequence models. Arrays of equal shape in, a float out."""

from __future__ import annotations

import numpy as np


def _pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    true, pred = np.asarray(y_true, dtype=np.float64), np.asarray(y_pred, dtype=np.float64)
    if true.shape != pred.shape:
        raise ValueError(
            f"y_true and y_pred must have the same shape, got {true.shape} and {pred.shape}"
        )
    if true.size == 0:
        raise ValueError("y_true and y_pred are empty")
    if not (np.all(np.isfinite(true)) and np.all(np.isfinite(pred))):
        raise ValueError("y_true and y_pred must be finite (no NaN or inf)")
    return true, pred


def mae(y_true, y_pred) -> float:
    """Mean absolute error, in the units of y."""
    true, pred = _pair(y_true, y_pred)
    return float(np.mean(np.abs(true - pred)))


def rmse(y_true, y_pred) -> float:
    """Root mean squared error, in the units of y."""
    true, pred = _pair(y_true, y_pred)
    return float(np.sqrt(np.mean((true - pred) ** 2)))


def mse(y_true, y_pred) -> float:
    """Mean squared error."""
    true, pred = _pair(y_true, y_pred)
    return float(np.mean((true - pred) ** 2))


def mase(y_true, y_pred, train, season: int = 1) -> float:
    """Mean absolute scaled error: MAE divided by the in-sample MAE of the seasonal naive
    forecast on ``train`` (Hyndman & Koehler 2006). Below 1 beats that naive forecast."""
    train = np.asarray(train, dtype=np.float64)
    if train.ndim != 1 or len(train) <= season:
        raise ValueError(
            f"train must be 1-D and longer than season={season}, got shape {train.shape}"
        )
    scale = np.mean(np.abs(train[season:] - train[:-season]))
    if scale == 0:
        raise ValueError("train is constant at lag `season`: MASE is undefined")
    return mae(y_true, y_pred) / float(scale)


def direction_accuracy(y_true_change, y_pred_change) -> float:
    """Share of steps where the predicted change has the sign of the actual change.

    Steps whose actual change is exactly 0 are left out (no direction to get right).
    """
    true, pred = _pair(y_true_change, y_pred_change)
    moving = true != 0
    if not moving.any():
        raise ValueError("every actual change is 0: direction accuracy is undefined")
    return float(np.mean(np.sign(pred[moving]) == np.sign(true[moving])))
