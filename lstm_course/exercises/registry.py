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
  cell before it (it holds ``# BEGIN SOLUTION``) and the prompt before that
  (:func:`find_exercises`), and writes the nbgrader metadata and our roles into them
  (:func:`annotate`); the student builds (``lstm_course.student``) turn those roles into
  stubs, nbgrader source notebooks and Otter Assign master notebooks;
- **INSTRUCTORS.md**'s exercise tables list :data:`EXERCISES`;
- each call of the check gets **fresh random inputs**: the wrapper draws a new seed, passes
  ``rng = np.random.default_rng(seed)`` to the check, and on a wrong answer the hint ends
  with the seed, so ``check_…(answer, seed=N)`` repeats exactly what failed;
- a passing answer is **recorded**, and :func:`solved` hands later cells either the
  learner's verified answer or, with a one-line note, the package's reference — so "Run
  All" on a student notebook runs to the end with only the check cells failing.

The notebook side of the format (what authors write) is in CONTRIBUTING.md, "Add an
exercise".
"""

from __future__ import annotations

import ast
import copy
import functools
import importlib
import pkgutil
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from lstm_course._checks import check_int, check_seed, check_text, describe

__all__ = [
    "EXERCISES",
    "Exercise",
    "ExerciseCells",
    "exercise",
    "heading",
    "solved",
    "fresh_seed",
    "load_all",
    "find_exercises",
    "annotate",
]

_ID = re.compile(r"(\d{2})\.(\d{1,2})")
STARS = {1: "★", 2: "★★", 3: "★★★"}
BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
ROLES = ("prompt", "answer", "check")
METADATA_KEY = "lstm_course"  # cell metadata: {"exercise": "02.3", "role": "answer"}


@dataclass(frozen=True)
class Exercise:
    """What an instructor needs to know about one exercise.

    id: "NN.k", notebook number and position in it; title: the heading's words;
    points: its weight in a grade; difficulty: 1 (★, a few lines) to 3 (★★★, substantial);
    assesses: one line saying what a correct answer shows; check: the check's name;
    module: the module that defines the check ("lstm_course.exercises.bptt").
    """

    id: str
    title: str
    points: int
    difficulty: int
    assesses: str
    check: str
    module: str = ""

    @property
    def notebook(self) -> int:
        return int(self.id.split(".")[0])

    @property
    def position(self) -> int:
        return int(self.id.split(".")[1])

    @property
    def grade_id(self) -> str:
        """An identifier graders accept (nbgrader grade_id, Otter question name): "ex02_3"."""
        notebook, position = self.id.split(".")
        return f"ex{notebook}_{position}"


EXERCISES: dict[str, Exercise] = {}
_SOLVED: dict[str, Any] = {}


def fresh_seed() -> int:
    """A new seed for each check call, so a check cannot be passed by memorising its inputs."""
    return secrets.randbelow(2**31)


def heading(item: Exercise) -> str:
    """The markdown heading the notebook must show for this exercise."""
    if not isinstance(item, Exercise):
        raise TypeError(f"item must be an Exercise from EXERCISES, got {describe(item)}")
    unit = "point" if item.points == 1 else "points"
    return (
        f"### Exercise {item.id} — {item.title} · {STARS[item.difficulty]} · {item.points} {unit}"
    )


def _remember(exercise_id: str, answer: Any) -> None:
    """Keep a verified answer; a copy, so editing a dict later cannot change what passed."""
    if callable(answer):
        _SOLVED[exercise_id] = answer
        return
    try:
        _SOLVED[exercise_id] = copy.deepcopy(answer)
    except Exception:  # noqa: BLE001 - an object that cannot be copied is kept as it is
        _SOLVED[exercise_id] = answer


def exercise(
    exercise_id: str, title: str, *, points: int, difficulty: int, assesses: str
) -> Callable[[Callable], Callable]:
    """Declare a check function as exercise ``exercise_id`` (see the module docstring).

    The decorated check is written as ``check(answer, ..., rng)``; learners call it as
    ``check(answer, ...)`` or, to repeat a failing draw, ``check(answer, ..., seed=N)``.
    The latest call decides what :func:`solved` returns: a pass records the answer, a
    failure forgets an earlier pass.
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
        item = Exercise(
            exercise_id, title, points, difficulty, assesses, check.__name__, check.__module__
        )
        EXERCISES[exercise_id] = item

        @functools.wraps(check)
        def run(answer, *args, seed: int | None = None, **kwargs):
            from lstm_course.exercises import WrongAnswer  # noqa: PLC0415 - avoids a cycle

            chosen = fresh_seed() if seed is None else check_seed("seed", seed)
            _SOLVED.pop(exercise_id, None)  # a failing call must not leave an old pass behind
            try:
                result = check(answer, *args, rng=np.random.default_rng(chosen), **kwargs)
            except WrongAnswer as err:
                err.add_reproduction(f"{check.__name__}(…, seed={chosen})")
                raise
            _remember(exercise_id, answer)
            return result

        run.exercise = item
        return run

    return decorate


def load_all() -> dict[str, Exercise]:
    """Import every ``lstm_course.exercises`` module, so :data:`EXERCISES` lists them all.

    Returns:
        ``{id: Exercise}`` in course order ("00.1", "00.2", ..., "05.3").
    """
    import lstm_course.exercises as package  # noqa: PLC0415 - this module is part of it

    for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        if info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():  # also what was declared before a reset
            item = getattr(value, "exercise", None)
            if isinstance(item, Exercise):
                EXERCISES.setdefault(item.id, item)
    return dict(sorted(EXERCISES.items(), key=lambda pair: _sort_key(pair[0])))


def _sort_key(exercise_id: str) -> tuple[int, int]:
    notebook, position = exercise_id.split(".")
    return int(notebook), int(position)


def solved(exercise_id: str, reference: Any) -> Any:
    """The learner's answer to ``exercise_id`` if its latest check passed, else ``reference``.

    Cells after an exercise that need its answer call this, so an unanswered (or wrong)
    exercise costs the learner one failing check cell, not every cell after it. The
    reference must come from the package (the student build removes the solution cell).
    """
    if not isinstance(exercise_id, str):
        raise TypeError(f"exercise_id must be a str such as '02.3', got {describe(exercise_id)}")
    if exercise_id not in EXERCISES:
        load_all()  # the check's module may not be imported yet in this kernel
    if exercise_id not in EXERCISES:
        raise ValueError(
            f"exercise_id must name a declared exercise (unknown exercise {exercise_id!r}); "
            f"known: {sorted(EXERCISES)}"
        )
    if exercise_id in _SOLVED:
        return _SOLVED[exercise_id]
    print(
        f"(Exercise {exercise_id} is not solved yet: the cells below use the course's "
        "reference answer instead.)"
    )
    return reference


# ----------------------------------------------------------------------------- notebooks


@dataclass(frozen=True)
class ExerciseCells:
    """Where one exercise sits in a notebook: indexes into ``nb.cells``.

    prompt: the markdown cell before the answer (None when there is none); answer: the code
    cell with ``# BEGIN SOLUTION`` before the check (None when the check has none);
    check: the code cell that calls the exercise's check.
    """

    item: Exercise
    prompt: int | None
    answer: int | None
    check: int

    def roles(self) -> dict[int, str]:
        """``{cell index: "prompt" | "answer" | "check"}`` for the cells that were found."""
        found = {self.prompt: "prompt", self.answer: "answer", self.check: "check"}
        return {index: role for index, role in found.items() if index is not None}


def _check_notebook(nb) -> list:
    """The cells of an nbformat v4 notebook (a dict with a list of cells)."""
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise TypeError(
            "nb must be a notebook as nbformat.read(path, as_version=4) returns it, "
            f"got {describe(nb)}"
        )
    return nb["cells"]


def cell_source(cell) -> str:
    """A cell's source as one string (nbformat allows a list of lines on disk)."""
    if not isinstance(cell, dict) or not isinstance(cell.get("source"), (str, list)):
        raise TypeError(f"cell must be a notebook cell with a source, got {describe(cell)}")
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def _called_checks(source: str) -> list[Exercise]:
    """The registered exercises whose check this code calls (``bptt.check_clip(...)``)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics and shell escapes: not a check cell
        return []
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            alias, name = func.value.id, func.attr
        elif isinstance(func, ast.Name):
            alias, name = None, func.id
        else:
            continue
        candidates = [item for item in EXERCISES.values() if item.check == name]
        if alias is not None and len(candidates) > 1:
            candidates = [c for c in candidates if c.module.rsplit(".", 1)[-1] == alias]
        if len(candidates) == 1:
            found.append(candidates[0])
    return found


def find_exercises(nb) -> list[ExerciseCells]:
    """Every format-v2 exercise of a notebook, in order, found from its check cells.

    A check cell is a code cell calling a check declared with :func:`exercise`; its answer
    cell is the code cell just before it, if that holds ``# BEGIN SOLUTION``; its prompt is
    the last markdown cell before the answer (and after the previous exercise's check).
    Checks are looked up in :data:`EXERCISES` after :func:`load_all`.
    """
    cells = _check_notebook(nb)
    load_all()
    found, floor = [], 0
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        items = _called_checks(cell_source(cell))
        if not items:
            continue
        code_before = [i for i in range(floor, index) if cells[i].get("cell_type") == "code"]
        answer = code_before[-1] if code_before else None
        if answer is not None and BEGIN not in cell_source(cells[answer]):
            answer = None
        search_end = answer if answer is not None else index
        markdown = [i for i in range(floor, search_end) if cells[i].get("cell_type") == "markdown"]
        prompt = markdown[-1] if markdown else None
        found.extend(ExerciseCells(item, prompt, answer, index) for item in items)
        floor = index + 1
    return found


def nbgrader_metadata(role: str, item: Exercise | None, grade_id: str) -> dict:
    """nbgrader's cell metadata (schema 3) for a prompt, answer or check cell.

    ``item`` may be None for an answer cell outside any declared exercise.
    """
    if not isinstance(role, str) or role not in ROLES:
        raise ValueError(f"role must be one of {list(ROLES)}, got {describe(role)}")
    if not (isinstance(item, Exercise) or (item is None and role == "answer")):
        raise TypeError(f"item must be an Exercise (None only for an answer), got {describe(item)}")
    check_text("grade_id", grade_id, pattern=re.compile(r"[A-Za-z0-9_-]+"), hint="a word")
    metadata = {
        "schema_version": 3,
        "grade": role == "check",
        "solution": role == "answer",
        "locked": role != "answer",
        "task": False,
        "grade_id": grade_id,
    }
    if role == "check":
        metadata["points"] = item.points
    return metadata


def annotate(nb, stem: str = ""):
    """Write each exercise's metadata into its cells, and give every cell a stable id.

    The prompt, answer and check cells get nbgrader metadata (answer: an ungraded solution
    cell; check: a locked, graded test cell worth the exercise's points; prompt: locked)
    and ``{"lstm_course": {"exercise": id, "role": role}}``. Cell ids are a hash of
    ``stem`` and the cell's position, so rebuilding a notebook does not churn them.
    Modifies ``nb`` in place and returns it.
    """
    import hashlib  # noqa: PLC0415 - only the build needs it

    cells = _check_notebook(nb)
    if not isinstance(stem, str):
        raise TypeError(f"stem must be the notebook's file stem, a str, got {describe(stem)}")
    if nb.get("nbformat", 4) == 4 and nb.get("nbformat_minor", 5) < 5:
        nb["nbformat_minor"] = 5  # cell ids arrived in nbformat 4.5
    for index, cell in enumerate(cells):
        metadata = cell.setdefault("metadata", {})
        metadata.pop("nbgrader", None)
        metadata.pop(METADATA_KEY, None)
        cell["id"] = hashlib.sha1(f"{stem}/{index}".encode()).hexdigest()[:8]
    for place in find_exercises(nb):
        for index, role in place.roles().items():
            grade_id = f"{place.item.grade_id}_{role}"
            metadata = cells[index]["metadata"]
            metadata["nbgrader"] = nbgrader_metadata(role, place.item, grade_id)
            metadata[METADATA_KEY] = {"exercise": place.item.id, "role": role}
    return nb
