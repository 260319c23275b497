"""The helpers every exercise check uses: hints instead of NumPy errors, fair tolerances."""

import numpy as np
import pytest

from lstm_course.exercises import (
    WrongAnswer,
    as_array,
    as_number,
    as_shape,
    call_answer,
    compare_arrays,
)


def test_wrong_answer_is_an_assertion_error_for_autograders():
    assert issubclass(WrongAnswer, AssertionError)
    err = WrongAnswer("sigmoid", "look at z < 0")
    assert str(err) == "Not yet — sigmoid: look at z < 0" and err.hint == "look at z < 0"


def test_call_answer_turns_crashes_into_hints():
    assert call_answer("x", lambda a, b=0: a + b, 1, b=2) == 3
    with pytest.raises(WrongAnswer, match="expected a function, got int"):
        call_answer("x", 3)
    with pytest.raises(WrongAnswer, match="still raises NotImplementedError"):
        call_answer("x", lambda: (_ for _ in ()).throw(NotImplementedError()))
    with pytest.raises(WrongAnswer, match="raised ZeroDivisionError") as info:
        call_answer("x", lambda: 1 / 0)
    assert isinstance(info.value.__cause__, ZeroDivisionError)  # the traceback is kept


@pytest.mark.parametrize(
    "value", [3, 3.0, np.int64(3), np.float32(3.0), np.array(3.0), np.array(3, dtype=np.int8)]
)
def test_as_number_accepts_any_real_scalar(value):
    assert as_number("x", value, "the count") == 3.0


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        (None, "forget to `return`"),
        ("3", "should be a number, got str"),
        (True, "should be a number, got bool"),
        (np.bool_(True), "should be a number"),
        (1 + 2j, "should be a number"),
        (np.array([1.0, 2.0]), r"should be one number, got 2 values \(shape \(2,\)\)$"),
        (np.array([3.0]), r"use float\(...\) or .item\(\)"),
        ([[1], [1, 2]], "should be a number"),
        (float("nan"), "is nan"),
        (np.float64("inf"), "look for an overflow"),
        ({"a": 1}, "should be a number, got dict"),
    ],
)
def test_as_number_refuses_with_a_hint(value, hint):
    with pytest.raises(WrongAnswer, match=hint):
        as_number("x", value, "the count")


def test_as_array_keeps_dtype_and_checks_shape():
    assert as_array("x", np.ones(3, np.float32), what="v", shape=(3,)).dtype == np.float32
    assert as_array("x", [[1, 2]], what="v").shape == (1, 2)
    for bad, hint in [
        (None, "forget to `return`"),
        ("abc", "array of numbers, got str"),
        ([[1], [1, 2]], "array of numbers"),
        (np.array([True]), "got booleans"),
        (np.array([1j]), "array of numbers"),
        ([None, None, None], "array of numbers"),
        (np.ones(4), r"has shape \(4,\), expected \(3,\)"),
        (np.array([1.0, np.nan, 2.0]), "inf or nan"),
    ]:
        with pytest.raises(WrongAnswer, match=hint):
            as_array("x", bad, what="v", shape=(3,))


def test_as_shape():
    assert as_shape((2, 3)) == (2, 3)
    assert as_shape([np.int64(2)]) == (2,)
    assert as_shape(np.zeros((4, 5)).shape) == (4, 5)
    for not_a_shape in [None, 4, "(2, 3)", (2.0, 3), (True,), {"a": 1}, [(1, 2)]]:
        assert as_shape(not_a_shape) is None


def test_compare_arrays_names_nan():
    with pytest.raises(WrongAnswer, match="inf or nan"):
        compare_arrays("x", np.array([np.nan]), np.array([1.0]), what="the value")


def test_compare_arrays_points_at_the_element_that_fails_its_tolerance():
    """The largest absolute difference (index 0, within tolerance) is not the failing one."""
    expected = np.array([1e6, 1e-3])
    got = np.array([1e6 + 0.5, 2e-3])  # index 0 is off by 0.5 but within rtol=1e-6
    with pytest.raises(WrongAnswer, match=r"index \(1,\): got 0.002, expected 0.001"):
        compare_arrays("x", got, expected, what="v")


def test_compare_arrays_shows_enough_digits_to_see_the_difference():
    with pytest.raises(WrongAnswer, match=r"got 0.9933070, expected 0.9933071") as info:
        compare_arrays("x", np.array([0.993307]), np.array([0.99330714]), what="v", rtol=1e-9)
    assert "0.993307," not in str(info.value)


def test_compare_arrays_accepts_float32_precision_but_not_more():
    expected = np.linspace(-3.0, 3.0, 13) ** 3
    assert compare_arrays("x", expected.astype(np.float32), expected, what="v").dtype == np.float32
    assert compare_arrays("x", expected.tolist(), expected, what="v").shape == (13,)
    with pytest.raises(WrongAnswer, match="differs most"):
        compare_arrays("x", (expected * 1.001).astype(np.float32), expected, what="v")


def test_compare_arrays_also_right_and_mistakes():
    expected, other, wrong = np.zeros(2), np.ones(2), np.full(2, 5.0)
    compare_arrays("x", other, expected, what="v", also_right=[other])
    with pytest.raises(WrongAnswer, match="the typical slip"):
        compare_arrays("x", wrong, expected, what="v", mistakes={"the typical slip": wrong})
    with pytest.raises(WrongAnswer, match="differs most"):
        compare_arrays("x", other, expected, what="v", mistakes={"never": wrong})
