"""Checks (and the planted bug) for notebook 02 (backpropagation through time)."""

from __future__ import annotations

import numpy as np

from lstm_course.exercises import WrongAnswer, as_array, call_answer, compare_arrays, passed
from lstm_course.gradient_flow import clip_by_global_norm as reference_clip
from lstm_course.numpy_lstm import LSTMParams, lstm_backward, lstm_forward


def check_forget_preactivation_grad(d_forget_preactivation) -> None:
    """``d_forget_preactivation(dc, c_prev, f)`` = δC_t ⊙ C_{t-1} ⊙ f_t(1 − f_t)."""
    name = "δz_f"
    rng = np.random.default_rng(11)
    dc, c_prev, f = (
        rng.normal(size=(3, 4)),
        rng.normal(size=(3, 4)),
        rng.uniform(0.05, 0.95, size=(3, 4)),
    )
    got = call_answer(name, d_forget_preactivation, dc.copy(), c_prev.copy(), f.copy())
    mistakes = {
        "that is δf_t, the gradient of the gate's *output*; multiply by "
        "σ'(z_f) = f_t(1 − f_t) to reach its pre-activation": dc * c_prev,
        "C_t = f_t·C_{t-1} + …, so ∂C_t/∂f_t = C_{t-1}: multiply by c_prev": dc * f * (1 - f),
        "σ'(z) is σ(z)(1 − σ(z)), not σ(z)": dc * c_prev * f,
    }
    compare_arrays(name, got, dc * c_prev * f * (1 - f), what="δz_f", mistakes=mistakes)
    passed(name, "δz_f = δC_t ⊙ C_{t-1} ⊙ f_t(1 − f_t).")


def buggy_lstm_backward(x, params: LSTMParams, dh_seq):
    """An LSTM backward pass with one planted mistake, for the gradient-checking exercise.

    Takes and returns what :func:`lstm_backward` does: x (B, T, D), params, dh_seq (B, T, H)
    -> ``(dx, grads)``, for zero initial states and no final-state gradients. One gate's
    weight and bias gradients are computed with a plausible slip in the derivation.
    """
    result = lstm_backward(x, params, dh_seq, full=True)  # also validates the arguments
    x = np.asarray(x)
    W, b = (np.asarray(p) for p in params)
    B, T, D = x.shape
    H = b.shape[0] // 4
    h_seq, _ = lstm_forward(x, params)
    h_prev = np.concatenate([np.zeros_like(h_seq[:, :1]), h_seq[:, :-1]], axis=1)
    stacked = np.concatenate([h_prev, x], axis=2).reshape(B * T, H + D)  # [h_{t-1}, x_t]
    candidate = np.tanh(stacked @ W[2 * H : 3 * H].T + b[2 * H : 3 * H])  # C~_t, (B·T, H)
    # the slip: δz_i = δC_t ⊙ C~_t, with the input gate's σ' factor i(1 − i) forgotten
    dz_wrong = result.dc_total.reshape(B * T, H) * candidate
    dW, db = result.grads.W.copy(), result.grads.b.copy()
    dW[H : 2 * H] = dz_wrong.T @ stacked
    db[H : 2 * H] = dz_wrong.sum(axis=0)
    return result.dx, LSTMParams(dW, db)


def check_planted_bug(suspect) -> None:
    """The learner names the gate whose gradient is wrong: 'f', 'i', 'c' or 'o'."""
    name = "planted bug"
    gate = suspect.strip().lower() if isinstance(suspect, str) else None
    if gate not in ("f", "i", "c", "o"):
        raise WrongAnswer(name, f"answer with one of 'f', 'i', 'c', 'o', got {suspect!r}")
    if gate != "i":
        raise WrongAnswer(
            name,
            f"the '{gate}' block passes the check. Compare the relative error "
            "of every block: the wrong one is many orders of magnitude worse",
        )
    passed(
        name,
        "The input gate: its σ' factor i_t(1 − i_t) was forgotten. A gradient check "
        "localises a bug to one block in seconds.",
    )


# ----------------------------------------------------------------------------- clipping
# Notebooks 02 and 03 both ask for clipping by the global norm; one check serves both.


def _clipped_arrays(name: str, got, grads: list[np.ndarray]) -> list[np.ndarray]:
    """The answer as one float array per gradient; ``(clipped, norm)`` is accepted too."""
    if isinstance(got, tuple) and len(got) == 2 and isinstance(got[0], (list, tuple)):
        got = got[0]  # the (clipped, norm) form of tf.clip_by_global_norm
    if not isinstance(got, (list, tuple)) or len(got) != len(grads):
        raise WrongAnswer(name, f"return a list of {len(grads)} arrays, one per gradient")
    arrays = [as_array(name, g, what=f"clipped gradient {k}") for k, g in enumerate(got)]
    shapes = [a.shape for a in arrays]
    if shapes != [g.shape for g in grads]:
        raise WrongAnswer(name, f"shapes {shapes}, expected {[g.shape for g in grads]}")
    return [a.astype(np.float64) for a in arrays]


def _all_close(arrays, others) -> bool:
    return all(np.allclose(a, b) for a, b in zip(arrays, others, strict=True))


def _clipping_hint(got, grads, max_norm: float, norm: float) -> str:
    """Name the mistake in a wrong clipping, from the most to the least specific."""
    if max_norm > norm:
        return (
            f"the gradients' norm {norm:.3g} is already below max_norm = {max_norm:g}: "
            "they must come back unchanged (clipping never makes a step longer)"
        )
    separately = [g * min(1.0, max_norm / np.linalg.norm(g)) for g in grads]
    if _all_close(got, separately):
        return (
            "you clipped each array on its own (Keras's `clipnorm`); use ONE factor from the "
            "global norm sqrt(Σ ‖g_i‖²) for all arrays, so the update keeps its direction"
        )
    got_norm = float(np.sqrt(sum(np.sum(g**2) for g in got)))
    return (
        f"the clipped gradients have global norm {got_norm:.4g}; expected {max_norm:g}, "
        f"every array scaled by max_norm / norm = {max_norm / norm:.4g}"
    )


def _check_clipping(name: str, clip, cases: list[tuple[list[np.ndarray], float]]) -> None:
    """``clip(grads, max_norm)`` must match the package's clip_by_global_norm on every case."""
    for grads, max_norm in cases:
        originals = [g.copy() for g in grads]
        got = call_answer(name, clip, grads, max_norm)
        if any(not np.array_equal(g, o) for g, o in zip(grads, originals, strict=True)):
            raise WrongAnswer(
                name, "your function changed the arrays it was given (in place); return new arrays"
            )
        got = _clipped_arrays(name, got, grads)
        expected, norm = reference_clip(grads, max_norm)
        if not _all_close(got, expected):
            raise WrongAnswer(name, _clipping_hint(got, grads, max_norm, norm))


def check_clip_by_global_norm(clip_by_global_norm) -> None:
    """``clip_by_global_norm(grads, max_norm)``: one factor for all arrays, only when too large."""
    name = "clip by global norm"
    rng = np.random.default_rng(5)
    grads = [rng.normal(size=(3, 4)) * 10, rng.normal(size=5) * 10]
    total = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    small = [g / (10 * total) for g in grads]  # global norm 0.1: must come back unchanged
    _check_clipping(name, clip_by_global_norm, [(grads, 1.0), (small, 1.0)])
    passed(
        name,
        f"A global norm of {total:.1f} became 1.0; directions kept; small gradients untouched.",
    )
