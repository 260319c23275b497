"""Turn a time series into supervised (window -> future) examples, without leaking the future.

Conventions: a series is ``(time,)`` or ``(time, features)``; windows are
``(examples, window, features)``; targets are ``(examples, horizon)`` for one target
column or ``(examples, horizon, targets)`` for several. Splits are chronological, and
scalers are fitted on the training part only.

Everything here cuts by *position*, so a pandas input must be in time order: an index
that is unsorted or has duplicate dates is refused (it would put later days into the
training part without any error).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_course._checks import (
    as_float_array,
    check_array,
    check_finite,
    check_int,
    check_size,
    check_time_index,
    describe,
)

SERIES_SHAPE = "(time,) or (time, features)"


def _check_pandas_order(name: str, series) -> None:
    """A pandas Series/DataFrame must be sorted by its index, without duplicates."""
    if hasattr(series, "iloc") and hasattr(series, "index"):
        check_time_index(f"{name}.index", series.index)


def _time_by_features(name: str, series) -> np.ndarray:
    """A finite series ``(time,)`` or ``(time, features)`` as float64 ``(time, features)``."""
    _check_pandas_order(name, series)
    array = check_array(name, series, ndim=(1, 2), shape_text=SERIES_SHAPE)
    return array[:, None] if array.ndim == 1 else array


def _target_columns(target_columns, features: int) -> int | list[int]:
    """An int -> that column; a list of ints -> those columns; None -> every column."""
    if target_columns is None:
        return list(range(features))
    bounds = {"minimum": -features, "maximum": features - 1}
    if isinstance(target_columns, (list, tuple, np.ndarray)):
        if len(target_columns) == 0:
            raise ValueError(
                "target_columns must name at least one column (or be None for all), "
                "got an empty list"
            )
        return [
            check_int(f"target_columns[{i}]", column, **bounds)
            for i, column in enumerate(target_columns)
        ]
    if isinstance(target_columns, (str, bytes, dict, set)):
        raise TypeError(
            f"target_columns must be an int, a list of ints or None, got {describe(target_columns)}"
        )
    return check_int("target_columns", target_columns, **bounds)


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
        series: (time,) or (time, features) numbers without NaN, in time order.
        window: input length, >= 1.
        horizon: how many future steps to predict, >= 1.
        stride: step between consecutive windows, >= 1.
        target_columns: column(s) to predict; an int gives y of shape (n, horizon),
            a non-empty list gives (n, horizon, len(list)), None predicts every column.

    Returns:
        X: (n, window, features) float64; y as described above.
    """
    data = _time_by_features("series", series)
    window = check_int("window", window, minimum=1)
    horizon = check_int("horizon", horizon, minimum=1)
    stride = check_int("stride", stride, minimum=1)
    time, features = data.shape
    if window + horizon > time:
        raise ValueError(
            f"window ({window}) + horizon ({horizon}) = {window + horizon} is longer "
            f"than the series ({time} steps)"
        )
    columns = _target_columns(target_columns, features)
    targets = 1 if isinstance(columns, int) else len(columns)
    examples = (time - window - horizon) // stride + 1
    check_size("window", examples * (window * features + horizon * targets))
    starts = np.arange(examples) * stride
    past = starts[:, None] + np.arange(window)[None, :]
    future = starts[:, None] + window + np.arange(horizon)[None, :]
    X = data[past]  # (n, window, features)
    y = data[future][..., columns]  # (n, horizon) or (n, horizon, k)
    return X, y


def split_points(length: int, fractions=(0.7, 0.15, 0.15)) -> tuple[int, int]:
    """Indices where a chronological train/validation/test split of ``length`` cuts."""
    length = check_int("length", length, minimum=1)
    shares = as_float_array("fractions", fractions)
    if shares.shape != (3,):
        raise ValueError(
            f"fractions must be three numbers (train, validation, test), got shape {shares.shape}"
        )
    check_finite("fractions", shares)
    shown = tuple(shares.tolist())
    if shares.min() < 0 or abs(shares.sum() - 1) > 1e-9:
        raise ValueError(f"fractions must be three non-negative numbers summing to 1, got {shown}")
    train_end = int(round(length * shares[0]))
    val_end = int(round(length * (shares[0] + shares[1])))
    empty_part = val_end - train_end < (shares[1] > 0) or length - val_end < (shares[2] > 0)
    if train_end < 1 or empty_part:
        raise ValueError(f"a series of length {length} is too short to split as {shown}")
    return train_end, val_end


def chronological_split(series, fractions=(0.7, 0.15, 0.15)):
    """Split along time (the first axis) into train, validation, test — never shuffled.

    Args:
        series: numbers without NaN, time on the first axis (an array, a list, or a pandas
            Series/DataFrame whose index is sorted and has no duplicates).
        fractions: shares of (train, validation, test), non-negative, summing to 1.

    Returns three arrays (or three pandas objects, if given one) in time order.
    """
    _check_pandas_order("series", series)
    values = check_array("series", series, min_size=0)
    if values.ndim == 0:
        raise ValueError(f"series must have a time axis, got a scalar {describe(series)}")
    if len(values) == 0:
        raise ValueError(f"series is empty (shape {values.shape}): nothing to split")
    train_end, val_end = split_points(len(values), fractions)
    if hasattr(series, "iloc"):
        return series.iloc[:train_end], series.iloc[train_end:val_end], series.iloc[val_end:]
    series = np.asarray(series)
    return series[:train_end], series[train_end:val_end], series[val_end:]


@dataclass
class StandardScaler:
    """Per-column standardisation whose mean and std come from the training data only.

    ``fit`` on the training split, then ``transform`` every split with the same numbers;
    fitting on the whole series would leak the future's level and spread into training.
    ``mean_`` and ``std_`` are (features,) arrays once fitted (None before).
    """

    mean_: np.ndarray | None = None
    std_: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.mean_ is None and self.std_ is None:
            return
        if self.mean_ is None or self.std_ is None:
            raise ValueError(
                "StandardScaler needs both mean_ and std_ (fitted) or neither (unfitted), "
                f"got mean_={describe(self.mean_)} and std_={describe(self.std_)}"
            )
        self.mean_ = check_array("mean_", self.mean_, ndim=1, shape_text="(features,)")
        self.std_ = check_array("std_", self.std_, ndim=1, shape_text="(features,)")
        if self.mean_.shape != self.std_.shape:
            raise ValueError(
                f"mean_ and std_ must have the same shape, got {self.mean_.shape} "
                f"and {self.std_.shape}"
            )
        if np.any(self.std_ <= 0):
            raise ValueError(f"std_ must be > 0 in every column, got {self.std_}")

    def fit(self, train) -> StandardScaler:
        """Learn each column's mean and std from ``train``, (time,) or (time, features)."""
        data = _time_by_features("train", train)
        self.mean_ = data.mean(axis=0)
        std = data.std(axis=0)
        self.std_ = np.where(std > 0, std, 1.0)  # a constant column stays as it is, shifted to 0
        return self

    def _columns(self) -> int:
        if self.mean_ is None:
            raise ValueError("StandardScaler is not fitted: call .fit(train) first")
        return self.mean_.shape[0]

    def _prepared(self, data, hint: str = "") -> np.ndarray:
        """``data`` as a finite float64 array whose last axis holds the training columns.

        A 1-D array is a single column's values (allowed only for a one-column scaler);
        any leading axes are kept, so (n, window, features) windows work too.
        """
        columns = self._columns()
        array = check_array("data", data, min_size=0)  # empty in, empty out
        if array.ndim == 0:
            raise ValueError(f"data must be an array (time,) or (..., features), got {array!r}")
        if array.ndim == 1 and columns > 1:
            raise ValueError(
                f"data is 1-D (one column) but the scaler was fitted on {columns} columns: "
                f"pass shape (..., {columns}){hint}"
            )
        if array.ndim > 1 and array.shape[-1] != columns:
            raise ValueError(
                f"data: expected {columns} column(s) as in training on its last axis, "
                f"got shape {array.shape}"
            )
        return array

    def transform(self, data) -> np.ndarray:
        """Standardise with the training statistics; same shape out."""
        return (self._prepared(data) - self.mean_) / self.std_

    def inverse_transform(self, data, column: int | None = None) -> np.ndarray:
        """Undo :meth:`transform`; ``column`` picks one column's scale for a 1-D prediction.

        With ``column``, ``data`` may have any shape (a number, a vector of predictions).
        """
        if column is None:
            hint = ", or column=k to undo column k's scaling"
            return self._prepared(data, hint) * self.std_ + self.mean_
        columns = self._columns()
        column = check_int("column", column, minimum=-columns, maximum=columns - 1)
        values = check_array("data", data, min_size=0)
        return values * self.std_[column] + self.mean_[column]

    def fit_transform(self, train) -> np.ndarray:
        """``fit(train)`` then ``transform(train)``."""
        return self.fit(train).transform(train)
