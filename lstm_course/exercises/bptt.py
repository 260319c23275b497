"""Checks for notebook 02 (backpropagation through time), format v2: fresh random inputs each call.

02.1 the forget gate's pre-activation gradient · 02.2 BPTT for the vanilla RNN ·
02.3 find the planted bug by gradient checking · 02.4 gradient clipping by global norm.

Also here: :func:`buggy_lstm_backward`, the backward pass with a planted slip that 02.3
hunts, and :func:`reference_clip_by_global_norm`, the package's answer to 02.4 that the
notebook's training falls back on (``registry.solved``) while 02.4 is unsolved.
"""

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
from lstm_course.gradcheck import numerical_gradient, relative_error
from lstm_course.gradient_flow import clip_by_global_norm
from lstm_course.numpy_lstm import (
    GATES,
    LSTMParams,
    RNNParams,
    lstm_backward,
    lstm_forward,
    rnn_backward,
    rnn_forward,
)

__all__ = [
    "check_forget_preactivation_grad",
    "check_rnn_bptt",
    "check_find_the_bug",
    "check_clip_by_global_norm",
    "buggy_lstm_backward",
    "reference_clip_by_global_norm",
]


def _shape(value) -> tuple | None:
    """The shape NumPy would give ``value``, or None when it has none (ragged, a string)."""
    if isinstance(value, (str, bytes)):
        return None
    try:
        return np.shape(value)
    except ValueError:  # ragged nested lists
        return None


def _sizes(rng: np.random.Generator, low, high) -> tuple[int, ...]:
    """Random ints, one per pair of bounds (high exclusive)."""
    return tuple(int(n) for n in rng.integers(low, high))


# ----------------------------------------------------------------------------- 02.1 δz_f

FORGET = "02.1 δz_f"


def _forget_mistakes(dc, c_prev, f) -> dict[str, np.ndarray]:
    """δz_f as each typical slip computes it."""
    return {
        "that is δf_t, the gradient of the gate's *output*; multiply by "
        "σ'(z_f) = f_t(1 − f_t) to reach its pre-activation": dc * c_prev,
        "C_t = f_t·C_{t-1} + …, so ∂C_t/∂f_t = C_{t-1}: multiply by c_prev": dc * f * (1 - f),
        "σ'(z) is σ(z)(1 − σ(z)), not σ(z)": dc * c_prev * f,
        "σ'(z) = σ(z)(1 − σ(z)): the factor f_t is missing": dc * c_prev * (1 - f),
        "1 − f² is tanh's derivative; the forget gate is a sigmoid, σ' = f(1 − f)": dc
        * c_prev
        * (1 - f**2),
        "that is δC_{t-1} = δC_t ⊙ f_t, what flows on along the cell path, not δz_f": dc * f,
        "the sign is flipped: every factor of δC_t ⊙ C_{t-1} ⊙ f_t(1 − f_t) enters with +": (
            -dc * c_prev * f * (1 - f)
        ),
    }


@exercise(
    "02.1",
    "the forget gate's pre-activation gradient",
    points=1,
    difficulty=1,
    assesses="the chain rule through C_t = f_t·C_{t-1} + i_t·C~_t and σ' = σ(1 − σ): "
    "δz_f = δC_t ⊙ C_{t-1} ⊙ f_t(1 − f_t)",
)
def check_forget_preactivation_grad(d_forget_preactivation, rng: np.random.Generator) -> None:
    """``d_forget_preactivation(dc, c_prev, f)`` on two batches of random sizes."""
    for _ in range(2):
        B, H = _sizes(rng, [1, 1], [6, 9])
        dc, c_prev = rng.normal(size=(B, H)), rng.normal(size=(B, H))
        f = rng.uniform(0.05, 0.95, size=(B, H))
        got = call_answer(FORGET, d_forget_preactivation, dc.copy(), c_prev.copy(), f.copy())
        compare_arrays(
            FORGET,
            got,
            dc * c_prev * f * (1 - f),
            what=f"δz_f for B={B}, H={H}",
            mistakes=_forget_mistakes(dc, c_prev, f),
        )
    passed(FORGET, "δz_f = δC_t ⊙ C_{t-1} ⊙ f_t(1 − f_t).")


# ----------------------------------------------------------------------------- 02.2 RNN BPTT

RNN = "02.2 RNN BPTT"
RNN_OUTPUTS = ("dx", "dW", "db", "dh0")

# Each typical slip in the RNN's backward loop, and the hint that names it.
RNN_SLIPS = {
    "no_recurrence": "the gradient does not flow back in time: at step t, δh_t is "
    "dh_seq[:, t] PLUS what came back from step t+1 through W_h",
    "assign": "the same W is used at every step, so dW and db are sums over all steps "
    "(+=); yours hold one step",
    "forward": "BPTT runs backwards, from t = T−1 down to 0: step t needs what came back "
    "from step t+1",
    "no_slope": "δz_t = δh_t ⊙ (1 − h_t²): the derivative of tanh is missing",
    "slope_prev": "tanh' belongs to this step's output: 1 − h_t², not 1 − h_{t-1}²",
    "h_t_in_dW": "dW pairs δz_t with the *input* of step t, [h_{t-1}, x_t], not with its "
    "output h_t",
    "x_columns": "δx_t comes from W's last D columns (those multiply x_t); the first H "
    "columns multiply h_{t-1}",
    "dh0_total": "dh0 is what flows out of step 0 into h0 (δz_0 through W_h), not the "
    "gradient reaching h_0's own output",
}


def _rnn_loop(x, W, b, dh_seq, h0, slip: str | None = None):
    """The RNN's BPTT loop with one slip of :data:`RNN_SLIPS` switched on (None: right).

    x (B, T, D), W (H, H + D), b (H,), dh_seq (B, T, H), h0 (B, H) -> dx, dW, db, dh0.
    """
    B, T, D = x.shape
    H = W.shape[0]
    h_seq, _ = rnn_forward(x, RNNParams(W, b), h0)
    h_prev = np.concatenate([h0[:, None], h_seq[:, :-1]], axis=1)  # h_{t-1} for every t
    dx, dW, db = np.zeros_like(x), np.zeros_like(W), np.zeros_like(b)
    dh_next, dh_first = np.zeros((B, H)), None
    for t in range(T) if slip == "forward" else reversed(range(T)):
        dh = dh_seq[:, t] + (0.0 if slip == "no_recurrence" else dh_next)
        dh_first = dh
        slope = 1.0 - (h_prev[:, t] if slip == "slope_prev" else h_seq[:, t]) ** 2
        dz = dh if slip == "no_slope" else dh * slope
        stacked = np.concatenate(
            [h_seq[:, t] if slip == "h_t_in_dW" else h_prev[:, t], x[:, t]], axis=1
        )
        if slip == "assign":
            dW, db = dz.T @ stacked, dz.sum(axis=0)
        else:
            dW, db = dW + dz.T @ stacked, db + dz.sum(axis=0)
        d_stacked = dz @ W
        dx[:, t] = d_stacked[:, :D] if slip == "x_columns" else d_stacked[:, H:]
        dh_next = d_stacked[:, :H]
    return dx, dW, db, (dh_first if slip == "dh0_total" else dh_next)


def _rnn_draw(rng: np.random.Generator):
    """x, W, b, dh_seq, h0 for random B, T >= 2, D != H."""
    B, T, H = _sizes(rng, [1, 2, 1], [5, 8, 6])
    D = int(rng.choice([d for d in range(1, 5) if d != H]))
    W = rng.normal(scale=0.6, size=(H, H + D))
    b = rng.normal(scale=0.5, size=H)
    x, dh_seq = rng.normal(size=(B, T, D)), rng.normal(size=(B, T, H))
    return x, W, b, dh_seq, np.tanh(rng.normal(size=(B, H)))


def _rnn_answer(got, shapes: dict[str, tuple]) -> dict[str, np.ndarray]:
    """The answer as {name: array}, shapes checked, with a hint for a transposed dW."""
    if isinstance(got, (tuple, list)) and len(got) == 3 and isinstance(got[1], tuple):
        raise WrongAnswer(RNN, "return four arrays (dx, dW, db, dh0), not dW and db as a pair")
    if not isinstance(got, (tuple, list)) or len(got) != 4:
        raise WrongAnswer(RNN, f"return a tuple (dx, dW, db, dh0), got {describe(got)}")
    arrays = {}
    for name, value in zip(RNN_OUTPUTS, got, strict=True):
        if name == "dW" and _shape(value) == shapes["dW"][::-1] != shapes["dW"]:
            raise WrongAnswer(RNN, "dW is transposed: it has W's shape (H, H + D)")
        arrays[name] = as_array(RNN, value, what=name, shape=shapes[name])
    return arrays


@exercise(
    "02.2",
    "BPTT for the vanilla RNN",
    points=5,
    difficulty=3,
    assesses="writing a backward time loop: δh_t = (output gradient) + (what came back "
    "from t+1), through tanh' into W_h, weight gradients summed over steps, dx and dh0",
)
def check_rnn_bptt(rnn_bptt, rng: np.random.Generator) -> None:
    """``rnn_bptt(x, params, dh_seq, h0)`` -> (dx, dW, db, dh0), against ``rnn_backward``."""
    for _ in range(2):
        x, W, b, dh_seq, h0 = _rnn_draw(rng)
        (B, T, D), H = x.shape, W.shape[0]
        got = call_answer(
            RNN, rnn_bptt, x.copy(), RNNParams(W.copy(), b.copy()), dh_seq.copy(), h0.copy()
        )
        reference = rnn_backward(x, RNNParams(W, b), dh_seq, h0=h0, full=True)
        expected = dict(
            zip(RNN_OUTPUTS, (reference.dx, *reference.grads, reference.dh0), strict=True)
        )
        answer = _rnn_answer(got, {name: a.shape for name, a in expected.items()})
        if all(np.allclose(answer[n], expected[n], rtol=1e-6, atol=1e-9) for n in expected):
            continue
        for slip, hint in RNN_SLIPS.items():  # the whole answer matches one known slip
            wrong = dict(zip(RNN_OUTPUTS, _rnn_loop(x, W, b, dh_seq, h0, slip), strict=True))
            if all(np.allclose(answer[n], wrong[n], rtol=1e-6, atol=1e-9) for n in wrong):
                raise WrongAnswer(RNN, hint)
        sizes = f"B={B}, T={T}, D={D}, H={H}"
        for name in RNN_OUTPUTS:  # otherwise: the first array that differs, and where
            compare_arrays(RNN, answer[name], expected[name], what=f"{name} for {sizes}")
    passed(RNN, "dx, dW, db and dh0 equal rnn_backward's for any batch, length and size.")


# ----------------------------------------------------------------------------- 02.3 the bug

BUG = "02.3 planted bug"


def buggy_lstm_backward(x, params: LSTMParams, dh_seq, *, block: str = "i"):
    """An LSTM backward pass with one planted slip, for the gradient-checking exercise.

    Takes and returns what :func:`lstm_backward` does: x (B, T, D), params, dh_seq (B, T, H)
    -> ``(dx, grads)``, for zero initial states and no final-state gradients. The weight
    and bias gradients of gate ``block`` ("f", "i", "c" or "o") are computed with that
    gate's activation derivative forgotten (σ' for f, i, o; tanh' for the candidate).
    """
    if block not in GATES:
        raise ValueError(f"block must be one of {list(GATES)}, got {describe(block)}")
    result = lstm_backward(x, params, dh_seq, full=True)  # also validates the arguments
    x = np.asarray(x, dtype=np.float64)
    W, b = (np.asarray(p, dtype=np.float64) for p in params)
    B, T, D = x.shape
    H = b.shape[0] // 4
    _, _, cache = lstm_forward(x, LSTMParams(W, b), return_cache=True)
    c_prev = np.concatenate([np.zeros_like(cache.c[:, :1]), cache.c[:, :-1]], axis=1)
    h_prev = np.concatenate([np.zeros_like(cache.h[:, :1]), cache.h[:, :-1]], axis=1)
    dc, dh = result.dc_total, result.dh_total  # the gradients reaching C_t and h_t
    slipped = {  # δ(gate output), with the derivative of its activation forgotten
        "f": dc * c_prev,
        "i": dc * cache.c_tilde,
        "c": dc * cache.i,
        "o": dh * np.tanh(cache.c),
    }[block].reshape(B * T, H)
    stacked = np.concatenate([h_prev, x], axis=2).reshape(B * T, H + D)  # [h_{t-1}, x_t]
    rows = slice(GATES.index(block) * H, (GATES.index(block) + 1) * H)
    dW, db = result.grads.W.copy(), result.grads.b.copy()
    dW[rows], db[rows] = slipped.T @ stacked, slipped.sum(axis=0)
    return result.dx, LSTMParams(dW, db)


def _planted(block: str):
    """The backward function handed to the learner: ``backward(x, params, dh_seq)``."""

    def backward(x, params, dh_seq):
        """(dx, grads) like lstm_backward, for zero initial states; one gate block is wrong."""
        return buggy_lstm_backward(x, params, dh_seq, block=block)

    return backward


def _bug_draw(rng: np.random.Generator):
    """x, LSTMParams and dh_seq of random sizes; weights large enough for every block to count."""
    B, T, D, H = _sizes(rng, [1, 2, 1, 2], [4, 6, 4, 5])
    W = rng.normal(scale=0.6, size=(4 * H, H + D))
    b = rng.normal(scale=0.5, size=4 * H)
    return rng.normal(size=(B, T, D)), LSTMParams(W, b), rng.normal(size=(B, T, H))


def _block_errors(grads_W, x, params, dh_seq) -> np.ndarray:
    """Relative error of each gate block of dW against finite differences of Σ dh_seq ⊙ h."""
    W = params.W.copy()
    probe = LSTMParams(W, params.b)

    def loss():
        return float(np.sum(dh_seq * lstm_forward(x, probe)[0]))

    numeric = numerical_gradient(loss, W)
    H = params.units
    rows = [slice(k * H, (k + 1) * H) for k in range(4)]
    return np.array([relative_error(grads_W[r], numeric[r]) for r in rows])


def _bug_answer(got) -> tuple[np.ndarray, int]:
    """(errors (4,), suspect) from the answer, with hints on its form."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise WrongAnswer(BUG, f"return a pair (errors, suspect), got {describe(got)}")
    errors, suspect = got
    if isinstance(suspect, str):
        raise WrongAnswer(
            BUG, "suspect is the block's index 0–3 (f = 0, i = 1, C~ = 2, o = 3), not its name"
        )
    shape = _shape(errors)
    if shape is not None and shape != (4,) and int(np.prod(shape)) != 4:
        raise WrongAnswer(
            BUG, "errors should hold one relative error per gate block: 4 numbers (f, i, C~, o)"
        )
    errors = as_array(BUG, errors, what="errors", shape=(4,)).astype(np.float64)
    suspect = as_number(BUG, suspect, "suspect")
    if suspect not in (0, 1, 2, 3):
        raise WrongAnswer(
            BUG,
            f"suspect should be a block index 0, 1, 2 or 3, got {suspect:g}"
            + (" — indices count from 0" if suspect == 4 else ""),
        )
    return errors, int(suspect)


def _judge_bug(errors: np.ndarray, suspect: int, reference: np.ndarray, bad: int) -> None:
    """Raise the hint for the first thing wrong in (errors, suspect)."""
    good = [k for k in range(4) if k != bad]
    if np.any(errors < 0):
        raise WrongAnswer(BUG, "a relative error is never negative: take absolute values")
    if np.all(errors < 1e-5):
        raise WrongAnswer(
            BUG,
            "by your measure no block disagrees: compare the gradients that `backward` "
            "returns (not lstm_backward's) with finite differences",
        )
    if np.all(errors > 1e-3):
        raise WrongAnswer(
            BUG,
            "by your measure every block disagrees: the finite differences must differentiate "
            "the loss that backward differentiates, L = Σ dh_seq ⊙ h_seq from zero initial "
            "states, with respect to params.W",
        )
    wrong_order = int(np.argmax(errors))
    if {wrong_order, bad} == {0, 1} and np.all(errors[[2, 3]] < 1e-5):
        raise WrongAnswer(
            BUG,
            "the f and i errors are swapped: the course's W stacks its blocks f, i, C~, o "
            "(rows 0:H are f), unlike Keras's i, f, c, o",
        )
    if np.any(errors[good] > 1e-5) or errors[bad] < 1e-3:
        raise WrongAnswer(
            BUG,
            "your errors do not single out one block: block k is rows k·H:(k+1)·H of dW "
            "(and of the numerical gradient), k = 0, 1, 2, 3 for f, i, C~, o",
        )
    if abs(np.log10(errors[bad] / reference[bad])) > 1:
        raise WrongAnswer(
            BUG,
            "the error you report for the wrong block is far from what a gradient check "
            "measures: use relative_error(analytic_block, numeric_block)",
        )
    if suspect != bad:
        hints = []  # both can fit one draw: name each that does
        if suspect == int(np.argmin(errors)):
            hints.append(
                "you named the block that agrees best; the suspect is the one that disagrees"
            )
        if suspect == bad + 1:
            hints.append("indices count from 0: f = 0, i = 1, C~ = 2, o = 3")
        raise WrongAnswer(
            BUG, " — or: ".join(hints) or "your suspect is not the block with the largest error"
        )


@exercise(
    "02.3",
    "find the planted bug by gradient checking",
    points=3,
    difficulty=2,
    assesses="finite differences of the right loss, relative error per gate block of dW, "
    "and localising the block whose derivation is wrong",
)
def check_find_the_bug(find_bug, rng: np.random.Generator) -> None:
    """``find_bug(backward, x, params, dh_seq)`` -> (errors, suspect) on two planted bugs.

    Each call plants the slip in a randomly chosen gate block (two different ones), on
    random sizes and weights: the suspect can only be found by measuring.
    """
    # one of the two plants is in f or i, where the course's and Keras's orders differ
    first = int(rng.integers(2))
    second = int(rng.choice([k for k in range(4) if k != first]))
    for bad in rng.permutation([first, second]):
        bad = int(bad)
        x, params, dh_seq = _bug_draw(rng)
        backward = _planted(GATES[bad])
        got = call_answer(
            BUG,
            find_bug,
            backward,
            x.copy(),
            LSTMParams(params.W.copy(), params.b.copy()),
            dh_seq.copy(),
        )
        errors, suspect = _bug_answer(got)
        _, grads = backward(x, params, dh_seq)
        reference = _block_errors(grads.W, x, params, dh_seq)
        _judge_bug(errors, suspect, reference, bad)
    passed(
        BUG,
        "Measured, not guessed: three blocks agree with finite differences to round-off, "
        "the planted one is off by its own size.",
    )


# ----------------------------------------------------------------------------- 02.4 clipping

CLIP = "02.4 clipping"


def reference_clip_by_global_norm(grads, max_norm):
    """The package's answer to 02.4: a list of arrays whose global norm is at most max_norm.

    grads: a list of arrays (any shapes); max_norm > 0. Inputs are left untouched.
    """
    clipped, _ = clip_by_global_norm(grads, max_norm)
    return clipped if isinstance(clipped, list) else [clipped]


def _clip_draw(rng: np.random.Generator) -> tuple[list[np.ndarray], list[float]]:
    """2–5 arrays of random shapes and scale, and max_norms below, above, tiny and huge.

    At least two arrays: with one, clipping each array on its own is global clipping.
    """
    count = int(rng.integers(2, 6))
    scale = 10.0 ** rng.uniform(-2, 2)
    grads = [
        scale * rng.normal(size=tuple(int(n) for n in rng.integers(1, 6, size=rng.integers(1, 4))))
        for _ in range(count)
    ]
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    factors = [rng.uniform(0.05, 0.9), rng.uniform(1.5, 10.0), 1e-6, 1e6]
    return grads, [norm * float(f) for f in rng.permutation(factors)]


def _clip_variants(grads, max_norm) -> dict[str, list[np.ndarray]]:
    """Typical wrong clippings, each with its hint."""
    norms = [float(np.linalg.norm(g)) for g in grads]
    l1 = sum(float(np.abs(g).sum()) for g in grads)
    return {
        "you clipped each array on its own (Keras's `clipnorm`); use ONE factor from the "
        "global norm sqrt(Σ ‖g_i‖²) for all arrays, so the update keeps its direction": [
            g * min(1.0, max_norm / n) for g, n in zip(grads, norms, strict=True)
        ],
        "the global norm is sqrt(Σ ‖g_i‖²), the length of all arrays laid end to end — not "
        "the sum of their norms Σ ‖g_i‖": [g * min(1.0, max_norm / sum(norms)) for g in grads],
        "that uses the sum of absolute values (an L1 norm); the global norm is the L2 norm "
        "sqrt(Σ ‖g_i‖²)": [g * min(1.0, max_norm / l1) for g in grads],
    }


def _clipped_arrays(got, grads: list[np.ndarray]) -> list[np.ndarray]:
    """The answer as one float array per gradient, form and shapes checked."""
    if isinstance(got, tuple) and len(got) == 2 and isinstance(got[0], (list, tuple)):
        raise WrongAnswer(
            CLIP,
            "return only the list of clipped arrays (tf.clip_by_global_norm also returns "
            "the norm; here the training loop needs the list alone)",
        )
    if isinstance(got, np.ndarray) or not isinstance(got, (list, tuple)) or len(got) != len(grads):
        raise WrongAnswer(CLIP, f"return a list of {len(grads)} arrays, one per gradient")
    arrays = [as_array(CLIP, g, what=f"clipped gradient {k}") for k, g in enumerate(got)]
    shapes = [a.shape for a in arrays]
    if shapes != [g.shape for g in grads]:
        raise WrongAnswer(CLIP, f"shapes {shapes}, expected {[g.shape for g in grads]}")
    return [a.astype(np.float64) for a in arrays]


def _all_close(arrays, others, max_norm: float) -> bool:
    atol = 1e-9 * max(max_norm, 1e-300)
    return all(np.allclose(a, b, rtol=1e-6, atol=atol) for a, b in zip(arrays, others, strict=True))


def _clipping_hint(got, grads, max_norm: float, norm: float) -> str:
    """Name the mistake in a wrong clipping, from the most to the least specific."""
    for hint, wrong in _clip_variants(grads, max_norm).items():
        if _all_close(got, wrong, max_norm):
            return hint
    if max_norm >= norm:
        return (
            "when the gradients' global norm is already at most max_norm they must come back "
            "unchanged (clipping never makes a step longer)"
        )
    got_norm = float(np.sqrt(sum(np.sum(g**2) for g in got)))
    return (
        f"the clipped gradients should have global norm max_norm = {max_norm:.4g}, yours have "
        f"{got_norm:.4g}: scale every array by max_norm / (global norm)"
    )


@exercise(
    "02.4",
    "gradient clipping by global norm",
    points=2,
    difficulty=2,
    assesses="rescaling a list of gradients by one factor to a global norm, direction kept, "
    "only when too long, inputs untouched",
)
def check_clip_by_global_norm(clip, rng: np.random.Generator) -> None:
    """``clip(grads, max_norm)``: random arrays, max_norm below, above, tiny and huge."""
    grads, max_norms = _clip_draw(rng)
    for max_norm in max_norms:
        originals = [g.copy() for g in grads]
        got = call_answer(CLIP, clip, grads, max_norm)
        if any(not np.array_equal(g, o) for g, o in zip(grads, originals, strict=True)):
            raise WrongAnswer(
                CLIP, "your function changed the arrays it was given (in place); return new arrays"
            )
        got = _clipped_arrays(got, grads)
        expected, norm = clip_by_global_norm(grads, max_norm)
        expected = expected if isinstance(expected, list) else [expected]
        if not _all_close(got, expected, max_norm):
            raise WrongAnswer(CLIP, _clipping_hint(got, grads, max_norm, norm))
    passed(CLIP, "One factor for all arrays, only when too long: the direction is kept.")
