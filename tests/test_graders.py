"""The real nbgrader and Otter accept every notebook's export, score it, and hand out no solution.

Both tools live in ``.venv-grading`` (``make grading``; ``make test`` sets it up), a venv of
their own: otter-grader needs wrapt < 2 and TensorFlow's pin here is wrapt 2. The tests
skip, saying so, when that venv is absent.

- nbgrader: ``nbgrader generate_assignment NN_topic`` in the course folder that
  ``python -m lstm_course student --format nbgrader`` writes; its gradebook's maximum score
  must be the exercises' points, and its release notebook must hold no solution line.
- Otter: ``otter assign`` on the master notebook of ``--format otter``; its summary's total
  points must be the exercises' points, its student notebook must hold no solution line, and
  (for the demo notebook; nbval already runs every course notebook's solutions and checks)
  the tests it runs on the solutions must pass. Those run in a kernel of the course's own
  venv (TensorFlow and the package are there) that can also import Otter from
  ``.venv-grading`` (appended to ``sys.path``, so the course's versions win): the
  ``python3`` kernel found first on ``JUPYTER_PATH``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from test_student import demo_course_in, leaked_lines

from lstm_course.exercises import registry
from lstm_course.student import write_student_notebooks
from tools import notebooks as nt

REPO = Path(__file__).resolve().parent.parent
GRADING_VENV = Path(os.environ.get("LSTM_COURSE_GRADING_VENV", REPO / ".venv-grading"))
GRADING_BIN = GRADING_VENV / "bin"
NOTEBOOKS = sorted(nt.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
TIMEOUT_S = 900


@pytest.fixture(scope="session")
def grading_bin() -> Path:
    missing = [tool for tool in ("nbgrader", "otter") if not (GRADING_BIN / tool).exists()]
    if missing:
        pytest.skip(
            f"{', '.join(missing)} not installed in {GRADING_VENV}: run `make grading` "
            "(make test does) to check the notebooks with the real graders"
        )
    return GRADING_BIN


@pytest.fixture(scope="session")
def course_kernel(grading_bin, tmp_path_factory) -> Path:
    """A JUPYTER_PATH folder whose python3 kernel is this venv's Python, Otter importable."""
    site = subprocess.run(
        [str(grading_bin / "python"), "-c",
         "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    folder = tmp_path_factory.mktemp("jupyter")
    spec = folder / "kernels" / "python3"
    spec.mkdir(parents=True)
    boot = (
        f"import sys; sys.path.append({site!r}); "
        "from ipykernel import kernelapp; kernelapp.launch_new_instance()"
    )
    kernel = {
        "argv": [sys.executable, "-c", boot, "-f", "{connection_file}"],
        "display_name": "Python 3 (course + Otter)",
        "language": "python",
    }
    (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
    return folder


def _run(command: list[str], cwd: Path, **env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PATH": f"{GRADING_BIN}{os.pathsep}{os.environ['PATH']}", **env}
    return subprocess.run(
        command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=TIMEOUT_S
    )


def expected_points(nb) -> int:
    return sum(place.item.points for place in registry.find_exercises(nb))


def nbgrader_release(grading_bin: Path, notebooks: Path, stem: str, out: Path):
    """``(release notebook, max score)`` after ``nbgrader generate_assignment``."""
    write_student_notebooks(out, notebooks_dir=notebooks, format="nbgrader")
    result = _run([str(grading_bin / "nbgrader"), "generate_assignment", stem], cwd=out)
    release = out / "release" / stem / f"{stem}.ipynb"
    assert result.returncode == 0 and release.exists(), result.stdout + result.stderr
    assert "ERROR" not in result.stderr, result.stderr
    score = _run(
        [str(grading_bin / "python"), "-c",
         "import sys; from nbgrader.api import Gradebook\n"
         "with Gradebook('sqlite:///gradebook.db') as gb:\n"
         "    print(gb.find_assignment(sys.argv[1]).max_score)", stem],
        cwd=out,
    )  # fmt: skip
    assert score.returncode == 0, score.stderr
    return nbformat.read(release, as_version=4), float(score.stdout)


def otter_assign(
    grading_bin: Path, kernel: Path, notebooks: Path, stem: str, out: Path, *, run_tests=True
):
    """``(completed process, student notebook or None, total points or None)``.

    ``run_tests=False`` (``--no-run-tests``) skips Otter's execution of the solutions: for the
    course's notebooks, nbval already executes exactly those solutions and their checks, so a
    second execution would only double CI's time (the demo keeps Otter's own run).
    """
    write_student_notebooks(out, notebooks_dir=notebooks, format="otter")
    no_run = [] if run_tests else ["--no-run-tests"]
    result = _run(
        [str(grading_bin / "otter"), "assign", "-v", *no_run, f"{stem}.ipynb", f"dist/{stem}"],
        cwd=out,
        JUPYTER_PATH=str(kernel),
    )
    student = out / "dist" / stem / "student" / f"{stem}.ipynb"
    total = re.search(r"Total points: ([\d.]+)", result.stdout + result.stderr)
    return (
        result,
        nbformat.read(student, as_version=4) if student.exists() else None,
        float(total.group(1)) if total else None,
    )


# ----------------------------------------------------------------------------- the small course


@pytest.fixture
def demo_course(tmp_path):
    with demo_course_in(tmp_path) as course:
        yield course


def test_nbgrader_accepts_the_demo_and_releases_stubs(grading_bin, demo_course, tmp_path):
    notebooks, _ = demo_course
    source = nbformat.read(notebooks / "98_demo.ipynb", as_version=4)
    release, score = nbgrader_release(grading_bin, notebooks, "98_demo", tmp_path / "course")
    assert score == 5
    assert leaked_lines(source, release) == []
    assert release.cells[7].source.startswith('sizes = {"units": ..., "steps": ...}\n')
    assert release.cells[4].metadata["nbgrader"]["points"] == 2


def test_otter_accepts_the_demo_scores_it_and_passes_its_solutions(
    grading_bin, course_kernel, demo_course, tmp_path
):
    notebooks, _ = demo_course
    source = nbformat.read(notebooks / "98_demo.ipynb", as_version=4)
    result, student, total = otter_assign(
        grading_bin, course_kernel, notebooks, "98_demo", tmp_path / "otter"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All autograder tests passed" in result.stdout + result.stderr
    assert total == 5 and leaked_lines(source, student) == []
    code = [c.source for c in student.cells if c.cell_type == "code"]
    assert 'sizes = {"units": ..., "steps": ...}' in code
    assert 'grader.check("ex98_1")' in code and 'grader.check("ex98_2")' in code


def test_otter_runs_the_checks_on_the_solutions(grading_bin, course_kernel, demo_course, tmp_path):
    """A wrong solution makes `otter assign` fail: its tests really run our checks."""
    notebooks, _ = demo_course
    path = notebooks / "98_demo.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[7].source = nb.cells[7].source.replace('"units": 8', '"units": 7')
    nbformat.write(nb, path)
    result, _, _ = otter_assign(grading_bin, course_kernel, notebooks, "98_demo", tmp_path / "o")
    assert result.returncode != 0 and "ex98_2" in result.stdout + result.stderr


# ----------------------------------------------------------------------------- the course


def _points_required(nb) -> bool:
    return nt.REQUIRE_V2 or bool(registry.find_exercises(nb))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_nbgrader_accepts_every_notebook(grading_bin, path, tmp_path):
    source = nbformat.read(path, as_version=4)
    release, score = nbgrader_release(grading_bin, path.parent, path.stem, tmp_path / "course")
    assert score == expected_points(source)
    assert score > 0 or not _points_required(source)
    assert leaked_lines(source, release) == []


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_otter_accepts_every_notebook(grading_bin, course_kernel, path, tmp_path):
    source = nbformat.read(path, as_version=4)
    result, student, total = otter_assign(
        grading_bin, course_kernel, path.parent, path.stem, tmp_path / "otter", run_tests=False
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert student is not None and leaked_lines(source, student) == []
    if _points_required(source):
        assert total == expected_points(source) and total > 0
