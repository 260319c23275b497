"""Checks for notebook 03 (the vanishing gradient problem)."""

from __future__ import annotations

import math

import numpy as np

from lstm_course.exercises import WrongAnswer, as_number, call_answer, passed
from lstm_course.exercises.bptt import _check_clipping
from lstm_course.gradient_flow import rnn_gradient_norms
from lstm_course.numpy_lstm import init_rnn_params, sigmoid

MYSTERY_SCALES = (0.5, 0.8, 1.0, 1.5)  # the choices offered for the plotted curve
_MYSTERY_SCALE = 0.8
_MYSTERY_STEPS = 100


def check_gradient_bound(gradient_bound) -> None:
    """``gradient_bound(W_hh, k)``: Pascanu et al.'s bound σ_max(W_hh)^k on ‖∂h_T/∂h_{T−k}‖."""
    name = "gradient bound"
    rng = np.random.default_rng(3)
    # a non-normal matrix: its spectral radius, largest singular value, Frobenius norm and
    # largest entry all differ, so each wrong reading gives a different number
    W = rng.normal(scale=0.4, size=(6, 6))
    sigma = float(np.linalg.norm(W, 2))
    for k in (1, 7, 30):
        got = as_number(
            name, call_answer(name, gradient_bound, W.copy(), k), f"the bound for k={k}"
        )
        expected = sigma**k
        if math.isclose(got, expected, rel_tol=1e-6):
            continue
        radius = float(np.max(np.abs(np.linalg.eigvals(W))))
        readings = {
            "the largest |eigenvalue| (the spectral radius)": radius**k,
            "the Frobenius norm": float(np.linalg.norm(W)) ** k,
            "the largest entry": float(np.max(np.abs(W))) ** k,
        }
        for reading, value in readings.items():
            if math.isclose(got, value, rel_tol=1e-6):
                raise WrongAnswer(
                    name,
                    f"that is {reading} to the power k. The bound needs the largest singular "
                    "value, the most any vector can be stretched: np.linalg.norm(W_hh, 2)",
                )
        if math.isclose(got, sigma, rel_tol=1e-6) or math.isclose(got, sigma * k, rel_tol=1e-6):
            raise WrongAnswer(
                name, "k steps multiply k factors, each at most σ_max: raise it to the power k"
            )
        raise WrongAnswer(name, f"for k={k} expected σ_max^k = {expected:.6g}, got {got:.6g}")
    params = init_rnn_params(1, 16, seed=0, recurrent_scale=0.9)
    measured = rnn_gradient_norms(np.zeros((1, 41, 1)), params)[0]
    predicted = as_number(name, call_answer(name, gradient_bound, params.W[:, :16], 40), "bound")
    passed(
        name,
        f"With no input (tanh' = 1) and W_hh = 0.9 × orthogonal it is exact: "
        f"predicted {predicted:.4g}, measured {measured:.4g} after 40 steps.",
    )


def check_clip(clip) -> None:
    """``clip(grads, max_norm)`` -> list of arrays with global norm at most max_norm."""
    name = "clip by global norm"
    rng = np.random.default_rng(5)
    grads = [rng.normal(size=(4, 3)), 10 * rng.normal(size=5), rng.normal(size=(2, 2, 2))]
    _check_clipping(name, clip, [(grads, 1.0), (grads, 1e3)])
    passed(name, "Same direction, length capped: one huge gradient can no longer throw you off.")


def _forget_bias(steps: int, keep: float) -> float:
    """The smallest b with σ(b)^steps >= keep: b = logit(keep^(1/steps))."""
    f = keep ** (1.0 / steps)
    return math.log(f / (1.0 - f))


def check_forget_bias(forget_bias_for) -> None:
    """``forget_bias_for(steps, keep)``: the smallest b_f with σ(b_f)^steps ≥ keep."""
    name = "forget bias for a long memory"
    for steps, keep in [(100, 0.5), (10, 0.9), (1000, 0.1), (3, 0.5)]:
        got = call_answer(name, forget_bias_for, steps, keep)
        got = as_number(name, got, f"the bias for {steps} steps")
        expected = _forget_bias(steps, keep)
        if math.isclose(got, expected, rel_tol=1e-6, abs_tol=1e-9):
            continue
        if math.isclose(got, keep ** (1.0 / steps), rel_tol=1e-6):
            raise WrongAnswer(
                name,
                "that is the forget gate's value f = keep^(1/steps); the bias is the "
                "pre-activation that gives it: b = log(f / (1 - f)), the inverse of σ",
            )
        if math.isclose(got, -expected, rel_tol=1e-6):
            raise WrongAnswer(name, "the sign is flipped: a gate near 1 needs a large positive b")
        kept = float(sigmoid(got)) ** steps
        raise WrongAnswer(
            name,
            f"for {steps} steps and keep={keep}: σ(b)^{steps} with your b = {got:.4g} keeps "
            f"{kept:.3g}, expected b = {expected:.4g} (keeps exactly {keep})",
        )
    b = _forget_bias(100, 0.5)
    passed(
        name,
        f"b_f = {b:.2f} gives f = σ(b_f) = {float(sigmoid(b)):.4f}: half the memory survives "
        f"100 steps. Keras's default b_f = 1 keeps σ(1)^100 = {float(sigmoid(1.0)) ** 100:.1e}.",
    )


def mystery_curve() -> tuple[np.ndarray, np.ndarray]:
    """A gradient-norm curve from a tanh RNN whose weight scale is the exercise's answer.

    Returns ``(steps_back, norms)``, each (101,): ‖∂L/∂h_t‖ against the number of steps
    between t and the loss, for small random inputs (the RNN stays near its linear regime).
    """
    params = init_rnn_params(1, 32, seed=11, recurrent_scale=_MYSTERY_SCALE)
    x = 0.05 * np.random.default_rng(11).normal(size=(8, _MYSTERY_STEPS + 1, 1))
    norms = rnn_gradient_norms(x, params)[::-1]  # entry k: k steps back from the loss
    return np.arange(_MYSTERY_STEPS + 1), norms


def check_mystery_scale(scale) -> None:
    """Which recurrent scale made :func:`mystery_curve`? One of :data:`MYSTERY_SCALES`."""
    name = "read the scale off the curve"
    got = as_number(name, scale, "your scale")
    if not any(math.isclose(got, s) for s in MYSTERY_SCALES):
        raise WrongAnswer(name, f"pick one of {MYSTERY_SCALES}, got {got:g}")
    steps, norms = mystery_curve()
    per_step = float(norms[-1] ** (1.0 / steps[-1]))
    if math.isclose(got, _MYSTERY_SCALE):
        passed(
            name,
            f"The curve falls by 10^{math.log10(norms[-1]):.1f} over {steps[-1]} steps: "
            f"{per_step:.3f} per step ≈ s = {_MYSTERY_SCALE}, since small inputs keep tanh' ≈ 1.",
        )
        return
    if got >= 1.0:
        hint = (
            f"with s = {got:g} the gradient would not shrink much (s ≥ 1): but the curve falls "
            "by about ten orders of magnitude"
        )
    else:
        hint = (
            f"with s = {got:g} the gradient would shrink by {got:g}^100 = {got**100:.0e} over "
            f"100 steps; read the curve's fall, then take its 100th root"
        )
    raise WrongAnswer(name, hint)
