import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lstm_course.windows import StandardScaler, chronological_split, make_windows, split_points


@given(
    time=st.integers(2, 60),
    window=st.integers(1, 20),
    horizon=st.integers(1, 5),
    stride=st.integers(1, 4),
    features=st.integers(1, 3),
)
def test_targets_always_come_after_their_window(time, window, horizon, stride, features):
    if window + horizon > time:
        return
    # Encode the time index in the values: then "no leak" is a comparison of numbers.
    series = np.repeat(np.arange(time, dtype=float)[:, None], features, axis=1)
    X, y = make_windows(series, window, horizon, stride=stride)
    assert X.shape == (len(y), window, features) and y.shape == (len(X), horizon)
    assert np.all(y.min(axis=1) > X[:, :, 0].max(axis=1))  # every target is in the future
    assert np.all(y[:, 0] == X[:, -1, 0] + 1)  # and starts right after the window
    assert len(X) == (time - window - horizon) // stride + 1


def test_target_columns_shapes():
    series = np.arange(30.0).reshape(10, 3)
    assert make_windows(series, 4, 2, target_columns=2)[1].shape == (5, 2)
    assert make_windows(series, 4, 2, target_columns=[0, 2])[1].shape == (5, 2, 2)
    assert make_windows(series, 4, 2, target_columns=None)[1].shape == (5, 2, 3)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"window": 10, "horizon": 1},
            r"window \(10\) \+ horizon \(1\) = 11 is longer than the series \(10",
        ),
        ({"window": 3, "horizon": 0}, "horizon must be an int >= 1, got 0"),
        ({"window": 0}, "window must be an int >= 1"),
        ({"window": True}, "window must be an int >= 1, got True"),
        ({"window": 3, "stride": 0}, "stride must be an int >= 1"),
        ({"window": 3, "target_columns": 5}, "target column 5 out of range for 1 feature"),
    ],
)
def test_bad_arguments_name_what_was_expected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_windows(np.arange(10.0), **kwargs)


def test_nan_and_bad_shapes_are_rejected():
    with pytest.raises(ValueError, match="NaN or inf .*time 3"):
        make_windows(np.array([1.0, 2, 3, np.nan, 5]), 2)
    with pytest.raises(ValueError, match=r"\(time,\) or \(time, features\), got shape \(2, 2, 2\)"):
        make_windows(np.zeros((2, 2, 2)), 1)
    with pytest.raises(TypeError, match="must hold numbers"):
        make_windows(np.array(["a", "b", "c"]), 1)


def test_chronological_split_keeps_order_and_sizes():
    series = np.arange(100)
    train, val, test = chronological_split(series)
    assert (len(train), len(val), len(test)) == (70, 15, 15)
    assert train[-1] < val[0] and val[-1] < test[0]
    frame = pd.Series(np.arange(20.0), index=pd.date_range("2020-01-01", periods=20))
    parts = chronological_split(frame, (0.5, 0.25, 0.25))
    assert [len(p) for p in parts] == [10, 5, 5] and parts[0].index.max() < parts[1].index.min()


def test_split_rejects_bad_fractions_and_short_series():
    with pytest.raises(ValueError, match="summing to 1"):
        split_points(100, (0.5, 0.5, 0.5))
    with pytest.raises(ValueError, match="too short"):
        split_points(2, (0.7, 0.15, 0.15))


def test_scaler_uses_training_statistics_only():
    train, future = np.array([0.0, 2.0, 4.0]), np.array([100.0, 200.0])
    scaler = StandardScaler().fit(train)
    np.testing.assert_allclose(scaler.transform(train).mean(), 0.0, atol=1e-12)
    # the future's level does not move the scaler: it is far from 0 after scaling
    assert scaler.transform(future).min() > 30
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(future)), future)
    np.testing.assert_allclose(scaler.inverse_transform(np.array([0.0]), column=0), [2.0])


def test_scaler_errors():
    with pytest.raises(ValueError, match="not fitted"):
        StandardScaler().transform(np.zeros(3))
    scaler = StandardScaler().fit(np.zeros((5, 2)) + [[1.0, 2.0]])
    np.testing.assert_array_equal(scaler.std_, [1.0, 1.0])  # constant columns do not divide by 0
    with pytest.raises(ValueError, match=r"expected 2 column\(s\)"):
        scaler.transform(np.zeros((4, 3)))


@given(length=st.integers(30, 200), window=st.integers(1, 5), stride=st.integers(1, 3))
def test_windowing_each_split_never_reaches_across_a_split(length, window, stride):
    # Values are time indices: every input and target of a split's windows must lie inside
    # that split, so no validation or test value can reach a training example.
    times = np.arange(length, dtype=float)
    train_end, val_end = split_points(length)
    bounds = [(0, train_end), (train_end, val_end), (val_end, length)]
    for part, (start, stop) in zip(chronological_split(times), bounds, strict=True):
        if len(part) < window + 1:
            continue
        X, y = make_windows(part, window, stride=stride)
        assert X.min() >= start and max(X.max(), y.max()) < stop
        assert np.all(y[:, 0] > X[:, :, 0].max(axis=1))
