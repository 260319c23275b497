"""Checks for notebook 00 (welcome)."""

from __future__ import annotations

import numpy as np

from lstm_course.exercises import WrongAnswer, call_answer, compare_arrays, passed


def _reference_sigmoid(z: np.ndarray) -> np.ndarray:
    # exp of a non-positive number never overflows: split by sign.
    out = np.empty_like(z, dtype=np.float64)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def check_sigmoid(sigmoid) -> None:
    """The learner's ``sigmoid(z)`` must be elementwise, exact and safe for large |z|."""
    name = "sigmoid"
    z = np.linspace(-8.0, 8.0, 33)
    got = call_answer(name, sigmoid, z.copy())
    compare_arrays(name, got, _reference_sigmoid(z), what="sigmoid(z) on [-8, 8]")
    if abs(float(np.asarray(call_answer(name, sigmoid, np.array([0.0])))[0]) - 0.5) > 1e-12:
        raise WrongAnswer(name, "sigmoid(0) must be exactly 0.5")
    extreme = np.array([-1000.0, -50.0, 50.0, 1000.0])
    with np.errstate(over="raise"):
        try:
            got = call_answer(name, sigmoid, extreme.copy())
        except WrongAnswer as err:
            if isinstance(err.__cause__, FloatingPointError):
                raise WrongAnswer(
                    name,
                    "np.exp overflowed at z = ±1000. Call exp only on non-positive numbers "
                    "(for z < 0 use e^z / (1 + e^z)). np.where computes both branches for "
                    "every element, so use np.exp(-np.abs(z)) or boolean masks",
                ) from None
            raise
    compare_arrays(
        name, got, _reference_sigmoid(extreme), what="sigmoid at z = ±50, ±1000", atol=1e-12
    )
    matrix = np.arange(-3.0, 3.0).reshape(2, 3)
    compare_arrays(
        name,
        call_answer(name, sigmoid, matrix.copy()),
        _reference_sigmoid(matrix),
        what="sigmoid of a (2, 3) matrix",
    )
    passed(name, "Values in (0, 1), exact at 0, and no overflow at ±1000.")


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
        got = tuple(answer[key]) if answer[key] is not None else None
        if got != shape:
            hint = {
                "W_f": "W_f maps the concatenation [h_{t-1}, x_t] (length H + D) to H gate values",
                "b_f": "one bias per unit",
                "concat": "each of the B rows is [h_{t-1}, x_t]",
                "f_t": "one gate value per example and unit",
                "C_t": "the cell state has the same shape as h_t",
            }[key]
            raise WrongAnswer(name, f"{key} should not be {got}: {hint}")
    passed(name, f"With B={B}, D={D}, H={H} one gate has {H * (H + D) + H:,} parameters.")
