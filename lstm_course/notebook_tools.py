"""Maintainer plumbing for the notebooks: build, execute, student copies, repository URL.

Sources live in ``notebooks/src/NN_topic.py`` (jupytext percent format, easy to review
and diff); ``make notebooks`` turns each into ``notebooks/NN_topic.ipynb`` and executes it
top to bottom in a fresh kernel, which is the only way stored outputs are produced.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from lstm_course.course import LESSONS, Lesson

REPO_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO_ROOT / "notebooks"
SOURCES = NOTEBOOKS / "src"
BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
STUDENT_STUB = "raise NotImplementedError('Exercise: write your answer here')"
_REPO_RE = re.compile(r'^Repository\s*=\s*"https://github\.com/([\w.-]+/[\w.-]+?)/?"', re.M)


def repository(root: Path = REPO_ROOT) -> str:
    """ "owner/name" of the GitHub repository, read from pyproject's [project.urls]."""
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    match = _REPO_RE.search(text)
    if not match:
        raise ValueError(
            'pyproject.toml needs [project.urls] Repository = "https://github.com/OWNER/NAME"'
        )
    return match.group(1)


def lesson_for(path: Path) -> Lesson:
    """The course-map entry of a notebook or source file named ``NN_slug.*``."""
    stem = Path(path).name.split(".")[0]
    for item in LESSONS:
        if item.file.split(".")[0] == stem:
            return item
    raise ValueError(f"{Path(path).name} is not in the course map (lstm_course/course.py)")


def source_files(names: list[str] | None = None, root: Path = REPO_ROOT) -> list[Path]:
    """Source files to build; ``names`` may be numbers ("01") or stems ("01_lstm_cell_numpy")."""
    files = sorted((root / "notebooks" / "src").glob("[0-9][0-9]_*.py"))
    if not names:
        return files
    chosen = [f for f in files if any(f.stem == n or f.stem.startswith(f"{n}_") for n in names)]
    if len(chosen) < len(names):
        raise ValueError(
            f"no notebook source matches {names}; available: {[f.stem for f in files]}"
        )
    return chosen


def read_source(path: Path):
    """A jupytext source as a clean nbformat notebook (no jupytext metadata, no outputs)."""
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
    return nb


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
    error is then raised again.
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
            ).execute()
    finally:
        elapsed = time.perf_counter() - started
        nbformat.write(nb, target)
    return BuildResult(target, elapsed, lesson_for(source).run_budget_s)


def strip_solutions(nb):
    """Copy of a notebook with every solution block replaced by a stub and outputs cleared."""
    import copy

    student = copy.deepcopy(nb)
    for cell in student.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs, cell.execution_count = [], None
        lines, out, inside = cell.source.splitlines(), [], False
        for line in lines:
            stripped = line.strip()
            if stripped == BEGIN:
                inside = True
                indent = line[: len(line) - len(line.lstrip())]
                out.append(line)
                out.append(indent + STUDENT_STUB)
            elif stripped == END:
                if not inside:
                    raise ValueError(f"'{END}' without '{BEGIN}' in cell:\n{cell.source}")
                inside = False
                out.append(line)
            elif not inside:
                out.append(line)
        if inside:
            raise ValueError(f"'{BEGIN}' without '{END}' in cell:\n{cell.source}")
        cell.source = "\n".join(out)
    return student


def write_student_notebooks(out_dir: Path) -> list[Path]:
    """Student copies (solutions removed) of every built notebook, written to out_dir."""
    import nbformat

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        target = out_dir / path.name
        nbformat.write(strip_solutions(nbformat.read(path, as_version=4)), target)
        written.append(target)
    return written


def set_repository(new: str, root: Path = REPO_ROOT) -> list[Path]:
    """Point pyproject, README, badges and Colab install cells at another GitHub repository.

    Args:
        new: "owner/name" or "https://github.com/owner/name".
    Returns:
        The files that changed.
    """
    new = re.sub(r"^https://github\.com/", "", new.strip()).strip("/")
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", new):
        raise ValueError(f"expected a GitHub repository as 'owner/name', got {new!r}")
    old = repository(root)
    if old == new:
        return []
    files = [
        root / "pyproject.toml",
        root / "README.md",
        *sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb")),
        *sorted((root / "notebooks" / "src").glob("[0-9][0-9]_*.py")),
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
