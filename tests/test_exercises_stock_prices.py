"""The self-checks of notebook 05: right answers pass, typical wrong ones get specific hints."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lstm_course.exercises import WrongAnswer
from lstm_course.exercises import stock_prices as ex

# --- exercise 1: scale without a leak -------------------------------------------------------


def scale_right(series, train_end):
    train = series[:train_end]
    return (series - train.mean()) / train.std()


def scale_right_pandas(series, train_end):  # ddof=1, via pandas: also accepted
    s = pd.Series(series)
    return ((s - s[:train_end].mean()) / s[:train_end].std()).to_numpy()


@pytest.mark.parametrize("answer", [scale_right, scale_right_pandas])
def test_scale_right_answers_pass(answer, capsys):
    ex.check_scale_without_leak(answer)
    assert "✓ scale without leak: correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda s, n: (s - s.mean()) / s.std(), "still the leaky version"),
        (lambda s, n: (s - s[: n + 1].mean()) / s[: n + 1].std(), r"series\[:train_end \+ 1\]"),
        (lambda s, n: scale_right(s, n)[:n], "only the training part"),
        (lambda s, n: None, "forget to `return`"),
        (lambda s, n: s - s[:n].mean(), "differs most at index"),
        (lambda s, n: scale_right(s, n)[::-1], "differs most at index"),
    ],
    ids=["leaky", "off-by-one", "train-only", "none", "no-std", "reversed"],
)
def test_scale_wrong_answers_get_hints(answer, hint):
    with pytest.raises(WrongAnswer, match=hint):
        ex.check_scale_without_leak(answer)


def test_scale_that_depends_on_the_future_is_caught():
    """Right on the check's own series, but its past changes when the future does."""
    reference = ex._prices(80)

    def sneaky(series, train_end):
        if np.allclose(series, reference):
            return scale_right(series, train_end)
        return (series - series.mean()) / series.std()

    with pytest.raises(WrongAnswer, match="a leak"):
        ex.check_scale_without_leak(sneaky)


def test_unfinished_exercise_says_so():
    def stub(series, train_end):
        raise NotImplementedError("Exercise: write your answer here")

    with pytest.raises(WrongAnswer, match="NotImplementedError"):
        ex.check_scale_without_leak(stub)


# --- exercise 2: random walk ----------------------------------------------------------------


def random_walk_right(prices, drift=0.0):
    return np.asarray(prices)[:-1] * np.exp(drift)


def test_random_walk_right_answer_passes(capsys):
    ex.check_random_walk(random_walk_right)
    assert "✓ random walk: correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda p, drift=0.0: p[1:] * np.exp(drift), "true prices of days 1..n-1"),
        (lambda p, drift=0.0: p * np.exp(drift), "day 0 has no yesterday"),
        (lambda p, drift=0.0: p[:-1], "drift argument is ignored"),
        (lambda p, drift=0.0: p[:-1] + drift, "drift is a log return"),
        (lambda p, drift=0.0: p[:-2], r"shape \(38,\), expected \(39,\)"),
        (lambda p: p[:-1], "TypeError"),
        (lambda p, drift=0.0: None, "forget to `return`"),
    ],
    ids=["peeks", "n-forecasts", "no-drift", "additive-drift", "short", "no-kwarg", "none"],
)
def test_random_walk_wrong_answers_get_hints(answer, hint):
    with pytest.raises(WrongAnswer, match=hint):
        ex.check_random_walk(answer)


# --- exercise 3: direction accuracy ---------------------------------------------------------


def direction_right(actual, predicted):
    actual, predicted = np.asarray(actual), np.asarray(predicted)
    moving = actual != 0
    return np.mean(np.sign(predicted[moving]) == np.sign(actual[moving]))


def test_direction_right_answers_pass(capsys):
    from lstm_course.metrics import direction_accuracy

    ex.check_direction_accuracy(direction_right)
    ex.check_direction_accuracy(direction_accuracy)  # the package's own version agrees
    assert capsys.readouterr().out.count("✓ direction accuracy: correct") == 2


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda a, p: 100 * direction_right(a, p), "not a percentage"),
        (lambda a, p: np.mean(np.sign(a) == np.sign(p)), "leave them out"),
        (lambda a, p: np.mean((a > 0) == (p > 0)), "counts a forecast of exactly 0"),
        (
            lambda a, p: np.mean((a[a != 0] > 0) == (p[a != 0] > 0)),
            "counts a forecast of exactly 0",
        ),
        (lambda a, p: np.sign(a) == np.sign(p), "should be one number"),
        (lambda a, p: 1 - direction_right(a, p) + 0.01, "expected 0.5000"),
    ],
    ids=["percent", "zeros-kept", "greater-than", "greater-than-moving", "array", "other"],
)
def test_direction_wrong_answers_get_hints(answer, hint):
    with pytest.raises(WrongAnswer, match=hint):
        ex.check_direction_accuracy(answer)


def test_direction_that_fails_on_always_up_is_caught():
    def breaks_on_ties(actual, predicted):
        if np.all(predicted == 1):
            return 0.0
        return direction_right(actual, predicted)

    with pytest.raises(WrongAnswer, match="always up"):
        ex.check_direction_accuracy(breaks_on_ties)
