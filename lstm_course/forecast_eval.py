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
Everything is plain NumPy (no SciPy), so the code is short enough to read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

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


def _series(values, name: str, min_length: int = 2) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D (time,), got shape {array.shape}")
    if array.size < min_length:
        raise ValueError(f"{name} needs at least {min_length} values, got {array.size}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or inf")
    return array


# --- distribution functions (SciPy-free) -------------------------------------------------


def normal_cdf(x: float) -> float:
    """P(Z <= x) for a standard normal Z."""
    return 0.5 * math.erfc(-float(x) / math.sqrt(2.0))


def _betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta I_x(a, b), by Lentz's continued fraction.

    Converges fast for x < (a + 1) / (a + b + 2); otherwise use I_x(a, b) = 1 - I_{1-x}(b, a).
    (Numerical Recipes, 3rd ed., section 6.4.)
    """
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    if x > (a + 1.0) / (a + b + 2.0):
        return 1.0 - _betainc(b, a, 1.0 - x)
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    tiny, eps = 1e-300, 1e-15
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    fraction = d
    for m in range(1, 10_000):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),  # even step
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),  # odd step
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            fraction *= c * d
        if abs(c * d - 1.0) < eps:
            break
    return math.exp(log_front) * fraction / a


def student_t_cdf(x: float, df: float) -> float:
    """P(T <= x) for Student's t with ``df`` degrees of freedom (df > 0, may be fractional).

    Uses P(|T| > |x|) = I_{df / (df + x^2)}(df / 2, 1 / 2).
    """
    x, df = float(x), float(df)
    if not df > 0:
        raise ValueError(f"degrees of freedom must be > 0, got {df}")
    if math.isinf(x):
        return 1.0 if x > 0 else 0.0
    tail = 0.5 * _betainc(df / 2.0, 0.5, df / (df + x * x))  # P(T > |x|)
    return 1.0 - tail if x > 0 else tail


# --- Diebold–Mariano ------------------------------------------------------------------------

LOSSES = ("squared", "absolute")
ALTERNATIVES = ("two-sided", "less", "greater")


def loss_differential(errors_a, errors_b, loss: str = "squared") -> np.ndarray:
    """d_t = L(e_a,t) - L(e_b,t): negative where forecast a did better. (n,), (n,) -> (n,)."""
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
    a, b = _series(errors_a, "errors_a"), _series(errors_b, "errors_b")
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

    Caveat: d_t of daily returns has fat tails and clustered variance, so the test is
    approximate; :func:`block_bootstrap_ci` gives a second opinion.
    """
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {ALTERNATIVES}, got {alternative!r}")
    if not isinstance(horizon, (int, np.integer)) or horizon < 1:
        raise ValueError(f"horizon must be an int >= 1, got {horizon!r}")
    d = loss_differential(errors_a, errors_b, loss)
    n = d.size
    if n < horizon + 2:
        raise ValueError(f"need more than horizon + 1 = {horizon + 1} errors, got {n}")
    centred = d - d.mean()
    autocov = [np.dot(centred[k:], centred[: n - k]) / n for k in range(horizon)]
    long_run_var = autocov[0] + 2.0 * sum(autocov[1:])
    if autocov[0] == 0:
        raise ValueError("the two forecasts have the same loss at every step: nothing to test")
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
        horizon=int(horizon),
        loss=loss,
        alternative=alternative,
        hln=bool(hln),
    )


# --- bootstrap ------------------------------------------------------------------------------


def block_bootstrap_ci(
    values,
    *,
    block: int = 20,
    n_boot: int = 2000,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile confidence interval for the mean of ``values`` by moving-block bootstrap.

    Resampling whole blocks of ``block`` consecutive values (not single values) keeps
    the short-range dependence inside each block, e.g. calm and turbulent weeks.

    Args:
        values: (n,) series, e.g. a loss differential d_t.
        block: block length, 1 <= block <= n (1 is the ordinary i.i.d. bootstrap).
        n_boot: number of resamples.
        level: coverage, in (0, 1).
        seed: seed of the NumPy generator (same seed, same interval).

    Returns:
        (low, high) bounds of the interval for the mean.
    """
    x = _series(values, "values")
    n = x.size
    if not isinstance(block, (int, np.integer)) or not 1 <= block <= n:
        raise ValueError(f"block must be an int in [1, {n}], got {block!r}")
    if not isinstance(n_boot, (int, np.integer)) or n_boot < 100:
        raise ValueError(f"n_boot must be an int >= 100, got {n_boot!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    rng = np.random.default_rng(seed)
    blocks_per_sample = -(-n // block)  # ceil(n / block)
    starts = rng.integers(0, n - block + 1, size=(n_boot, blocks_per_sample))
    index = (starts[:, :, None] + np.arange(block)).reshape(n_boot, -1)[:, :n]
    means = x[index].mean(axis=1)  # (n_boot,)
    tail = (1 - level) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return float(low), float(high)


# --- walk-forward evaluation ----------------------------------------------------------------


@dataclass(frozen=True)
class Fold:
    """One walk-forward step: fit on samples ``[0, train_end)``, test on ``[train_end, test_end)``."""

    train_end: int
    test_end: int

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
    for name, value in (("n_samples", n_samples), ("test_start", test_start), ("n_folds", n_folds)):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be an int >= 1, got {value!r}")
    if test_start >= n_samples:
        raise ValueError(f"test_start ({test_start}) must be below n_samples ({n_samples})")
    if n_folds > n_samples - test_start:
        raise ValueError(
            f"cannot cut {n_samples - test_start} test samples into {n_folds} non-empty folds"
        )
    edges = np.linspace(test_start, n_samples, n_folds + 1).round().astype(int)
    return [Fold(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:], strict=True)]


# --- lag diagnostics ------------------------------------------------------------------------


def lag_correlation(forecast, truth, max_lag: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Correlation of forecast[t] with truth[t - k] for k = -max_lag..max_lag.

    A forecast that copies yesterday's value correlates best with the truth at k = +1.
    Apply it to daily *changes*: price levels trend, so levels correlate near 1 at every
    small lag and hide the peak.

    Returns:
        lags: (2 * max_lag + 1,) ints; correlations: same shape.
    """
    f, t = _series(forecast, "forecast"), _series(truth, "truth")
    if f.shape != t.shape:
        raise ValueError(
            f"forecast and truth must have the same shape, got {f.shape} and {t.shape}"
        )
    if not isinstance(max_lag, (int, np.integer)) or not 0 <= max_lag <= f.size - 3:
        raise ValueError(f"max_lag must be an int in [0, {f.size - 3}], got {max_lag!r}")
    lags = np.arange(-max_lag, max_lag + 1)
    n = f.size
    correlations = np.empty(lags.size)
    for i, k in enumerate(lags):
        a, b = (f[k:], t[: n - k]) if k >= 0 else (f[: n + k], t[-k:])
        correlations[i] = np.corrcoef(a, b)[0, 1]
    return lags, correlations


def autocorrelation(x, max_lag: int = 10) -> np.ndarray:
    """Sample autocorrelation r_1..r_max_lag of a series (lag 0, always 1, left out).

    r_k = sum_t (x_t - m)(x_{t-k} - m) / sum_t (x_t - m)^2, the usual (biased) estimator.
    """
    x = _series(x, "x", min_length=3)
    if not isinstance(max_lag, (int, np.integer)) or not 1 <= max_lag < x.size:
        raise ValueError(f"max_lag must be an int in [1, {x.size - 1}], got {max_lag!r}")
    centred = x - x.mean()
    denominator = np.dot(centred, centred)
    if denominator == 0:
        raise ValueError("x is constant: autocorrelation is undefined")
    return (
        np.array([np.dot(centred[k:], centred[:-k]) for k in range(1, max_lag + 1)]) / denominator
    )
