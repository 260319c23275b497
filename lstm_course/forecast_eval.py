"""Is a forecast better than the random walk, or only lucky? Honest evaluation in NumPy.

- :func:`diebold_mariano` — do two forecasts have equal expected loss? (Diebold & Mariano
  1995, with the small-sample correction of Harvey, Leybourne & Newbold 1997).
- :func:`block_bootstrap_ci` — a confidence interval for a mean that respects the
  autocorrelation of its terms (squared errors of daily returns cluster).
- :func:`walk_forward_folds` — expanding-window evaluation: refit on everything before
  each test block, never on anything after it.
- :func:`lag_correlation` and :func:`autocorrelation` — the lag diagnostic that shows a
  "forecast" is yesterday's value, and the volatility-clustering check.

Conventions: series are 1-D float arrays in time order; errors are ``truth - forecast``.
The statistics are written out in NumPy, so the code is short enough to read; only the
Student-t distribution function comes from SciPy (``scipy.special.stdtr``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lstm_course._checks import (
    check_bool,
    check_choice,
    check_int,
    check_number,
    check_seed,
    check_series,
    check_size,
)

__all__ = [
    "DMResult",
    "Fold",
    "autocorrelation",
    "block_bootstrap_ci",
    "diebold_mariano",
    "lag_correlation",
    "loss_differential",
    "normal_cdf",
    "student_t_cdf",
    "walk_forward_folds",
]


# --- distribution functions ----------------------------------------------------------------


def normal_cdf(x: float) -> float:
    """P(Z <= x) for a standard normal Z (x may be +-inf)."""
    x = check_number("x", x, finite=False)
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def student_t_cdf(x: float, df: float) -> float:
    """P(T <= x) for Student's t with ``df`` degrees of freedom (df > 0, may be fractional).

    ``df = inf`` is the standard normal. Computed by SciPy's ``stdtr`` (the regularised
    incomplete beta function behind it is no part of this course).
    """
    from scipy.special import stdtr  # imported on first use: SciPy is slow to load

    x = check_number("x", x, finite=False)
    df = check_number("df", df, minimum=0, exclusive_minimum=True, finite=False)
    return float(stdtr(df, x))


# --- Diebold–Mariano ------------------------------------------------------------------------

LOSSES = ("squared", "absolute")
ALTERNATIVES = ("two-sided", "less", "greater")


def loss_differential(errors_a, errors_b, loss: str = "squared") -> np.ndarray:
    """d_t = L(e_a,t) - L(e_b,t): negative where forecast a did better. (n,), (n,) -> (n,)."""
    check_choice("loss", loss, LOSSES)
    a, b = check_series("errors_a", errors_a), check_series("errors_b", errors_b)
    if a.shape != b.shape:
        raise ValueError(
            f"errors_a and errors_b must have the same shape, got {a.shape} and {b.shape}"
        )
    if loss == "squared":
        return a**2 - b**2
    return np.abs(a) - np.abs(b)


@dataclass(frozen=True)
class DMResult:
    """Outcome of :func:`diebold_mariano`. Negative statistic: forecast a has lower loss."""

    statistic: float
    p_value: float
    mean_difference: float  # mean of L(e_a) - L(e_b)
    n: int
    horizon: int
    loss: str
    alternative: str
    hln: bool

    def __str__(self) -> str:
        dist = f"t({self.n - 1}), HLN-corrected" if self.hln else "normal"
        return (
            f"DM = {self.statistic:+.3f}, p = {self.p_value:.3f} "
            f"({self.alternative}, {self.loss} loss, {dist}, n = {self.n})"
        )


def _refuse_constant(d: np.ndarray) -> None:
    """A constant loss differential has variance 0: the DM statistic is undefined.

    "Constant" allows for rounding: a spread of 1e-12 of the size of d is noise from
    squaring, and would otherwise give a huge statistic with a p-value of exactly 0.
    """
    size = float(np.max(np.abs(d)))
    if np.ptp(d) > 1e-12 * size:
        return
    if size == 0:
        raise ValueError(
            "errors_a and errors_b have the same loss at every step (d_t = 0): nothing to test"
        )
    better = "a" if d[0] < 0 else "b"
    raise ValueError(
        f"the loss differential of errors_a and errors_b is constant (d_t = {d[0]:+.6g} at "
        f"every step), so its variance is 0 and the DM statistic is undefined: forecast "
        f"{better} has the lower loss on every step, no test needed"
    )


def diebold_mariano(
    errors_a,
    errors_b,
    *,
    horizon: int = 1,
    loss: str = "squared",
    alternative: str = "two-sided",
    hln: bool = True,
) -> DMResult:
    """Test H0: forecasts a and b have equal expected loss, E[d_t] = 0.

    With d_t = L(e_a,t) - L(e_b,t), the statistic is DM = mean(d) / sqrt(V / n), where V is
    the long-run variance of d: the lag-0 autocovariance plus twice those up to lag
    ``horizon - 1`` (an optimal h-step forecast has errors correlated up to h - 1 steps).
    With ``hln=True`` (default) DM is multiplied by sqrt((n + 1 - 2h + h(h - 1)/n) / n) and
    compared with Student's t(n - 1), as Harvey, Leybourne & Newbold (1997) recommend for
    moderate n; with ``hln=False`` it is compared with the standard normal.

    Args:
        errors_a, errors_b: (n,) forecast errors on the same targets.
        horizon: steps ahead the forecasts were made, h >= 1.
        loss: "squared" or "absolute".
        alternative: "two-sided"; "less" for H1: a has lower loss; "greater" for H1: higher.
        hln: apply the Harvey–Leybourne–Newbold correction (True or False).

    Caveat: d_t of daily returns has fat tails and clustered variance, so the test is
    approximate; :func:`block_bootstrap_ci` gives a second opinion.
    """
    check_choice("alternative", alternative, ALTERNATIVES)
    horizon = check_int("horizon", horizon, minimum=1)
    hln = check_bool("hln", hln)
    d = loss_differential(errors_a, errors_b, loss)
    n = d.size
    if n < horizon + 2:
        raise ValueError(
            f"errors_a and errors_b need more than horizon + 1 = {horizon + 1} errors, got {n}"
        )
    _refuse_constant(d)
    centred = d - d.mean()
    autocov = [np.dot(centred[k:], centred[: n - k]) / n for k in range(horizon)]
    long_run_var = autocov[0] + 2.0 * sum(autocov[1:])
    if long_run_var <= 0:
        raise ValueError(
            f"the long-run variance estimate is {long_run_var:.3g} <= 0 for horizon={horizon}; "
            "use a smaller horizon or a bootstrap"
        )
    statistic = d.mean() / math.sqrt(long_run_var / n)
    if hln:
        statistic *= math.sqrt((n + 1 - 2 * horizon + horizon * (horizon - 1) / n) / n)
        cdf = student_t_cdf(statistic, n - 1)
    else:
        cdf = normal_cdf(statistic)
    p_value = {"two-sided": 2 * min(cdf, 1 - cdf), "less": cdf, "greater": 1 - cdf}[alternative]
    return DMResult(
        statistic=float(statistic),
        p_value=float(min(1.0, p_value)),
        mean_difference=float(d.mean()),
        n=int(n),
        horizon=horizon,
        loss=loss,
        alternative=alternative,
        hln=hln,
    )


# --- bootstrap ------------------------------------------------------------------------------


def block_bootstrap_ci(
    values,
    *,
    block: int = 20,
    n_boot: int = 2000,
    level: float = 0.95,
    seed: int | None = 0,
) -> tuple[float, float]:
    """Percentile confidence interval for the mean of ``values`` by moving-block bootstrap.

    Resampling whole blocks of ``block`` consecutive values (not single values) keeps
    the short-range dependence inside each block, e.g. calm and turbulent weeks.

    Args:
        values: (n,) series, e.g. a loss differential d_t.
        block: block length, 1 <= block <= n (1 is the ordinary i.i.d. bootstrap).
        n_boot: number of resamples, >= 100.
        level: coverage, in (0, 1).
        seed: seed of the NumPy generator (same seed, same interval); None for a fresh one.

    Returns:
        (low, high) bounds of the interval for the mean.
    """
    x = check_series("values", values)
    n = x.size
    block = check_int("block", block, minimum=1, maximum=n)
    n_boot = check_int("n_boot", n_boot, minimum=100)
    level = check_number("level", level)
    if not 0 < level < 1:
        raise ValueError(f"level must be a number in (0, 1), got {level}")
    seed = check_seed("seed", seed)
    blocks_per_sample = -(-n // block)  # ceil(n / block)
    check_size("n_boot", n_boot * blocks_per_sample * block)
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, n - block + 1, size=(n_boot, blocks_per_sample))
    index = (starts[:, :, None] + np.arange(block)).reshape(n_boot, -1)[:, :n]
    means = x[index].mean(axis=1)  # (n_boot,)
    tail = (1 - level) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return float(low), float(high)


# --- walk-forward evaluation ----------------------------------------------------------------

# More folds than this is a mistake (each fold refits a model), and a list of millions of
# folds would take minutes and gigabytes to build.
MAX_FOLDS = 100_000


@dataclass(frozen=True)
class Fold:
    """One walk-forward step: fit on samples ``[0, train_end)``, test on ``[train_end, test_end)``."""

    train_end: int
    test_end: int

    def __post_init__(self) -> None:
        train_end = check_int("train_end", self.train_end, minimum=1)
        test_end = check_int("test_end", self.test_end, minimum=train_end + 1)
        object.__setattr__(self, "train_end", train_end)  # frozen: store the checked ints
        object.__setattr__(self, "test_end", test_end)

    @property
    def train(self) -> slice:
        return slice(0, self.train_end)

    @property
    def test(self) -> slice:
        return slice(self.train_end, self.test_end)


def walk_forward_folds(n_samples: int, test_start: int, n_folds: int) -> list[Fold]:
    """Expanding-window folds: split ``[test_start, n_samples)`` into ``n_folds`` blocks.

    Fold k trains on everything before its block and tests on the block, so every sample
    from ``test_start`` on is predicted exactly once, by a model that never saw it or
    anything after it.
    """
    n_samples = check_int("n_samples", n_samples, minimum=1)
    test_start = check_int("test_start", test_start, minimum=1)
    n_folds = check_int("n_folds", n_folds, minimum=1, maximum=MAX_FOLDS)
    if test_start >= n_samples:
        raise ValueError(f"test_start ({test_start}) must be below n_samples ({n_samples})")
    if n_folds > n_samples - test_start:
        raise ValueError(
            f"n_folds: cannot cut {n_samples - test_start} test samples into {n_folds} "
            "non-empty folds"
        )
    edges = np.linspace(test_start, n_samples, n_folds + 1).round().astype(np.int64)
    return [Fold(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:], strict=True)]


# --- lag diagnostics ------------------------------------------------------------------------


def _refuse_flat(name: str, segment: np.ndarray, lag: int) -> None:
    """A constant stretch has no correlation with anything (0 / 0)."""
    if np.ptp(segment) == 0:
        raise ValueError(
            f"{name} is constant over the {segment.size} values compared at lag {lag}: "
            "its correlation is undefined (use a series that varies, e.g. daily changes)"
        )


def lag_correlation(forecast, truth, max_lag: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Correlation of forecast[t] with truth[t - k] for k = -max_lag..max_lag.

    A forecast that copies yesterday's value correlates best with the truth at k = +1.
    Apply it to daily *changes*: price levels trend, so levels correlate near 1 at every
    small lag and hide the peak.

    Args:
        forecast, truth: (n,) series of one length, n >= 3, neither constant.
        max_lag: largest lag, an int in [0, n - 3].

    Returns:
        lags: (2 * max_lag + 1,) ints; correlations: same shape.
    """
    f = check_series("forecast", forecast, min_length=3)
    t = check_series("truth", truth, min_length=3)
    if f.shape != t.shape:
        raise ValueError(
            f"forecast and truth must have the same shape, got {f.shape} and {t.shape}"
        )
    max_lag = check_int("max_lag", max_lag, minimum=0, maximum=f.size - 3)
    lags = np.arange(-max_lag, max_lag + 1)
    n = f.size
    correlations = np.empty(lags.size)
    for i, k in enumerate(lags):
        a, b = (f[k:], t[: n - k]) if k >= 0 else (f[: n + k], t[-k:])
        _refuse_flat("forecast", a, int(k))
        _refuse_flat("truth", b, int(k))
        correlations[i] = np.corrcoef(a, b)[0, 1]
    return lags, correlations


def autocorrelation(x, max_lag: int = 10) -> np.ndarray:
    """Sample autocorrelation r_1..r_max_lag of a series (lag 0, always 1, left out).

    r_k = sum_t (x_t - m)(x_{t-k} - m) / sum_t (x_t - m)^2, the usual (biased) estimator.
    x: (n,) with n >= 3, not constant -> (max_lag,), max_lag in [1, n - 1].
    """
    x = check_series("x", x, min_length=3)
    max_lag = check_int("max_lag", max_lag, minimum=1, maximum=x.size - 1)
    if np.ptp(x) == 0:  # exactly; the centred values of a constant 0.1 are rounding noise
        raise ValueError("x is constant: autocorrelation is undefined")
    centred = x - x.mean()
    denominator = np.dot(centred, centred)
    return (
        np.array([np.dot(centred[k:], centred[:-k]) for k in range(1, max_lag + 1)]) / denominator
    )
