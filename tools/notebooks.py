"""Notebook plumbing for maintainers: build and execute, repository URL, structure checks.

Sources live in ``notebooks/src/NN_topic.py`` (jupytext percent format, easy to review
and diff); ``python -m tools build`` (``make notebooks``) turns each into
``notebooks/NN_topic.ipynb`` and executes it top to bottom in a fresh kernel, which is the
only way stored outputs are produced.

The ``*_problems`` functions are the notebook structure rules (DESIGN.md): the tests run
them on every stored notebook, and on what ``python -m tools new-notebook`` writes. Each
returns a list of human-readable problems, empty when the notebook follows the rule.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from lstm_course._checks import describe
from lstm_course.course import LESSONS, Lesson, colab_url, parse_repository
from lstm_course.exercises import registry
from lstm_course.student import BEGIN, NOTEBOOK_GLOB

# Exercise format v2 everywhere (issue 12): at least three exercises per notebook, one of
# them ★★★, no solution outside a declared exercise, review questions required. Off while
# the notebooks are being converted; the lead turns it on once every notebook follows it.
REQUIRE_V2 = True
MIN_EXERCISES = 3

REPO_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO_ROOT / "notebooks"
SOURCES = NOTEBOOKS / "src"
SOURCE_GLOB = "[0-9][0-9]_*.py"
_REPO_RE = re.compile(r'^Repository\s*=\s*"https://github\.com/([^"]+?)/?"', re.M)


def check_root(root) -> Path:
    """A checkout of the course: a folder with a pyproject.toml."""
    if not isinstance(root, (str, Path)):
        raise TypeError(f"root must be a path to the repository, got {describe(root)}")
    if not (Path(root) / "pyproject.toml").is_file():
        raise ValueError(f"root {root} is not a checkout of the course: no pyproject.toml")
    return Path(root)


def repository(root: Path = REPO_ROOT) -> str:
    """ "owner/name" of the GitHub repository, read from pyproject's [project.urls]."""
    text = (check_root(root) / "pyproject.toml").read_text(encoding="utf-8")
    match = _REPO_RE.search(text)
    if not match:
        raise ValueError(
            'pyproject.toml needs [project.urls] Repository = "https://github.com/OWNER/NAME"'
        )
    return parse_repository(match.group(1), name="pyproject's Repository URL")


def lesson_for(path, lessons: tuple[Lesson, ...] = LESSONS) -> Lesson:
    """The course-map entry of a notebook or source file named ``NN_slug.*``."""
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a notebook's path, got {describe(path)}")
    if not isinstance(lessons, (tuple, list)) or not all(isinstance(x, Lesson) for x in lessons):
        raise TypeError(f"lessons must be a tuple of Lesson, got {describe(lessons)}")
    stem = Path(path).name.split(".")[0]
    for item in lessons:
        if item.file.split(".")[0] == stem:
            return item
    raise ValueError(f"path {Path(path).name} is not in the course map (lstm_course/course.py)")


def source_files(names: list[str] | None = None, root: Path = REPO_ROOT) -> list[Path]:
    """Source files to build; ``names`` may be numbers ("01") or stems ("01_lstm_cell_numpy")."""
    if names is not None and (
        not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names)
    ):
        raise TypeError(f"names must be a list of str such as ['01'], got {describe(names)}")
    files = sorted((check_root(root) / "notebooks" / "src").glob(SOURCE_GLOB))
    if not names:
        return files
    unknown = [
        n for n in names if not any(f.stem == n or f.stem.startswith(f"{n}_") for f in files)
    ]
    if unknown:
        raise ValueError(
            f"names {unknown} match no notebook source; available: {[f.stem for f in files]}"
        )
    return [f for f in files if any(f.stem == n or f.stem.startswith(f"{n}_") for n in names)]


def read_source(path: Path):
    """A jupytext source as a clean nbformat notebook, ready to execute and store.

    No jupytext metadata and no outputs; each exercise's prompt, answer and check cells
    carry nbgrader's metadata and their role (``registry.annotate``), and cell ids are
    stable across rebuilds.
    """
    import jupytext
    import nbformat

    nb = jupytext.read(path)
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "colab": {"provenance": []},
    }
    for cell in nb.cells:
        cell.metadata = {k: v for k, v in cell.metadata.items() if k == "tags"}
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.validator.normalize(nb)
    return registry.annotate(nb, Path(path).stem)


@dataclass
class BuildResult:
    path: Path
    seconds: float
    budget_s: int

    @property
    def within_budget(self) -> bool:
        return self.seconds <= self.budget_s


def build_notebook(
    source: Path, *, execute: bool = True, timeout_per_cell: int = 600
) -> BuildResult:
    """Write ``notebooks/NN_slug.ipynb`` from its source, executed in a fresh kernel.

    The notebook is written even when a cell fails, so the traceback can be read; the
    error is then raised again. Progress bars are off in the kernel (``LSTM_COURSE_PROGRESS=0``):
    stored outputs must not carry their timings.
    """
    import nbformat
    from nbclient import NotebookClient

    nb = read_source(source)
    target = source.parent.parent / f"{source.stem}.ipynb"
    started = time.perf_counter()
    try:
        if execute:
            NotebookClient(
                nb,
                timeout=timeout_per_cell,
                kernel_name="python3",
                record_timing=False,
                resources={"metadata": {"path": str(target.parent)}},
            ).execute(env={**os.environ, "LSTM_COURSE_PROGRESS": "0"})
    finally:
        elapsed = time.perf_counter() - started
        nbformat.write(nb, target)
    return BuildResult(target, elapsed, lesson_for(source).run_budget_s)


def set_repository(new: str, root: Path = REPO_ROOT) -> list[Path]:
    """Point pyproject, README, badges and Colab install cells at another GitHub repository.

    Args:
        new: "owner/name" or "https://github.com/owner/name"; anything GitHub would not
            accept as a repository (e.g. "../..") is refused before any file changes.
    Returns:
        The files that changed.
    """
    new = parse_repository(new, name="new repository")
    root = check_root(root)
    old = repository(root)
    if old == new:
        return []
    files = [
        root / "pyproject.toml",
        root / "README.md",
        *sorted((root / "notebooks").glob(NOTEBOOK_GLOB)),
        *sorted((root / "notebooks" / "src").glob(SOURCE_GLOB)),
    ]
    changed = []
    patterns = [(f"github.com/{old}", f"github.com/{new}"), (f"/github/{old}/", f"/github/{new}/")]
    for path in files:
        text = path.read_text(encoding="utf-8")
        updated = text
        for before, after in patterns:
            updated = updated.replace(before, after)
        if updated != text:
            path.write_text(updated, encoding="utf-8")
            changed.append(path)
    return changed


# ----------------------------------------------------------------------------- structure

ABSOLUTE_PATH = re.compile(r"(/home/|/root/|/work/|/tmp/|/Users/|[A-Za-z]:\\\\|\.\./)")
HEADINGS = ("What you will learn", "Prerequisites", "Time")
REVIEW_HEADING = re.compile(r"^## .*review questions", re.I | re.M)


def _code_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def _header_line(header: str, label: str) -> str | None:
    """The paragraph after ``**Label:**`` in a notebook header, or None when missing."""
    match = re.search(rf"^\*\*{label}:\*\*(.*?)(?:\n\s*\n|\Z)", header, re.M | re.S)
    return " ".join(match.group(1).split()) if match else None


def header_problems(nb, lesson: Lesson, owner_repo: str) -> list[str]:
    """Title, Colab badge, learning goals, and Prerequisites/Time lines equal to course.py's."""
    first = nb.cells[0] if nb.cells else None
    if first is None or first.cell_type != "markdown" or not first.source.startswith("# "):
        return ["the first cell must be a markdown cell starting with the '# ' title"]
    header, problems = first.source, []
    if colab_url(lesson, owner_repo) not in header:
        problems.append(f"no Colab badge linking {colab_url(lesson, owner_repo)}")
    problems += [f"header lacks {h!r}" for h in HEADINGS if h not in header]
    prerequisites = _header_line(header, "Prerequisites")
    named = sorted({int(n) for n in re.findall(r"\b(\d{2})\b", prerequisites or "")})
    if prerequisites is not None and named != sorted(lesson.prerequisites):
        problems.append(
            f"the Prerequisites line names notebooks {named}, course.py says "
            f"{sorted(lesson.prerequisites)}: {prerequisites.strip()!r}"
        )
    time_line = _header_line(header, "Time") or ""
    study = re.search(r"(\d+) minutes to study", time_line)
    if not study or int(study.group(1)) != lesson.study_minutes:
        problems.append(
            f"the Time line must say 'about {lesson.study_minutes} minutes to study' "
            f"(course.py), got {time_line.strip()!r}"
        )
    return problems


def setup_cell_problems(nb, owner_repo: str) -> list[str]:
    """The first code cell installs the package in Colab and calls lstm_course.setup()."""
    cells = _code_cells(nb)
    source = cells[0].source if cells else ""
    required = {
        "a Colab guard": '"google.colab" in sys.modules',
        "the install from this repository": f"git+https://github.com/{owner_repo}",
        "the setup call": "lstm_course.setup(",
    }
    return [
        f"the first code cell lacks {what}" for what, text in required.items() if text not in source
    ]


def path_problems(nb) -> list[str]:
    """No absolute or ``../`` paths in sources or outputs (the notebook must run anywhere)."""
    problems = []
    for cell in nb.cells:
        if ABSOLUTE_PATH.search(cell.source):
            problems.append(f"absolute or ../ path in: {cell.source[:80]!r}")
        for output in cell.get("outputs", []):
            text = output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
            if ABSOLUTE_PATH.search(text):
                problems.append(f"machine path in output: {text[:120]!r}")
    return problems


# A tqdm bar ("fit:  40%|████      | 2/5 [00:03<00:04, ...]") or Keras's ("32/32 ━━━━ 1s").
PROGRESS_BAR = re.compile(r"\| *\d+/\d+ \[[\d:?]+<|\d+/\d+ ━")


def progress_problems(nb) -> list[str]:
    """No progress bar in any stored output: the build turns them off (lstm_course.progress)."""
    return [
        f"progress bar in the output of: {cell.source[:80]!r}"
        for cell in nb.cells
        for output in cell.get("outputs", [])
        if PROGRESS_BAR.search(output.get("text", ""))
    ]


def _only_the_check_call(source: str) -> bool:
    """The check cell holds one call and perhaps imports, nothing else (graders run it)."""
    import ast

    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    imports = [n for n in body if isinstance(n, (ast.Import, ast.ImportFrom))]
    calls = [n for n in body if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call)]
    return len(calls) == 1 and len(imports) + 1 == len(body)


def _value_blocks_without_stub(source: str) -> bool:
    """A solution block outside any function (a value) with no ``# STUB:`` skeleton."""
    from lstm_course.student import solution_blocks

    try:
        blocks = solution_blocks(source)
    except ValueError:  # unbalanced markers are reported on their own
        return False
    return any(not block.in_function and not block.stub for block in blocks)


def _legacy_problems(nb) -> list[str]:
    """Solution cells that no format-v2 exercise claims, and checks they feed."""
    claimed = {place.answer for place in registry.find_exercises(nb)}
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or BEGIN not in cell.source or index in claimed:
            continue
        following = next((c for c in nb.cells[index + 1 :] if c.cell_type == "code"), None)
        if following is None or ".check_" not in following.source:
            problems.append(f"exercise in cell {index} is not followed by its check cell")
        elif REQUIRE_V2:
            problems.append(
                f"cell {index}'s solution belongs to no declared exercise: its check cell must "
                "call a check declared with @registry.exercise (CONTRIBUTING.md)"
            )
    return problems


def exercise_problems(nb, number: int | None = None) -> list[str]:
    """Exercise format v2 (CONTRIBUTING.md "Add an exercise"), for one notebook.

    Markers pair up; every solution cell is followed by its check; each declared exercise
    has its answer cell just before its check cell, a prompt whose first line is
    ``registry.heading``, a check cell holding only its call, and an id "NN.k" numbered in
    order within notebook ``number``. With :data:`REQUIRE_V2`: at least three exercises,
    one of them ★★★, and no solution outside a declared exercise.
    """
    from lstm_course.student import strip_solutions

    problems = _legacy_problems(nb)
    places = registry.find_exercises(nb)
    for place in places:
        item, label = place.item, f"exercise {place.item.id}"
        if place.answer is None:
            problems.append(f"{label}: the code cell before its check has no '{BEGIN}'")
        first_line = (
            nb.cells[place.prompt].source.split("\n", 1)[0] if place.prompt is not None else ""
        )
        if first_line.strip() != registry.heading(item):
            problems.append(
                f"{label}: its prompt must start with the line {registry.heading(item)!r}, "
                f"got {first_line!r}"
            )
        if place.answer is not None and _value_blocks_without_stub(nb.cells[place.answer].source):
            problems.append(
                f"{label}: a value answer must open with '# STUB:' lines, the skeleton "
                "students start from (e.g. '# STUB: layer_shapes = {\"last\": ...}')"
            )
        if not _only_the_check_call(nb.cells[place.check].source):
            problems.append(f"{label}: its check cell must hold only the check call (and imports)")
    ids = [place.item.id for place in places]
    if number is not None:
        expected = [f"{number:02d}.{k}" for k in range(1, len(ids) + 1)]
        if ids != expected:
            problems.append(f"exercise ids must run {expected} in order, found {ids}")
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        problems.append(f"exercises {repeated} are checked in more than one cell")
    if REQUIRE_V2:
        if len(places) < MIN_EXERCISES:
            problems.append(f"expected at least {MIN_EXERCISES} exercises, found {len(places)}")
        if not any(place.item.difficulty == 3 for place in places):
            problems.append("expected at least one substantial (★★★) exercise")
    try:
        strip_solutions(nb)
    except ValueError as err:
        problems.append(str(err).splitlines()[0])
    return problems


def course_exercise_problems(notebooks: dict[str, object]) -> list[str]:
    """Across the course: each declared exercise is asked in exactly one notebook, once.

    Args:
        notebooks: ``{file stem: notebook}`` for every notebook of the course.
    """
    seen: dict[str, list[str]] = {}
    for stem, nb in notebooks.items():
        for place in registry.find_exercises(nb):
            seen.setdefault(place.item.id, []).append(stem)
    problems = [
        f"exercise {eid} is asked in {stems}: ask each exercise once in the course"
        for eid, stems in sorted(seen.items())
        if len(stems) > 1
    ]
    available = {stem[:2] for stem in notebooks}
    for eid, item in registry.load_all().items():
        if eid not in seen and eid[:2] in available:
            problems.append(f"exercise {eid} ({item.check}) is declared but in no notebook")
    return problems


def review_question_problems(nb, *, required: bool = False) -> list[str]:
    """A final "Review questions" section with 5-10 numbered questions (when present)."""
    sections = [
        c for c in nb.cells if c.cell_type == "markdown" and REVIEW_HEADING.search(c.source)
    ]
    if not sections:
        return ["no '## Review questions' section"] if required else []
    if sections[-1] is not nb.cells[-1]:
        return ["the review questions must be the notebook's last cell"]
    count = len(re.findall(r"^\d+\. ", sections[-1].source, re.M))
    return [] if 5 <= count <= 10 else [f"expected 5-10 numbered review questions, found {count}"]


def structure_problems(nb, lesson: Lesson, owner_repo: str) -> list[str]:
    """Every rule that a notebook source must follow before it is executed."""
    return [
        *header_problems(nb, lesson, owner_repo),
        *setup_cell_problems(nb, owner_repo),
        *path_problems(nb),
        *exercise_problems(nb, lesson.number),
        *review_question_problems(nb, required=REQUIRE_V2),
    ]
