"""Notebook 05's exercises (format v2): right answers pass on every draw, each typical mistake
gets its own hint, and the stub and None are refused."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_course.exercises import WrongAnswer, registry
from lstm_course.exercises import stock_prices as ex
from lstm_course.forecast_eval import student_t_cdf

SEEDS = range(12)


def _not_implemented(*args, **kwargs):
    """What the student build leaves in a function exercise."""
    raise NotImplementedError("Exercise: write your answer here")


def test_the_four_exercises_are_declared_in_order():
    items = [registry.EXERCISES[f"05.{k}"] for k in (1, 2, 3, 4)]
    assert [item.check for item in items] == [
        "check_random_walk",
        "check_lag_profile",
        "check_direction_accuracy",
        "check_dm_test",
    ]
    assert [item.difficulty for item in items] == [1, 2, 1, 3]
    assert registry.heading(items[3]) == (
        "### Exercise 05.4 — the Diebold–Mariano test by hand · ★★★ · 5 points"
    )


def _one_line_per_pass(capsys, count: int) -> str:
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == count and len(set(lines)) == 1  # the text does not depend on the draw
    return lines[0]


# ----------------------------------------------------------------------------- 05.1 random walk


def random_walk_right(prices, drift=0.0):
    return np.asarray(prices)[:-1] * np.exp(drift)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_walk_right_on_every_draw(seed, capsys):
    ex.check_random_walk(random_walk_right, seed=seed)
    ex.check_random_walk(lambda p, drift=0.0: list(random_walk_right(p, drift)), seed=seed)
    ex.check_random_walk(
        lambda p, drift=0.0: random_walk_right(p, drift).astype(np.float32), seed=seed
    )
    assert _one_line_per_pass(capsys, 3).startswith("✓ 05.1 random walk: correct.")


@pytest.mark.parametrize("seed", [0, 7])
@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_not_implemented, "still raises NotImplementedError"),
        (lambda p, drift=0.0: None, "forget to `return`"),
        (lambda p, drift=0.0: p, r"forecasts for \d+ prices; day 0 has no yesterday"),
        (lambda p, drift=0.0: p[1:] * np.exp(drift), "the true prices of days 1..n-1"),
        (lambda p, drift=0.0: p[:-1], "the drift argument is ignored"),
        (lambda p, drift=0.0: p[:-1] + drift, "not index points"),
        (lambda p, drift=0.0: p[:-1] * (1 + drift), "not 1 \\+ drift"),
        (lambda p, drift=0.0: p[:-1] * np.exp(-drift), "sign of the drift is flipped"),
        (lambda p, drift=0.0: p[:-2], r"has shape \(\d+,\), expected"),
        (lambda p, drift=0.0: p[:-1][::-1], "differs most at index"),
    ],
)
def test_random_walk_wrong(answer, hint, seed):
    with pytest.raises(WrongAnswer, match=hint):
        ex.check_random_walk(answer, seed=seed)


def test_a_failing_draw_names_its_seed():
    with pytest.raises(WrongAnswer, match=r"check_random_walk\(…, seed=3\)"):
        ex.check_random_walk(lambda p, drift=0.0: p[:-1], seed=3)


# ----------------------------------------------------------------------------- 05.2 lag profile


def lag_profile_right(forecast, truth, max_lag):
    n = len(forecast)
    correlations = []
    for k in range(-max_lag, max_lag + 1):
        a, b = (forecast[k:], truth[: n - k]) if k >= 0 else (forecast[: n + k], truth[-k:])
        correlations.append(np.corrcoef(a, b)[0, 1])
    return np.array(correlations)


def lag_profile_pandas(forecast, truth, max_lag):
    import pandas as pd

    f, t = pd.Series(forecast), pd.Series(truth)
    return np.array([f.corr(t.shift(k)) for k in range(-max_lag, max_lag + 1)])


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    "answer", [lag_profile_right, lag_profile_pandas], ids=["slices", "pandas"]
)
def test_lag_profile_right_on_every_draw(answer, seed, capsys):
    ex.check_lag_profile(answer, seed=seed)
    assert _one_line_per_pass(capsys, 1).startswith("✓ 05.2 lag profile: correct.")


def _rolled(forecast, truth, max_lag):
    return np.array(
        [np.corrcoef(forecast, np.roll(truth, k))[0, 1] for k in range(-max_lag, max_lag + 1)]
    )


def _whole_means(forecast, truth, max_lag):
    n, f, t = len(forecast), forecast - forecast.mean(), truth - truth.mean()
    out = []
    for k in range(-max_lag, max_lag + 1):
        a, b = (f[k:], t[: n - k]) if k >= 0 else (f[: n + k], t[-k:])
        out.append(np.sum(a * b) / np.sqrt(np.sum(f**2) * np.sum(t**2)))
    return np.array(out)


def _covariances(forecast, truth, max_lag):
    n, f, t = len(forecast), forecast - forecast.mean(), truth - truth.mean()
    out = []
    for k in range(-max_lag, max_lag + 1):
        a, b = (f[k:], t[: n - k]) if k >= 0 else (f[: n + k], t[-k:])
        out.append(np.mean(a * b))
    return np.array(out)


@pytest.mark.parametrize("seed", [0, 4])
@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_not_implemented, "still raises NotImplementedError"),
        (lambda f, t, m: None, "forget to `return`"),
        (lambda f, t, m: lag_profile_right(f, t, m)[::-1], "the lags are mirrored"),
        (_rolled, "np.roll wraps"),
        (_whole_means, "overlapping parts"),
        (_covariances, "those are covariances"),
        (lambda f, t, m: (np.arange(-m, m + 1), lag_profile_right(f, t, m)), "not a pair"),
        (lambda f, t, m: lag_profile_right(f, t, m)[m:], "also the negative lags"),
        (lambda f, t, m: np.abs(lag_profile_right(f, t, m)), "differs most at index"),
    ],
)
def test_lag_profile_wrong(answer, hint, seed):
    with pytest.raises(WrongAnswer, match=hint):
        ex.check_lag_profile(answer, seed=seed)


# ----------------------------------------------------------------------------- 05.3 direction


def direction_right(actual, predicted):
    actual, predicted = np.asarray(actual), np.asarray(predicted)
    moving = actual != 0
    return np.mean(np.sign(predicted[moving]) == np.sign(actual[moving]))


@pytest.mark.parametrize("seed", SEEDS)
def test_direction_right_on_every_draw(seed, capsys):
    ex.check_direction_accuracy(direction_right, seed=seed)
    ex.check_direction_accuracy(lambda a, p: np.float32(direction_right(a, p)), seed=seed)
    assert _one_line_per_pass(capsys, 2).startswith("✓ 05.3 direction accuracy: correct.")


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_not_implemented, "still raises NotImplementedError"),
        (lambda a, p: None, "forget to `return`"),
        (lambda a, p: 100 * direction_right(a, p), "not a percentage"),
        (lambda a, p: np.mean(np.sign(p) == np.sign(a)), "leave them out"),
        (lambda a, p: np.mean((p > 0) == (a > 0)), "calls no direction"),
        (lambda a, p: np.mean(((p > 0) == (a > 0))[a != 0]), "calls no direction"),
        (lambda a, p: 1 - direction_right(a, p), "the wrong sign"),
        (lambda a, p: np.sum(np.sign(p[a != 0]) == np.sign(a[a != 0])), "a count of days"),
        (lambda a, p: np.sign(p) == np.sign(a), "should be one number"),
    ],
)
def test_direction_wrong(answer, hint, seed):
    with pytest.raises(WrongAnswer, match=hint):
        ex.check_direction_accuracy(answer, seed=seed)


def test_direction_always_up_must_score_right():
    def cheat(actual, predicted):  # right on the first call, wrong on 'always up'
        return 0.5 if np.all(predicted == 1) else direction_right(actual, predicted)

    with pytest.raises(WrongAnswer, match="always up"):
        ex.check_direction_accuracy(cheat, seed=0)  # a draw where 'always up' is not 0.5


# ----------------------------------------------------------------------------- 05.4 DM test


def dm_right(errors_a, errors_b, horizon=1):
    d = errors_a**2 - errors_b**2
    n = len(d)
    centred = d - d.mean()
    gammas = [np.sum(centred[k:] * centred[: n - k]) / n for k in range(horizon)]
    long_run = gammas[0] + 2 * sum(gammas[1:])
    dm = d.mean() / np.sqrt(long_run / n)
    dm *= np.sqrt((n + 1 - 2 * horizon + horizon * (horizon - 1) / n) / n)
    return dm, 2 * (1 - student_t_cdf(abs(dm), n - 1))


def dm_with(**changes):
    """dm_right with one mistake switched on."""

    def dm_test(errors_a, errors_b, horizon=1):
        loss = changes.get("loss", np.square)
        d = loss(errors_a) - loss(errors_b)
        d = -d if changes.get("reversed") else d
        n = len(d)
        centred = d - d.mean() if not changes.get("uncentred") else d
        gammas = [
            np.sum(centred[k:] * centred[: n - k]) / (n - k if changes.get("per_lag") else n)
            for k in range(horizon)
        ]
        twice = changes.get("twice", 2)
        long_run = gammas[0] + twice * sum(gammas[1:])
        dm = d.mean() / np.sqrt(long_run / n)
        factor = (n + 1 - 2 * horizon + horizon * (horizon - 1) / n) / n
        dm *= changes.get("hln", np.sqrt)(factor)
        tail = 1 - student_t_cdf(abs(dm), n - 1)
        return dm, tail if changes.get("one_sided") else 2 * tail

    return dm_test


@pytest.mark.parametrize("seed", SEEDS)
def test_dm_right_on_every_draw(seed, capsys):
    ex.check_dm_test(dm_right, seed=seed)
    ex.check_dm_test(lambda a, b, h: list(dm_right(a, b, h)), seed=seed)
    ex.check_dm_test(lambda a, b, h: tuple(np.float32(v) for v in dm_right(a, b, h)), seed=seed)
    assert _one_line_per_pass(capsys, 3).startswith("✓ 05.4 Diebold–Mariano: correct.")


@pytest.mark.parametrize("seed", [0, 3])
@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_not_implemented, "still raises NotImplementedError"),
        (lambda a, b, h: None, r"return a pair \(statistic, p_value\)"),
        (lambda a, b, h: dm_right(a, b, h)[0], "return a pair"),
        (dm_with(reversed=True), "the sign is flipped"),
        (dm_with(loss=np.abs), "squared error"),
        (dm_with(twice=1), "each autocovariance twice"),
        (dm_with(twice=0), "autocovariances up to lag h - 1"),
        (dm_with(per_lag=True), r"not n - k"),
        (dm_with(uncentred=True), "centre d"),
        (dm_with(hln=lambda f: 1.0), "Harvey–Leybourne–Newbold correction is missing"),
        (dm_with(hln=lambda f: f), "under a square root"),
        (dm_with(one_sided=True), "one-sided"),
        (lambda a, b, h: (dm_right(a, b, h)[0], 0.5), "the statistic is right but the p-value"),
        (lambda a, b, h: (1.0, 0.5), "build it step by step"),
        (lambda a, b, h: (np.nan, 0.5), "is nan"),
    ],
)
def test_dm_wrong(answer, hint, seed):
    with pytest.raises(WrongAnswer, match=hint):
        ex.check_dm_test(answer, seed=seed)


def test_dm_normal_p_value_is_named():
    from lstm_course.forecast_eval import normal_cdf

    def normal(a, b, h):
        dm, _ = dm_right(a, b, h)
        return dm, 2 * (1 - normal_cdf(abs(dm)))

    with pytest.raises(WrongAnswer, match="Student's t"):
        ex.check_dm_test(normal, seed=0)


def test_dm_ddof_is_named():
    def ddof(a, b, h):
        d = a**2 - b**2
        n = len(d)
        c = d - d.mean()
        gammas = [np.var(d, ddof=1)] + [np.sum(c[k:] * c[: n - k]) / n for k in range(1, h)]
        dm = d.mean() / np.sqrt((gammas[0] + 2 * sum(gammas[1:])) / n)
        dm *= np.sqrt((n + 1 - 2 * h + h * (h - 1) / n) / n)
        return dm, 2 * (1 - student_t_cdf(abs(dm), n - 1))

    with pytest.raises(WrongAnswer, match="ddof=0"):
        ex.check_dm_test(ddof, seed=0)
