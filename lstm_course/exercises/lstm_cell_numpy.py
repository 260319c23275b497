"""Checks for notebook 01 (the LSTM cell in NumPy), format v2: fresh random inputs each call.

01.1 one LSTM layer, fused, over a batch · 01.2 a gate's block in Keras's arrays ·
01.3 the parameter count · 01.4 forget on command (the hand-wired memory cell).
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
from lstm_course.numpy_lstm import (
    GATES,
    KERAS_GATES,
    LSTMParams,
    lstm_forward,
    params_from_keras,
    sigmoid,
)

__all__ = ["check_lstm_layer", "check_keras_gate", "check_param_count", "check_erase"]


def _pair(name: str, got, what: str, hint: str) -> tuple:
    """A 2-tuple or 2-list, else a hint saying what to return."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise WrongAnswer(name, f"{what} should be a pair {hint}, got {describe(got)}")
    return tuple(got)


# ----------------------------------------------------------------------------- 01.1 the layer

LAYER = "01.1 LSTM layer"


def _variant_forward(
    x,
    W,
    b,
    h0,
    c0,
    *,
    order=GATES,
    stack="hx",
    carry_h=True,
    carry_c=True,
    squash_c=True,
    candidate=np.tanh,
    states=True,
    bias=True,
):
    """The fused forward pass with one slip switched on: the wrong answers the check names.

    x (B, T, D), W (4H, H + D), b (4H,), h0/c0 (B, H) -> h_seq (B, T, H), c_seq (B, T, H).
    """
    H = W.shape[0] // 4
    block = {gate: slice(k * H, (k + 1) * H) for k, gate in enumerate(order)}
    h = h0 if states else np.zeros_like(h0)
    c = c0 if states else np.zeros_like(c0)
    hs, cs = [], []
    for t in range(x.shape[1]):
        h_in, c_in = (h if carry_h else h0), (c if carry_c else c0)
        parts = [h_in, x[:, t]] if stack == "hx" else [x[:, t], h_in]
        z = np.concatenate(parts, axis=1) @ W.T + (b if bias else 0.0)
        f, i, o = (sigmoid(z[:, block[g]]) for g in "fio")
        c = f * c_in + i * candidate(z[:, block["c"]])
        h = o * (np.tanh(c) if squash_c else c)
        hs.append(h)
        cs.append(c)
    return np.stack(hs, axis=1), np.stack(cs, axis=1)


def _layer_mistakes(x, W, b, h0, c0) -> dict[str, np.ndarray]:
    """h_seq as each typical slip computes it, on the same draw."""
    slips = {
        "the f and i blocks are swapped: the course's W stacks f, i, C~, o from the top "
        "(i, f, c, o is Keras's order, for Keras's arrays)": {"order": ("i", "f", "c", "o")},
        "the blocks are taken in the wrong order: the course's W stacks f, i, C~, o": {
            "order": ("f", "i", "o", "c")
        },
        "every step used h0 instead of the previous step's h_{t-1}: carry h from step to step": {
            "carry_h": False
        },
        "every step started from c0 instead of the previous step's C_{t-1}: carry the cell "
        "state from step to step": {"carry_c": False},
        "h_t = o_t ⊙ tanh(C_t): the memory is squashed by tanh before the output gate shows it": {
            "squash_c": False
        },
        "the candidate C~ uses tanh (it carries signed values), not σ": {"candidate": sigmoid},
        "the run must start from h0 and c0, not from zeros": {"states": False},
        "the bias b is missing from the pre-activations": {"bias": False},
    }
    if x.shape[2] == h0.shape[1]:  # D == H: [x, h] has the right length, so it runs
        slips[
            "you stacked [x_t, h_{t-1}]; the course stacks [h_{t-1}, x_t], h first (that is "
            "the order of W's columns)"
        ] = {"stack": "xh"}
    mistakes = {hint: _variant_forward(x, W, b, h0, c0, **slip)[0] for hint, slip in slips.items()}
    mistakes["those are the cell states C_t; h_seq holds the outputs h_t = o_t ⊙ tanh(C_t)"] = (
        _variant_forward(x, W, b, h0, c0)[1]
    )
    return mistakes


def _layer_draw(rng: np.random.Generator, *, square: bool):
    """x, params, h0, c0 for random B, T, D, H (D == H when ``square``, D != H otherwise)."""
    B, T, H = (int(n) for n in rng.integers([1, 2, 1], [5, 8, 6]))
    D = H if square else int(rng.choice([d for d in range(1, 7) if d != H]))
    x = rng.normal(size=(B, T, D))
    params = LSTMParams(rng.normal(scale=0.7, size=(4 * H, H + D)), rng.normal(size=4 * H))
    h0, c0 = np.tanh(rng.normal(size=(B, H))), rng.normal(size=(B, H))
    return x, params, h0, c0


@exercise(
    "01.1",
    "one LSTM layer, fused, over a batch",
    points=4,
    difficulty=3,
    assesses="the forward pass over a batch of sequences with one product per step: block "
    "order f, i, C~, o, [h, x] stacking, states carried from step to step",
)
def check_lstm_layer(lstm_layer, rng: np.random.Generator) -> None:
    """``lstm_layer(x, params, h0, c0)`` -> ``(h_seq, (h_T, C_T))`` on random sizes and weights."""
    # D == H first, so that stacking [x, h] runs and gets its own hint; then D != H.
    for square in (True, False):
        x, params, h0, c0 = _layer_draw(rng, square=square)
        (B, T, D), H = x.shape, params.units
        got = call_answer(
            LAYER,
            lstm_layer,
            x.copy(),
            LSTMParams(params.W.copy(), params.b.copy()),
            h0.copy(),
            c0.copy(),
        )
        h_seq, last = _pair(LAYER, got, "the result", "(h_seq, (h_T, C_T)), like lstm_forward")
        h_T, c_T = _pair(LAYER, last, "its second part", "(h_T, C_T) of the last step")
        expected_seq, (expected_h, expected_c) = lstm_forward(x, params, h0, c0)
        sizes = f"B={B}, T={T}, D={D}, H={H}"
        compare_arrays(
            LAYER,
            h_seq,
            expected_seq,
            what=f"h_seq for {sizes}",
            mistakes=_layer_mistakes(x, params.W, params.b, h0, c0),
        )
        compare_arrays(LAYER, h_T, expected_h, what="h_T, the last step's output")
        compare_arrays(
            LAYER,
            c_T,
            expected_c,
            what="C_T, the last step's cell state",
            mistakes={"C_T is the cell state, not the output h_T": expected_h},
        )
    passed(LAYER, "Every output and both final states, for any batch, length and size.")


# ----------------------------------------------------------------------------- 01.2 Keras

KERAS = "01.2 Keras gate"


def _keras_block(weights, k: int, *, recurrent_first: bool = True) -> tuple[np.ndarray, ...]:
    """Keras's k-th block as (W (H, H + D), b (H,)), stacked recurrent-first (or not)."""
    kernel, recurrent, bias = weights
    H = recurrent.shape[0]
    cols = slice(k * H, (k + 1) * H)
    parts = [recurrent[:, cols].T, kernel[:, cols].T]
    return np.concatenate(parts if recurrent_first else parts[::-1], axis=1), bias[cols]


def _keras_mistakes(weights, gate: str) -> tuple[dict, dict]:
    """Hints for W_g and b_g: the block in the course's position, another block, kernel first."""
    k_right = KERAS_GATES.index(gate)
    k_course = GATES.index(gate)  # the slip: the course's position used in Keras's arrays
    W_mistakes, b_mistakes = {}, {}
    for k, name in enumerate(KERAS_GATES):
        if k == k_right:
            continue
        if k == k_course:
            hint = (
                f"for '{gate}' that is Keras's '{name}' block: you used the course's order "
                "f, i, c, o, but Keras stores its blocks as i, f, c, o"
            )
        else:
            hint = f"for '{gate}' that is Keras's '{name}' block; Keras stores i, f, c, o"
        W_mistakes[hint], b_mistakes[hint] = _keras_block(weights, k)
    W_mistakes[
        "the right block, but stacked [kernel | recurrent]: the course multiplies "
        "[h_{t-1}, x_t], so the recurrent part comes first"
    ] = _keras_block(weights, k_right, recurrent_first=False)[0]
    return W_mistakes, b_mistakes


@exercise(
    "01.2",
    "a gate's block in Keras's arrays",
    points=2,
    difficulty=2,
    assesses="reading one gate's course-form (W_g, b_g) out of Keras's kernel, "
    "recurrent_kernel and bias: Keras's block order i, f, c, o, transposes, [h, x] stacking",
)
def check_keras_gate(keras_gate, rng: np.random.Generator) -> None:
    """``keras_gate(kernel, recurrent_kernel, bias, gate)`` -> (W_g, b_g), all four gates."""
    D, H = (int(n) for n in rng.choice(np.arange(1, 7), size=2, replace=False))
    weights = [rng.normal(size=(D, 4 * H)), rng.normal(size=(H, 4 * H)), rng.normal(size=4 * H)]
    params = params_from_keras(weights)
    for gate in rng.permutation(list(GATES)):
        gate = str(gate)
        got = call_answer(KERAS, keras_gate, *(w.copy() for w in weights), gate)
        W_g, b_g = _pair(KERAS, got, f"keras_gate(…, {gate!r})", "(W_g, b_g)")
        W_expected, b_expected = params.gate(gate)
        if np.shape(W_g) == (H + D, H):
            raise WrongAnswer(
                KERAS, f"W_{gate} is transposed: Keras's columns are the course's rows"
            )
        W_mistakes, b_mistakes = _keras_mistakes(weights, gate)
        compare_arrays(
            KERAS, W_g, W_expected, what=f"W_{gate} for D={D}, H={H}", mistakes=W_mistakes
        )
        compare_arrays(KERAS, b_g, b_expected, what=f"b_{gate}", mistakes=b_mistakes)
    passed(KERAS, "All four gates found in Keras's i, f, c, o blocks, transposed, h first.")


# ----------------------------------------------------------------------------- 01.3 count

COUNT = "01.3 parameter count"


def _count_formulas(D: int, H: int) -> dict[str, int]:
    """The right count (key "") and the counts of typical wrong formulas, with their hints."""
    return {
        "": 4 * (H * (H + D) + H),
        "the biases are missing: each of the 4 blocks has H of them": 4 * H * (H + D),
        "that is one gate; an LSTM layer has four blocks (f, i, C~, o)": H * (H + D) + H,
        "the recurrent weights are missing: every gate also sees h_{t-1} (H inputs)": (
            4 * (H * D + H)
        ),
        "that counts two biases per block, as PyTorch stores them (b_ih and b_hh); "
        "the course and Keras keep one": 4 * (H * (H + D) + 2 * H),
        "that has three blocks, like a GRU; an LSTM has four (f, i, C~, o)": 3 * (H * (H + D) + H),
        "D and H are swapped: D is the number of input features, H the number of units": (
            4 * (D * (D + H) + D)
        ),
    }


def _count_sizes(rng: np.random.Generator) -> tuple[int, int]:
    """D != H where every formula above gives a different number (so each hint is certain)."""
    while True:
        D, H = int(rng.integers(1, 65)), int(rng.integers(2, 257))
        if len(set(_count_formulas(D, H).values())) == len(_count_formulas(D, H)):
            return D, H


@exercise(
    "01.3",
    "the parameter count",
    points=1,
    difficulty=1,
    assesses="counting an LSTM layer's parameters, 4·(H·(H+D) + H), from the shapes of W and b",
)
def check_param_count(lstm_param_count, rng: np.random.Generator) -> None:
    """``lstm_param_count(D, H)`` on three random layer sizes."""
    for _ in range(3):
        D, H = _count_sizes(rng)
        got = call_answer(COUNT, lstm_param_count, D, H)
        count = as_number(COUNT, got, f"lstm_param_count({D}, {H})")  # 10800.0 is fine too
        formulas = _count_formulas(D, H)
        if count == formulas[""]:
            continue
        hints = [hint for hint, value in formulas.items() if hint and value == count]
        shown = f"{count:,.0f}" if count.is_integer() else f"{count:,}"
        raise WrongAnswer(
            COUNT,
            hints[0]
            if hints
            else f"for D={D}, H={H} you counted {shown}: add up the sizes of W and b "
            "(four blocks, each a weight matrix and a bias)",
        )
    passed(COUNT, "4·(H·(H+D) + H): four blocks, each H·(H+D) weights and H biases.")


# ----------------------------------------------------------------------------- 01.4 erase

ERASE = "01.4 forget on command"
HAND_INPUTS = ("value", "write", "read", "erase")  # the hand-wired cell's input columns
_ROOM = 3  # at least this many steps between two events of a test sequence


def _event_sequence(rng: np.random.Generator):
    """One sequence: write v1, read, erase, read, write v2, read; distractors everywhere else.

    The gaps between events, the start, the length and the values are random.
    Returns x (T, 4) with columns value, write, read, erase, and the events as a dict.
    """
    gaps = rng.integers(_ROOM, _ROOM + 10, size=6)
    steps = np.cumsum(gaps) + int(rng.integers(0, 10))  # write1 read1 erase read2 write2 read3
    T = int(steps[-1] + rng.integers(2, 10))
    values = rng.choice([-1.0, 1.0], size=2) * rng.uniform(0.4, 1.0, size=2)
    x = np.zeros((T, len(HAND_INPUTS)))
    x[:, 0] = rng.uniform(-1.0, 1.0, size=T)  # distractor values arrive at every step
    write1, read1, erase, read2, write2, read3 = (int(s) for s in steps)
    x[write1, :2] = [values[0], 1.0]
    x[write2, :2] = [values[1], 1.0]
    for step in (read1, read2, read3):
        x[step, 2] = 1.0
    x[erase, 3] = 1.0
    x[erase, 0] = rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 1.0)  # a value not to store
    events = dict(
        write1=write1,
        read1=read1,
        erase=erase,
        read2=read2,
        write2=write2,
        read3=read3,
        v1=float(values[0]),
        v2=float(values[1]),
    )
    return x, events


def _as_hand_params(answer) -> LSTMParams:
    """The answer as float LSTMParams of the hand-wired cell's shapes: W (4, 5), b (4,)."""
    if answer is None:
        raise WrongAnswer(ERASE, "the answer is None: pass LSTMParams(W_erasing, b_erasing)")
    if not isinstance(answer, tuple) or len(answer) != 2:
        raise WrongAnswer(ERASE, f"pass LSTMParams(W_erasing, b_erasing), got {describe(answer)}")
    W = as_array(ERASE, answer[0], what="W", shape=(4, 1 + len(HAND_INPUTS)))
    b = as_array(ERASE, answer[1], what="b", shape=(4,))
    return LSTMParams(W.astype(np.float64), b.astype(np.float64))


def _verify_erasing(c: np.ndarray, h: np.ndarray, e: dict) -> None:
    """One sequence's memory c (T,) and output h (T,): stored, held, read, erased, rewritten."""
    stored = np.tanh(e["v1"])
    if abs(c[e["write1"]] - stored) > 0.03:
        raise WrongAnswer(
            ERASE,
            "a write no longer stores the value: right after write = 1 the memory should be "
            "tanh(value). Leave the input gate and the candidate as they were",
        )
    held = c[e["write1"] : e["erase"]]
    if np.max(np.abs(held - stored)) > 0.05 * abs(stored):
        raise WrongAnswer(
            ERASE,
            "the memory does not hold until the erase: between a write and an erase "
            "(distractors and reads included) the forget gate must stay ≈ 1",
        )
    if abs(h[e["read1"]] - np.tanh(stored)) > 0.03:
        raise WrongAnswer(
            ERASE, "a read before the erase no longer shows the memory: keep the output gate"
        )
    after = c[e["erase"] : e["write2"]]
    kept = float(np.max(np.abs(after)) / abs(stored))
    if kept > 0.05:
        raise WrongAnswer(
            ERASE,
            f"after the erase the memory still holds {kept:.0%} of the value. Which gate "
            "multiplies C_(t-1), and which input should close it?",
        )
    rewritten = np.tanh(e["v2"])
    if abs(c[e["write2"]] - rewritten) > 0.03 or abs(h[e["read3"]] - np.tanh(rewritten)) > 0.03:
        raise WrongAnswer(ERASE, "after an erase, a new write must store and show its value again")


@exercise(
    "01.4",
    "forget on command",
    points=2,
    difficulty=2,
    assesses="which gate multiplies C_{t-1}: wiring an erase input to the forget gate while "
    "writes, holds and reads keep working",
)
def check_erase(erasing, rng: np.random.Generator) -> None:
    """The hand-wired cell with an erase input: on random sequences it must store the value
    at a write, hold it through distractors, show it at a read, wipe it at an erase (C_t ≈ 0
    until the next write) and store the next write again.
    """
    params = _as_hand_params(erasing)
    for _ in range(4):  # four sequences, each with its own timings, values and distractors
        x, events = _event_sequence(rng)
        _, _, cache = lstm_forward(x[None], params, return_cache=True)
        _verify_erasing(cache.c[0, :, 0], cache.h[0, :, 0], events)
    passed(ERASE, "Stored, held, read, wiped on erase and written again: forgetting on command.")
