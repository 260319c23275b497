"""Exercise format v2: one home for each exercise's id, points and difficulty.

Every check function in ``lstm_course.exercises.<notebook slug>`` is declared with
:func:`exercise`::

    @exercise("02.3", "gradient clipping by global norm", points=3, difficulty=2,
              assesses="rescaling a list of gradients to a global norm, direction kept")
    def check_clip_by_global_norm(clip, rng):
        ...  # draws fresh inputs from rng, raises WrongAnswer with a hint, or calls passed()

From that one declaration:

- the **notebook heading** is fixed: ``### Exercise 02.3 — gradient clipping by global
  norm · ★★ · 3 points`` (:func:`heading`; a structure test compares them);
- the **build** finds the check cell (it calls ``check_clip_by_global_norm``), the answer
  cell before it (it holds ``# BEGIN SOLUTION``) and the prompt before that, and writes the
  nbgrader and Otter metadata into them (``tools/notebooks.py``);
- **INSTRUCTORS.md**'s exercise tables list :data:`EXERCISES`;
- each call of the check gets **fresh random inputs**: the wrapper draws a new seed, passes
  ``rng = np.random.default_rng(seed)`` to the check, and on a wrong answer the hint ends
  with the seed, so ``check_…(answer, seed=N)`` repeats exactly what failed;
- a passing answer is **recorded**, and :func:`solved` hands later cells either the
  learner's verified answer or, with a one-line note, the package's reference — so "Run
  All" on a student notebook runs to the end with only the check cells failing.
"""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from lstm_course._checks import check_int, check_seed, check_text

__all__ = ["EXERCISES", "Exercise", "exercise", "heading", "solved", "fresh_seed"]

_ID = re.compile(r"(\d{2})\.(\d{1,2})")
STARS = {1: "★", 2: "★★", 3: "★★★"}


@dataclass(frozen=True)
class Exercise:
    """What an instructor needs to know about one exercise.

    id: "NN.k", notebook number and position in it; title: the heading's words;
    points: its weight in a grade; difficulty: 1 (★, a few lines) to 3 (★★★, substantial);
    assesses: one line saying what a correct answer shows; check: the check's name.
    """

    id: str
    title: str
    points: int
    difficulty: int
    assesses: str
    check: str

    @property
    def notebook(self) -> int:
        return int(self.id.split(".")[0])

    @property
    def grade_id(self) -> str:
        """An identifier graders accept: "ex02_3"."""
        notebook, position = self.id.split(".")
        return f"ex{notebook}_{position}"


EXERCISES: dict[str, Exercise] = {}
_SOLVED: dict[str, Any] = {}


def fresh_seed() -> int:
    """A new seed for each check call, so a check cannot be passed by memorising its inputs."""
    return secrets.randbelow(2**31)


def heading(item: Exercise) -> str:
    """The markdown heading the notebook must show for this exercise."""
    unit = "point" if item.points == 1 else "points"
    return (
        f"### Exercise {item.id} — {item.title} · {STARS[item.difficulty]} · {item.points} {unit}"
    )


def exercise(
    exercise_id: str, title: str, *, points: int, difficulty: int, assesses: str
) -> Callable[[Callable], Callable]:
    """Declare a check function as exercise ``exercise_id`` (see the module docstring).

    The decorated check is written as ``check(answer, ..., rng)``; learners call it as
    ``check(answer, ...)`` or, to repeat a failing draw, ``check(answer, ..., seed=N)``.
    """
    if not isinstance(exercise_id, str) or not _ID.fullmatch(exercise_id):
        raise ValueError(f"exercise_id must look like '02.3', got {exercise_id!r}")
    check_text("title", title)
    check_text("assesses", assesses)
    points = check_int("points", points, minimum=1, maximum=20)
    difficulty = check_int("difficulty", difficulty, minimum=1, maximum=3)

    def decorate(check: Callable) -> Callable:
        if exercise_id in EXERCISES and EXERCISES[exercise_id].check != check.__name__:
            raise ValueError(
                f"exercise {exercise_id} is declared twice: {EXERCISES[exercise_id].check} "
                f"and {check.__name__}"
            )
        item = Exercise(exercise_id, title, points, difficulty, assesses, check.__name__)
        EXERCISES[exercise_id] = item

        @functools.wraps(check)
        def run(answer, *args, seed: int | None = None, **kwargs):
            from lstm_course.exercises import WrongAnswer  # noqa: PLC0415 - avoids a cycle

            chosen = fresh_seed() if seed is None else check_seed("seed", seed)
            try:
                result = check(answer, *args, rng=np.random.default_rng(chosen), **kwargs)
            except WrongAnswer as err:
                err.add_reproduction(f"{check.__name__}(…, seed={chosen})")
                raise
            _SOLVED[exercise_id] = answer
            return result

        run.exercise = item
        return run

    return decorate


def solved(exercise_id: str, reference: Any) -> Any:
    """The learner's answer to ``exercise_id`` if its check passed, else ``reference``.

    Cells after an exercise that need its answer call this, so an unanswered exercise costs
    the learner one failing check cell, not every cell after it.
    """
    if exercise_id not in EXERCISES:
        raise ValueError(f"unknown exercise {exercise_id!r}; known: {sorted(EXERCISES)}")
    if exercise_id in _SOLVED:
        return _SOLVED[exercise_id]
    print(
        f"(Exercise {exercise_id} is not solved yet: the cells below use the course's "
        "reference answer instead.)"
    )
    return reference
