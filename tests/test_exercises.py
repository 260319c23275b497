import numpy as np
import pytest

from lstm_course.exercises import WrongAnswer, compare_arrays, welcome


def stable_sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def test_right_sigmoid_passes(capsys):
    welcome.check_sigmoid(stable_sigmoid)
    assert "✓ sigmoid: correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda z: 1 / (1 + np.exp(-z)), "overflow"),
        (lambda z: np.tanh(z), "differs most at index"),
        (lambda z: None, "forget to `return`"),
        (lambda z: stable_sigmoid(z)[:3], "has shape"),
        (lambda z: (_ for _ in ()).throw(NotImplementedError()), "NotImplementedError"),
        (lambda z: z.nope, "raised AttributeError"),
        ("sigmoid", "expected a function"),
    ],
)
def test_wrong_sigmoids_get_specific_hints(answer, hint):
    with pytest.raises(WrongAnswer, match=hint):
        welcome.check_sigmoid(answer)


def test_wrong_answer_is_an_assertion_error_for_autograders():
    assert issubclass(WrongAnswer, AssertionError)


def test_gate_shapes_right_and_wrong(capsys):
    right = {"W_f": (64, 74), "b_f": (64,), "concat": (32, 74), "f_t": (32, 64), "C_t": (32, 64)}
    welcome.check_gate_shapes(right)
    assert "4,800 parameters" in capsys.readouterr().out
    with pytest.raises(WrongAnswer, match="W_f should not be"):
        welcome.check_gate_shapes({**right, "W_f": (74, 64)})
    with pytest.raises(WrongAnswer, match="missing keys"):
        welcome.check_gate_shapes({"W_f": (64, 74)})
    with pytest.raises(WrongAnswer, match="expected a dict"):
        welcome.check_gate_shapes([(64, 74)])


def test_compare_arrays_names_nan():
    with pytest.raises(WrongAnswer, match="inf or nan"):
        compare_arrays("x", np.array([np.nan]), np.array([1.0]), what="the value")
