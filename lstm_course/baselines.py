"""Named baselines every model in the course must beat (or honestly fail to beat).

Each takes the history it is allowed to see and returns predictions aligned with the
targets of :func:`lstm_course.windows.make_windows` where that applies.
"""

from __future__ import annotations

import numpy as np


def _history(series) -> np.ndarray:
    array = np.asarray(series, dtype=np.float64)
    if array.ndim != 1 or array.size < 2:
        raise ValueError(f"expected a 1-D series of at least 2 values, got shape {array.shape}")
    return array


def persistence(X_windows, horizon: int = 1, column: int = 0) -> np.ndarray:
    """Tomorrow equals today (the random walk for prices): repeat each window's last value.

    Args:
        X_windows: (n, window, features) inputs from ``make_windows``.
    Returns:
        (n, horizon) predictions.
    """
    X = np.asarray(X_windows, dtype=np.float64)
    if X.ndim != 3:
        raise ValueError(f"expected windows of shape (n, window, features), got {X.shape}")
    if horizon < 1:
        raise ValueError(f"horizon must be >= 1, got {horizon}")
    return np.repeat(X[:, -1, column][:, None], horizon, axis=1)


def seasonal_naive(X_windows, season: int, horizon: int = 1, column: int = 0) -> np.ndarray:
    """Each future step equals the value one season earlier (needs window >= season)."""
    X = np.asarray(X_windows, dtype=np.float64)
    if X.ndim != 3 or X.shape[1] < season or season < 1:
        raise ValueError(
            f"need windows (n, window>=season, features) and season >= 1, "
            f"got {X.shape} and season={season}"
        )
    steps = [X[:, X.shape[1] - season + (h % season), column] for h in range(horizon)]
    return np.stack(steps, axis=1)


def moving_average(X_windows, k: int, horizon: int = 1, column: int = 0) -> np.ndarray:
    """The mean of each window's last ``k`` values, for every future step."""
    X = np.asarray(X_windows, dtype=np.float64)
    if X.ndim != 3 or not 1 <= k <= X.shape[1]:
        raise ValueError(
            f"need windows (n, window, features) with 1 <= k <= window, got {X.shape}, k={k}"
        )
    return np.repeat(X[:, -k:, column].mean(axis=1)[:, None], horizon, axis=1)


def drift(X_windows, horizon: int = 1, column: int = 0) -> np.ndarray:
    """Extend the straight line from each window's first to last value."""
    X = np.asarray(X_windows, dtype=np.float64)
    if X.ndim != 3 or X.shape[1] < 2:
        raise ValueError(f"need windows (n, window>=2, features), got {X.shape}")
    slope = (X[:, -1, column] - X[:, 0, column]) / (X.shape[1] - 1)
    steps = np.arange(1, horizon + 1)[None, :]
    return X[:, -1, column][:, None] + slope[:, None] * steps


def climatology(train, n: int) -> np.ndarray:
    """The training mean, for each of ``n`` predictions (no information about the present)."""
    return np.full(n, _history(train).mean())
