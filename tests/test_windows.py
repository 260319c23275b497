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
        ({"window": 3, "horizon": 2.5}, r"horizon must be an int >= 1, got 2.5 \(not a whole"),
        ({"window": 3, "stride": 0}, "stride must be an int >= 1"),
        ({"window": 3, "target_columns": 5}, r"target_columns must be an int in \[-1, 0\], got 5"),
        ({"window": 3, "target_columns": []}, "target_columns must name at least one column"),
        ({"window": 3, "target_columns": [0, 2]}, r"target_columns\[1\] must be an int in"),
    ],
)
def test_bad_arguments_name_what_was_expected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_windows(np.arange(10.0), **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"window": True}, "window must be an int >= 1, got bool True"),
        ({"window": "3"}, "window must be an int >= 1, got str '3'"),
        ({"window": 3, "target_columns": True}, "target_columns must be an int"),
        ({"window": 3, "target_columns": "temp"}, "target_columns must be an int, a list"),
        ({"window": 3, "target_columns": [None]}, r"target_columns\[0\] must be an int"),
    ],
)
def test_wrong_kinds_of_arguments_are_type_errors(kwargs, message):
    with pytest.raises(TypeError, match=message):
        make_windows(np.arange(10.0), **kwargs)


def test_numpy_scalars_and_lists_are_accepted():
    X, y = make_windows(list(range(10)), np.int64(3), np.int32(2), stride=np.int64(1))
    X_ref, y_ref = make_windows(np.arange(10.0), 3, 2)
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(y, y_ref)
    _, y_two = make_windows(np.arange(30.0).reshape(10, 3), 4, target_columns=(0, -1))
    assert y_two.shape == (6, 1, 2)


def test_nan_and_bad_shapes_are_rejected():
    with pytest.raises(ValueError, match=r"series contains NaN or inf \(first at index 3\)"):
        make_windows(np.array([1.0, 2, 3, np.nan, 5]), 2)
    with pytest.raises(ValueError, match=r"\(time,\) or \(time, features\), got shape \(2, 2, 2\)"):
        make_windows(np.zeros((2, 2, 2)), 1)
    with pytest.raises(TypeError, match="series must hold real numbers"):
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
    with pytest.raises(ValueError, match=r"fractions must be three numbers .* got shape \(2,\)"):
        split_points(100, (0.5, 0.5))
    with pytest.raises(TypeError, match="fractions must hold real numbers"):
        split_points(100, ("a", "b", "c"))
    with pytest.raises(ValueError, match="series is empty"):
        chronological_split([])
    with pytest.raises(ValueError, match="series contains NaN"):
        chronological_split([1.0, np.nan, 3.0, 4.0])


# Issue 11.5: positions are cut, so an index out of time order would leak the future.
def descending_frame():
    return pd.Series(np.arange(20.0), index=pd.date_range("2020-01-01", periods=20)[::-1])


@pytest.mark.parametrize(
    "call",
    [
        lambda series: chronological_split(series, (0.5, 0.25, 0.25)),
        lambda series: make_windows(series, 3),
        lambda series: make_windows(series.to_frame(), 3),
    ],
    ids=["chronological_split", "make_windows", "make_windows(frame)"],
)
def test_unsorted_dates_are_refused(call):
    with pytest.raises(ValueError, match=r"series.index is not sorted .*sort_index\(\)"):
        call(descending_frame())


def test_duplicate_dates_are_refused():
    days = pd.date_range("2020-01-01", periods=10)
    repeated = pd.Series(np.arange(12.0), index=days.append(days[-2:]).sort_values())
    with pytest.raises(ValueError, match="series.index has duplicate entries"):
        chronological_split(repeated)
    with pytest.raises(ValueError, match="series.index has duplicate entries"):
        make_windows(repeated, 2)


def test_sorted_frames_split_and_window_as_before():
    frame = descending_frame().sort_index()
    train, _, test = chronological_split(frame, (0.5, 0.25, 0.25))
    assert train.index.max() < test.index.min()
    X, y = make_windows(frame, 3)
    assert X.shape == (17, 3, 1) and y.shape == (17, 1)


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
    with pytest.raises(ValueError, match="not fitted"):
        StandardScaler().inverse_transform(np.zeros(3), column=0)
    scaler = StandardScaler().fit(np.zeros((5, 2)) + [[1.0, 2.0]])
    np.testing.assert_array_equal(scaler.std_, [1.0, 1.0])  # constant columns do not divide by 0
    with pytest.raises(ValueError, match=r"expected 2 column\(s\)"):
        scaler.transform(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"data is 1-D \(one column\) .* 2 columns"):
        scaler.transform(np.zeros(2))  # 1-D means one column, not one row
    with pytest.raises(ValueError, match="or column=k"):
        scaler.inverse_transform(np.zeros(5))
    with pytest.raises(ValueError, match=r"column must be an int in \[-2, 1\], got 2"):
        scaler.inverse_transform(np.zeros(3), column=2)


def test_scaler_refuses_empty_and_non_finite_input():
    # Issue 11.6: fit([]) used to store NaN statistics with only a RuntimeWarning.
    with pytest.raises(ValueError, match=r"train needs at least 1 value"):
        StandardScaler().fit([])
    scaler = StandardScaler().fit([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="data contains NaN or inf"):
        scaler.transform([1.0, np.nan])
    with pytest.raises(ValueError, match="data contains NaN or inf"):
        scaler.inverse_transform([np.inf], column=0)
    with pytest.raises(TypeError, match="data must hold real numbers"):
        scaler.transform(["1.0"])
    assert scaler.transform(np.empty(0)).shape == (0,)  # an empty split stays empty


def test_scaler_keeps_shapes_and_accepts_windows():
    scaler = StandardScaler().fit(np.arange(12.0).reshape(6, 2))
    windows = np.arange(24.0).reshape(3, 4, 2)  # (examples, window, features)
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(windows)), windows)
    assert scaler.inverse_transform(np.float32(0.0), column=-1) == pytest.approx(6.0)


def test_scaler_built_from_statistics_is_checked():
    scaler = StandardScaler(mean_=[1.0], std_=[2.0])
    np.testing.assert_allclose(scaler.transform([3.0]), [1.0])
    with pytest.raises(ValueError, match="both mean_ and std_"):
        StandardScaler(mean_=np.zeros(2))
    with pytest.raises(ValueError, match="std_ must be > 0"):
        StandardScaler(mean_=[0.0], std_=[0.0])


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
