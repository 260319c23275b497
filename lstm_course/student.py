"""Student copies of the notebooks: every solution replaced by a stub, outputs cleared.

An exercise's answer sits between two marker lines in a code cell::

    # BEGIN SOLUTION
    ...the answer...
    # END SOLUTION

``python -m lstm_course student --out DIR`` (``make student``) writes a copy of each
notebook with the lines between the markers replaced by :data:`STUDENT_STUB`. This is the
one command instructors run, so it ships with the package; building and executing the
notebooks themselves is a maintainer tool (``python -m tools build``).
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

from lstm_course._checks import check_bool, describe

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
STUDENT_STUB = "raise NotImplementedError('Exercise: write your answer here')"
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
# In a checkout (or an editable install) the notebooks sit beside the package.
DEFAULT_NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def _check_notebook(nb) -> None:
    """An nbformat v4 notebook (a dict with a list of cells), as nbformat.read returns it."""
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise TypeError(
            f"nb must be a notebook as nbformat.read(path, as_version=4) returns it, "
            f"got {describe(nb)}"
        )


def _strip_cell(source: str, index: int) -> str:
    """A code cell's source with each solution block's body replaced by the stub."""
    out, inside = [], False
    for line in source.splitlines():
        marker = line.strip()
        if marker == BEGIN:
            if inside:
                raise ValueError(f"nb: cell {index} opens '{BEGIN}' twice:\n{source}")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out += [line, indent + STUDENT_STUB]
        elif marker == END:
            if not inside:
                raise ValueError(f"nb: cell {index} has '{END}' without '{BEGIN}':\n{source}")
            inside = False
            out.append(line)
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"nb: cell {index} has '{BEGIN}' without '{END}':\n{source}")
    return "\n".join(out)


def strip_solutions(nb):
    """A copy of a notebook with every solution block replaced by a stub and outputs cleared.

    Args:
        nb: an nbformat v4 notebook; it is not modified.
    Raises:
        ValueError: a cell whose markers do not pair up (the message shows the cell).
    """
    _check_notebook(nb)
    student = copy.deepcopy(nb)
    for index, cell in enumerate(student["cells"]):
        if cell.get("cell_type") != "code":
            continue
        cell["outputs"], cell["execution_count"] = [], None
        source = cell.get("source", "")
        if isinstance(source, list):  # nbformat allows a list of lines on disk
            source = "".join(source)
        cell["source"] = _strip_cell(source, index)
    return student


def _as_directory(name: str, value) -> Path:
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a folder path (str or Path), got {describe(value)}")
    if str(value).strip() == "":
        raise ValueError(f"{name} must name a folder, got an empty path {str(value)!r}")
    return Path(value)


def _check_output_folder(out_dir: Path, notebooks_dir: Path, force: bool) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"out_dir {out_dir} exists and is not a folder")
    if out_dir.resolve() == notebooks_dir.resolve():
        raise ValueError(
            f"out_dir {out_dir} is the notebooks folder itself: the student copies would "
            "overwrite the notebooks with their solutions; choose another folder"
        )
    if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
        raise ValueError(
            f"out_dir {out_dir} is not empty; choose an empty or new folder, or pass "
            "force=True (--force) to overwrite the notebooks in it"
        )


def write_student_notebooks(out_dir, *, notebooks_dir=None, force: bool = False) -> list[Path]:
    """Write student copies (solutions removed) of every ``NN_*.ipynb`` notebook.

    Args:
        out_dir: folder to write to; created if missing. It must be empty unless ``force``.
        notebooks_dir: folder holding the notebooks (default: the checkout's notebooks/).
        force: overwrite same-named notebooks in a non-empty ``out_dir``.
    Returns:
        The paths written, in course order.
    Raises:
        ValueError: an empty path, a non-empty ``out_dir`` without ``force``, ``out_dir``
            equal to ``notebooks_dir``, no notebooks found, or unbalanced markers. Every
            notebook is checked before anything is written.
    """
    import nbformat

    out_dir = _as_directory("out_dir", out_dir)
    source_dir = _as_directory(
        "notebooks_dir", DEFAULT_NOTEBOOKS if notebooks_dir is None else notebooks_dir
    )
    force = check_bool("force", force)
    notebooks = sorted(source_dir.glob(NOTEBOOK_GLOB)) if source_dir.is_dir() else []
    if not notebooks:
        raise ValueError(
            f"notebooks_dir {source_dir} holds no notebooks named NN_topic.ipynb; "
            "point notebooks_dir (--notebooks) at the course's notebooks/ folder"
        )
    _check_output_folder(out_dir, source_dir, force)
    copies = {path.name: strip_solutions(nbformat.read(path, as_version=4)) for path in notebooks}
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, student in copies.items():
        nbformat.write(student, out_dir / name)
        written.append(out_dir / name)
    return written
