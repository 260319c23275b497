"""Turn a time series into supervised (window -> future) examples, without leaking the future.

Conventions: a series is ``(time,)`` or ``(time, features)``; windows are
``(examples, window, features)``; targets are ``(examples, horizon)`` for one target
column or ``(examples, horizon, targets)`` for several. Splits are chronological, and
scalers are fitted on the training part only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _as_2d_series(series, name: str = "series") -> np.ndarray:
    array = np.asarray(series)
    if not np.issubdtype(array.dtype, np.number):
        raise TypeError(f"{name} must hold numbers, got dtype {array.dtype}")
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise ValueError(f"{name} must be (time,) or (time, features), got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        bad = np.argwhere(~np.isfinite(array))[0]
        raise ValueError(
            f"{name} contains NaN or inf (first at time {bad[0]}, column {bad[1]}); "
            "fill or drop missing values first"
        )
    return array.astype(np.float64, copy=False)


def make_windows(
    series,
    window: int,
    horizon: int = 1,
    *,
    stride: int = 1,
    target_columns: int | list[int] | None = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Sliding windows of the past and the values that follow them.

    Example ``k`` uses times ``[k*stride, k*stride + window)`` as input and the next
    ``horizon`` times ``[k*stride + window, k*stride + window + horizon)`` as target, so no
    target value ever appears inside its own input window.

    Args:
        series: (time,) or (time, features) numbers without NaN.
        window: input length, >= 1.
        horizon: how many future steps to predict, >= 1.
        stride: step between consecutive windows, >= 1.
        target_columns: column(s) to predict; an int gives y of shape (n, horizon),
            a list gives (n, horizon, len(list)), None predicts every column.

    Returns:
        X: (n, window, features) float64; y as described above.
    """
    data = _as_2d_series(series)
    for name, value in (("window", window), ("horizon", horizon), ("stride", stride)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be an int >= 1, got {value!r}")
    time, features = data.shape
    if window + horizon > time:
        raise ValueError(
            f"window ({window}) + horizon ({horizon}) = {window + horizon} is longer "
            f"than the series ({time} steps)"
        )
    if target_columns is None:
        columns: list[int] | int = list(range(features))
    else:
        columns = target_columns
    for column in [columns] if isinstance(columns, (int, np.integer)) else columns:
        if not -features <= column < features:
            raise ValueError(f"target column {column} out of range for {features} feature(s)")
    starts = np.arange(0, time - window - horizon + 1, stride)
    past = starts[:, None] + np.arange(window)[None, :]
    future = starts[:, None] + window + np.arange(horizon)[None, :]
    X = data[past]  # (n, window, features)
    y = data[future][..., columns]  # (n, horizon) or (n, horizon, k)
    return X, y


def split_points(length: int, fractions=(0.7, 0.15, 0.15)) -> tuple[int, int]:
    """Indices where a chronological train/validation/test split of ``length`` cuts."""
    fractions = tuple(float(f) for f in fractions)
    if len(fractions) != 3 or min(fractions) < 0 or abs(sum(fractions) - 1) > 1e-9:
        raise ValueError(
            f"fractions must be three non-negative numbers summing to 1, got {fractions}"
        )
    train_end = int(round(length * fractions[0]))
    val_end = int(round(length * (fractions[0] + fractions[1])))
    if (
        train_end < 1
        or val_end - train_end < (fractions[1] > 0)
        or length - val_end < (fractions[2] > 0)
    ):
        raise ValueError(f"a series of {length} steps is too short to split as {fractions}")
    return train_end, val_end


def chronological_split(series, fractions=(0.7, 0.15, 0.15)):
    """Split along time (the first axis) into train, validation, test — never shuffled.

    Returns three arrays (or three pandas objects, if given one) in time order.
    """
    train_end, val_end = split_points(len(series), fractions)
    if hasattr(series, "iloc"):
        return series.iloc[:train_end], series.iloc[train_end:val_end], series.iloc[val_end:]
    series = np.asarray(series)
    return series[:train_end], series[train_end:val_end], series[val_end:]


@dataclass
class StandardScaler:
    """Per-column standardisation whose mean and std come from the training data only.

    ``fit`` on the training split, then ``transform`` every split with the same numbers;
    fitting on the whole series would leak the future's level and spread into training.
    """

    mean_: np.ndarray | None = None
    std_: np.ndarray | None = None

    def fit(self, train) -> StandardScaler:
        data = _as_2d_series(train, "train")
        self.mean_ = data.mean(axis=0)
        std = data.std(axis=0)
        self.std_ = np.where(std > 0, std, 1.0)  # a constant column stays as it is, shifted to 0
        return self

    def _check(self, data) -> tuple[np.ndarray, bool]:
        if self.mean_ is None:
            raise ValueError("StandardScaler is not fitted: call .fit(train) first")
        array = np.asarray(data, dtype=np.float64)
        was_1d = array.ndim == 1
        array2 = array[:, None] if was_1d else array
        if array2.shape[-1] != self.mean_.shape[0]:
            raise ValueError(
                f"expected {self.mean_.shape[0]} column(s) as in training, got shape {array.shape}"
            )
        return array2, was_1d

    def transform(self, data) -> np.ndarray:
        array, was_1d = self._check(data)
        out = (array - self.mean_) / self.std_
        return out[:, 0] if was_1d else out

    def inverse_transform(self, data, column: int | None = None) -> np.ndarray:
        """Undo :meth:`transform`; ``column`` picks one column's scale for a 1-D prediction."""
        if column is not None:
            if self.mean_ is None:
                raise ValueError("StandardScaler is not fitted: call .fit(train) first")
            return np.asarray(data, dtype=np.float64) * self.std_[column] + self.mean_[column]
        array, was_1d = self._check(data)
        out = array * self.std_ + self.mean_
        return out[:, 0] if was_1d else out

    def fit_transform(self, train) -> np.ndarray:
        return self.fit(train).transform(train)
