"""Checks (and the planted bug) for notebook 02 (backpropagation through time)."""

from __future__ import annotations

import numpy as np

from lstm_course.exercises import WrongAnswer, call_answer, compare_arrays, passed
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
    expected = dc * c_prev * f * (1 - f)
    if got is not None and np.shape(got) == expected.shape:
        got_arr = np.asarray(got, dtype=float)
        if np.allclose(got_arr, dc * c_prev):
            raise WrongAnswer(
                name,
                "that is δf_t, the gradient of the gate's *output*; multiply by "
                "σ'(z_f) = f_t(1 − f_t) to reach its pre-activation",
            )
        if np.allclose(got_arr, dc * f * (1 - f)):
            raise WrongAnswer(
                name, "C_t = f_t·C_{t-1} + …, so ∂C_t/∂f_t = C_{t-1}: multiply by c_prev"
            )
        if np.allclose(got_arr, dc * c_prev * f):
            raise WrongAnswer(name, "σ'(z) is σ(z)(1 − σ(z)), not σ(z)")
    compare_arrays(name, got, expected, what="δz_f")
    passed(name, "δz_f = δC_t ⊙ C_{t-1} ⊙ f_t(1 − f_t).")


def buggy_lstm_backward(x, params: LSTMParams, dh_seq):
    """An LSTM backward pass with one planted mistake, for the gradient-checking exercise.

    Returns ``(dx, grads)`` like :func:`lstm_backward`, for zero initial states and no
    final-state gradients. One gate's weight and bias gradients are computed with a
    plausible slip in the derivation.
    """
    _, _, cache = lstm_forward(x, params, return_cache=True)
    result = lstm_backward(x, params, dh_seq, cache=cache, full=True)
    H = params.units
    B, T, D = np.shape(x)
    # the slip: the input gate's σ' factor i(1 − i) forgotten
    dz_wrong = result.dc_total * cache["c_tilde"]  # (B, T, H)
    h_prev = np.concatenate([cache["h0"][:, None], cache["h"][:, :-1]], axis=1)
    stacked = np.concatenate([h_prev, np.asarray(x)], axis=2).reshape(B * T, H + D)
    dW, db = result.grads.W.copy(), result.grads.b.copy()
    dW[H : 2 * H] = dz_wrong.reshape(B * T, H).T @ stacked
    db[H : 2 * H] = dz_wrong.reshape(B * T, H).sum(axis=0)
    return result.dx, LSTMParams(dW, db)


def check_planted_bug(suspect) -> None:
    """The learner names the gate whose gradient is wrong: 'f', 'i', 'c' or 'o'."""
    name = "planted bug"
    if suspect not in ("f", "i", "c", "o"):
        raise WrongAnswer(name, f"answer with one of 'f', 'i', 'c', 'o', got {suspect!r}")
    if suspect != "i":
        raise WrongAnswer(
            name,
            f"the '{suspect}' block passes the check. Compare the relative error "
            "of every block: the wrong one is many orders of magnitude worse",
        )
    passed(
        name,
        "The input gate: its σ' factor i_t(1 − i_t) was forgotten. A gradient check "
        "localises a bug to one block in seconds.",
    )


def check_clip_by_global_norm(clip_by_global_norm) -> None:
    """``clip_by_global_norm(grads, max_norm)``: one factor for all arrays, only when too large."""
    name = "clip by global norm"
    rng = np.random.default_rng(5)
    grads = [rng.normal(size=(3, 4)) * 10, rng.normal(size=5) * 10]
    originals = [g.copy() for g in grads]
    total = np.sqrt(sum(np.sum(g**2) for g in grads))
    got = call_answer(name, clip_by_global_norm, grads, 1.0)
    if any(not np.array_equal(g, o) for g, o in zip(grads, originals, strict=True)):
        raise WrongAnswer(name, "your function changed the arrays it was given; return new arrays")
    if not isinstance(got, (list, tuple)) or len(got) != len(grads):
        raise WrongAnswer(name, f"return a list of {len(grads)} arrays, like the input")
    per_array = [g / max(1.0, np.linalg.norm(g)) for g in originals]
    if all(np.allclose(a, b) for a, b in zip(got, per_array, strict=True)):
        raise WrongAnswer(
            name,
            "each array was clipped on its own; use ONE factor from the global norm "
            "√(Σ‖g‖²) so the update keeps its direction",
        )
    for g, o in zip(got, originals, strict=True):
        compare_arrays(name, g, o / total, what="a clipped gradient")
    small = [o / (10 * total) for o in originals]  # global norm 0.1
    got_small = call_answer(name, clip_by_global_norm, [s.copy() for s in small], 1.0)
    for g, s in zip(got_small, small, strict=True):
        if not np.allclose(g, s):
            raise WrongAnswer(name, "gradients already below max_norm must come back unchanged")
    passed(
        name,
        f"A global norm of {total:.1f} became 1.0; directions kept; small gradients untouched.",
    )
