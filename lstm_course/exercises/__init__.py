"""Self-checks for the notebooks' exercises.

Each exercise cell holds the learner's answer between ``# BEGIN SOLUTION`` and
``# END SOLUTION``; the next cell calls a check from this package. A check computes the
reference answer itself, compares, and then either prints a short confirmation or
raises :class:`WrongAnswer` with a specific, friendly hint (it subclasses
AssertionError, so autograders and CI see a failure).

    from lstm_course.exercises import welcome
    welcome.check_sigmoid(sigmoid)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["WrongAnswer", "passed", "call_answer", "compare_arrays"]


class WrongAnswer(AssertionError):
    """The learner's answer is not right yet; the message says what to look at."""

    def __init__(self, exercise: str, hint: str):
        self.exercise = exercise
        self.hint = hint
        super().__init__(f"Not yet — {exercise}: {hint}")


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


def compare_arrays(
    exercise: str,
    got: Any,
    expected: np.ndarray,
    *,
    what: str,
    rtol: float = 1e-6,
    atol: float = 1e-8,
) -> np.ndarray:
    """Check shape, finiteness and values; the hint names the first thing that differs."""
    if got is None:
        raise WrongAnswer(exercise, f"{what} is None — did you forget to `return` it?")
    got = np.asarray(got)
    if got.shape != expected.shape:
        raise WrongAnswer(exercise, f"{what} has shape {got.shape}, expected {expected.shape}")
    if not np.issubdtype(got.dtype, np.number):
        raise WrongAnswer(exercise, f"{what} has dtype {got.dtype}, expected numbers")
    if not np.all(np.isfinite(got)):
        raise WrongAnswer(exercise, f"{what} contains inf or nan — look for an overflow")
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        index = np.unravel_index(np.argmax(np.abs(got - expected)), expected.shape)
        raise WrongAnswer(
            exercise,
            f"{what} differs most at index {tuple(int(i) for i in index)}: "
            f"got {float(got[index]):.6g}, expected {float(expected[index]):.6g}",
        )
    return got
