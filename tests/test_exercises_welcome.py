"""Checks of notebook 00's exercises: right answers pass, typical mistakes get their hint."""

import numpy as np
import pytest

from lstm_course.exercises import WrongAnswer, welcome


def stable_sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def test_right_sigmoid_passes(capsys):
    welcome.check_sigmoid(stable_sigmoid)
    assert "✓ sigmoid: correct" in capsys.readouterr().out


def test_float32_sigmoid_passes(capsys):
    """Right to float32's precision is right (it used to fail: 'got 0.993307, expected 0.993307')."""
    welcome.check_sigmoid(lambda z: stable_sigmoid(z).astype(np.float32))
    welcome.check_sigmoid(lambda z: stable_sigmoid(np.asarray(z, dtype=np.float32)))
    assert capsys.readouterr().out.count("✓ sigmoid: correct") == 2


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda z: 1 / (1 + np.exp(-z)), "overflow"),
        (lambda z: np.tanh(z), "differs most at index"),
        (lambda z: None, "forget to `return`"),
        (lambda z: stable_sigmoid(z)[:3], "has shape"),
        (lambda z: float(stable_sigmoid(z)[0]), "has shape"),
        (lambda z: (_ for _ in ()).throw(NotImplementedError()), "NotImplementedError"),
        (lambda z: z.nope, "raised AttributeError"),
        (lambda z: stable_sigmoid(z) + 1e-9 * (z == 0), "exactly 0.5"),
        ("sigmoid", "expected a function"),
    ],
)
def test_wrong_sigmoids_get_specific_hints(answer, hint):
    with pytest.raises(WrongAnswer, match=hint):
        welcome.check_sigmoid(answer)


RIGHT_SHAPES = {"W_f": (64, 74), "b_f": (64,), "concat": (32, 74), "f_t": (32, 64), "C_t": (32, 64)}


def test_gate_shapes_right(capsys):
    welcome.check_gate_shapes(RIGHT_SHAPES)
    welcome.check_gate_shapes({**RIGHT_SHAPES, "W_f": [np.int64(64), 74]})  # lists, NumPy ints
    assert capsys.readouterr().out.count("4,800 parameters") == 2


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        ({**RIGHT_SHAPES, "W_f": (74, 64)}, "W_f should not be"),
        ({"W_f": (64, 74)}, "missing keys"),
        ([(64, 74)], "expected a dict"),
        ({**RIGHT_SHAPES, "b_f": 64}, "write b_f as a tuple of ints"),
        ({**RIGHT_SHAPES, "b_f": "(64,)"}, "write b_f as a tuple of ints"),
        ({**RIGHT_SHAPES, "C_t": None}, "write C_t as a tuple of ints"),
    ],
)
def test_gate_shapes_wrong(answer, hint):
    with pytest.raises(WrongAnswer, match=hint):
        welcome.check_gate_shapes(answer)
