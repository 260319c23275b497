"""Checks for notebook 05 (stock prices): every call draws fresh inputs from ``rng``."""

from __future__ import annotations

import numpy as np

from lstm_course._checks import describe
from lstm_course.exercises import (
    WrongAnswer,
    as_array,
    as_number,
    call_answer,
    compare_arrays,
    passed,
)
from lstm_course.exercises.registry import exercise
from lstm_course.forecast_eval import diebold_mariano, lag_correlation, student_t_cdf
from lstm_course.metrics import direction_accuracy as reference_direction_accuracy


def _prices(rng, n: int) -> np.ndarray:
    """A random-walk price path, (n,), positive, that trends in its second half."""
    steps = rng.normal(0.0, rng.uniform(0.005, 0.02), n)
    steps[n // 2 :] += rng.choice([-1, 1]) * rng.uniform(0.002, 0.01)  # a leak would show
    return rng.uniform(20, 3000) * np.exp(np.cumsum(steps))


# --- 05.1: the random walk forecast ---------------------------------------------------------

NAME_1 = "05.1 random walk"


@exercise(
    "05.1",
    "the random walk forecast",
    points=2,
    difficulty=1,
    assesses="the no-skill forecast of a price, P_{t-1}·exp(drift), aligned with the days it "
    "forecasts",
)
def check_random_walk(random_walk_forecast, rng) -> None:
    """``random_walk_forecast(prices, drift=0.0)``: (n,) closes -> (n - 1,) forecasts."""
    prices = _prices(rng, int(rng.integers(20, 80)))
    n = len(prices)
    got = call_answer(NAME_1, random_walk_forecast, prices.copy())
    got = as_array(NAME_1, got, what="the forecasts with drift=0")
    if got.shape == prices.shape:
        raise WrongAnswer(
            NAME_1,
            f"you returned {n} forecasts for {n} prices; day 0 has no yesterday, so there are "
            "n - 1 forecasts, for days 1..n-1",
        )
    yesterday = prices[:-1]
    peeking = (
        "these are the true prices of days 1..n-1: the forecast for day t may only use "
        "days up to t - 1"
    )
    compare_arrays(
        NAME_1, got, yesterday, what="the forecasts with drift=0", mistakes={peeking: prices[1:]}
    )
    for drift in rng.choice([-1, 1], 2) * rng.uniform(0.01, 0.05, 2):
        got = call_answer(NAME_1, random_walk_forecast, prices.copy(), drift=float(drift))
        what = f"the forecasts with drift={drift:.4f}"
        mistakes = {
            "the drift argument is ignored": yesterday,
            "drift is a log return, not index points: scale yesterday's close": yesterday + drift,
            "drift is a log return: the factor is exp(drift), not 1 + drift": yesterday
            * (1 + drift),
            "the sign of the drift is flipped: a positive drift raises the forecast": yesterday
            * np.exp(-drift),
            "the drift applies to yesterday's close, the forecast's only input": prices[1:]
            * np.exp(drift),
        }
        compare_arrays(
            NAME_1, got, yesterday * np.exp(drift), what=what, rtol=1e-9, mistakes=mistakes
        )
    passed(NAME_1, "Tomorrow = today (times exp(drift)): the forecast every model must beat.")


# --- 05.2: the lag profile ------------------------------------------------------------------

NAME_2 = "05.2 lag profile"


def _follower(rng) -> tuple[np.ndarray, np.ndarray, int, int]:
    """A truth series and a forecast that echoes it ``delay`` steps late (or early), noisy."""
    n, max_lag = int(rng.integers(60, 200)), int(rng.integers(2, 7))
    delay = int(rng.integers(-max_lag, max_lag + 1))
    truth = rng.standard_t(4, n + 2 * max_lag)
    echoed = np.roll(truth, delay)  # forecast[t] = truth[t - delay] (wrapped at the edges)
    forecast = 0.8 * echoed + 0.3 * rng.normal(size=truth.size) + rng.uniform(-1, 1)
    keep = slice(max_lag, max_lag + n)  # cut away the wrapped ends
    return forecast[keep], truth[keep], max_lag, delay


def _profile_variant(forecast, truth, max_lag: int, variant: str) -> np.ndarray:
    """Typical ways of getting the lag profile wrong, (2 * max_lag + 1,)."""
    n, lags = len(forecast), range(-max_lag, max_lag + 1)
    if variant == "flipped":  # forecast[t] against truth[t + k]
        return lag_correlation(forecast, truth, max_lag)[1][::-1]
    if variant == "roll":  # np.roll wraps the series around
        return np.array([np.corrcoef(forecast, np.roll(truth, k))[0, 1] for k in lags])
    f, t = forecast - forecast.mean(), truth - truth.mean()
    scale = np.sqrt(np.sum(f**2) * np.sum(t**2))
    parts = [(f[k:], t[: n - k]) if k >= 0 else (f[: n + k], t[-k:]) for k in lags]
    if variant == "whole_means":  # centred and scaled with the whole series, not the overlap
        return np.array([np.sum(a * b) for a, b in parts]) / scale
    return np.array([np.mean(a * b) for a, b in parts])  # "covariance"


_PROFILE_MISTAKES = {
    "flipped": "the lags are mirrored: entry k must compare forecast[t] with truth[t - k] (a "
    "forecast that copies yesterday peaks at k = +1)",
    "roll": "np.roll wraps the end of the series around to its start: compare only the "
    "overlapping parts, forecast[k:] with truth[:n - k] for k >= 0",
    "whole_means": "each correlation must use the means and spreads of the two overlapping "
    "parts (np.corrcoef of the slices), not those of the whole series",
    "covariance": "those are covariances: a correlation divides by both standard deviations",
}


@exercise(
    "05.2",
    "the lag profile of a forecast",
    points=3,
    difficulty=2,
    assesses="correlating a forecast with the truth shifted by k = -K..K steps on the "
    "overlapping parts only, the sign convention that puts a copier at k = +1",
)
def check_lag_profile(lag_profile, rng) -> None:
    """``lag_profile(forecast, truth, max_lag)`` -> (2·max_lag + 1,) correlations, k = -K..K."""
    for _ in range(2):
        forecast, truth, max_lag, _delay = _follower(rng)
        what = f"lag_profile(forecast, truth, max_lag={max_lag})"
        got = call_answer(NAME_2, lag_profile, forecast.copy(), truth.copy(), max_lag)
        if isinstance(got, tuple) and len(got) == 2:
            raise WrongAnswer(
                NAME_2, "return the correlations only (one array), not a pair (lags, correlations)"
            )
        got = as_array(NAME_2, got, what=what)
        if got.shape == (max_lag + 1,):
            raise WrongAnswer(
                NAME_2,
                f"{what}: also the negative lags, k = -{max_lag}..{max_lag}: "
                f"{2 * max_lag + 1} values",
            )
        expected = lag_correlation(forecast, truth, max_lag)[1]
        mistakes = {
            hint: _profile_variant(forecast, truth, max_lag, name)
            for name, hint in _PROFILE_MISTAKES.items()
        }
        compare_arrays(NAME_2, got, expected, what=what, rtol=1e-7, atol=1e-9, mistakes=mistakes)
    passed(NAME_2, "A forecast that echoes the market d days late peaks at k = +d.")


# --- 05.3: direction accuracy ---------------------------------------------------------------

NAME_3 = "05.3 direction accuracy"


def _direction_hint(value: float, expected: float, actual, predicted) -> str:
    """Name the mistake behind a wrong direction accuracy."""
    moving = actual != 0
    if np.isclose(value, 100 * expected):
        return "return a share between 0 and 1, not a percentage"
    if np.isclose(value, np.mean(np.sign(predicted) == np.sign(actual))):
        return (
            "days whose actual return is exactly 0 have no direction to get right: leave "
            "them out (compute over actual != 0 only)"
        )
    up_right = (predicted > 0) == (actual > 0)
    if np.isclose(value, up_right.mean()) or np.isclose(value, up_right[moving].mean()):
        return (
            "(predicted > 0) == (actual > 0) counts a forecast of exactly 0 as a correct "
            "'down' call; a 0 calls no direction. Compare np.sign of both, on actual != 0"
        )
    if np.isclose(value, 1 - expected):
        return "that is the share of days with the wrong sign"
    if np.isclose(value, np.sum(np.sign(predicted[moving]) == np.sign(actual[moving]))):
        return "that is a count of days: divide by the number of days with a direction"
    return f"got {value:.4f}, which is not the share of right signs on the moving days"


def _returns(rng, n: int, zeros: float) -> np.ndarray:
    """Random daily returns, (n,), about ``zeros`` of them exactly 0."""
    values = rng.normal(0.0005, 0.01, n)
    values[rng.random(n) < zeros] = 0.0
    values[0] = 0.01  # at least one day with a direction
    return values


@exercise(
    "05.3",
    "direction accuracy",
    points=2,
    difficulty=1,
    assesses="the share of days a forecast calls the sign right, leaving out days with no "
    "move and counting a forecast of 0 as no call",
)
def check_direction_accuracy(direction_accuracy, rng) -> None:
    """``direction_accuracy(actual, predicted)``: share of right signs, zero-days left out."""
    n = int(rng.integers(12, 40))
    actual, predicted = _returns(rng, n, 0.2), _returns(rng, n, 0.25)
    expected = reference_direction_accuracy(actual, predicted)
    got = call_answer(NAME_3, direction_accuracy, actual.copy(), predicted.copy())
    value = as_number(NAME_3, got, "the direction accuracy")
    if not np.isclose(value, expected):
        raise WrongAnswer(NAME_3, _direction_hint(value, expected, actual, predicted))
    always_up = np.ones_like(actual)
    got = call_answer(NAME_3, direction_accuracy, actual.copy(), always_up.copy())
    value = as_number(NAME_3, got, "the direction accuracy of 'always up'")
    if not np.isclose(value, reference_direction_accuracy(actual, always_up)):
        raise WrongAnswer(NAME_3, "the 'always up' forecast (all +1) gets a wrong score")
    passed(NAME_3, "Compare it with 'always up': the market rose on most days.")


# --- 05.4: the Diebold–Mariano statistic ----------------------------------------------------

NAME_4 = "05.4 Diebold–Mariano"


def _error_pair(rng, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Two fat-tailed forecast error series, (n,) each, correlated over ``horizon - 1`` steps.

    An h-step forecast's errors overlap for h - 1 steps, so they are drawn as a moving
    sum of h shocks; one of the two forecasts is sometimes clearly worse. Redrawn in the
    rare case where the long-run variance estimate is not positive (no test exists then).
    """
    while True:
        n = int(rng.integers(40, 300))
        shocks = rng.standard_t(5, size=(2, n + horizon - 1))
        kernel = np.ones(horizon)
        errors = np.array([np.convolve(row, kernel, mode="valid") for row in shocks])
        errors[1] *= rng.choice([1.0, rng.uniform(0.7, 1.4)])
        try:
            diebold_mariano(errors[0], errors[1], horizon=horizon)
        except ValueError:
            continue
        return errors[0], errors[1]


def _dm_variant(a, b, horizon: int, variant: str) -> tuple[float, float]:
    """(statistic, two-sided p) the way a typical mistake computes them."""
    loss = np.abs if variant == "absolute" else np.square
    d = loss(a) - loss(b)
    if variant == "reversed":
        d = -d
    n = len(d)
    centred = d if variant == "uncentred" else d - d.mean()
    divisor = (lambda k: n - k) if variant == "per_lag" else (lambda k: n)
    gamma = [np.dot(centred[k:], centred[: n - k]) / divisor(k) for k in range(horizon)]
    if variant == "ddof":
        gamma[0] = np.var(d, ddof=1)
    twice = 1.0 if variant == "once" else 2.0
    variance = gamma[0] if variant == "lag0" else gamma[0] + twice * sum(gamma[1:])
    statistic = d.mean() / np.sqrt(variance / n)
    factor = (n + 1 - 2 * horizon + horizon * (horizon - 1) / n) / n
    if variant == "no_sqrt":
        statistic *= factor
    elif variant != "no_hln":
        statistic *= np.sqrt(factor)
    if variant == "normal":
        from lstm_course.forecast_eval import normal_cdf  # noqa: PLC0415

        return statistic, 2 * (1 - normal_cdf(abs(statistic)))
    p_two = 2 * (1 - student_t_cdf(abs(statistic), n - 1))
    if variant == "one_sided":
        return statistic, p_two / 2
    return statistic, p_two


_DM_MISTAKES = {
    "reversed": "the sign is flipped: d_t = e_a,t² - e_b,t², so a negative DM means forecast a "
    "has the smaller errors",
    "absolute": "the loss is squared error, e², not |e|",
    "once": "the long-run variance adds each autocovariance twice (lags k and -k): "
    "γ_0 + 2·(γ_1 + ... + γ_h-1)",
    "lag0": "for horizon h > 1 the long-run variance also needs the autocovariances up to "
    "lag h - 1 (twice each)",
    "per_lag": "divide every autocovariance by n (not n - k), as the test's variance estimate does",
    "ddof": "γ_0 divides by n (np.var's default ddof=0), not n - 1",
    "uncentred": "centre d before the autocovariances: γ_k = Σ (d_t - d̄)(d_t-k - d̄) / n",
    "no_hln": "the Harvey–Leybourne–Newbold correction is missing: multiply DM by "
    "sqrt((n + 1 - 2h + h(h - 1)/n) / n)",
    "no_sqrt": "the HLN factor goes under a square root",
    "normal": "with the HLN correction the p-value comes from Student's t with n - 1 "
    "degrees of freedom (student_t_cdf), not the normal distribution",
    "one_sided": "that p-value is one-sided: the test asks 'different?', so double the tail",
}


def _as_pair(got, what: str) -> tuple[float, float]:
    """The learner's (statistic, p_value) as two floats, or a hint."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise WrongAnswer(NAME_4, f"return a pair (statistic, p_value), got {describe(got)}")
    return as_number(NAME_4, got[0], f"the statistic of {what}"), as_number(
        NAME_4, got[1], f"the p-value of {what}"
    )


@exercise(
    "05.4",
    "the Diebold–Mariano test by hand",
    points=5,
    difficulty=3,
    assesses="the DM statistic for squared loss: the loss differential, its long-run variance "
    "with twice the autocovariances up to lag h - 1, the HLN small-sample correction and a "
    "two-sided p-value from Student's t(n - 1)",
)
def check_dm_test(dm_test, rng) -> None:
    """``dm_test(errors_a, errors_b, horizon)`` -> (statistic, two-sided p-value)."""
    # two horizons where the autocovariances matter first (some mistakes coincide at h = 1),
    # then one-step forecasts
    for horizon in (*rng.integers(2, 5, size=2), 1):
        horizon = int(horizon)
        a, b = _error_pair(rng, horizon)
        what = f"dm_test(errors_a, errors_b, horizon={horizon}) on {len(a)} errors"
        got = _as_pair(call_answer(NAME_4, dm_test, a.copy(), b.copy(), horizon), what)
        reference = diebold_mariano(a, b, horizon=horizon)
        expected = (reference.statistic, reference.p_value)
        if np.allclose(got, expected, rtol=1e-6, atol=1e-10):
            continue
        for variant, hint in _DM_MISTAKES.items():
            if np.allclose(got, _dm_variant(a, b, horizon, variant), rtol=1e-6, atol=1e-10):
                raise WrongAnswer(NAME_4, f"{what}: {hint}")
        statistic_right = np.isclose(got[0], expected[0], rtol=1e-6)
        raise WrongAnswer(
            NAME_4,
            f"{what}: "
            + (
                "the statistic is right but the p-value is not: 2·(1 - student_t_cdf(|DM|, n - 1))"
                if statistic_right
                else "the statistic differs from the test's; build it step by step: d_t, its "
                "mean, the long-run variance, DM = d̄ / sqrt(V / n), then the HLN factor"
            ),
        )
    passed(NAME_4, "The same statistic and p-value as forecast_eval.diebold_mariano.")
