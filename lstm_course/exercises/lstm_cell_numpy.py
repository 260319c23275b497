"""Checks for notebook 01 (the LSTM cell in NumPy)."""

from __future__ import annotations

import numpy as np

from lstm_course.exercises import (
    WrongAnswer,
    as_array,
    as_number,
    call_answer,
    compare_arrays,
    passed,
)
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
        stacked = np.concatenate([h_prev, x_t])
        mistakes = {
            "you stacked [x_t, h_{t-1}]; the course stacks [h_{t-1}, x_t] — h first": sigmoid(
                W_f @ np.concatenate([x_t, h_prev]) + b_f
            ),
            "that is tanh; gates use the sigmoid σ so they are fractions in (0, 1)": np.tanh(
                W_f @ stacked + b_f
            ),
            "the bias b_f is missing": sigmoid(W_f @ stacked),
        }
        compare_arrays(
            name, got, sigmoid(W_f @ stacked + b_f), what=f"f_t for H={H}, D={D}", mistakes=mistakes
        )
    passed(name, "One number in (0, 1) per memory cell: how much of C_{t-1} survives.")


def check_param_count(lstm_param_count) -> None:
    """``lstm_param_count(D, H)``: trainable parameters of an LSTM layer."""
    name = "parameter count"
    for D, H in [(2, 3), (3, 50), (32, 128), (10, 7)]:  # sizes where no two wrong formulas coincide
        got = call_answer(name, lstm_param_count, D, H)
        count = as_number(name, got, f"lstm_param_count({D}, {H})")  # 10800.0 is fine too
        expected = 4 * (H * (H + D) + H)
        if count == expected:
            continue
        if count == 4 * H * (H + D):
            hint = "the biases are missing: each of the 4 blocks has H of them"
        elif count == H * (H + D) + H:
            hint = "that is one gate; an LSTM layer has four blocks (f, i, C~, o)"
        elif count == 4 * (H * D + H):
            hint = "the recurrent weights are missing: every gate also sees h_{t-1} (H inputs)"
        else:
            shown = f"{count:,.0f}" if count.is_integer() else f"{count:,}"
            hint = f"for D={D}, H={H} expected {expected:,}, got {shown}"
        raise WrongAnswer(name, hint)
    passed(name, "4·(H·(H+D) + H): e.g. D=3, H=50 gives 10,800.")


_KERNEL_FIRST_HINT = (
    "the right block, stacked [kernel | recurrent]; the course multiplies "
    "[h, x], so the recurrent part comes first"
)


def check_keras_output_gate(keras_output_gate) -> None:
    """``keras_output_gate(kernel, recurrent_kernel, bias)`` -> (W_o (H, H+D), b_o (H,))."""
    name = "Keras output gate"
    rng = np.random.default_rng(7)
    D, H = 3, 4
    weights = [rng.normal(size=(D, 4 * H)), rng.normal(size=(H, 4 * H)), rng.normal(size=4 * H)]
    params = params_from_keras(weights)
    got = call_answer(name, keras_output_gate, *(w.copy() for w in weights))
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise WrongAnswer(name, "return a pair (W_o, b_o)")
    mistakes = {
        f"that is the '{gate}' block (Keras position {KERAS_GATES.index(gate)}); "
        "Keras orders the blocks i, f, c, o, so o is the fourth": params.gate(gate)[0]
        for gate in GATES
        if gate != "o"
    }
    o_block = slice(3 * H, 4 * H)
    kernel_first = [weights[0][:, o_block].T, weights[1][:, o_block].T]
    mistakes[_KERNEL_FIRST_HINT] = np.concatenate(kernel_first, axis=1)
    compare_arrays(name, got[0], params.gate("o")[0], what="W_o", mistakes=mistakes)
    compare_arrays(name, got[1], params.gate("o")[1], what="b_o")
    passed(name, "Columns 3H:4H of kernel and recurrent_kernel, transposed, recurrent first.")


def _cell_state(x, params: LSTMParams, step: int) -> float:
    """|C_step| of the first unit of the first example: the memory right after ``step``."""
    _, (_, c_last) = lstm_forward(np.asarray(x)[:, : step + 1], params)
    return abs(float(c_last[0, 0]))


def check_forgetting(
    modified: LSTMParams, original: LSTMParams, x, write_step: int, read_step: int
) -> None:
    """Exactly one weight changed, and the cell no longer holds the stored value until the read."""
    name = "make it forget"
    if not isinstance(modified, tuple) or len(modified) != 2:
        raise WrongAnswer(name, "pass LSTMParams(W, b) — e.g. LSTMParams(W_new, b_new)")
    W = as_array(name, modified[0], what="W", shape=np.shape(original.W)).astype(np.float64)
    b = as_array(name, modified[1], what="b", shape=np.shape(original.b)).astype(np.float64)
    changed = int(np.sum(W != original.W) + np.sum(b != original.b))
    if changed != 1:
        raise WrongAnswer(name, f"change exactly one number; you changed {changed}")
    stored = _cell_state(x, original, write_step)
    kept = _cell_state(x, LSTMParams(W, b), read_step - 1)
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
