"""Checks for notebook 00 (welcome)."""

from __future__ import annotations

import numpy as np

from lstm_course._checks import describe
from lstm_course.exercises import (
    WrongAnswer,
    as_array,
    as_shape,
    call_answer,
    compare_arrays,
    passed,
)
from lstm_course.numpy_lstm import sigmoid as reference_sigmoid

_OVERFLOW_HINT = (
    "np.exp overflowed at z = ±1000. Call exp only on non-positive numbers "
    "(for z < 0 use e^z / (1 + e^z)). np.where computes both branches for "
    "every element, so use np.exp(-np.abs(z)) or boolean masks"
)


def _call_without_overflow(name: str, sigmoid, z: np.ndarray):
    """Call the answer with overflow turned into an error, so an unsafe exp is caught."""
    with np.errstate(over="raise"):
        try:
            return call_answer(name, sigmoid, z)
        except WrongAnswer as err:
            if isinstance(err.__cause__, FloatingPointError):
                raise WrongAnswer(name, _OVERFLOW_HINT) from None
            raise


def check_sigmoid(sigmoid) -> None:
    """The learner's ``sigmoid(z)`` must be elementwise, exact and safe for large |z|."""
    name = "sigmoid"
    z = np.linspace(-8.0, 8.0, 33)
    got = call_answer(name, sigmoid, z.copy())
    compare_arrays(name, got, reference_sigmoid(z), what="sigmoid(z) on [-8, 8]")
    at_zero = call_answer(name, sigmoid, np.array([0.0]))
    if abs(float(as_array(name, at_zero, what="sigmoid([0.0])", shape=(1,))[0]) - 0.5) > 1e-12:
        raise WrongAnswer(name, "sigmoid(0) must be exactly 0.5")
    extreme = np.array([-1000.0, -50.0, 50.0, 1000.0])
    got = _call_without_overflow(name, sigmoid, extreme.copy())
    compare_arrays(
        name, got, reference_sigmoid(extreme), what="sigmoid at z = ±50, ±1000", atol=1e-12
    )
    matrix = np.arange(-3.0, 3.0).reshape(2, 3)
    compare_arrays(
        name,
        call_answer(name, sigmoid, matrix.copy()),
        reference_sigmoid(matrix),
        what="sigmoid of a (2, 3) matrix",
    )
    passed(name, "Values in (0, 1), exact at 0, and no overflow at ±1000.")


_GATE_SHAPE_HINTS = {
    "W_f": "W_f maps the concatenation [h_{t-1}, x_t] (length H + D) to H gate values",
    "b_f": "one bias per unit",
    "concat": "each of the B rows is [h_{t-1}, x_t]",
    "f_t": "one gate value per example and unit",
    "C_t": "the cell state has the same shape as h_t",
}


def check_gate_shapes(answer: dict) -> None:
    """Shapes in the course notation for batch B, inputs D, units H."""
    name = "gate shapes"
    B, D, H = 32, 10, 64
    expected = {"W_f": (H, H + D), "b_f": (H,), "concat": (B, H + D), "f_t": (B, H), "C_t": (B, H)}
    if not isinstance(answer, dict):
        raise WrongAnswer(
            name, f"expected a dict like {{'W_f': (rows, cols), ...}}, got {type(answer).__name__}"
        )
    missing = sorted(set(expected) - set(answer))
    if missing:
        raise WrongAnswer(name, f"missing keys {missing}")
    for key, shape in expected.items():
        got = as_shape(answer[key])
        if got is None:
            raise WrongAnswer(
                name,
                f"write {key} as a tuple of ints, e.g. (4,) or (2, 3), got {describe(answer[key])}",
            )
        if got != shape:
            raise WrongAnswer(name, f"{key} should not be {got}: {_GATE_SHAPE_HINTS[key]}")
    passed(name, f"With B={B}, D={D}, H={H} one gate has {H * (H + D) + H:,} parameters.")
