"""Checks for notebook 01 (the LSTM cell in NumPy)."""

from __future__ import annotations

import numpy as np

from lstm_course.exercises import WrongAnswer, call_answer, compare_arrays, passed
from lstm_course.numpy_lstm import (
    GATES,
    KERAS_GATES,
    LSTMParams,
    lstm_forward,
    params_from_keras,
    sigmoid,
)


def check_forget_gate(forget_gate) -> None:
    """``forget_gate(W_f, b_f, h_prev, x_t)`` for one example: σ(W_f·[h_{t-1}, x_t] + b_f)."""
    name = "forget gate"
    rng = np.random.default_rng(2024)
    for H, D in [(3, 2), (1, 4), (5, 5)]:
        W_f, b_f = rng.normal(size=(H, H + D)), rng.normal(size=H)
        h_prev, x_t = rng.normal(size=H), rng.normal(size=D)
        got = call_answer(name, forget_gate, W_f.copy(), b_f.copy(), h_prev.copy(), x_t.copy())
        expected = sigmoid(W_f @ np.concatenate([h_prev, x_t]) + b_f)
        if got is not None and np.shape(got) == expected.shape and H != D:
            got_arr = np.asarray(got, dtype=float)
            if np.allclose(got_arr, sigmoid(W_f @ np.concatenate([x_t, h_prev]) + b_f)):
                raise WrongAnswer(
                    name, "you stacked [x_t, h_{t-1}]; the course stacks [h_{t-1}, x_t] — h first"
                )
            if np.allclose(got_arr, np.tanh(W_f @ np.concatenate([h_prev, x_t]) + b_f)):
                raise WrongAnswer(
                    name, "that is tanh; gates use the sigmoid σ so they are fractions in (0, 1)"
                )
            if np.allclose(got_arr, sigmoid(W_f @ np.concatenate([h_prev, x_t]))):
                raise WrongAnswer(name, "the bias b_f is missing")
        compare_arrays(name, got, expected, what=f"f_t for H={H}, D={D}")
    passed(name, "One number in (0, 1) per memory cell: how much of C_{t-1} survives.")


def check_param_count(lstm_param_count) -> None:
    """``lstm_param_count(D, H)``: trainable parameters of an LSTM layer."""
    name = "parameter count"
    for D, H in [(2, 3), (3, 50), (32, 128), (10, 7)]:  # sizes where no two wrong formulas coincide
        got = call_answer(name, lstm_param_count, D, H)
        expected = 4 * (H * (H + D) + H)
        if got == expected:
            continue
        if got == 4 * H * (H + D):
            hint = "the biases are missing: each of the 4 blocks has H of them"
        elif got == H * (H + D) + H:
            hint = "that is one gate; an LSTM layer has four blocks (f, i, C~, o)"
        elif got == 4 * (H * D + H):
            hint = "the recurrent weights are missing: every gate also sees h_{t-1} (H inputs)"
        else:
            hint = f"for D={D}, H={H} expected {expected:,}, got {got!r}"
        raise WrongAnswer(name, hint)
    passed(name, "4·(H·(H+D) + H): e.g. D=3, H=50 gives 10,800.")


def check_keras_output_gate(keras_output_gate) -> None:
    """``keras_output_gate(kernel, recurrent_kernel, bias)`` -> (W_o (H, H+D), b_o (H,))."""
    name = "Keras output gate"
    rng = np.random.default_rng(7)
    D, H = 3, 4
    weights = [rng.normal(size=(D, 4 * H)), rng.normal(size=(H, 4 * H)), rng.normal(size=4 * H)]
    params = params_from_keras(weights)
    got = call_answer(name, keras_output_gate, *(w.copy() for w in weights))
    if not isinstance(got, tuple) or len(got) != 2:
        raise WrongAnswer(name, "return a pair (W_o, b_o)")
    W_o, b_o = (np.asarray(g) if g is not None else None for g in got)
    if W_o is not None and W_o.shape == (H, H + D):
        for gate in GATES:
            if gate != "o" and np.allclose(W_o, params.gate(gate)[0]):
                position = KERAS_GATES.index(gate)
                raise WrongAnswer(
                    name,
                    f"that is the '{gate}' block (Keras position {position}); "
                    "Keras orders the blocks i, f, c, o, so o is the fourth",
                )
        k = slice(3 * H, 4 * H)
        if np.allclose(W_o, np.concatenate([weights[0][:, k].T, weights[1][:, k].T], axis=1)):
            raise WrongAnswer(
                name,
                "the right block, stacked [kernel | recurrent]; the course multiplies "
                "[h, x], so the recurrent part comes first",
            )
    compare_arrays(name, W_o, params.gate("o")[0], what="W_o")
    compare_arrays(name, b_o, params.gate("o")[1], what="b_o")
    passed(name, "Columns 3H:4H of kernel and recurrent_kernel, transposed, recurrent first.")


def check_forgetting(
    modified: LSTMParams, original: LSTMParams, x, write_step: int, read_step: int
) -> None:
    """Exactly one weight changed, and the cell no longer holds the stored value until the read."""
    name = "make it forget"
    if not isinstance(modified, tuple) or len(modified) != 2:
        raise WrongAnswer(name, "pass LSTMParams(W, b) — e.g. LSTMParams(W_new, b_new)")
    W, b = (np.asarray(a, dtype=float) for a in modified)
    if W.shape != original.W.shape or b.shape != original.b.shape:
        raise WrongAnswer(name, f"keep the shapes: W {original.W.shape}, b {original.b.shape}")
    changed = int(np.sum(W != original.W) + np.sum(b != original.b))
    if changed != 1:
        raise WrongAnswer(name, f"change exactly one number; you changed {changed}")
    _, _, before = lstm_forward(x, original, return_cache=True)
    _, _, after = lstm_forward(x, LSTMParams(W, b), return_cache=True)
    stored = abs(float(before["c"][0, write_step, 0]))
    kept = abs(float(after["c"][0, read_step - 1, 0]))
    if stored < 0.1:
        raise WrongAnswer(
            name, "the original cell does not store a value at write_step — check the arguments"
        )
    if kept > 0.1 * stored:
        raise WrongAnswer(
            name,
            f"the memory just before the read is still {kept:.3f} "
            f"({kept / stored:.0%} of what was stored). Which gate multiplies C_(t-1)?",
        )
    passed(
        name,
        f"Memory fell from {stored:.3f} to {kept:.2e} before the read: the forget gate let go.",
    )
