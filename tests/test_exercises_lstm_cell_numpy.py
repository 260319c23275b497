"""Notebook 01's exercises (format v2): right answers pass on every draw, each wrong one gets
its own hint, and the stub and None are refused."""

import numpy as np
import pytest

from lstm_course.exercises import WrongAnswer, lstm_cell_numpy, registry
from lstm_course.numpy_lstm import LSTMParams, lstm_forward, params_from_keras, sigmoid

SEEDS = range(10)


def _not_implemented(*args, **kwargs):
    """What the student build leaves in a function exercise."""
    raise NotImplementedError("Exercise: write your answer here")


def test_the_four_exercises_are_declared_in_order():
    items = [registry.EXERCISES[f"01.{k}"] for k in (1, 2, 3, 4)]
    assert [item.check for item in items] == [
        "check_lstm_layer",
        "check_keras_gate",
        "check_param_count",
        "check_erase",
    ]
    assert [item.difficulty for item in items] == [3, 2, 1, 2]


# ----------------------------------------------------------------------------- 01.1 the layer


def fused_layer(
    x,
    params,
    h0,
    c0,
    *,
    order="fico",
    stack="hx",
    carry=True,
    squash=True,
    cand=np.tanh,
    states=True,
    bias=True,
    give="h",
):
    """The notebook's solution, with switches that turn it into each typical wrong answer."""
    W, b = params
    H = W.shape[0] // 4
    block = {g: slice(k * H, (k + 1) * H) for k, g in enumerate(order)}
    h, c = (h0, c0) if states else (np.zeros_like(h0), np.zeros_like(c0))
    hs, cs = [], []
    for t in range(x.shape[1]):
        if not carry:
            h = h0
        parts = [h, x[:, t]] if stack == "hx" else [x[:, t], h]
        z = np.concatenate(parts, axis=1) @ W.T + (b if bias else 0)
        f, i, o = (sigmoid(z[:, block[g]]) for g in "fio")
        c = f * c + i * cand(z[:, block["c"]])
        h = o * (np.tanh(c) if squash else c)
        hs.append(h)
        cs.append(c)
    seq = np.stack(cs if give == "c" else hs, axis=1)
    return seq, (h, h if give == "hh" else c)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    "answer",
    [
        fused_layer,
        lstm_forward,
        lambda *a: tuple(np.float32(v) if i == 0 else v for i, v in enumerate(fused_layer(*a))),
        lambda *a: [fused_layer(*a)[0], list(fused_layer(*a)[1])],
    ],
    ids=["fused", "package", "float32", "lists"],
)
def test_right_layers_pass_on_every_draw(answer, seed, capsys):
    lstm_cell_numpy.check_lstm_layer(answer, seed=seed)
    assert "✓ 01.1 LSTM layer: correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("options", "hint"),
    [
        ({"order": "ifco"}, "the f and i blocks are swapped"),
        ({"order": "fioc"}, "blocks are taken in the wrong order"),
        ({"stack": "xh"}, r"you stacked \[x_t, h_\{t-1\}\]"),
        ({"carry": False}, "carry h from step to step"),
        ({"squash": False}, r"squashed by tanh before the output gate"),
        ({"cand": sigmoid}, "the candidate C~ uses tanh"),
        ({"states": False}, "start from h0 and c0, not from zeros"),
        ({"bias": False}, "the bias b is missing"),
        ({"give": "c"}, "those are the cell states"),
        ({"give": "hh"}, "C_T is the cell state, not the output h_T"),
    ],
)
@pytest.mark.parametrize("seed", [0, 3])
def test_wrong_layers_get_their_hint(options, hint, seed):
    with pytest.raises(WrongAnswer, match=hint):
        lstm_cell_numpy.check_lstm_layer(lambda *a: fused_layer(*a, **options), seed=seed)


def _cell_not_carried(x, params, h0, c0):
    """C_{t-1} is c0 at every step (h carried): its own hint."""
    W, b = params
    H = W.shape[0] // 4
    h, hs = h0, []
    for t in range(x.shape[1]):
        z = np.concatenate([h, x[:, t]], axis=1) @ W.T + b
        c = sigmoid(z[:, :H]) * c0 + sigmoid(z[:, H : 2 * H]) * np.tanh(z[:, 2 * H : 3 * H])
        h = sigmoid(z[:, 3 * H :]) * np.tanh(c)
        hs.append(h)
    return np.stack(hs, axis=1), (h, c)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_not_implemented, "still raises NotImplementedError"),
        (lambda *a: None, "should be a pair"),
        (lambda *a: fused_layer(*a)[0], "should be a pair"),
        (lambda *a: (fused_layer(*a)[0], None), "its second part should be a pair"),
        (lambda *a: (None, fused_layer(*a)[1]), "forget to `return`"),
        (_cell_not_carried, "carry the cell state from step to step"),
        (lambda x, p, h0, c0: (p.W @ x, (h0, c0)), "raised ValueError"),
        (lambda *a: (fused_layer(*a)[0][:, :-1], fused_layer(*a)[1]), "has shape"),
    ],
)
def test_broken_layers_get_a_hint(answer, hint):
    with pytest.raises(WrongAnswer, match=hint):
        lstm_cell_numpy.check_lstm_layer(answer, seed=1)


# ----------------------------------------------------------------------------- 01.2 Keras


def keras_gate(
    kernel,
    recurrent_kernel,
    bias,
    gate,
    *,
    order="ifco",
    recurrent_first=True,
    transpose=True,
    bias_order=None,
):
    """The solution, with switches for each typical wrong answer."""
    H = recurrent_kernel.shape[0]
    k = order.index(gate)
    cols = slice(k * H, (k + 1) * H)
    parts = [recurrent_kernel[:, cols], kernel[:, cols]]
    parts = [p.T for p in parts] if transpose else parts
    W = np.concatenate(parts if recurrent_first else parts[::-1], axis=1 if transpose else 0)
    kb = (bias_order or order).index(gate)
    return W, bias[kb * H : (kb + 1) * H]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    "answer",
    [
        keras_gate,
        lambda k, r, b, g: params_from_keras([k, r, b]).gate(g),
        lambda *a: [np.float32(v) for v in keras_gate(*a)],
    ],
    ids=["by-hand", "package", "float32-list"],
)
def test_right_keras_gates_pass_on_every_draw(answer, seed, capsys):
    lstm_cell_numpy.check_keras_gate(answer, seed=seed)
    assert "✓ 01.2 Keras gate: correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_not_implemented, "still raises NotImplementedError"),
        (lambda *a: None, "should be a pair"),
        (lambda *a: (None, None), "forget to `return`"),
        # the mix-up this exercise is for: the course's order f, i, c, o used on Keras's arrays
        (lambda *a: keras_gate(*a, order="fico"), "you used the course's order"),
        (lambda *a: keras_gate(*a, recurrent_first=False), r"stacked \[kernel \| recurrent\]"),
        (lambda *a: keras_gate(*a, transpose=False), "transposed"),
        (lambda *a: keras_gate(*a, order="oicf"), "that is Keras's '.' block"),
        (lambda *a: keras_gate(*a, bias_order="fico"), r"b_[fi] .*|Keras's '[fi]' block"),
        (lambda k, r, b, g: keras_gate(k, r, b, "o"), "that is Keras's 'o' block"),
    ],
)
@pytest.mark.parametrize("seed", [0, 4])
def test_wrong_keras_gates_get_their_hint(answer, hint, seed):
    with pytest.raises(WrongAnswer, match=hint):
        lstm_cell_numpy.check_keras_gate(answer, seed=seed)


def test_every_draw_asks_for_the_forget_and_the_input_gate():
    """Either slip of order (f for i, i for f) is caught whatever the draw."""
    for seed in SEEDS:
        with pytest.raises(WrongAnswer, match="you used the course's order"):
            lstm_cell_numpy.check_keras_gate(lambda *a: keras_gate(*a, order="fico"), seed=seed)


# ----------------------------------------------------------------------------- 01.3 count


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    "answer",
    [
        lambda D, H: 4 * (H * (H + D) + H),
        lambda D, H: 4 * H * (H + D + 1),
        lambda D, H: np.int64(4 * (H * (H + D) + H)),
        lambda D, H: float(4 * (H * (H + D) + H)),
    ],
)
def test_right_counts_pass(answer, seed, capsys):
    lstm_cell_numpy.check_param_count(answer, seed=seed)
    assert "✓ 01.3 parameter count: correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_not_implemented, "still raises NotImplementedError"),
        (lambda D, H: None, "forget to `return`"),
        (lambda D, H: 4 * H * (H + D), "biases are missing"),
        (lambda D, H: H * (H + D) + H, "that is one gate"),
        (lambda D, H: 4 * (H * D + H), "recurrent weights are missing"),
        (lambda D, H: 4 * (H * (H + D) + 2 * H), "two biases per block"),
        (lambda D, H: 3 * (H * (H + D) + H), "three blocks, like a GRU"),
        (lambda D, H: 4 * (D * (D + H) + D), "D and H are swapped"),
        (lambda D, H: 7, "add up the sizes of W and b"),
        (lambda D, H: "10800", "should be a number"),
    ],
)
@pytest.mark.parametrize("seed", [0, 9])
def test_wrong_counts_get_their_hint(answer, hint, seed):
    with pytest.raises(WrongAnswer, match=hint) as info:
        lstm_cell_numpy.check_param_count(answer, seed=seed)
    assert "expected" not in str(info.value)  # the hint never prints the right count


# ----------------------------------------------------------------------------- 01.4 erase

GAIN = 20.0
# The notebook's hand-wired cell: columns [h | value, write, read, erase], rows f, i, C~, o.
W_HAND = np.array(
    [
        [0.0, 0.0, -GAIN, 0.0, 0.0],
        [0.0, 0.0, GAIN, 0.0, 0.0],
        [0.0, 1.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, GAIN, 0.0],
    ]
)
B_HAND = np.array([10.0, -10.0, 0.0, -10.0])


def changed(row=None, col=None, value=None, *, b_row=None, b_value=None) -> LSTMParams:
    W, b = W_HAND.copy(), B_HAND.copy()
    if row is not None:
        W[row, col] = value
    if b_row is not None:
        b[b_row] = b_value
    return LSTMParams(W, b)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    "answer",
    [
        changed(0, 4, -GAIN),  # the solution: erase closes the forget gate
        changed(0, 4, -100.0),  # any strong enough weight
        LSTMParams(W_HAND.astype(np.float32), B_HAND.astype(np.float32)).__class__(
            changed(0, 4, -GAIN).W.astype(np.float32), B_HAND.astype(np.float32)
        ),
        (changed(0, 4, -GAIN).W.tolist(), B_HAND.tolist()),  # a plain pair of lists
    ],
    ids=["solution", "stronger", "float32", "lists"],
)
def test_right_erasing_cells_pass_on_every_draw(answer, seed, capsys):
    lstm_cell_numpy.check_erase(answer, seed=seed)
    assert "✓ 01.4 forget on command: correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (LSTMParams(W_HAND, B_HAND), "still holds 100% of the value"),  # the stub: unchanged
        (None, "the answer is None"),
        # the old exercise's loophole: never store anything, then "nothing is remembered"
        (changed(1, 2, 0.0), "a write no longer stores the value"),
        (changed(b_row=0, b_value=0.0), "does not hold until the erase"),  # forgets always
        (changed(3, 4, -GAIN), "memory still holds"),  # erase wired to the output gate
        (changed(1, 4, -GAIN), "memory still holds"),  # erase wired to the input gate
        (changed(0, 4, -10.0), "memory still holds"),  # too weak: f = σ(0) halves it once
        (changed(0, 3, -GAIN), "does not hold until the erase"),  # a read that erases
        (changed(3, 3, 0.0), "a read before the erase no longer shows"),
        (changed(0, 4, -GAIN, b_row=3, b_value=-40.0), "a read before the erase"),
        (LSTMParams(W_HAND[:, :4], B_HAND), r"W has shape \(4, 4\), expected \(4, 5\)"),
        ((W_HAND,), "pass LSTMParams"),
        ({"W": W_HAND, "b": B_HAND}, "pass LSTMParams"),
    ],
)
@pytest.mark.parametrize("seed", [0, 6])
def test_wrong_erasing_cells_get_their_hint(answer, hint, seed):
    with pytest.raises(WrongAnswer, match=hint):
        lstm_cell_numpy.check_erase(answer, seed=seed)


def test_erase_then_write_must_store_again():
    """An erase that also jams the input gate shut fails at the second write."""
    W = changed(0, 4, -GAIN).W
    b = B_HAND.copy()
    # a forget gate that never reopens after an erase cannot be built from one weight, so
    # test the last stage directly: a cell whose writes are too weak to store a new value
    W[1, 2] = 10.0  # input gate σ(0) = 0.5 at a write: the memory gets half the value
    with pytest.raises(WrongAnswer, match="a write no longer stores"):
        lstm_cell_numpy.check_erase(LSTMParams(W, b), seed=2)
