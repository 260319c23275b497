"""Checks for notebook 00 (welcome), format v2: each call draws fresh random inputs.

00.1 a sigmoid that never overflows · 00.2 shapes in the course's notation ·
00.3 where the memory comes from (each step's share of the final cell state C_T).
"""

from __future__ import annotations

import numpy as np

from lstm_course._checks import check_array as _checked_array
from lstm_course._checks import describe
from lstm_course.exercises import (
    WrongAnswer,
    as_array,
    as_shape,
    call_answer,
    compare_arrays,
    passed,
)
from lstm_course.exercises.registry import exercise
from lstm_course.numpy_lstm import sigmoid as reference_sigmoid

__all__ = ["check_sigmoid", "check_gate_shapes", "check_memory_shares", "reference_memory_shares"]

# ----------------------------------------------------------------------------- 00.1 sigmoid

SIGMOID = "00.1 sigmoid"
_OVERFLOW_HINT = (
    "np.exp overflowed on a large |z| (the test inputs reach ±1000). Call exp only on "
    "numbers ≤ 0 (for z < 0 use e^z / (1 + e^z)). np.where computes both branches for "
    "every element, so compute np.exp(-np.abs(z)) once, or work on the halves with a mask"
)


def _sigmoid_inputs(rng: np.random.Generator) -> np.ndarray:
    """z of a random shape (1-D to 3-D, at least 6 values) with 0 and extremes to ±1000."""
    while True:
        shape = tuple(int(n) for n in rng.integers(2, 7, size=int(rng.integers(1, 4))))
        if np.prod(shape) >= 6:
            break
    z = rng.normal(scale=rng.uniform(2.0, 10.0), size=shape)
    flat = z.reshape(-1)  # a view: writing into it writes into z
    spots = rng.choice(flat.size, size=5, replace=False)
    flat[spots] = [
        0.0,  # σ(0) must be exactly 0.5
        -rng.uniform(750.0, 1000.0),  # e^{-z} overflows here in the textbook form
        rng.uniform(750.0, 1000.0),  # ... and e^{z} here in the other form
        -rng.uniform(20.0, 60.0),  # tiny but not 0: a clipped answer shows here
        rng.uniform(20.0, 60.0),
    ]
    return z


def _call_without_overflow(sigmoid, z: np.ndarray):
    """Call the answer with overflow turned into an error, so an unsafe exp is caught."""
    with np.errstate(over="raise"):
        try:
            return call_answer(SIGMOID, sigmoid, z)
        except WrongAnswer as err:
            if isinstance(err.__cause__, FloatingPointError):
                raise WrongAnswer(SIGMOID, _OVERFLOW_HINT) from None
            raise


def _sigmoid_mistakes(z: np.ndarray) -> dict[str, np.ndarray]:
    return {
        "that is tanh, with values in (−1, 1); the sigmoid's are in (0, 1)": np.tanh(z),
        "those are σ(−z): check the sign in the exponent": reference_sigmoid(-z),
        "right for z ≥ 0 only: for z < 0, σ(z) is below 0.5 (use e^z / (1 + e^z))": (
            reference_sigmoid(np.abs(z))
        ),
        "right for z < 0 only: for z ≥ 0, σ(z) = 1 / (1 + e^(−z)) is above 0.5": (
            reference_sigmoid(-np.abs(z))
        ),
    }


@exercise(
    "00.1",
    "a sigmoid that never overflows",
    points=2,
    difficulty=2,
    assesses="a logistic sigmoid that is elementwise, exact at 0 and never overflows for "
    "|z| up to 1000",
)
def check_sigmoid(sigmoid, rng: np.random.Generator) -> None:
    """``sigmoid(z)`` on a random array (any shape, extremes to ±1000, an exact 0)."""
    z = _sigmoid_inputs(rng)
    given = z.copy()
    got = _call_without_overflow(sigmoid, given)
    expected = reference_sigmoid(z)
    array = as_array(SIGMOID, got, what=f"sigmoid(z) for z of shape {z.shape}", shape=z.shape)
    if not np.array_equal(given, z):
        raise WrongAnswer(SIGMOID, "your function changed its argument z: work on a copy")
    compare_arrays(
        SIGMOID,
        array,
        expected,
        what="sigmoid(z)",
        atol=1e-12,  # σ(−30) ≈ 1e-13 must not come back as 0 or as a clipped 1e-7
        mistakes=_sigmoid_mistakes(z),
    )
    if float(array[z == 0.0][0]) != 0.5:
        raise WrongAnswer(SIGMOID, "sigmoid(0) must be exactly 0.5")
    passed(SIGMOID, "Values in (0, 1), exact at 0, any shape, and no overflow at ±1000.")


# ----------------------------------------------------------------------------- 00.2 shapes

SHAPES = "00.2 shapes"
BATCH, FEATURES, UNITS = 32, 10, 64  # B, D, H as the notebook's prompt states them
_SHAPE_KEYS = ("W_f", "b_f", "concat", "f_t", "C_t")


def _expected_shapes(B: int, D: int, H: int) -> dict[str, tuple[int, ...]]:
    return {"W_f": (H, H + D), "b_f": (H,), "concat": (B, H + D), "f_t": (B, H), "C_t": (B, H)}


def _shape_hint(key: str, got: tuple[int, ...], B: int, D: int, H: int) -> str:
    """What a wrong shape for ``key`` most likely confused, without giving the shape away."""
    specific = {
        ("W_f", (H + D, H)): "that is W_f transposed: the course writes W_f · [h_{t-1}, x_t], "
        "so W_f has one row per unit",
        ("W_f", (H, D)): "W_f multiplies [h_{t-1}, x_t], not x_t alone",
        ("W_f", (H, H)): "W_f multiplies [h_{t-1}, x_t], not h_{t-1} alone",
        ("b_f", (B, H)): "the bias is shared by all examples: one number per unit",
        ("concat", (H + D,)): "with a batch, each of the B examples is one row",
        ("concat", (B, D)): "concat stacks h_{t-1} and x_t side by side",
        ("concat", (B, H)): "concat stacks h_{t-1} and x_t side by side",
        ("f_t", (H,)): "with a batch, every example gets its own gate values: one row each",
        ("C_t", (H,)): "with a batch, every example has its own memory: one row each",
    }
    general = {
        "W_f": "W_f maps [h_{t-1}, x_t] (length H + D) to H gate values",
        "b_f": "one bias per unit",
        "concat": "each of the B rows is one example's [h_{t-1}, x_t]",
        "f_t": "one gate value per example and unit",
        "C_t": "the cell state has the same shape as h_t and f_t",
    }
    return f"{key} should not be {got}: " + specific.get((key, got), general[key])


@exercise(
    "00.2",
    "shapes in the course's notation",
    points=1,
    difficulty=1,
    assesses="the shapes of W_f, b_f, [h_{t-1}, x_t], f_t and C_t for a batch, from B, D, H",
)
def check_gate_shapes(shapes, rng: np.random.Generator) -> None:
    """The dict of shapes for B = 32, D = 10, H = 64 (a value exercise: rng is not needed)."""
    del rng  # the prompt fixes B, D and H: there is nothing to draw
    B, D, H = BATCH, FEATURES, UNITS
    if shapes is None:
        raise WrongAnswer(SHAPES, "shapes is None: assign the dict to the name `shapes`")
    if not isinstance(shapes, dict):
        raise WrongAnswer(
            SHAPES, f"expected a dict like {{'W_f': (rows, cols), ...}}, got {describe(shapes)}"
        )
    missing = [key for key in _SHAPE_KEYS if key not in shapes]
    if missing:
        raise WrongAnswer(SHAPES, f"missing keys {missing}")
    expected = _expected_shapes(B, D, H)
    for key in _SHAPE_KEYS:
        value = shapes[key]
        if value is ...:
            raise WrongAnswer(SHAPES, f"{key} is still `...`: replace it with a tuple like (4, 5)")
        got = as_shape(value)
        if got is None:
            raise WrongAnswer(
                SHAPES,
                f"write {key} as a tuple of ints, e.g. (4,) or (2, 3), got {describe(value)}",
            )
        if got != expected[key]:
            raise WrongAnswer(SHAPES, _shape_hint(key, got, B, D, H))
    passed(SHAPES, f"With B={B}, D={D}, H={H} one gate has {H * (H + D) + H:,} parameters.")


# ----------------------------------------------------------------------------- 00.3 shares

SHARES = "00.3 memory shares"


def reference_memory_shares(f, i, c_tilde, c0) -> np.ndarray:
    """How much of the final cell state C_T each step wrote and the forget gates let through.

    Unrolling C_t = f_t ⊙ C_{t-1} + i_t ⊙ C~_t from C_0 gives
    C_T = (f_1⋯f_T) ⊙ C_0 + Σ_t (f_{t+1}⋯f_T) ⊙ i_t ⊙ C~_t.

    Args:
        f, i: (T, H) forget and input gate values in [0, 1] (row t-1 holds step t).
        c_tilde: (T, H) candidate values C~_t.
        c0: (H,) the initial cell state C_0.

    Returns:
        shares (T + 1, H): row 0 is what is left of C_0, row t what is left of step t's
        write i_t ⊙ C~_t; ``shares.sum(axis=0)`` is C_T.
    """
    f = _checked_array("f", f, ndim=2, shape_text="(T, H)")
    i = _checked_array("i", i, ndim=2, shape_text="(T, H)")
    c_tilde = _checked_array("c_tilde", c_tilde, ndim=2, shape_text="(T, H)")
    c0 = _checked_array("c0", c0, ndim=1, shape_text="(H,)")
    for name, array in (("i", i), ("c_tilde", c_tilde)):
        if array.shape != f.shape:
            raise ValueError(f"{name} must have the shape of f, {f.shape}, got {array.shape}")
    if c0.shape != f.shape[1:]:
        raise ValueError(f"c0 must have shape (H,) = {f.shape[1:]}, got {c0.shape}")
    for name, gate in (("f", f), ("i", i)):
        if gate.min() < 0.0 or gate.max() > 1.0:
            raise ValueError(
                f"{name} holds gate values, which must lie in [0, 1]; got a value "
                f"of {gate.min() if gate.min() < 0 else gate.max():.4g}"
            )
    # with 0-based rows (row t is step t + 1), the share of row t's write is f[t+1] ⋯ f[T-1]
    later = np.cumprod(f[::-1], axis=0)[::-1]  # later[t] = f[t] ⋯ f[T-1]
    kept_after = np.concatenate([later[1:], np.ones_like(f[:1])])
    return np.concatenate([(later[0] * c0)[None], kept_after * i * c_tilde])


def _shares_inputs(rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Gates and candidates of H cells over T steps, like those of a running LSTM."""
    T, H = int(rng.integers(4, 13)), int(rng.integers(1, 6))
    f = reference_sigmoid(rng.normal(1.0, 1.5, size=(T, H)))
    i = reference_sigmoid(rng.normal(0.0, 1.5, size=(T, H)))
    c_tilde = np.tanh(rng.normal(0.0, 1.5, size=(T, H)))
    c0 = rng.normal(0.0, 1.0, size=H)
    return f, i, c_tilde, c0


def _shares_mistakes(f, i, c_tilde, c0) -> dict[str, np.ndarray]:
    """The slips this derivation invites, each computed on the same draw."""
    right = reference_memory_shares(f, i, c_tilde, c0)
    including_own = right.copy()
    including_own[1:] *= f  # f_t ⋯ f_T: step t's own forget gate counted too
    before = np.cumprod(np.concatenate([np.ones_like(f[:1]), f[:-1]]), axis=0)
    states = [c0]
    for t in range(len(f)):  # the cell states C_0 … C_T themselves
        states.append(f[t] * states[-1] + i[t] * c_tilde[t])
    return {
        "step t's write i_t·C~_t is not multiplied by its own f_t: in C_t = f_t·C_{t-1} + "
        "i_t·C~_t the forget gate touches only what was there before": including_own,
        "the forget gates that shrink step t's write are the ones after step t, not before": (
            np.concatenate([(right[0])[None], before * i * c_tilde])
        ),
        "what step t writes is i_t·C~_t, not C~_t alone": (
            np.concatenate([right[:1], right[1:] / i])
        ),
        "the initial memory C_0 also passes through every forget gate on its way to C_T": (
            np.concatenate([c0[None], right[1:]])
        ),
        "the rows are in reverse time order: row 0 is C_0's share, row t step t's": right[::-1],
        "those are the cell states C_0 … C_T; the exercise asks for each step's share of the "
        "last one, C_T": np.array(states),
    }


def _shape_of(value) -> tuple[int, ...] | None:
    """The answer's shape, or None for what NumPy cannot shape (None, ragged lists)."""
    if value is None:
        return None
    try:
        return np.shape(value)
    except ValueError:
        return None


@exercise(
    "00.3",
    "where the memory comes from",
    points=4,
    difficulty=3,
    assesses="unrolling C_t = f_t⊙C_{t-1} + i_t⊙C~_t into the share of C_T that each step "
    "wrote (products of the later forget gates)",
)
def check_memory_shares(memory_shares, rng: np.random.Generator) -> None:
    """``memory_shares(f, i, c_tilde, c0)`` -> (T + 1, H) on random gates, T and H."""
    f, i, c_tilde, c0 = _shares_inputs(rng)
    T, H = f.shape
    got = call_answer(SHARES, memory_shares, f.copy(), i.copy(), c_tilde.copy(), c0.copy())
    if _shape_of(got) == (T, H):
        raise WrongAnswer(
            SHARES,
            f"one row short: got (T, H) = {(T, H)}; row 0 is what is left of C_0, rows 1…T "
            "are the shares of the T writes",
        )
    compare_arrays(
        SHARES,
        got,
        reference_memory_shares(f, i, c_tilde, c0),
        what=f"the shares for T={T}, H={H}",
        rtol=1e-9,
        atol=1e-12,
        mistakes=_shares_mistakes(f, i, c_tilde, c0),
    )
    passed(SHARES, "The rows add up to C_T: each write, shrunk by every forget gate after it.")
