"""Checks of notebook 03's exercises: right answers pass, typical wrong ones get their hint."""

import numpy as np
import pytest

from lstm_course.exercises import WrongAnswer, vanishing_gradients
from lstm_course.gradient_flow import clip_by_global_norm


def test_gradient_bound_right_and_wrong(capsys):
    vanishing_gradients.check_gradient_bound(lambda W, k: np.linalg.norm(W, 2) ** k)
    assert "✓ gradient bound" in capsys.readouterr().out
    wrong = {
        "spectral radius": lambda W, k: np.max(np.abs(np.linalg.eigvals(W))) ** k,
        "Frobenius norm": lambda W, k: np.linalg.norm(W) ** k,
        "largest entry": lambda W, k: np.max(np.abs(W)) ** k,
        "to the power k": lambda W, k: np.linalg.norm(W, 2),
        "expected σ_max\\^k": lambda W, k: 0.5**k,
        "should be a number": lambda W, k: "big",
        "is None": lambda W, k: None,
        "NotImplementedError": lambda W, k: (_ for _ in ()).throw(NotImplementedError()),
    }
    for hint, answer in wrong.items():
        with pytest.raises(WrongAnswer, match=hint):
            vanishing_gradients.check_gradient_bound(answer)


def test_clip_right_and_wrong(capsys):
    vanishing_gradients.check_clip(lambda grads, m: clip_by_global_norm(grads, m)[0])
    vanishing_gradients.check_clip(
        lambda grads, m: clip_by_global_norm(grads, m)
    )  # (clipped, norm)
    assert "✓ clip by global norm" in capsys.readouterr().out

    def per_array(grads, m):
        return [g * min(1.0, m / np.linalg.norm(g)) for g in grads]

    def always_rescale(grads, m):
        norm = np.sqrt(sum(np.sum(g**2) for g in grads))
        return [g * m / norm for g in grads]

    def in_place(grads, m):
        for g in grads:
            g *= 0.5
        return grads

    for answer, hint in [
        (per_array, "clipped each array on its own"),
        (always_rescale, "already below max_norm"),
        (in_place, "changed the arrays it was given"),
        (lambda grads, m: grads[0], "return a list of 3 arrays"),
        (lambda grads, m: [g * 0.1 for g in grads], "global norm"),
        (lambda grads, m: [g.ravel() for g in grads], "shapes"),
    ]:
        with pytest.raises(WrongAnswer, match=hint):
            vanishing_gradients.check_clip(answer)


def test_forget_bias_right_and_wrong(capsys):
    def right(steps, keep):
        f = keep ** (1 / steps)
        return np.log(f / (1 - f))

    vanishing_gradients.check_forget_bias(right)
    out = capsys.readouterr().out
    assert "✓ forget bias" in out and "4.97" in out
    assert vanishing_gradients._forget_bias(100, 0.5) == pytest.approx(4.9682, abs=1e-4)
    for answer, hint in [
        (lambda s, k: k ** (1 / s), "that is the forget gate's value"),
        (lambda s, k: -right(s, k), "sign is flipped"),
        (lambda s, k: 1.0, "keeps"),
        (lambda s, k: float("inf"), "overflow"),
    ]:
        with pytest.raises(WrongAnswer, match=hint):
            vanishing_gradients.check_forget_bias(answer)


def test_mystery_scale(capsys):
    steps, norms = vanishing_gradients.mystery_curve()
    assert steps.shape == norms.shape == (101,) and norms[0] == pytest.approx(1.0)
    assert 1e-11 < norms[-1] < 1e-9  # about 0.8 ** 100
    vanishing_gradients.check_mystery_scale(0.8)
    assert "✓ read the scale" in capsys.readouterr().out
    for answer, hint in [
        (0.5, "0.5\\^100"),
        (1.0, "would not shrink much"),
        (1.5, "would not shrink much"),
        (0.7, "pick one of"),
        ("x", "should be a number"),
    ]:
        with pytest.raises(WrongAnswer, match=hint):
            vanishing_gradients.check_mystery_scale(answer)
