"""Notebook 10's exercises (format v2): right answers pass on every draw, each typical mistake
gets its own hint, and the stub and None are refused."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.special

from lstm_course.exercises import WrongAnswer, registry
from lstm_course.exercises import sentiment as ex

SEEDS = range(8)


def _not_implemented(*args, **kwargs):
    """What the student build leaves in a function exercise."""
    raise NotImplementedError("Exercise: write your answer here")


def test_the_three_exercises_are_declared_in_order():
    items = [registry.EXERCISES[f"10.{k}"] for k in (1, 2, 3)]
    assert [i.check for i in items] == [
        "check_log_count_ratio",
        "check_pair_accuracy",
        "check_fit_logistic",
    ]
    assert [i.difficulty for i in items] == [1, 2, 3]


# --- 10.1 -----------------------------------------------------------------------------------


def ratio_right(X, y, alpha=1.0):
    X, y = np.asarray(X), np.asarray(y)
    p, q = alpha + X[y == 1].sum(0), alpha + X[y == 0].sum(0)
    return np.log(p / p.sum()) - np.log(q / q.sum())


@pytest.mark.parametrize("seed", SEEDS)
def test_ratio_right(seed, capsys):
    ex.check_log_count_ratio(ratio_right, seed=seed)
    ex.check_log_count_ratio(lambda X, y, a: list(ratio_right(X, y, a)), seed=seed)
    assert capsys.readouterr().out.count("✓ 10.1 log-count ratio: correct.") == 2


def _p_q(X, y, a):
    X, y = np.asarray(X), np.asarray(y)
    return X[y == 1].sum(0), X[y == 0].sum(0)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_not_implemented, "NotImplementedError"),
        (lambda X, y, a: None, "None"),
        (lambda X, y, a: -ratio_right(X, y, a), "classes are swapped"),
        (
            lambda X, y, a: np.log(a + _p_q(X, y, a)[0]) - np.log(a + _p_q(X, y, a)[1]),
            "normalised by that class's total",
        ),
        (lambda X, y, a: ratio_right(X, y, 1.0), "smoothing alpha is missing"),
        (
            lambda X, y, a: np.exp(ratio_right(X, y, a)),
            "take the log",
        ),
        (
            lambda X, y, a: np.log((a + np.sum(X, 0)) / (a + np.sum(X, 0)).sum()),
            "count each class separately",
        ),
        (lambda X, y, a: ratio_right(X, y, a)[:-1], "has shape"),
        (lambda X, y, a: "r", "array of numbers"),
    ],
)
def test_ratio_wrong(answer, hint):
    for seed in range(6):  # "alpha missing" needs a draw with alpha != 1; some seed has one
        try:
            ex.check_log_count_ratio(answer, seed=seed)
        except WrongAnswer as err:
            if hint in str(err):
                return
            continue
        pytest.fail("a wrong answer passed")
    pytest.fail(f"no draw gave the hint {hint!r}")


# --- 10.2 -----------------------------------------------------------------------------------


def pair_right(predicted, labels, pairs):
    right = np.asarray(predicted) == np.asarray(labels)
    return float(np.mean([right[pairs == p].all() for p in np.unique(pairs)]))


@pytest.mark.parametrize("seed", SEEDS)
def test_pair_right(seed, capsys):
    ex.check_pair_accuracy(pair_right, seed=seed)
    ex.check_pair_accuracy(lambda *a: np.float32(pair_right(*a)), seed=seed)
    assert capsys.readouterr().out.count("✓ 10.2 pair accuracy: correct.") == 2


def _right(predicted, labels):
    return np.asarray(predicted) == np.asarray(labels)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_not_implemented, "NotImplementedError"),
        (lambda p, y, g: None, "None"),
        (lambda p, y, g: _right(p, y).mean(), "accuracy over sentences"),
        (
            lambda p, y, g: np.mean([_right(p, y)[g == k].any() for k in np.unique(g)]),
            "not when either is",
        ),
        (
            lambda p, y, g: sum(_right(p, y)[g == k].all() for k in np.unique(g)) / len(p),
            "divide by the number of pairs",
        ),
        (lambda p, y, g: np.mean(_right(p, y)[0::2] & _right(p, y)[1::2]), "group the sentences"),
        (lambda p, y, g: 1 - pair_right(p, y, g), "at least one mistake"),
        (lambda p, y, g: [0.5, 0.5], "one number"),
    ],
)
def test_pair_wrong(answer, hint):
    with pytest.raises(WrongAnswer, match=hint):
        for seed in range(6):  # some answers are right by chance on a draw; one draw is enough
            ex.check_pair_accuracy(answer, seed=seed)


# --- 10.3 -----------------------------------------------------------------------------------


def fit_right(X, y, l2, penalise_bias=False, fit_bias=True, steps=20_000, penalty=True):
    X, y = np.asarray(X, float), np.asarray(y, float)
    w, b = np.zeros(X.shape[1]), 0.0
    step = 1.0 / (0.25 * np.linalg.norm(X, 2) ** 2 / len(y) + l2 + 0.25)
    for _ in range(steps):
        error = scipy.special.expit(X @ w + b) - y
        gw = X.T @ error / len(y) + (l2 * w if penalty else 0)
        gb = error.mean() + (l2 * b if penalise_bias else 0)
        w -= step * gw
        if fit_bias:
            b -= step * gb
        if np.sqrt(gw @ gw + gb**2) < 1e-7:
            break
    return w, b


@pytest.mark.parametrize("seed", range(4))
def test_fit_right(seed, capsys):
    ex.check_fit_logistic(fit_right, seed=seed)
    assert "✓ 10.3 logistic regression by hand: correct." in capsys.readouterr().out


def _ascend(X, y, l2):
    w, b = fit_right(X, y, l2, steps=200)
    return -w, -b


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_not_implemented, "NotImplementedError"),
        (lambda X, y, l2: None, "return a pair"),
        (lambda X, y, l2: (np.zeros(np.shape(X)[1]), 0.0), "still zero"),
        (lambda X, y, l2: fit_right(X, y, l2, penalty=False), "L2 penalty is missing"),
        (lambda X, y, l2: fit_right(X, y, l2, penalise_bias=True), "bias is penalised"),
        (lambda X, y, l2: fit_right(X, y, l2, fit_bias=False), "bias is not fitted"),
        (lambda X, y, l2: fit_right(X, y, l2, steps=3), "not at the minimum"),
        (_ascend, "loss went up"),
        (lambda X, y, l2: (fit_right(X, y, l2)[0][:-1], 0.0), "has shape"),
    ],
)
def test_fit_wrong(answer, hint):
    with pytest.raises(WrongAnswer, match=hint):
        ex.check_fit_logistic(answer, seed=0)
