"""Self-checks for the notebooks' exercises (exercise format v2).

Each exercise has a prompt headed ``### Exercise NN.k — title · ★★ · 3 points``, an answer
cell whose answer sits between ``# BEGIN SOLUTION`` and ``# END SOLUTION``, and a check cell
that calls a check from this package. Every check is declared once, with its id, points and
difficulty, by ``registry.exercise`` (see :mod:`lstm_course.exercises.registry`; the whole
format is in CONTRIBUTING.md, "Add an exercise"). A check draws fresh random inputs on every
call, computes the reference answer itself (with the package's own functions), compares,
and then either prints a short confirmation or raises :class:`WrongAnswer` with a specific,
friendly hint (it subclasses AssertionError, so autograders and CI see a failure).

    from lstm_course.exercises import welcome
    welcome.check_sigmoid(sigmoid)            # or check_sigmoid(sigmoid, seed=N) to repeat

A check never lets a raw NumPy error escape: whatever the answer is (None, a string, an
array of the wrong shape, a function that crashes), the learner gets a WrongAnswer that
says what to look at. The helpers below are the only places that touch the answer's type.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from lstm_course._checks import describe

__all__ = [
    "WrongAnswer",
    "passed",
    "call_answer",
    "as_number",
    "as_array",
    "as_shape",
    "compare_arrays",
]

# An answer computed in float32 is right when it is right to float32's precision: the
# tolerances widen to a few hundred rounding errors of float32, relative to the values' size.
_FLOAT32_RTOL = 128 * float(np.finfo(np.float32).eps)  # ≈ 1.5e-5
_RED, _RESET = "\x1b[31m", "\x1b[0m"  # how Jupyter colours an error's text


class WrongAnswer(AssertionError):
    """The learner's answer is not right yet; the message says what to look at.

    In Jupyter it is shown as its message alone, without a traceback through the package
    (:meth:`_render_traceback_`); it still raises, so graders and CI count a failure.
    """

    def __init__(self, exercise: str, hint: str):
        self.exercise = exercise
        self.hint = hint
        self.reproduce = ""
        super().__init__(self._message())

    def _message(self) -> str:
        text = f"Not yet — {self.exercise}: {self.hint}"
        if self.reproduce:
            text += f"\n(Checked on fresh random inputs; `{self.reproduce}` repeats this draw.)"
        return text

    def add_reproduction(self, call: str) -> None:
        """Name the call that repeats the random inputs this answer failed on."""
        self.reproduce = call
        self.args = (self._message(),)

    def _render_traceback_(self) -> list[str]:
        """IPython's hook for exceptions that draw their own traceback: the message alone.

        IPython (and so Jupyter and Colab) calls this instead of formatting the 20-line
        traceback through the package; the cell still fails (the kernel replies "error"), so
        "Run All" stops there, nbgrader and Otter score it as failed, and CI sees it.
        """
        return [_RED + str(self) + _RESET]


def passed(exercise: str, detail: str = "") -> None:
    """Print the confirmation for a correct answer."""
    print(f"✓ {exercise}: correct." + (f" {detail}" if detail else ""))


def call_answer(exercise: str, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call the learner's function, turning 'not implemented yet' and crashes into hints."""
    if not callable(function):
        raise WrongAnswer(exercise, f"expected a function, got {type(function).__name__}")
    try:
        return function(*args, **kwargs)
    except NotImplementedError:
        raise WrongAnswer(
            exercise,
            "the function still raises NotImplementedError — replace that line with your code",
        ) from None
    except Exception as err:  # the learner's code crashed: say how, keep the cause
        raise WrongAnswer(exercise, f"calling it raised {type(err).__name__}: {err}") from err


def _none_hint(what: str) -> str:
    return f"{what} is None — did you forget to `return` it?"


def as_number(exercise: str, value: Any, what: str) -> float:
    """One real, finite number: a Python or NumPy scalar or a 0-d array (never a bool)."""
    if value is None:
        raise WrongAnswer(exercise, _none_hint(what))
    if isinstance(value, (bool, np.bool_, str, bytes)):
        raise WrongAnswer(exercise, f"{what} should be a number, got {describe(value)}")
    try:
        array = np.asarray(value)
    except Exception:  # e.g. ragged nested lists
        raise WrongAnswer(exercise, f"{what} should be a number, got {describe(value)}") from None
    if array.ndim and array.dtype != object:
        raise WrongAnswer(
            exercise,
            f"{what} should be one number, got {array.size} values (shape {array.shape})"
            + (": use float(...) or .item()" if array.size == 1 else ""),
        )
    if array.dtype.kind not in "iuf":  # bool, complex, strings, objects
        raise WrongAnswer(exercise, f"{what} should be a number, got {describe(value)}")
    number = float(array)
    if not np.isfinite(number):
        raise WrongAnswer(exercise, f"{what} is {number} — look for an overflow or a division by 0")
    return number


def as_array(exercise: str, got: Any, *, what: str, shape: tuple | None = None) -> np.ndarray:
    """The answer as a finite real array (dtype kept), of ``shape`` when one is given."""
    if got is None:
        raise WrongAnswer(exercise, _none_hint(what))
    try:
        array = None if isinstance(got, (str, bytes)) else np.asarray(got)
    except Exception:  # ragged nested lists, objects NumPy cannot convert
        array = None
    if array is None or array.dtype.kind not in "iuf":
        kind = "booleans" if array is not None and array.dtype == bool else describe(got)
        raise WrongAnswer(exercise, f"{what} should be an array of numbers, got {kind}")
    if shape is not None and array.shape != tuple(shape):
        raise WrongAnswer(exercise, f"{what} has shape {array.shape}, expected {tuple(shape)}")
    if not np.all(np.isfinite(array)):
        raise WrongAnswer(exercise, f"{what} contains inf or nan — look for an overflow")
    return array


def as_shape(value: Any) -> tuple[int, ...] | None:
    """A shape written as a tuple or list of ints (NumPy ints too) → tuple; else None."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        return None
    items = list(value)
    if all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in items):
        return tuple(int(n) for n in items)
    return None


def _tolerances(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float):
    """Widen (rtol, atol) to float32's precision for answers computed in float32."""
    if np.issubdtype(got.dtype, np.floating) and got.dtype.itemsize < 8:
        scale = float(np.max(np.abs(expected))) if expected.size else 0.0
        return max(rtol, _FLOAT32_RTOL), max(atol, _FLOAT32_RTOL * scale)
    return rtol, atol


def _digits_apart(got: float, expected: float) -> tuple[str, str]:
    """Both numbers with just enough significant digits (at least 6) to tell them apart.

    Beyond 6 digits the trailing zeros stay, so both show the same number of digits.
    """
    shown = f"{got:.6g}", f"{expected:.6g}"
    for digits in range(7, 18):
        if shown[0] != shown[1]:
            break
        shown = f"{got:#.{digits}g}", f"{expected:#.{digits}g}"
    return shown


def _worst_element(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float):
    """The index that breaks |got - expected| <= atol + rtol·|expected| most, or None."""
    if not expected.size:
        return None
    tolerance = np.maximum(atol + rtol * np.abs(expected), np.finfo(np.float64).tiny)
    excess = np.abs(got - expected) / tolerance  # above 1: outside the tolerance
    worst = int(np.argmax(excess))
    if excess.flat[worst] <= 1.0:
        return None
    return np.unravel_index(worst, expected.shape)


def compare_arrays(
    exercise: str,
    got: Any,
    expected: np.ndarray,
    *,
    what: str,
    rtol: float = 1e-6,
    atol: float = 1e-8,
    also_right: Iterable[np.ndarray] = (),
    mistakes: Mapping[str, np.ndarray] | None = None,
) -> np.ndarray:
    """Check type, shape, finiteness and values of an answer against the reference.

    A value hint points at the element that misses its tolerance by the largest factor
    (not the largest absolute difference), with enough digits to see the difference.

    Args:
        also_right: other arrays that count as correct (e.g. the ddof=1 standard deviation).
        mistakes: {hint: array} of typical wrong answers; matching one raises its hint.

    Returns:
        ``got`` as an array (its dtype kept).
    """
    expected = np.asarray(expected, dtype=np.float64)
    array = as_array(exercise, got, what=what, shape=expected.shape)
    values = array.astype(np.float64)
    rtol, atol = _tolerances(array, expected, rtol, atol)
    worst = _worst_element(values, expected, rtol, atol)
    if worst is None or any(
        _worst_element(values, right, rtol, atol) is None for right in also_right
    ):
        return array
    for hint, wrong in (mistakes or {}).items():
        wrong = np.asarray(wrong, dtype=np.float64)
        if wrong.shape == expected.shape and _worst_element(values, wrong, rtol, atol) is None:
            raise WrongAnswer(exercise, hint)
    shown_got, shown_expected = _digits_apart(float(values[worst]), float(expected[worst]))
    where = f" at index {tuple(int(i) for i in worst)}" if expected.ndim else ""
    raise WrongAnswer(
        exercise, f"{what} differs most{where}: got {shown_got}, expected {shown_expected}"
    )
