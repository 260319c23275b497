"""Named baselines every model in the course must beat (or honestly fail to beat).

Each takes the history it is allowed to see and returns predictions aligned with the
targets of :func:`lstm_course.windows.make_windows` where that applies: windows
``(n, window, features)`` in, predictions ``(n, horizon)`` of one ``column`` out.
"""

from __future__ import annotations

import numpy as np

from lstm_course._checks import check_array, check_int, check_series, check_size


def _windows(X_windows, column) -> tuple[np.ndarray, int]:
    """Finite windows (n, window, features) as float64, and ``column`` as a valid index."""
    X = check_array("X_windows", X_windows, ndim=3, shape_text="(n, window, features)")
    features = X.shape[2]
    return X, check_int("column", column, minimum=-features, maximum=features - 1)


def _horizon(horizon, examples: int) -> int:
    """``horizon`` as an int >= 1 whose (examples, horizon) predictions fit in memory."""
    horizon = check_int("horizon", horizon, minimum=1)
    check_size("horizon", examples * horizon)
    return horizon


def persistence(X_windows, horizon: int = 1, column: int = 0) -> np.ndarray:
    """Tomorrow equals today (the random walk for prices): repeat each window's last value.

    Args:
        X_windows: (n, window, features) inputs from ``make_windows``.
    Returns:
        (n, horizon) predictions.
    """
    X, column = _windows(X_windows, column)
    horizon = _horizon(horizon, len(X))
    return np.repeat(X[:, -1, column][:, None], horizon, axis=1)


def seasonal_naive(X_windows, season: int, horizon: int = 1, column: int = 0) -> np.ndarray:
    """Each future step equals the value one season earlier (needs window >= season).

    (n, window, features) -> (n, horizon).
    """
    X, column = _windows(X_windows, column)
    season = check_int("season", season, minimum=1)
    if X.shape[1] < season:
        raise ValueError(
            f"season ({season}) must fit in the window: X_windows has windows of "
            f"{X.shape[1]} steps (shape {X.shape})"
        )
    horizon = _horizon(horizon, len(X))
    steps = X.shape[1] - season + np.arange(horizon) % season  # window positions, (horizon,)
    return X[:, steps, column]


def moving_average(X_windows, k: int, horizon: int = 1, column: int = 0) -> np.ndarray:
    """The mean of each window's last ``k`` values, for every future step. -> (n, horizon)."""
    X, column = _windows(X_windows, column)
    k = check_int("k", k, minimum=1)
    if k > X.shape[1]:
        raise ValueError(
            f"k must satisfy 1 <= k <= window = {X.shape[1]} (X_windows shape {X.shape}), got {k}"
        )
    horizon = _horizon(horizon, len(X))
    return np.repeat(X[:, -k:, column].mean(axis=1)[:, None], horizon, axis=1)


def linear_trend(X_windows, horizon: int = 1, column: int = 0) -> np.ndarray:
    """Extend the straight line from each window's first to last value. -> (n, horizon).

    (Called ``drift`` in some textbooks; in this course "drift" is the random walk's mean
    return, so the window's slope has its own name.)
    """
    X, column = _windows(X_windows, column)
    if X.shape[1] < 2:
        raise ValueError(f"X_windows needs windows of at least 2 steps for a slope, got {X.shape}")
    horizon = _horizon(horizon, len(X))
    slope = (X[:, -1, column] - X[:, 0, column]) / (X.shape[1] - 1)
    steps = np.arange(1, horizon + 1)[None, :]
    return X[:, -1, column][:, None] + slope[:, None] * steps


def climatology(train, n: int) -> np.ndarray:
    """The training mean, for each of ``n`` predictions (no information about the present).

    train: (time,) -> (n,).
    """
    mean = check_series("train", train).mean()
    n = check_int("n", n, minimum=1)
    check_size("n", n)
    return np.full(n, mean)
