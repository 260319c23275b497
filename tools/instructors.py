"""INSTRUCTORS.md's generated parts: exercise tables from the registry and course.py.

    python -m tools instructors           # rewrite the generated blocks of INSTRUCTORS.md
    python -m tools instructors --check   # exit 1 when they are stale (a test does this)

The guide is written by hand except between marker comments, whose content this module
owns::

    <!-- BEGIN GENERATED: overview -->     every notebook: exercises, ★★★, points, times
    <!-- END GENERATED: overview -->
    <!-- BEGIN GENERATED: exercises 02 -->  notebook 02's exercises: id, title, ★, points,
    <!-- END GENERATED: exercises 02 -->    what each assesses

A notebook of the course map without its block gets one, with a ``### NN · Title``
heading, at the end of the guide (whose last part goes notebook by notebook), so a new
notebook needs no hand edit here.
"""

from __future__ import annotations

import re

from lstm_course._checks import check_bool, describe
from lstm_course.course import LESSONS, Lesson
from lstm_course.exercises import registry
from tools.notebooks import REPO_ROOT, check_root

GUIDE = "INSTRUCTORS.md"
_BLOCK = re.compile(
    r"<!-- BEGIN GENERATED: (?P<name>[a-z]+(?: \d{2})?) -->\n"
    r"(?P<body>.*?)"
    r"<!-- END GENERATED: (?P=name) -->",
    re.S,
)


def _available(lessons: tuple[Lesson, ...]) -> list[Lesson]:
    return [item for item in lessons if item.available]


def _by_notebook(exercises: dict[str, registry.Exercise]) -> dict[int, list[registry.Exercise]]:
    grouped: dict[int, list[registry.Exercise]] = {}
    for item in exercises.values():
        grouped.setdefault(item.notebook, []).append(item)
    return grouped


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def exercises_markdown(lesson: Lesson, items: list[registry.Exercise]) -> str:
    """One notebook's block: its idea and times from course.py, then its exercise table."""
    points = sum(item.points for item in items)
    head = (
        f"**{lesson.number:02d} · {lesson.title}** — {lesson.idea}. About "
        f"{lesson.study_minutes} min to study, ≤ {lesson.run_budget_s} s to run; "
        f"{len(items)} exercises, {points} points.\n"
    )
    if not items:
        return head + "\n*No exercise in format v2 yet.*\n"
    rows = [
        f"| {item.id} | {_cell(item.title)} | {registry.STARS[item.difficulty]} | {item.points} "
        f"| {_cell(item.assesses)} |"
        for item in sorted(items, key=lambda i: i.position)
    ]
    table = (
        "| id | exercise | difficulty | points | a correct answer shows |\n|---|---|---|---|---|\n"
    )
    return head + "\n" + table + "\n".join(rows) + "\n"


def overview_markdown(lessons: list[Lesson], grouped: dict[int, list[registry.Exercise]]) -> str:
    """Every available notebook in one table, with the course's totals."""
    rows, totals = [], [0, 0, 0]
    for lesson in lessons:
        items = grouped.get(lesson.number, [])
        counts = [len(items), sum(i.difficulty == 3 for i in items), sum(i.points for i in items)]
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        rows.append(
            f"| {lesson.number:02d} {lesson.title} | {counts[0]} | {counts[1]} | {counts[2]} "
            f"| {lesson.study_minutes} min | ≤ {lesson.run_budget_s} s |"
        )
    header = (
        "| notebook | exercises | ★★★ | points | study | CPU run |\n|---|---|---|---|---|---|\n"
    )
    total = f"| **course** | **{totals[0]}** | **{totals[1]}** | **{totals[2]}** | | |"
    return header + "\n".join([*rows, total]) + "\n"


def generated_blocks(lessons=LESSONS, exercises=None) -> dict[str, str]:
    """``{block name: content}`` for the overview and each available notebook."""
    if not isinstance(lessons, (tuple, list)) or not all(isinstance(x, Lesson) for x in lessons):
        raise TypeError(f"lessons must be a tuple of Lesson, got {describe(lessons)}")
    exercises = registry.load_all() if exercises is None else exercises
    grouped = _by_notebook(exercises)
    available = _available(tuple(lessons))
    blocks = {"overview": overview_markdown(available, grouped)}
    for lesson in available:
        blocks[f"exercises {lesson.number:02d}"] = exercises_markdown(
            lesson, grouped.get(lesson.number, [])
        )
    return blocks


def _wrap(name: str, body: str) -> str:
    return f"<!-- BEGIN GENERATED: {name} -->\n{body}<!-- END GENERATED: {name} -->"


def render(text: str, blocks: dict[str, str], headings: dict[str, str] | None = None) -> str:
    """``text`` with every generated block's content replaced.

    A block missing from ``text`` is appended at its end (the guide ends with its
    notebook-by-notebook part), under ``headings[name]`` when given.

    Raises:
        ValueError: no overview block, or a block for a notebook the course map lacks.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be the text of {GUIDE}, got {describe(text)}")
    for name, mapping in (("blocks", blocks), ("headings", headings)):
        if mapping is None and name == "headings":
            continue
        if not isinstance(mapping, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
        ):
            raise TypeError(f"{name} must be a dict of str to str, got {describe(mapping)}")
    found = [m.group("name") for m in _BLOCK.finditer(text)]
    unknown = sorted(set(found) - set(blocks))
    if unknown:
        raise ValueError(f"text has generated blocks for no available notebook: {unknown}")
    if "overview" not in found:
        raise ValueError(
            f"text needs the marker pair of the overview table: {_wrap('overview', '')!r}"
        )
    text = _BLOCK.sub(lambda m: _wrap(m.group("name"), blocks[m.group("name")]), text)
    for name, body in blocks.items():
        if name not in found:
            heading = (headings or {}).get(name)
            text = text.rstrip("\n") + "\n\n" + (f"{heading}\n\n" if heading else "")
            text += _wrap(name, body) + "\n"
    return text


def block_headings(lessons=LESSONS) -> dict[str, str]:
    """The section heading each notebook's block gets when it is first added."""
    return {
        f"exercises {item.number:02d}": f"### {item.number:02d} · {item.title}"
        for item in _available(tuple(lessons))
    }


def update(root=REPO_ROOT, *, check: bool = False) -> bool:
    """Rewrite INSTRUCTORS.md's generated blocks (or only compare, with ``check``).

    Returns:
        True when the file was already up to date.
    """
    check = check_bool("check", check)
    path = check_root(root) / GUIDE
    if not path.is_file():
        raise ValueError(f"root {root} has no {GUIDE}")
    text = path.read_text(encoding="utf-8")
    updated = render(text, generated_blocks(), block_headings())
    if updated != text and not check:
        path.write_text(updated, encoding="utf-8")
    return updated == text
