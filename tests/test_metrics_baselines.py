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
    with pytest.raises(ValueError, match="finite"):
        metrics.rmse([1.0, np.nan], [1.0, 2.0])
    with pytest.raises(ValueError, match="constant"):
        metrics.mase([1.0], [1.0], train=np.ones(5))


def test_baselines_align_with_windows():
    series = np.arange(20.0) ** 1.5
    X, y = make_windows(series, window=6, horizon=3)
    np.testing.assert_array_equal(baselines.persistence(X, 3), np.repeat(X[:, -1, :], 3, axis=1))
    np.testing.assert_allclose(baselines.moving_average(X, 2)[:, 0], X[:, -2:, 0].mean(axis=1))
    linear = np.arange(20.0)
    Xl, yl = make_windows(linear, window=5, horizon=3)
    np.testing.assert_allclose(baselines.drift(Xl, 3), yl)  # a line is extended exactly
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
