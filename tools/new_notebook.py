"""Start the next notebook: a jupytext source from the course template, registered in course.py.

    python -m tools new-notebook 06 weather                       # a lesson course.py plans
    python -m tools new-notebook 13 attention --title "Attention" --idea "..." --prerequisites 11
    make new-notebook NN=06 SLUG=weather

It writes ``notebooks/src/NN_slug.py`` with the house structure (DESIGN.md): header with
Colab badge, learning goals, prerequisites and time taken from course.py; the setup cell;
numbered sections ending in an asserted headline; three exercise scaffolds in format v2
(heading with id, stars and points; a function answer, a value answer with its ``# STUB:``
skeleton, and a ★★★ one; check cells calling ``lstm_course.exercises.<slug>``); and review
questions. Then it edits one line of ``LESSONS`` in ``lstm_course/course.py``: the planned
lesson's line is filled in and flipped to ``available=True``, or a new line is inserted in
number order. Nothing is written unless both files can be.
"""

from __future__ import annotations

import ast
import json
from dataclasses import replace
from pathlib import Path

from lstm_course._checks import check_int, describe
from lstm_course.course import MAX_LESSON, Lesson, badge_markdown
from tools.notebooks import REPO_ROOT, check_root, repository

COURSE_FILE = Path("lstm_course") / "course.py"
LESSON_PREFIX = "    Lesson("
DEFAULT_STUDY_MINUTES, DEFAULT_RUN_BUDGET_S = 45, 120  # DESIGN.md: <= 120 s on CI's CPU


# ----------------------------------------------------------------------------- course.py


def _literal(value) -> str:
    """A Python literal in course.py's style: double-quoted strings, (1,) tuples."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON string escapes are valid Python
    if isinstance(value, tuple):
        return f"({value[0]!r},)" if len(value) == 1 else "(" + ", ".join(map(repr, value)) + ")"
    return repr(value)


def lesson_line(lesson: Lesson) -> str:
    """The line of ``LESSONS`` in course.py that defines ``lesson`` (one line per lesson)."""
    if not isinstance(lesson, Lesson):
        raise TypeError(f"lesson must be a Lesson from lstm_course.course, got {describe(lesson)}")
    head = ", ".join(_literal(v) for v in (lesson.number, lesson.slug, lesson.title, lesson.idea))
    keywords = ("prerequisites", "study_minutes", "run_budget_s", "available")
    tail = ", ".join(f"{k}={_literal(getattr(lesson, k))}" for k in keywords)
    return f"{LESSON_PREFIX}{head}, {tail}),"


def _parse_line(line: str) -> Lesson:
    call = ast.parse(line.strip().removesuffix(","), mode="eval").body
    args = [ast.literal_eval(a) for a in call.args]
    kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    return Lesson(*args, **kwargs)


def read_lessons(course_text: str) -> dict[int, tuple[int, Lesson]]:
    """Lessons of a course.py text, without running it: ``{number: (line index, Lesson)}``."""
    if not isinstance(course_text, str):
        raise TypeError(f"course_text must be the text of course.py, got {describe(course_text)}")
    lessons = {}
    for index, line in enumerate(course_text.splitlines()):
        if line.startswith(LESSON_PREFIX):
            item = _parse_line(line)
            lessons[item.number] = (index, item)
    if not lessons:
        raise ValueError(f"course_text has no line starting with {LESSON_PREFIX.strip()!r}")
    return lessons


def register_lesson(course_text: str, lesson: Lesson) -> str:
    """course.py's text with ``lesson``'s line replaced, or inserted in number order."""
    lessons = read_lessons(course_text)
    new_line = lesson_line(lesson)
    lines = course_text.splitlines(keepends=True)
    if lesson.number in lessons:
        index = lessons[lesson.number][0]
        lines[index] = new_line + "\n"
    else:
        before = [i for n, (i, _) in lessons.items() if n < lesson.number]
        index = max(before) + 1 if before else min(i for i, _ in lessons.values())
        lines.insert(index, new_line + "\n")
    updated = "".join(lines)
    ast.parse(updated)  # never write a course.py that Python cannot read
    if read_lessons(updated)[lesson.number][1] != lesson:
        raise AssertionError(f"registering lesson {lesson.number} did not round-trip")
    return updated


# ----------------------------------------------------------------------------- template


def _prerequisites_prose(lesson: Lesson, known: dict[int, Lesson]) -> str:
    named = [
        f"{n:02d} ({known[n].title})" if n in known else f"{n:02d}" for n in lesson.prerequisites
    ]
    if not named:
        return "none beyond Python and NumPy."
    if len(named) == 1:
        return f"notebook {named[0]}."
    return f"notebooks {', '.join(named[:-1])} and {named[-1]}."


def _markdown(text: str) -> str:
    lines = text.strip("\n").splitlines()
    return "# %% [markdown]\n" + "\n".join(f"# {line}".rstrip() for line in lines) + "\n"


def _code(text: str) -> str:
    return "# %%\n" + text.strip("\n") + "\n"


def _setup_cell(owner_repo: str) -> str:
    return _code(f"""
# Setup: in Colab, install the course package first; everywhere, seed and quiet everything.
import sys

if "google.colab" in sys.modules:
    import subprocess

    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q",
         "lstm_course @ git+https://github.com/{owner_repo}"],
        check=True,
    )

import lstm_course

lstm_course.setup()
""")


# The three scaffolds of exercise format v2 (CONTRIBUTING.md "Add an exercise"): a function
# exercise, a value exercise with its skeleton, and the substantial (★★★) one.
_ANSWERS = {
    1: (
        "todo_function",
        "function",
        '''
def todo_function(x):
    """TODO: what it computes. x: (batch, features) -> (batch,)."""
    # BEGIN SOLUTION
    raise NotImplementedError("TODO: the reference answer; students see a stub here")
    # END SOLUTION
''',
    ),
    2: (
        "todo_value",
        "value",
        """
# BEGIN SOLUTION
# STUB: todo_value = {"first": ..., "second": ...}
todo_value = {"first": None, "second": None}  # TODO: the reference answer
# END SOLUTION
""",
    ),
    3: (
        "todo_substantial",
        "function",
        '''
def todo_substantial(x):
    """TODO: the substantial one (tens of lines). x: (batch, time, features) -> ..."""
    # BEGIN SOLUTION
    raise NotImplementedError("TODO: the reference answer; students see a stub here")
    # END SOLUTION
''',
    ),
}
_STARS = {1: ("★", "1 point"), 2: ("★", "1 point"), 3: ("★★★", "3 points")}


def _exercise(lesson: Lesson, position: int) -> list[str]:
    """Prompt, answer and check cells of one exercise scaffold."""
    name, kind, answer = _ANSWERS[position]
    stars, points = _STARS[position]
    slug = lesson.slug
    imports = f"from lstm_course.exercises import {slug}\n\n" if position == 1 else ""
    what = (
        f"the function `{name}`: its inputs and output with their shapes"
        if kind == "function"
        else f"the exact variable name (`{name}`) and type (a dict), and what each entry holds"
    )
    return [
        _markdown(f"""
### Exercise {lesson.number:02d}.{position} — TODO: a title · {stars} · {points}

TODO: the prompt: {what}.
Declare its check in lstm_course/exercises/{slug}.py with
@exercise("{lesson.number:02d}.{position}", ...); this heading must then equal registry.heading(...).
"""),
        _code(answer),
        _code(f"{imports}{slug}.check_{name}({name})"),
    ]


def notebook_source(lesson: Lesson, owner_repo: str, known: dict[int, Lesson]) -> str:
    """The jupytext percent-format source of a new notebook, following DESIGN.md."""
    header = _markdown(f"""
# {lesson.number:02d} · {lesson.title}

{badge_markdown(lesson, owner_repo)}

**What you will learn**
- TODO: {lesson.idea};
- TODO: one line per idea a learner takes away (three to six of them).

**Prerequisites:** {_prerequisites_prose(lesson, known)}

**Time:** about {lesson.study_minutes} minutes to study; at most {lesson.run_budget_s} s to run on a laptop CPU.
""")
    sections = [
        (
            "1 · The data",
            "where it comes from: through `lstm_course.data`, never a path you type.",
            "# TODO: load the data through lstm_course.data",
        ),
        (
            "2 · Baselines",
            "the named baselines the model must beat, and their scores.",
            "# TODO: compute every honest baseline",
        ),
        (
            "3 · The model",
            "the LSTM, trained within the notebook's CPU budget.",
            "# TODO: build and train the model (verbose=0)",
        ),
        (
            "4 · The headline result",
            "stated, then asserted, so CI fails if it regresses.",
            "# TODO: assert the headline, e.g. assert lstm_mae < 0.9 * persistence_mae",
        ),
    ]
    cells = [header, _setup_cell(owner_repo)]
    for title, prose, code in sections:
        cells += [_markdown(f"## {title}\n\nTODO: {prose}"), _code(code)]
    cells.append(
        _markdown(
            "## Exercises\n\nTODO: at least three, one of them substantial (★★★). A later cell\n"
            'that needs an answer takes it through `solved("NN.k", <the package\'s reference>)`.'
        )
    )
    for position in (1, 2, 3):
        cells += _exercise(lesson, position)
    questions = "\n".join(
        f"{n}. TODO: a question whose answer is in this notebook." for n in range(1, 6)
    )
    cells.append(_markdown("## What's next\n\nTODO: what the next notebook builds on this one."))
    cells.append(_markdown(f"## Review questions\n\n{questions}"))
    return "\n".join(cells)


# ----------------------------------------------------------------------------- command


def _lesson_to_write(number: int, slug: str, planned: Lesson | None, **given) -> Lesson:
    """The lesson as it will be registered: course.py's plan, updated by what was given."""
    given = {k: v for k, v in given.items() if v is not None}
    if planned is not None:
        if planned.available:
            raise ValueError(
                f"number {number:02d} is already an available notebook: {planned.file}"
            )
        return replace(planned, slug=slug, available=True, **given)
    for required in ("title", "idea"):
        if required not in given:
            raise ValueError(
                f"{required} is required: course.py plans no lesson {number:02d} to take it from"
            )
    given.setdefault("prerequisites", ())
    given.setdefault("study_minutes", DEFAULT_STUDY_MINUTES)
    given.setdefault("run_budget_s", DEFAULT_RUN_BUDGET_S)
    return Lesson(number, slug, available=True, **given)


def new_notebook(
    number,
    slug: str,
    *,
    title: str | None = None,
    idea: str | None = None,
    prerequisites=None,
    study_minutes: int | None = None,
    run_budget_s: int | None = None,
    root=REPO_ROOT,
) -> list[Path]:
    """Write ``notebooks/src/NN_slug.py`` from the template and register it in course.py.

    Args:
        number: the notebook's number, 0-99.
        slug: file stem after the number (also the exercise module's name), e.g. "weather".
        title, idea, prerequisites, study_minutes, run_budget_s: the course-map entry;
            each defaults to course.py's planned line for ``number`` (title and idea are
            required when there is none).
        root: the repository checkout to write into.
    Returns:
        ``[source file, course.py]``, the two files written.
    """
    number = check_int("number", number, minimum=0, maximum=MAX_LESSON)
    root = check_root(root)
    course_file = root / COURSE_FILE
    if not course_file.is_file():
        raise ValueError(f"root {root} is not a checkout of the course: no {COURSE_FILE}")
    course_text = course_file.read_text(encoding="utf-8")
    known = {n: item for n, (_, item) in read_lessons(course_text).items()}
    lesson = _lesson_to_write(
        number,
        slug,
        known.get(number),
        title=title,
        idea=idea,
        prerequisites=prerequisites,
        study_minutes=study_minutes,
        run_budget_s=run_budget_s,
    )
    clash = [item.file for n, item in known.items() if item.slug == lesson.slug and n != number]
    if clash:
        raise ValueError(f"slug {slug!r} is already used by {clash[0]}")
    sources = root / "notebooks" / "src"
    existing = sorted(sources.glob(f"{number:02d}_*.py")) + sorted(
        (root / "notebooks").glob(f"{number:02d}_*.ipynb")
    )
    if existing:
        raise ValueError(f"number {number:02d} already has a notebook: {existing[0].name}")
    text = notebook_source(lesson, repository(root), known)
    updated = register_lesson(course_text, lesson)
    sources.mkdir(parents=True, exist_ok=True)
    target = sources / lesson.file.replace(".ipynb", ".py")
    target.write_text(text, encoding="utf-8")
    course_file.write_text(updated, encoding="utf-8")
    return [target, course_file]
