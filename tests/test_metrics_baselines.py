import numpy as np
import pytest

from lstm_course import baselines, metrics
from lstm_course.windows import make_windows


def test_metrics_on_a_known_example():
    true, pred = np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 3.0, 1.0, 4.0])
    assert metrics.mae(true, pred) == pytest.approx(0.75)
    assert metrics.mse(true, pred) == pytest.approx(1.25)
    assert metrics.rmse(true, pred) == pytest.approx(np.sqrt(1.25))
    assert metrics.mase(true, pred, train=np.array([0.0, 1.0, 3.0])) == pytest.approx(0.75 / 1.5)


def test_direction_accuracy_skips_flat_steps():
    assert metrics.direction_accuracy([1.0, -1.0, 0.0, 2.0], [0.5, 0.5, 9.0, 1.0]) == pytest.approx(
        2 / 3
    )
    with pytest.raises(ValueError, match="every actual change is 0"):
        metrics.direction_accuracy([0.0, 0.0], [1.0, 1.0])


def test_metric_errors_name_the_shapes():
    with pytest.raises(ValueError, match=r"same shape, got \(2,\) and \(3,\)"):
        metrics.mae([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="y_true contains NaN or inf"):
        metrics.rmse([1.0, np.nan], [1.0, 2.0])
    with pytest.raises(ValueError, match="constant"):
        metrics.mase([1.0], [1.0], train=np.ones(5))


# Issue 11.6: bad seasons and non-finite training data gave numbers or NumPy's errors.
@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"season": -1}, ValueError, "season must be an int >= 1, got -1"),
        ({"season": 0}, ValueError, "season must be an int >= 1, got 0"),
        ({"season": 1.5}, ValueError, "season must be an int >= 1, got 1.5"),
        ({"season": True}, TypeError, "season must be an int >= 1, got bool"),
        ({"season": 3}, ValueError, "train must be longer than season=3, got 3 values"),
        (
            {"train": [0.0, np.inf, 3.0]},
            ValueError,
            r"train contains NaN or inf \(first at index 1",
        ),
        ({"train": [[0.0, 1.0, 3.0]]}, ValueError, r"train must be 1-D"),
    ],
)
def test_mase_refuses_bad_seasons_and_training_data(kwargs, error, message):
    arguments = {"y_true": [1.0, 2.0], "y_pred": [1.5, 2.0], "train": [0.0, 1.0, 3.0]} | kwargs
    with pytest.raises(error, match=message):
        metrics.mase(**arguments)


def test_metrics_accept_lists_and_numpy_scalars():
    assert metrics.mase([1, 2], np.array([1.5, 2.0], dtype=np.float32), [0, 1, 3], np.int64(1)) == (
        pytest.approx(0.25 / 1.5)
    )


def test_baselines_align_with_windows():
    series = np.arange(20.0) ** 1.5
    X, y = make_windows(series, window=6, horizon=3)
    np.testing.assert_array_equal(baselines.persistence(X, 3), np.repeat(X[:, -1, :], 3, axis=1))
    np.testing.assert_allclose(baselines.moving_average(X, 2)[:, 0], X[:, -2:, 0].mean(axis=1))
    linear = np.arange(20.0)
    Xl, yl = make_windows(linear, window=5, horizon=3)
    np.testing.assert_allclose(baselines.linear_trend(Xl, 3), yl)  # a line is extended exactly
    periodic = np.tile([1.0, 5.0, 2.0, 7.0], 6)
    Xp, yp = make_windows(periodic, window=8, horizon=6)
    np.testing.assert_allclose(baselines.seasonal_naive(Xp, season=4, horizon=6), yp)
    assert baselines.climatology([1.0, 3.0], 4).tolist() == [2.0] * 4


def test_baseline_errors():
    with pytest.raises(ValueError, match=r"\(n, window, features\)"):
        baselines.persistence(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="season"):
        baselines.seasonal_naive(np.zeros((2, 3, 1)), season=4)
    with pytest.raises(ValueError, match="1 <= k <= window"):
        baselines.moving_average(np.zeros((2, 3, 1)), k=5)
    with pytest.raises(ValueError, match="at least 2 steps"):
        baselines.linear_trend(np.zeros((2, 1, 1)))
    with pytest.raises(ValueError, match=r"column must be an int in \[-1, 0\], got 1"):
        baselines.persistence(np.zeros((2, 3, 1)), column=1)
    with pytest.raises(ValueError, match="X_windows contains NaN"):
        baselines.persistence(np.full((2, 3, 1), np.nan))
    with pytest.raises(ValueError, match="n must be an int >= 1, got 0"):
        baselines.climatology([1.0, 2.0], 0)


# Issue 11.6: horizon=2.5 gave 3 steps, horizon=0 empty arrays or a np.stack error.
@pytest.mark.parametrize(
    "baseline",
    [
        baselines.persistence,
        lambda X, horizon: baselines.seasonal_naive(X, 2, horizon),
        lambda X, horizon: baselines.moving_average(X, 2, horizon),
        baselines.linear_trend,
    ],
    ids=["persistence", "seasonal_naive", "moving_average", "linear_trend"],
)
@pytest.mark.parametrize(
    ("horizon", "error", "message"),
    [
        (2.5, ValueError, r"horizon must be an int >= 1, got 2.5 \(not a whole number\)"),
        (0, ValueError, "horizon must be an int >= 1, got 0"),
        (-1, ValueError, "horizon must be an int >= 1, got -1"),
        (True, TypeError, "horizon must be an int >= 1, got bool"),
        (10**12, ValueError, "horizon would need"),
    ],
)
def test_baselines_refuse_bad_horizons(baseline, horizon, error, message):
    with pytest.raises(error, match=message):
        baseline(np.ones((3, 4, 1)), horizon=horizon)


def test_baselines_accept_numpy_scalars_and_lists():
    X = np.arange(24.0).reshape(2, 4, 3)
    np.testing.assert_array_equal(
        baselines.persistence(X.tolist(), np.int64(2), np.int32(-1)),
        baselines.persistence(X, 2, 2),
    )
    np.testing.assert_allclose(
        baselines.seasonal_naive(X.astype(np.float32), np.int64(2), 3), X[:, [2, 3, 2], 0]
    )
