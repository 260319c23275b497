"""Diebold–Mariano, bootstrap, walk-forward folds and lag diagnostics."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_course.forecast_eval import (
    Fold,
    autocorrelation,
    block_bootstrap_ci,
    diebold_mariano,
    lag_correlation,
    loss_differential,
    normal_cdf,
    student_t_cdf,
    walk_forward_folds,
)

# --- distribution functions -----------------------------------------------------------------

# Reference values from scipy.stats.t.cdf 1.16: a check that the right SciPy function is used.
T_CDF = [
    (2.228138852, 10, 0.9750000000005817),
    (-1.5, 3, 0.11529193262241147),
    (0.7, 29.5, 0.7552943792650703),
    (3.0, 750, 0.9986053966439686),
    (-0.53, 753, 0.29813408457570273),
    (2.0, 4.5, 0.9458710464094375),
    (12.0, 2, 0.9965635331614208),
    (-4.0, 1e5, 3.1693998778597706e-05),
]


@pytest.mark.parametrize(("x", "df", "expected"), T_CDF)
def test_student_t_cdf_matches_scipy(x, df, expected):
    assert student_t_cdf(x, df) == pytest.approx(expected, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("x", [-30.0, -2.5, -0.4, 0.0, 0.3, 1.7, 40.0])
def test_student_t_cdf_closed_forms(x):
    assert student_t_cdf(x, 1) == pytest.approx(0.5 + math.atan(x) / math.pi, abs=1e-14)
    assert student_t_cdf(x, 2) == pytest.approx(0.5 + x / (2 * math.sqrt(2 + x * x)), abs=1e-14)
    assert student_t_cdf(x, 1e6) == pytest.approx(normal_cdf(x), abs=1e-6)


def test_normal_cdf_known_values():
    assert normal_cdf(0) == 0.5
    assert normal_cdf(1.959963984540054) == pytest.approx(0.975, abs=1e-12)
    assert normal_cdf(-1.6448536269514729) == pytest.approx(0.05, abs=1e-12)


def test_student_t_cdf_edges_and_errors():
    assert student_t_cdf(math.inf, 5) == 1.0 and student_t_cdf(-math.inf, 5) == 0.0
    with pytest.raises(ValueError, match="df must be a number > 0, got 0"):
        student_t_cdf(1.0, 0)
    with pytest.raises(ValueError, match="x must be a number, got nan"):
        student_t_cdf(math.nan, 3)
    with pytest.raises(TypeError, match="df must be a number > 0, got str"):
        student_t_cdf(1.0, "3")
    with pytest.raises(ValueError, match="x must be a number, got nan"):
        normal_cdf(math.nan)


# Issue 11.9: df = inf gave NaN, and a huge x with df = 1 gave 0.5.
def test_student_t_cdf_limits():
    assert student_t_cdf(1.3, math.inf) == pytest.approx(normal_cdf(1.3), abs=1e-15)
    assert student_t_cdf(1.0, 1e16) == pytest.approx(normal_cdf(1.0), abs=1e-12)
    assert student_t_cdf(1e16, 1) == pytest.approx(1.0)
    assert student_t_cdf(-1e16, 1) == pytest.approx(0.0, abs=1e-15)
    assert student_t_cdf(np.float32(0.7), np.int64(29)) == pytest.approx(student_t_cdf(0.7, 29))


@settings(max_examples=60, deadline=None)
@given(
    x=st.floats(-50, 50, allow_nan=False),
    dx=st.floats(0.01, 5),
    df=st.floats(0.5, 5000),
)
def test_student_t_cdf_is_a_symmetric_increasing_probability(x, dx, df):
    low, high = student_t_cdf(x, df), student_t_cdf(x + dx, df)
    assert 0.0 <= low <= high <= 1.0
    assert student_t_cdf(x, df) + student_t_cdf(-x, df) == pytest.approx(1.0, abs=1e-12)


# --- Diebold–Mariano ------------------------------------------------------------------------


def by_hand(e_a, e_b, h=1):
    """The textbook formula written out with loops, as an independent reference."""
    d = [a * a - b * b for a, b in zip(e_a, e_b, strict=True)]
    n, mean = len(d), sum(d) / len(d)
    gamma = [sum((d[t] - mean) * (d[t - k] - mean) for t in range(k, n)) / n for k in range(h)]
    dm = mean / math.sqrt((gamma[0] + 2 * sum(gamma[1:])) / n)
    return dm, dm * math.sqrt((n + 1 - 2 * h + h * (h - 1) / n) / n)


@pytest.fixture
def errors():
    rng = np.random.default_rng(3)
    truth = rng.normal(0, 1, 300)
    return truth - rng.normal(0, 0.3, 300), truth - 0.1 * rng.normal(0, 1, 300)


@pytest.mark.parametrize("h", [1, 2, 5])
def test_dm_statistic_matches_the_formula(errors, h):
    e_a, e_b = errors
    dm, dm_hln = by_hand(e_a, e_b, h)
    plain = diebold_mariano(e_a, e_b, horizon=h, hln=False)
    corrected = diebold_mariano(e_a, e_b, horizon=h)
    assert plain.statistic == pytest.approx(dm, rel=1e-10)
    assert corrected.statistic == pytest.approx(dm_hln, rel=1e-10)
    assert plain.p_value == pytest.approx(2 * (1 - normal_cdf(abs(dm))), rel=1e-9)
    assert corrected.p_value == pytest.approx(2 * (1 - student_t_cdf(abs(dm_hln), 299)), rel=1e-9)
    assert corrected.n == 300 and corrected.horizon == h


def test_dm_is_antisymmetric_and_alternatives_add_up(errors):
    e_a, e_b = errors
    ab, ba = diebold_mariano(e_a, e_b), diebold_mariano(e_b, e_a)
    assert ab.statistic == pytest.approx(-ba.statistic) and ab.p_value == pytest.approx(ba.p_value)
    less = diebold_mariano(e_a, e_b, alternative="less")
    greater = diebold_mariano(e_a, e_b, alternative="greater")
    assert less.p_value + greater.p_value == pytest.approx(1.0)
    assert min(less.p_value, greater.p_value) == pytest.approx(ab.p_value / 2)


def test_dm_finds_a_clearly_better_forecast():
    rng = np.random.default_rng(0)
    truth = rng.normal(0, 1, 500)
    good, bad = truth - rng.normal(0, 0.5, 500), truth - rng.normal(0, 1.0, 500)
    result = diebold_mariano(good, bad, alternative="less")
    assert result.statistic < -5 and result.p_value < 1e-6 and result.mean_difference < 0
    assert "DM = -" in str(result) and "HLN" in str(result)


def test_dm_rejects_about_five_percent_under_the_null():
    """Equal forecasts: a 5 % test should reject in about 5 % of samples, not 20 %."""
    rng = np.random.default_rng(1)
    rejections = 0
    trials = 400
    for _ in range(trials):
        e = rng.standard_t(5, size=(2, 120))  # fat tails, like daily returns
        rejections += diebold_mariano(e[0], e[1]).p_value < 0.05
    assert 0.02 <= rejections / trials <= 0.09


def test_absolute_loss(errors):
    e_a, e_b = errors
    d = loss_differential(e_a, e_b, "absolute")
    np.testing.assert_allclose(d, np.abs(e_a) - np.abs(e_b))
    result = diebold_mariano(e_a, e_b, loss="absolute", hln=False)
    assert result.statistic == pytest.approx(d.mean() / math.sqrt(d.var() / d.size))


def test_dm_bad_input_gets_clear_errors(errors):
    e_a, e_b = errors
    with pytest.raises(ValueError, match="same loss at every step"):
        diebold_mariano(e_a, e_a)
    with pytest.raises(ValueError, match="same loss at every step"):
        diebold_mariano(e_a, -e_a)  # squared loss: the sign of an error does not matter
    with pytest.raises(TypeError, match="hln must be True or False"):
        diebold_mariano(e_a, e_b, hln="yes")
    with pytest.raises(TypeError, match="horizon must be an int >= 1, got bool"):
        diebold_mariano(e_a, e_b, horizon=True)
    with pytest.raises(ValueError, match="same shape"):
        diebold_mariano(e_a, e_b[:-1])
    with pytest.raises(ValueError, match="alternative must be one of"):
        diebold_mariano(e_a, e_b, alternative="better")
    with pytest.raises(ValueError, match="loss must be one of"):
        diebold_mariano(e_a, e_b, loss="huber")
    with pytest.raises(ValueError, match="horizon must be an int >= 1"):
        diebold_mariano(e_a, e_b, horizon=0)
    with pytest.raises(ValueError, match="NaN or inf"):
        diebold_mariano(np.r_[e_a[:-1], np.nan], e_b)
    with pytest.raises(ValueError, match="1-D"):
        diebold_mariano(e_a.reshape(30, 10), e_b.reshape(30, 10))
    with pytest.raises(ValueError, match="more than horizon"):
        diebold_mariano(e_a[:4], e_b[:4], horizon=3)


# Issue 11.9: a constant but non-zero loss differential was reported as "the same loss".
def test_dm_constant_loss_differential_is_named_precisely():
    signs = np.tile([1.0, -1.0], 20)
    with pytest.raises(ValueError, match=r"constant \(d_t = -3 at every step\).*forecast a"):
        diebold_mariano(signs, 2 * signs)  # |e_a| = 1 < |e_b| = 2 on every step
    with pytest.raises(ValueError, match=r"constant \(d_t = \+0\.99 at every step\).*forecast b"):
        diebold_mariano(signs, 0.1 * signs)  # 1 - 0.01 after rounding: still constant


def test_dm_non_positive_long_run_variance_is_reported():
    d_alternating = np.tile([1.0, 0.0], 20)  # strongly negative lag-1 autocovariance
    with pytest.raises(ValueError, match="long-run variance"):
        diebold_mariano(np.sqrt(d_alternating + 1), np.ones(40), horizon=2)


# --- bootstrap ------------------------------------------------------------------------------


def test_bootstrap_ci_is_reproducible_and_covers_the_mean():
    rng = np.random.default_rng(7)
    x = rng.normal(2.0, 1.0, 400)
    low, high = block_bootstrap_ci(x, block=10, seed=1)
    assert (low, high) == block_bootstrap_ci(x, block=10, seed=1)
    assert low < x.mean() < high
    assert high - low == pytest.approx(2 * 1.96 * x.std() / 20, rel=0.25)


def test_iid_bootstrap_width_matches_the_standard_error():
    rng = np.random.default_rng(8)
    x = rng.normal(0.0, 1.0, 1000)
    low, high = block_bootstrap_ci(x, block=1, n_boot=4000, seed=0)
    assert high - low == pytest.approx(2 * 1.96 * x.std() / math.sqrt(x.size), rel=0.1)


def test_blocks_widen_the_interval_for_clustered_data():
    rng = np.random.default_rng(9)
    x = np.repeat(rng.normal(0, 1, 50), 20)  # runs of 20 equal values: strong dependence
    narrow = np.subtract(*block_bootstrap_ci(x, block=1, seed=0)[::-1])
    wide = np.subtract(*block_bootstrap_ci(x, block=40, seed=0)[::-1])
    assert wide > 2 * narrow


def test_bootstrap_bad_input():
    x = np.arange(10.0)
    with pytest.raises(ValueError, match=r"block must be an int in \[1, 10\]"):
        block_bootstrap_ci(x, block=11)
    with pytest.raises(ValueError, match="n_boot must be an int >= 100"):
        block_bootstrap_ci(x, block=2, n_boot=10)
    with pytest.raises(ValueError, match=r"level must be a number in \(0, 1\), got 95"):
        block_bootstrap_ci(x, block=2, level=95)
    with pytest.raises(ValueError, match=r"level must be a number in \(0, 1\), got 0"):
        block_bootstrap_ci(x, block=2, level=0)
    with pytest.raises(ValueError, match="seed must be an int in"):
        block_bootstrap_ci(x, block=2, seed=-1)
    with pytest.raises(ValueError, match="n_boot would need"):
        block_bootstrap_ci(x, block=2, n_boot=10**9)


def test_bootstrap_accepts_numpy_scalars_and_lists():
    x = np.arange(10.0)
    expected = block_bootstrap_ci(x, block=2, n_boot=200, level=0.9, seed=3)
    got = block_bootstrap_ci(
        x.tolist(), block=np.int64(2), n_boot=np.int32(200), level=np.float32(0.9), seed=np.uint8(3)
    )
    assert got == pytest.approx(expected, rel=1e-6)


# --- walk-forward ---------------------------------------------------------------------------


def test_walk_forward_folds_cover_the_test_part_once_in_order():
    folds = walk_forward_folds(1000, 700, 3)
    assert [(f.train_end, f.test_end) for f in folds] == [(700, 800), (800, 900), (900, 1000)]
    for fold in folds:
        assert fold.train == slice(0, fold.train_end)
        assert fold.test == slice(fold.train_end, fold.test_end)
    covered = np.concatenate([np.arange(1000)[f.test] for f in folds])
    np.testing.assert_array_equal(covered, np.arange(700, 1000))


def test_walk_forward_uneven_split_and_errors():
    folds = walk_forward_folds(10, 3, 3)
    assert folds[0].train_end == 3 and folds[-1].test_end == 10
    assert all(f.test_end > f.train_end for f in folds)
    with pytest.raises(ValueError, match="must be below n_samples"):
        walk_forward_folds(10, 10, 2)
    with pytest.raises(ValueError, match="into 5 non-empty folds"):
        walk_forward_folds(10, 7, 5)
    with pytest.raises(ValueError, match="n_folds must be an int in"):
        walk_forward_folds(10, 5, 0)


def test_walk_forward_refuses_absurd_fold_counts_up_front():
    # Issue 11: walk_forward_folds(10**9, 1, 10**8) used to build 10**8 folds, for minutes.
    with pytest.raises(ValueError, match=r"n_folds must be an int in \[1, 100000\], got 100000000"):
        walk_forward_folds(10**9, 1, 10**8)
    assert len(walk_forward_folds(10**12, 10**11, 4)) == 4  # big sample counts are only ints


def test_folds_check_their_bounds():
    assert Fold(np.int64(3), 5.0) == Fold(3, 5)
    with pytest.raises(ValueError, match="test_end must be an int >= 4, got 3"):
        Fold(3, 3)
    with pytest.raises(TypeError, match="train_end must be an int"):
        Fold("3", 5)


# --- lag diagnostics ------------------------------------------------------------------------


def test_a_copy_of_yesterday_peaks_at_lag_one():
    rng = np.random.default_rng(4)
    truth = rng.normal(0, 1, 500)
    copy = np.r_[0.0, truth[:-1]]  # forecast[t] = truth[t - 1]
    lags, corr = lag_correlation(copy, truth, max_lag=3)
    np.testing.assert_array_equal(lags, [-3, -2, -1, 0, 1, 2, 3])
    assert lags[np.argmax(corr)] == 1 and corr[lags == 1][0] == pytest.approx(1.0)
    assert abs(corr[lags == 0][0]) < 0.15
    lags, corr = lag_correlation(truth, truth, max_lag=2)
    assert lags[np.argmax(corr)] == 0


def test_lag_correlation_bad_input():
    with pytest.raises(ValueError, match="same shape"):
        lag_correlation(np.ones(10), np.ones(9))
    # Issue 11.9: a constant series gave all-NaN correlations.
    with pytest.raises(ValueError, match="forecast is constant over the 10 values compared at lag"):
        lag_correlation(np.ones(10), np.arange(10.0), max_lag=0)
    with pytest.raises(ValueError, match="truth is constant over the 9 values compared at lag -1"):
        lag_correlation(np.arange(10.0), np.r_[5.0, np.zeros(9)], max_lag=1)
    with pytest.raises(ValueError, match=r"max_lag must be an int in \[0, 7\]"):
        lag_correlation(np.arange(10.0), np.arange(10.0), max_lag=8)


def test_autocorrelation_of_an_ar1_process():
    rng = np.random.default_rng(5)
    x = np.zeros(20_000)
    for t in range(1, x.size):
        x[t] = 0.8 * x[t - 1] + rng.normal()
    acf = autocorrelation(x, max_lag=3)
    np.testing.assert_allclose(acf, [0.8, 0.64, 0.512], atol=0.03)
    assert np.abs(autocorrelation(rng.normal(size=20_000), 5)).max() < 0.03


def test_autocorrelation_bad_input():
    with pytest.raises(ValueError, match="constant"):
        autocorrelation(np.ones(10), 2)
    with pytest.raises(ValueError, match="constant"):
        autocorrelation(np.full(10, 0.1), 2)  # centring 0.1s leaves rounding noise, not signal
    with pytest.raises(ValueError, match=r"max_lag must be an int in \[1, 9\]"):
        autocorrelation(np.arange(10.0), 10)
