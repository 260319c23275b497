"""lstm_course.multistep: windows at origins, climatology, damping, ridge, per-horizon scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_course import multistep as ms
from lstm_course.forecast_eval import block_bootstrap_ci

# --- windows and targets --------------------------------------------------------------------


def test_windows_end_at_the_origin_and_targets_follow_it():
    values = np.arange(40.0).reshape(20, 2)  # row t holds (2t, 2t + 1)
    X = ms.origin_windows(values, [4, 10], window=3, dtype=np.float64)
    assert X.shape == (2, 3, 2)
    np.testing.assert_array_equal(X[0, :, 0], [4.0, 6.0, 8.0])  # rows 2, 3, 4
    y = ms.future_values(values[:, 0], [4, 10], horizon=3)
    np.testing.assert_array_equal(y, [[10.0, 12.0, 14.0], [22.0, 24.0, 26.0]])  # rows t+1..t+3
    assert ms.origin_windows(values[:, 0], [2], 3).shape == (1, 3, 1)
    assert ms.origin_windows(values, [2], 3).dtype == np.float32


@pytest.mark.parametrize(
    ("origins", "match"),
    [([1], r"origins must lie in \[2, 19\]"), ([25], r"origins must lie"), ([2.5], "whole row")],
)
def test_windows_refuse_origins_without_history(origins, match):
    with pytest.raises(ValueError, match=match):
        ms.origin_windows(np.zeros((20, 2)), origins, window=3)


def test_future_values_keep_missing_targets_and_refuse_running_off_the_end():
    series = np.array([1.0, np.nan, 3.0, 4.0, 5.0])
    np.testing.assert_array_equal(ms.future_values(series, [0], 2), [[np.nan, 3.0]])
    with pytest.raises(ValueError, match=r"origins must lie in \[0, 2\]"):
        ms.future_values(series, [3], 2)
    with pytest.raises(ValueError, match="inf"):
        ms.future_values([1.0, np.inf, 2.0], [0], 1)


# --- calendar -------------------------------------------------------------------------------


def test_cyclical_encoding_puts_the_end_of_a_cycle_next_to_its_start():
    enc = ms.cyclical_encoding([0, 6, 12, 23, 24], 24)
    np.testing.assert_allclose(enc[0], [0.0, 1.0], atol=1e-12)
    np.testing.assert_allclose(enc[1], [1.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(enc[4], enc[0], atol=1e-12)  # a full turn
    assert np.linalg.norm(enc[3] - enc[0]) < 0.27  # hour 23 is next to hour 0


def test_calendar_features_treat_29_february_as_28_february():
    times = pd.to_datetime(
        [
            "2012-02-28 05:00",
            "2012-02-29 05:00",
            "2012-03-01 05:00",
            "2011-03-01 05:00",
            "2012-12-31 23:00",
        ]
    )
    features = ms.calendar_features(times)
    assert features.shape == (5, 4)
    np.testing.assert_allclose(features[0], features[1])  # 28 and 29 Feb share a day
    np.testing.assert_allclose(features[2], features[3])  # 1 March: same day in both years
    np.testing.assert_allclose(features[4, 2:], ms.cyclical_encoding([364], 365)[0])


def test_calendar_features_refuse_non_times():
    with pytest.raises(TypeError, match="times must be timestamps"):
        ms.calendar_features([object()])
    with pytest.raises(ValueError, match="without NaT"):
        ms.calendar_features(pd.DatetimeIndex([]))


# --- climatology and damping ----------------------------------------------------------------


def _hourly(years=3, seed=0):
    times = pd.date_range("2010-01-01", periods=years * 8760, freq="h")
    day = times.day_of_year.to_numpy()
    hour = times.hour.to_numpy()
    truth = 10 - 12 * np.cos(2 * np.pi * day / 365) + 4 * np.sin(2 * np.pi * (hour - 9) / 24)
    noise = np.random.default_rng(seed).normal(0, 1, len(times))
    return times, truth, truth + noise


def test_climatology_recovers_a_smooth_seasonal_cycle():
    times, truth, observed = _hourly()
    clim = ms.SeasonalClimatology(smooth_days=7).fit(times, observed)
    assert clim.table_.shape == (365, 24)
    assert np.mean(np.abs(clim.predict(times) - truth)) < 0.3  # noise 1.0, averaged away


def test_climatology_needs_a_fit_and_a_whole_year():
    with pytest.raises(ValueError, match="not fitted"):
        ms.SeasonalClimatology().predict(pd.date_range("2010", periods=3, freq="h"))
    times = pd.date_range("2010-01-01", periods=24 * 30, freq="h")
    with pytest.raises(ValueError, match="whole year"):
        ms.SeasonalClimatology(smooth_days=3).fit(times, np.zeros(len(times)))
    with pytest.raises(ValueError, match="one length"):
        ms.SeasonalClimatology().fit(times, np.zeros(3))
    with pytest.raises(ValueError, match="smooth_days"):
        ms.SeasonalClimatology(smooth_days=-1)


def test_damping_is_the_slope_through_the_origin():
    rng = np.random.default_rng(1)
    now = rng.normal(size=500)
    future = np.stack([0.9 * now, 0.5 * now + rng.normal(0, 0.01, 500)], axis=1)
    np.testing.assert_allclose(ms.fit_damping(now, future), [0.9, 0.5], atol=0.01)
    with pytest.raises(ValueError, match="all zeros"):
        ms.fit_damping(np.zeros(4), np.ones((4, 2)))
    with pytest.raises(ValueError, match="must have 4 rows"):
        ms.fit_damping(np.ones(4), np.ones((3, 2)))


# --- ridge ----------------------------------------------------------------------------------


def test_ridge_with_alpha_zero_is_least_squares_with_an_intercept():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(60, 4))
    Y = X @ rng.normal(size=(4, 3)) + 5.0 + rng.normal(0, 0.1, (60, 3))
    model = ms.fit_ridge(X, Y, alpha=0.0)
    design = np.hstack([X, np.ones((60, 1))])
    coef = np.linalg.lstsq(design, Y, rcond=None)[0]
    np.testing.assert_allclose(model.W, coef[:4], atol=1e-9)
    np.testing.assert_allclose(model.b, coef[4], atol=1e-9)


def test_ridge_does_not_penalise_the_intercept_and_shrinks_the_weights():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(50, 3))
    Y = X @ np.array([1.0, -2.0, 0.5]) + 100.0
    huge = ms.fit_ridge(X, Y, alpha=1e9)
    assert np.all(np.abs(huge.W) < 1e-5)
    np.testing.assert_allclose(huge.predict(X), Y.mean(), atol=1e-3)  # the mean, not zero
    windows = X.reshape(50, 3, 1)  # windows are flattened: the same fit
    np.testing.assert_allclose(
        ms.fit_ridge(windows, Y, 1.0).predict(windows), ms.fit_ridge(X, Y, 1.0).predict(X)
    )


def test_ridge_refuses_mismatched_inputs():
    with pytest.raises(ValueError, match="one number of rows"):
        ms.fit_ridge(np.ones((5, 2)), np.ones(4), 1.0)
    model = ms.fit_ridge(np.random.default_rng(0).normal(size=(5, 2)), np.arange(5.0), 1.0)
    with pytest.raises(ValueError, match="fitted on 2"):
        model.predict(np.ones((3, 3)))
    with pytest.raises(ValueError, match="singular"):
        ms.fit_ridge(np.ones((5, 2)), np.arange(5.0), 0.0)


def test_select_ridge_agrees_with_fit_ridge_and_picks_the_best_alpha():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(120, 30))
    W = np.zeros((30, 2))
    W[:3] = rng.normal(size=(3, 2))
    Y = X @ W + rng.normal(0, 1.0, (120, 2))
    best, scores = ms.select_ridge(X[:80], Y[:80], X[80:], Y[80:], alphas=[0.01, 10, 1e6])
    assert set(scores) == {0.01, 10.0, 1e6} and best.alpha == min(scores, key=scores.get)
    direct = ms.fit_ridge(X[:80], Y[:80], best.alpha)
    np.testing.assert_allclose(best.predict(X[80:]), direct.predict(X[80:]), atol=1e-8)
    with pytest.raises(ValueError, match="alphas must be"):
        ms.select_ridge(X[:80], Y[:80], X[80:], Y[80:], alphas=[0.0])
    with pytest.raises(ValueError, match="X_val, Y_val must have shapes"):
        ms.select_ridge(X[:80], Y[:80], X[80:, :5], Y[80:], alphas=[1.0])


# --- scores ---------------------------------------------------------------------------------


def test_error_by_horizon_per_column_and_missing_targets():
    truth = np.array([[1.0, 2.0], [3.0, np.nan], [5.0, 6.0]])
    pred = np.array([[2.0, 2.0], [3.0, 100.0], [2.0, 4.0]])
    np.testing.assert_allclose(ms.error_by_horizon(truth, pred, skip_missing=True), [4 / 3, 1.0])
    np.testing.assert_allclose(
        ms.error_by_horizon(truth, pred, "rmse", skip_missing=True), [np.sqrt(10 / 3), np.sqrt(2)]
    )
    np.testing.assert_allclose(
        ms.error_by_horizon(truth, pred, "bias", skip_missing=True), [2 / 3, 1.0]
    )
    with pytest.raises(ValueError, match="skip_missing=True"):
        ms.error_by_horizon(truth, pred)
    with pytest.raises(ValueError, match="no value to score"):
        ms.error_by_horizon(np.full((2, 1), np.nan), np.ones((2, 1)), skip_missing=True)
    with pytest.raises(ValueError, match="y_pred"):
        ms.error_by_horizon(truth, np.where(np.isnan(truth), np.nan, pred), skip_missing=True)


def test_horizon_ci_matches_the_scalar_block_bootstrap_in_spirit():
    rng = np.random.default_rng(5)
    a = rng.normal(0, 1.0, (480, 3))
    b = rng.normal(0, 1.2, (480, 3))
    d, low, high = ms.horizon_difference_ci(a, b, block=24, n_boot=2000, seed=0)
    np.testing.assert_allclose(d, np.mean(np.abs(a) - np.abs(b), axis=0))
    assert np.all(low < d) and np.all(d < high)
    ref_low, ref_high = block_bootstrap_ci(np.abs(a[:, 0]) - np.abs(b[:, 0]), block=24, n_boot=2000)
    assert abs((high[0] - low[0]) - (ref_high - ref_low)) < 0.3 * (ref_high - ref_low)
    same = ms.horizon_difference_ci(a, b, block=24, n_boot=2000, seed=0)
    np.testing.assert_array_equal(same[1], low)  # same seed, same interval


def test_interval_coverage_counts_inside_and_skips_missing():
    y = np.array([[1.0, 5.0], [2.0, np.nan], [3.0, 0.0]])
    low, high = np.zeros((3, 2)), np.full((3, 2), 2.0)
    np.testing.assert_allclose(ms.interval_coverage(y, low, high), [2 / 3, 1 / 2])
    with pytest.raises(ValueError, match="low must be <= high"):
        ms.interval_coverage(y, high, low)


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(30, 120),
    features=st.integers(1, 4),
    alpha=st.floats(1e-3, 1e3),
    seed=st.integers(0, 1000),
)
def test_ridge_predictions_are_invariant_to_shifting_inputs(n, features, alpha, seed):
    """The intercept absorbs any constant added to X or Y: it is not penalised."""
    rng = np.random.default_rng(seed)
    X, Y = rng.normal(size=(n, features)), rng.normal(size=(n, 2))
    base = ms.fit_ridge(X, Y, alpha).predict(X)
    shifted = ms.fit_ridge(X + 7.0, Y + 3.0, alpha).predict(X + 7.0)
    np.testing.assert_allclose(shifted, base + 3.0, atol=1e-7)
