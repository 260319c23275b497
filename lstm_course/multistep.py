"""Forecasting every hour from 1 to H ahead: windows at chosen origins, the baselines a
meteorologist uses, the linear opponent, and scores per horizon.

Conventions: ``values`` is an hourly table ``(time, features)`` in time order; an *origin*
is the row index of the last hour a forecast may see; a window is the ``window`` rows up to
and including its origin, ``(n, window, features)``; targets are the ``horizon`` rows after
it, ``(n, horizon)`` — column ``h - 1`` is ``h`` hours ahead. Errors are ``truth - forecast``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_course._checks import (
    as_float_array,
    check_array,
    check_choice,
    check_int,
    check_number,
    check_seed,
    check_series,
    check_size,
    describe,
)

__all__ = [
    "RidgeModel",
    "SeasonalClimatology",
    "calendar_features",
    "cyclical_encoding",
    "error_by_horizon",
    "fit_damping",
    "fit_ridge",
    "future_values",
    "horizon_difference_ci",
    "interval_coverage",
    "origin_windows",
    "select_ridge",
]


# --- windows and targets --------------------------------------------------------------------


def _origins(origins, length: int, before: int, after: int) -> np.ndarray:
    """Integer origins with ``before`` rows of history and ``after`` rows of future in range."""
    array = as_float_array("origins", origins, dtype=None)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(
            f"origins must be a non-empty 1-D array of row indices, got {describe(origins)}"
        )
    if not np.issubdtype(array.dtype, np.integer):
        if not np.all(np.isfinite(array)) or np.any(array != np.round(array)):
            raise ValueError("origins must hold whole row indices (integers)")
        array = array.astype(np.int64)
    low, high = before, length - 1 - after
    if array.min() < low or array.max() > high:
        raise ValueError(
            f"origins must lie in [{low}, {high}] so that each has {before + 1} rows of history "
            f"and {after} rows of future in a table of {length} rows, got {int(array.min())}.."
            f"{int(array.max())}"
        )
    return array.astype(np.int64)


def origin_windows(values, origins, window: int, *, dtype=np.float32) -> np.ndarray:
    """The ``window`` rows up to and including each origin. -> (n, window, features).

    Args:
        values: (time, features) or (time,) finite numbers, in time order.
        origins: (n,) row indices, each >= window - 1.
        window: hours of history per example, >= 1.
        dtype: dtype of the result (float32 for Keras, float64 for NumPy fits).
    """
    if not (isinstance(dtype, type) and dtype in (np.float32, np.float64)):
        raise ValueError(f"dtype must be np.float32 or np.float64, got {describe(dtype)}")
    data = check_array("values", values, ndim=(1, 2), shape_text="(time,) or (time, features)")
    data = data[:, None] if data.ndim == 1 else data
    window = check_int("window", window, minimum=1, maximum=len(data))
    starts = _origins(origins, len(data), window - 1, 0) - (window - 1)
    check_size("origins", len(starts) * window * data.shape[1])
    index = starts[:, None] + np.arange(window)[None, :]
    return data[index].astype(dtype)


def future_values(series, origins, horizon: int) -> np.ndarray:
    """The ``horizon`` values after each origin: column h-1 is h steps ahead. -> (n, horizon).

    ``series`` may hold NaN (a missing measurement stays missing in the targets).
    """
    data = check_series("series", series, finite=False)
    if np.isinf(data).any():
        raise ValueError("series contains inf (NaN marks a missing value; inf is an error)")
    horizon = check_int("horizon", horizon, minimum=1, maximum=len(data) - 1)
    rows = _origins(origins, len(data), 0, horizon)
    check_size("origins", len(rows) * horizon)
    return data[rows[:, None] + np.arange(1, horizon + 1)[None, :]]


# --- calendar features ----------------------------------------------------------------------


def cyclical_encoding(values, period: float) -> np.ndarray:
    """sin and cos of 2π·value/period, so the end of a cycle sits next to its start.

    (n,) -> (n, 2): column 0 is the sine, column 1 the cosine. Hour 23 and hour 0 are
    neighbours on this circle; as plain numbers they are 23 apart.
    """
    x = check_series("values", values, min_length=1)
    period = check_number("period", period, minimum=0, exclusive_minimum=True)
    angle = 2 * np.pi * x / period
    return np.stack([np.sin(angle), np.cos(angle)], axis=1)


def _day_of_year(times) -> np.ndarray:
    """0..364 for every timestamp; 29 February shares 28 February's day (a 365-day year)."""
    import pandas as pd

    try:
        index = pd.DatetimeIndex(times)
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"times must be timestamps (a DatetimeIndex), got {describe(times)}"
        ) from err
    if len(index) == 0 or index.hasnans:
        raise ValueError(f"times must be non-empty timestamps without NaT, got {len(index)} values")
    day = index.day_of_year.to_numpy() - 1
    late_in_leap_year = index.is_leap_year & (day >= 59)  # from 29 February on
    return day - late_in_leap_year.astype(int)


def calendar_features(times) -> np.ndarray:
    """Hour of day and day of year as points on two circles. -> (n, 4) float64.

    Columns: sin and cos of the hour (period 24), sin and cos of the day (period 365).
    """
    import pandas as pd

    day = _day_of_year(times)
    hour = pd.DatetimeIndex(times).hour.to_numpy()
    return np.concatenate([cyclical_encoding(hour, 24), cyclical_encoding(day, 365)], axis=1)


# --- climatology and damped anomaly ---------------------------------------------------------


@dataclass
class SeasonalClimatology:
    """The average value at each hour of each day of the year, smoothed over nearby days.

    ``fit`` on the training years only; ``table_`` is (365, 24) once fitted. With a few
    years of data each (day, hour) cell holds only a few values, so the table is smoothed
    with a circular moving average over ``smooth_days`` days on either side.
    """

    smooth_days: int = 15
    table_: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.smooth_days = check_int("smooth_days", self.smooth_days, minimum=0, maximum=182)

    def fit(self, times, values) -> SeasonalClimatology:
        """times: (n,) timestamps; values: (n,) finite numbers at those hours."""
        import pandas as pd

        day = _day_of_year(times)
        hour = pd.DatetimeIndex(times).hour.to_numpy()
        y = check_series("values", values, min_length=1)
        if len(y) != len(day):
            raise ValueError(f"times and values must have one length, got {len(day)} and {len(y)}")
        total, count = np.zeros((365, 24)), np.zeros((365, 24))
        np.add.at(total, (day, hour), y)
        np.add.at(count, (day, hour), 1)
        k = self.smooth_days
        kernel = np.ones(2 * k + 1)
        # Circular sums over days: 31 December is next to 1 January.
        wrap = lambda a: np.concatenate([a[-k:], a, a[:k]]) if k else a  # noqa: E731
        sums = np.stack([np.convolve(wrap(total[:, j]), kernel, "valid") for j in range(24)], 1)
        counts = np.stack([np.convolve(wrap(count[:, j]), kernel, "valid") for j in range(24)], 1)
        if np.any(counts == 0):
            raise ValueError(
                "values leave some (day of year, hour) cells without data even after smoothing "
                f"over ±{self.smooth_days} days: fit on at least one whole year"
            )
        self.table_ = sums / counts
        return self

    def predict(self, times) -> np.ndarray:
        """The climatological value at each timestamp. (n,) -> (n,)."""
        import pandas as pd

        if self.table_ is None:
            raise ValueError("SeasonalClimatology is not fitted: call .fit(times, values) first")
        return self.table_[_day_of_year(times), pd.DatetimeIndex(times).hour.to_numpy()]


def fit_damping(anomaly_now, anomaly_future) -> np.ndarray:
    """How much of today's anomaly survives h hours: least squares through the origin.

    phi_h = Σ a_t·a_{t+h} / Σ a_t², one per horizon, so the forecast is
    climatology(t + h) + phi_h · anomaly(t).

    Args:
        anomaly_now: (n,) value minus climatology at each origin (training years).
        anomaly_future: (n, horizon) the same, h hours later.
    Returns:
        (horizon,) damping factors.
    """
    now = check_series("anomaly_now", anomaly_now, min_length=2)
    future = check_array("anomaly_future", anomaly_future, ndim=2, shape_text="(n, horizon)")
    if future.shape[0] != now.shape[0]:
        raise ValueError(
            f"anomaly_future must have {now.shape[0]} rows like anomaly_now, got {future.shape}"
        )
    energy = float(now @ now)
    if energy == 0:
        raise ValueError("anomaly_now is all zeros: the damping is undefined")
    return (now @ future) / energy


# --- ridge regression -----------------------------------------------------------------------


@dataclass
class RidgeModel:
    """Linear forecaster Y ≈ X_flat @ W + b, from :func:`fit_ridge` or :func:`select_ridge`."""

    W: np.ndarray  # (inputs, outputs)
    b: np.ndarray  # (outputs,)
    alpha: float

    def predict(self, X) -> np.ndarray:
        """X: (n, inputs) or windows (n, window, features) -> (n, outputs)."""
        flat = _flat("X", X)
        if flat.shape[1] != self.W.shape[0]:
            raise ValueError(
                f"X has {flat.shape[1]} inputs per example, the model was fitted on "
                f"{self.W.shape[0]}: shape {np.shape(X)}"
            )
        return flat @ self.W + self.b


def _flat(name: str, X) -> np.ndarray:
    array = check_array(name, X, ndim=(2, 3), shape_text="(n, inputs) or (n, window, features)")
    return array.reshape(len(array), -1)


def _centred(X, Y, names=("X", "Y")):
    flat = _flat(names[0], X)
    targets = check_array(names[1], Y, ndim=(1, 2), shape_text="(n,) or (n, outputs)")
    targets = targets[:, None] if targets.ndim == 1 else targets
    if len(targets) != len(flat):
        raise ValueError(
            f"{names[0]} and {names[1]} must have one number of rows, got {len(flat)} and "
            f"{len(targets)}"
        )
    if len(flat) < 2:
        raise ValueError(f"{names[0]} needs at least 2 examples, got {len(flat)}")
    x_mean, y_mean = flat.mean(axis=0), targets.mean(axis=0)
    return flat - x_mean, targets - y_mean, x_mean, y_mean


def fit_ridge(X, Y, alpha: float) -> RidgeModel:
    """Minimise ||Y - X W - b||² + alpha·||W||² (the intercept b is not penalised).

    Closed form on centred data: W = (XcᵀXc + alpha·I)⁻¹ XcᵀYc, b = mean(Y) - mean(X)·W.

    Args:
        X: (n, inputs) or windows (n, window, features), flattened per example.
        Y: (n,) or (n, outputs).
        alpha: penalty, >= 0 (0 is least squares; needs XᵀX invertible).
    """
    alpha = check_number("alpha", alpha, minimum=0)
    Xc, Yc, x_mean, y_mean = _centred(X, Y)
    gram = Xc.T @ Xc + alpha * np.eye(Xc.shape[1])
    try:
        W = np.linalg.solve(gram, Xc.T @ Yc)
    except np.linalg.LinAlgError:
        raise ValueError(
            f"alpha={alpha} leaves XᵀX + alpha·I singular (collinear inputs): use alpha > 0"
        ) from None
    return RidgeModel(W, y_mean - x_mean @ W, alpha)


def select_ridge(X_train, Y_train, X_val, Y_val, alphas) -> tuple[RidgeModel, dict[float, float]]:
    """Fit ridge for each alpha on the training part, keep the best on validation MAE.

    One eigendecomposition of XᵀX serves every alpha, so trying ten costs about one fit.

    Returns:
        (the best model, {alpha: validation MAE}).
    """
    grid = as_float_array("alphas", alphas)
    if grid.ndim != 1 or grid.size == 0 or not np.all(np.isfinite(grid)) or np.any(grid <= 0):
        raise ValueError(f"alphas must be a non-empty list of numbers > 0, got {describe(alphas)}")
    Xc, Yc, x_mean, y_mean = _centred(X_train, Y_train, ("X_train", "Y_train"))
    X_val, Y_val = _flat("X_val", X_val), check_array("Y_val", Y_val, ndim=(1, 2))
    Y_val = Y_val[:, None] if Y_val.ndim == 1 else Y_val
    if X_val.shape[1] != Xc.shape[1] or Y_val.shape != (len(X_val), Yc.shape[1]):
        raise ValueError(
            f"X_val, Y_val must have shapes (m, {Xc.shape[1]}) and (m, {Yc.shape[1]}), got "
            f"{X_val.shape} and {Y_val.shape}"
        )
    eigenvalues, V = np.linalg.eigh(Xc.T @ Xc)
    projected = V.T @ (Xc.T @ Yc)
    scores, models = {}, {}
    for alpha in grid.tolist():
        W = V @ (projected / (np.maximum(eigenvalues, 0) + alpha)[:, None])
        model = RidgeModel(W, y_mean - x_mean @ W, alpha)
        scores[alpha] = float(np.mean(np.abs(model.predict(X_val) - Y_val)))
        models[alpha] = model
    return models[min(scores, key=scores.get)], scores


# --- scores ---------------------------------------------------------------------------------

KINDS = ("mae", "rmse", "bias")


def error_by_horizon(
    y_true, y_pred, kind: str = "mae", *, skip_missing: bool = False
) -> np.ndarray:
    """MAE, RMSE or mean error (bias, truth - forecast) of each column. (n, H) -> (H,).

    With ``skip_missing=True`` a NaN in ``y_true`` (a missing measurement) is left out of
    its column's score; a NaN in ``y_pred`` is always an error.
    """
    check_choice("kind", kind, KINDS)
    if not isinstance(skip_missing, (bool, np.bool_)):
        raise TypeError(f"skip_missing must be True or False, got {describe(skip_missing)}")
    truth = check_array("y_true", y_true, ndim=(1, 2), finite=False, shape_text="(n,) or (n, H)")
    pred = check_array("y_pred", y_pred, ndim=(1, 2), shape_text="(n,) or (n, H)")
    if truth.shape != pred.shape:
        raise ValueError(
            f"y_true and y_pred must have one shape, got {truth.shape} and {pred.shape}"
        )
    if np.isinf(truth).any() or (np.isnan(truth).any() and not skip_missing):
        raise ValueError("y_true contains NaN or inf (pass skip_missing=True to leave NaN out)")
    truth, pred = (truth[:, None], pred[:, None]) if truth.ndim == 1 else (truth, pred)
    seen = ~np.isnan(truth)
    if np.any(seen.sum(axis=0) == 0):
        raise ValueError("y_true has a column with no value to score (all NaN)")
    error = np.where(seen, truth - pred, 0.0)
    count = seen.sum(axis=0)
    if kind == "mae":
        return np.abs(error).sum(axis=0) / count
    if kind == "rmse":
        return np.sqrt((error**2).sum(axis=0) / count)
    return error.sum(axis=0) / count


def horizon_difference_ci(
    errors_a, errors_b, *, block: int = 24, n_boot: int = 1000, level: float = 0.95, seed=0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """MAE(a) - MAE(b) at each horizon with a moving-block bootstrap interval.

    Each resample is ceil(n / block) blocks of ``block`` consecutive forecast origins (24:
    whole days, so a day's correlated errors stay together); every horizon uses the same
    resampled days, so the intervals are paired across horizons. Negative: a is better.

    Args:
        errors_a, errors_b: (n, H) errors of two forecasts of the same targets, in time order.
    Returns:
        (difference, low, high), each (H,).
    """
    a = check_array("errors_a", errors_a, ndim=2, shape_text="(n, H)")
    b = check_array("errors_b", errors_b, ndim=2, shape_text="(n, H)")
    if a.shape != b.shape:
        raise ValueError(f"errors_a and errors_b must have one shape, got {a.shape} and {b.shape}")
    n = len(a)
    block = check_int("block", block, minimum=1, maximum=n)
    n_boot = check_int("n_boot", n_boot, minimum=100, maximum=100_000)
    level = check_number("level", level, minimum=0, exclusive_minimum=True, maximum=1)
    if level == 1:
        raise ValueError(f"level must be a number in (0, 1), got {level}")
    seed = check_seed("seed", seed)
    d = np.abs(a) - np.abs(b)  # (n, H)
    sums = np.cumsum(np.vstack([np.zeros((1, d.shape[1])), d]), axis=0)
    block_sums = sums[block:] - sums[:-block]  # (n - block + 1, H): one per start
    per_sample = -(-n // block)
    check_size("n_boot", n_boot * per_sample * d.shape[1])
    starts = np.random.default_rng(seed).integers(0, n - block + 1, size=(n_boot, per_sample))
    means = block_sums[starts].sum(axis=1) / (per_sample * block)  # (n_boot, H)
    tail = (1 - level) / 2
    low, high = np.quantile(means, [tail, 1 - tail], axis=0)
    return d.mean(axis=0), low, high


def interval_coverage(y_true, low, high) -> np.ndarray:
    """Share of values inside [low, high], per column. (n, H) -> (H,); NaN truths skipped."""
    truth = check_array("y_true", y_true, ndim=(1, 2), finite=False, shape_text="(n,) or (n, H)")
    lo = check_array("low", low, ndim=(1, 2), shape_text="(n,) or (n, H)")
    hi = check_array("high", high, ndim=(1, 2), shape_text="(n,) or (n, H)")
    if not truth.shape == lo.shape == hi.shape:
        raise ValueError(
            f"y_true, low and high must have one shape, got {truth.shape}, {lo.shape}, {hi.shape}"
        )
    if np.any(lo > hi):
        raise ValueError("low must be <= high everywhere (an interval's ends are swapped)")
    if np.isinf(truth).any():
        raise ValueError("y_true contains inf")
    seen = ~np.isnan(truth)
    truth, lo, hi, seen = (v[:, None] if v.ndim == 1 else v for v in (truth, lo, hi, seen))
    inside = seen & (truth >= lo) & (truth <= hi)
    count = seen.sum(axis=0)
    if np.any(count == 0):
        raise ValueError("y_true has a column with no value (all NaN)")
    return inside.sum(axis=0) / count
