"""Notebook 03's checks: right answers pass on every draw, typical wrong ones get their hint."""

import math

import numpy as np
import pytest

from lstm_course.exercises import WrongAnswer
from lstm_course.exercises import vanishing_gradients as vg
from lstm_course.exercises.registry import EXERCISES

SEEDS = [0, 1, 2, 3, 4, 5, 6, 7]


def _stub(*args, **kwargs):
    raise NotImplementedError("Exercise: write your answer here")


def _fails(check, answer, hint, seeds=SEEDS[:4]):
    """The check refuses ``answer`` with ``hint`` on every seed."""
    for seed in seeds:
        with pytest.raises(WrongAnswer, match=hint):
            check(answer, seed=seed)


def _passes_everywhere(check, answer, capsys, seeds=SEEDS):
    for seed in seeds:
        check(answer, seed=seed)
    lines = capsys.readouterr().out.splitlines()
    assert len(set(lines)) == 1 and lines[0].startswith("✓")  # the same line on every draw


def test_the_four_exercises_are_declared_in_order():
    assert [EXERCISES[f"03.{k}"].check for k in range(1, 5)] == [
        "check_gradient_bound",
        "check_per_step_factor",
        "check_forget_bias",
        "check_first_value_correlation",
    ]
    assert EXERCISES["03.4"].difficulty == 3


# ----------------------------------------------------------------------------- 03.1


def test_gradient_bound_right(capsys):
    _passes_everywhere(vg.check_gradient_bound, lambda W, k: np.linalg.norm(W, 2) ** k, capsys)
    vg.check_gradient_bound(lambda W, k: np.float32(np.linalg.norm(W, 2) ** k), seed=0)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_stub, "NotImplementedError"),
        (None, "expected a function"),
        (lambda W, k: None, "is None"),
        (lambda W, k: "big", "should be a number"),
        (lambda W, k: np.max(np.abs(np.linalg.eigvals(W))) ** k, "spectral radius"),
        (lambda W, k: np.linalg.norm(W) ** k, "Frobenius norm"),
        (lambda W, k: np.max(np.abs(W)) ** k, "largest entry"),
        (lambda W, k: np.linalg.norm(W, 1) ** k, "1-norm"),
        (lambda W, k: np.linalg.norm(W, 2), "raise it to the power k"),
        (lambda W, k: k * np.linalg.norm(W, 2), "do not add up"),
        (lambda W, k: np.linalg.norm(W, 2) ** (k + 1), "one factor too many"),
        (lambda W, k: 0.5**k, "is not σ_max"),
        (lambda W, k: np.array([np.linalg.norm(W, 2) ** k] * 2), "one number"),
    ],
)
def test_gradient_bound_wrong(answer, hint):
    _fails(vg.check_gradient_bound, answer, hint)


# ----------------------------------------------------------------------------- 03.2


def factor_right(steps_back, norms):
    slope = np.polyfit(steps_back, np.log10(norms), 1)[0]
    return 10**slope


def test_per_step_factor_right(capsys):
    _passes_everywhere(vg.check_per_step_factor, factor_right, capsys)
    _passes_everywhere(vg.check_per_step_factor, vg.reference_per_step_factor, capsys)


def test_the_measured_curve_gives_its_scale():
    rng = np.random.default_rng(0)
    for _ in range(5):
        steps, norms, scale = vg._rnn_curve(rng)
        assert vg.reference_per_step_factor(steps, norms) == pytest.approx(scale, rel=0.01)


def _slope(steps, norms):
    return np.polyfit(steps, np.log(norms), 1)[0]


def _ends(steps, norms):
    lo, hi = np.argmin(steps), np.argmax(steps)
    return (norms[hi] / norms[lo]) ** (1 / (steps[hi] - steps[lo]))


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_stub, "NotImplementedError"),
        (None, "expected a function"),
        (lambda s, n: None, "is None"),
        (_slope, "its exponential"),
        (lambda s, n: 10 ** _slope(s, n), "mixed logarithms"),
        (lambda s, n: math.exp(-_slope(s, n)), "invert it"),
        (lambda s, n: (n[-1] / n[0]) ** (1 / (s[-1] - s[0])), "two ends"),
        (_ends, "two ends"),
        (lambda s, n: np.polyfit(s, n, 1)[0], r"\*logarithm\*"),
        (lambda s, n: np.exp(np.polyfit(s, np.log(n), 1)), "one number"),
    ],
)
def test_per_step_factor_wrong(answer, hint):
    _fails(vg.check_per_step_factor, answer, hint)


def test_the_two_ends_pass_only_on_a_clean_curve():
    """Noise-free, the two ends give the slope: the noisy draws are what refuse them."""
    steps, norms, _ = vg._rnn_curve(np.random.default_rng(1))
    assert _ends(steps, norms) == pytest.approx(
        vg.reference_per_step_factor(steps, norms), rel=1e-3
    )


# ----------------------------------------------------------------------------- 03.3


def bias_right(steps, keep):
    f = keep ** (1 / steps)
    return np.log(f / (1 - f))


def test_forget_bias_right(capsys):
    _passes_everywhere(vg.check_forget_bias, bias_right, capsys)
    out = capsys.readouterr().out
    vg.check_forget_bias(bias_right, seed=0)
    assert "4.97" in capsys.readouterr().out
    assert vg._forget_bias(100, 0.5) == pytest.approx(4.9682, abs=1e-4)
    assert out == ""


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_stub, "NotImplementedError"),
        (None, "expected a function"),
        (lambda s, k: None, "is None"),
        (lambda s, k: k ** (1 / s), "that is the forget gate's value"),
        (lambda s, k: -bias_right(s, k), "sign is flipped"),
        (lambda s, k: math.log(k ** (1 / s)), r"log\(f\) is not"),
        (lambda s, k: bias_right(1, k), "after one step"),
        (lambda s, k: bias_right(1, k / s), "not by dividing"),
        (lambda s, k: 1.0, "keeps"),
        (lambda s, k: float("inf"), "overflow"),
    ],
)
def test_forget_bias_wrong(answer, hint):
    _fails(vg.check_forget_bias, answer, hint)


# ----------------------------------------------------------------------------- 03.4


def trace_right(c_seq, x):
    first = np.argmax(x[:, :, 1] == 1, axis=1)
    value = x[np.arange(len(x)), first, 0]
    B, T, H = c_seq.shape
    corr = np.zeros((T, H))
    for t in range(T):
        for unit in range(H):
            c = c_seq[:, t, unit]
            if c.std() > 0:
                corr[t, unit] = np.corrcoef(c, value)[0, 1]
    return corr


def test_trace_right(capsys):
    _passes_everywhere(vg.check_first_value_correlation, trace_right, capsys)
    _passes_everywhere(
        vg.check_first_value_correlation, vg.reference_first_value_correlation, capsys
    )


def test_the_planted_carrier_is_the_best_correlated_unit_after_the_first_half():
    rng = np.random.default_rng(0)
    c_seq, x = vg._trace_draw(rng)
    corr = vg.reference_first_value_correlation(c_seq, x)
    T = x.shape[1]
    assert np.max(np.abs(corr[T // 2 - 1])) > 0.95
    assert np.all(np.abs(corr) <= 1 + 1e-12)


def _second_value(c_seq, x):
    last = x.shape[1] - 1 - np.argmax(x[:, ::-1, 1] == 1, axis=1)
    flipped = x.copy()
    flipped[:, :, 1] = 0
    flipped[np.arange(len(x)), last, 1] = 1
    return trace_right(c_seq, flipped)


def _covariance(c_seq, x):
    first = np.argmax(x[:, :, 1] == 1, axis=1)
    value = x[np.arange(len(x)), first, 0]
    return np.einsum("b,bth->th", value - value.mean(), c_seq - c_seq.mean(axis=0)) / len(x)


def _nan_for_flat_units(c_seq, x):
    first = np.argmax(x[:, :, 1] == 1, axis=1)
    value = x[np.arange(len(x)), first, 0]
    c = c_seq - c_seq.mean(axis=0)
    v = value - value.mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.einsum("b,bth->th", v, c) / np.sqrt(np.sum(v**2) * np.sum(c**2, axis=0))


def _value_at_step_0(c_seq, x):
    shifted = x.copy()
    shifted[:, :, 1] = 0
    shifted[:, 0, 1] = 1
    return trace_right(c_seq, shifted)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_stub, "NotImplementedError"),
        (None, "expected a function"),
        (lambda c, x: None, "is None"),
        (_nan_for_flat_units, "return 0 there, not nan"),
        (_second_value, r"\*second\* marked value"),
        (_covariance, "that is the covariance"),
        (lambda c, x: np.abs(trace_right(c, x)), "keep the sign"),
        (lambda c, x: trace_right(c, x) ** 2, "squared correlation"),
        (_value_at_step_0, "value at step 0"),
        (lambda c, x: trace_right(c, x).T, "transposed"),
        (lambda c, x: trace_right(c, x)[:, :-1], "has shape"),
    ],
)
def test_trace_wrong(answer, hint):
    _fails(vg.check_first_value_correlation, answer, hint)
