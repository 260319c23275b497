"""Fuzzing the house: the course map, setup(), the exercise registry, the student builds,
and both command lines.

Every public function of ``lstm_course.course``, ``lstm_course.student``,
``lstm_course.exercises.registry``, ``lstm_course.cli`` and ``lstm_course.setup`` (with its
report), and the entry points of the maintainer ``tools``, registered with a valid call (see
tests/fuzzing.py). Command lines get their own test: a bad argv must end in exit code 2 and
a message, never a traceback.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest
from fuzzing import FuzzTarget, assert_fuzz_clean
from planning import FIRST as PLANNED
from planning import SECOND as NEXT_PLANNED
from planning import built_sources, replanned_course_source

import lstm_course
from lstm_course import cli, course, progress, student
from lstm_course._setup import SetupReport
from lstm_course.exercises import registry
from tools import __main__ as tools_cli
from tools import instructors
from tools import new_notebook as nn
from tools import notebooks as nt

REPO = Path(__file__).resolve().parent.parent
# Functions that write get a fresh folder for every call (the harness calls them often).
_SCRATCH = tempfile.TemporaryDirectory(prefix="fuzz_house_")


def _fresh_dir() -> Path:
    return Path(tempfile.mkdtemp(dir=_SCRATCH.name))


def _fresh_checkout() -> Path:
    """pyproject, README, course.py and notebook sources: what the tools read and write."""
    root = _fresh_dir()
    (root / "lstm_course").mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, root)
    source = (REPO / "lstm_course" / "course.py").read_text(encoding="utf-8")
    (root / "lstm_course" / "course.py").write_text(replanned_course_source(source), "utf-8")
    available = built_sources()
    shutil.copytree(  # a planned lesson's source may be in the works in the real tree
        nt.SOURCES,
        root / "notebooks" / "src",
        ignore=lambda folder, names: [n for n in names if n.endswith(".py") and n not in available],
    )
    return root


def _probe_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="probe")
    parser.add_argument("--name")
    parser.set_defaults(func=lambda args: 0)
    return parser


WELCOME = nbformat.read(nt.NOTEBOOKS / "00_welcome.ipynb", as_version=4)
REPOSITORY = [("not a repository", "../.."), ("a space", "a b/c"), ("no name", "owner/")]
BADGE_BASE = "https://colab.research.google.com/github/teacher/student-copies/blob/main"
BAD_BADGE_BASE = [("not a URL", "student copies"), ("no scheme", "example.org/x")]
A_SOLUTION = (
    'def f(x):\n    """Twice x."""\n    # BEGIN SOLUTION\n    return 2 * x\n    # END SOLUTION'
)
FIRST_EXERCISE = next(iter(registry.load_all().values()))


def _fresh_guide() -> Path:
    """pyproject.toml and INSTRUCTORS.md: what `python -m tools instructors` rewrites."""
    root = _fresh_dir()
    for name in ("pyproject.toml", "INSTRUCTORS.md"):
        shutil.copy(REPO / name, root)
    return root


TARGETS = [
    # ----------------------------------------------------------------- lstm_course.course
    FuzzTarget(
        course.Lesson,
        {
            "number": 6,
            "slug": "weather",
            "title": "Weather",
            "idea": "forecasts in °C",
            "prerequisites": (4,),
            "study_minutes": 45,
            "run_budget_s": 120,
            "available": False,
        },
        bad={
            "number": [("three digits", 100)],
            "slug": [("capitals", "Weather"), ("empty", ""), ("a path", "../x")],
            "title": [("two lines", "a\nb"), ("blank", "  ")],
            "prerequisites": [("a later lesson", (7,)), ("repeated", (4, 4)), ("strings", ("04",))],
            "study_minutes": [("zero", 0)],
        },
    ),
    FuzzTarget(course.lesson, {"number": 3}, bad={"number": [("not in the map", 50)]}),
    FuzzTarget(
        course.parse_repository,
        {"owner_repo": "https://github.com/someone/fork.git"},
        bad={"owner_repo": REPOSITORY},
        skip=("name",),  # only labels the error message
    ),
    FuzzTarget(
        course.colab_url,
        {"lesson": course.LESSONS[1], "owner_repo": "a/b"},
        bad={"owner_repo": REPOSITORY},
    ),
    FuzzTarget(
        course.badge_markdown,
        {"lesson": course.LESSONS[2], "owner_repo": "a/b"},
        bad={"owner_repo": REPOSITORY},
    ),
    FuzzTarget(course.prerequisites_text, {"lesson": course.LESSONS[3]}),
    FuzzTarget(
        course.course_map_markdown,
        {"owner_repo": "a/b", "link_prefix": "notebooks/"},
        accept={"owner_repo": {"None"}},  # None: the map without badges (notebook 00)
        bad={"owner_repo": REPOSITORY},
    ),
    # ----------------------------------------------------------------- setup()
    FuzzTarget(
        lstm_course.setup,
        {"seed": 42, "tensorflow": False, "deterministic": True},
        bad={"seed": [("2**32", 2**32)]},
    ),
    FuzzTarget(SetupReport, {"seed": 1, "deterministic_ops": True, "tensorflow_configured": True}),
    # ----------------------------------------------------------------- progress bars
    FuzzTarget(
        progress.bar,
        {"items": [1, 2, 3], "description": "three runs", "total": 3},
        accept={"total": {"None"}},  # None: len(items), or no total for a generator
        skip=("items",),  # any iterable is valid (str, dict, array); a non-iterable: test_progress
        deterministic=False,  # a fresh iterator each call
    ),
    FuzzTarget(progress.epochs, {"description": "LSTM"}, deterministic=False),
    # ----------------------------------------------------------------- lstm_course.student
    FuzzTarget(
        student.strip_solutions,
        {"nb": WELCOME, "badge_base": BADGE_BASE},
        accept={"badge_base": {"None"}},  # None: remove the badges
        bad={"nb": [("no cells", {"cells": 3})], "badge_base": BAD_BADGE_BASE},
    ),
    FuzzTarget(
        student.nbgrader_source,
        {"nb": WELCOME, "badge_base": BADGE_BASE},
        accept={"badge_base": {"None"}},
        bad={"nb": [("no cells", {"cells": 3})], "badge_base": BAD_BADGE_BASE},
    ),
    FuzzTarget(
        student.otter_master,
        {"nb": WELCOME, "name": "00_welcome", "badge_base": BADGE_BASE},
        accept={"badge_base": {"None"}},
        bad={"name": [("a path", "../x"), ("a space", "a b")], "badge_base": BAD_BADGE_BASE},
        deterministic=False,  # Otter's raw cells get fresh random ids
    ),
    FuzzTarget(
        student.solution_blocks,
        {"source": A_SOLUTION, "index": 0},
        bad={"source": [("unbalanced", "# BEGIN SOLUTION\nx = 1")]},
        aliases={"source": ("cell",)},  # the message names the notebook cell ("nb: cell 0 ...")
    ),
    FuzzTarget(
        student.write_student_notebooks,
        {
            "out_dir": Path("out"),
            "notebooks_dir": nt.NOTEBOOKS,
            "force": False,
            "format": "plain",
            "badge_base": BADGE_BASE,
        },
        setup=lambda: {
            "out_dir": _fresh_dir() / "out",
            "notebooks_dir": nt.NOTEBOOKS,
            "force": False,
            "format": "plain",
            "badge_base": BADGE_BASE,
        },
        accept={
            "out_dir": {"a string"},
            "notebooks_dir": {"None", "a string"},
            "badge_base": {"None"},
        },  # str paths are paths
        bad={
            "out_dir": [("empty", ""), ("the notebooks folder", nt.NOTEBOOKS)],
            "notebooks_dir": [("a folder without notebooks", Path(_SCRATCH.name) / "none")],
            "format": [("unknown", "pdf"), ("capitalised", "Plain")],
            "badge_base": BAD_BADGE_BASE,
        },
        deterministic=False,  # a new folder each call
    ),
    # ----------------------------------------------------------------- exercises.registry
    FuzzTarget(
        registry.exercise,
        {"exercise_id": "97.9", "title": "t", "points": 1, "difficulty": 1, "assesses": "x"},
        bad={
            "exercise_id": [("one digit", "2.3"), ("no dot", "023")],
            "points": [("zero", 0), ("21", 21)],
            "difficulty": [("four", 4)],
            "title": [("two lines", "a\nb")],
        },
        deterministic=False,  # a new decorator each call
    ),
    FuzzTarget(registry.heading, {"item": FIRST_EXERCISE}),
    FuzzTarget(
        registry.solved,
        {"exercise_id": FIRST_EXERCISE.id, "reference": 1.0},
        bad={"exercise_id": [("undeclared", "97.8"), ("not an id", "x")]},
        skip=("reference",),  # any value is a reference
    ),
    FuzzTarget(registry.fresh_seed, {}, deterministic=False),
    FuzzTarget(registry.load_all, {}),
    FuzzTarget(registry.find_exercises, {"nb": WELCOME}, bad={"nb": [("no cells", {"cells": 3})]}),
    FuzzTarget(
        registry.annotate,
        {"nb": WELCOME, "stem": "00_welcome"},
        setup=lambda: {"nb": nbformat.from_dict(WELCOME), "stem": "00_welcome"},
        bad={"nb": [("no cells", {"cells": 3})]},
    ),
    FuzzTarget(
        registry.nbgrader_metadata,
        {"role": "check", "item": FIRST_EXERCISE, "grade_id": "ex00_1_check"},
        bad={
            "role": [("unknown", "solution")],
            "item": [("None for a check", None)],
            "grade_id": [("a space", "ex 1")],
        },
    ),
    FuzzTarget(
        registry.cell_source,
        {"cell": {"cell_type": "code", "source": ["x = 1\n", "y = 2"]}},
        bad={"cell": [("no source", {"cell_type": "code"})]},
    ),
    # ----------------------------------------------------------------- lstm_course.cli
    FuzzTarget(
        cli.main,
        {"argv": ["verify-data"]},
        accept={"argv": {"None"}},  # None reads sys.argv, as console scripts do
        bad={"argv": [("non-str items", ["verify-data", 3]), ("bytes", b"verify-data")]},
    ),
    FuzzTarget(cli.check_argv, {"argv": ["student", "--out", "x"]}, accept={"argv": {"None"}}),
    FuzzTarget(
        cli.run_command,
        {"parser": _probe_parser(), "argv": ["--name", "x"]},
        setup=lambda: {"parser": _probe_parser(), "argv": ["--name", "x"]},
        accept={"argv": {"None"}},
        deterministic=False,  # parsers compare by identity
    ),
    # ----------------------------------------------------------------- tools (maintainers)
    FuzzTarget(tools_cli.main, {"argv": ["course-map"]}, accept={"argv": {"None"}}),
    FuzzTarget(nt.repository, {"root": REPO}),
    FuzzTarget(
        nt.lesson_for,
        {"path": "01_lstm_cell_numpy.ipynb", "lessons": course.LESSONS},
        bad={"path": [("not in the map", "99_nothing.ipynb")]},
    ),  # fmt: skip
    FuzzTarget(
        nt.source_files,
        {"names": ["00", "02"], "root": REPO},
        accept={"names": {"None"}},  # None: every source
        bad={"names": [("unknown", ["99"]), ("not str", [1])]},
    ),
    FuzzTarget(
        nt.set_repository,
        {"new": "someone/fork", "root": REPO},
        setup=lambda: {"new": "someone/fork", "root": _fresh_checkout()},
        bad={"new": REPOSITORY},
        deterministic=False,  # a new checkout each call
    ),
    FuzzTarget(
        instructors.update,
        {"root": REPO, "check": True},
        setup=lambda: {"root": _fresh_guide(), "check": True},
        bad={"root": [("not a checkout", Path(_SCRATCH.name))]},
        deterministic=False,  # a new copy each call
    ),
    FuzzTarget(
        instructors.render,
        {
            "text": "<!-- BEGIN GENERATED: overview -->\n<!-- END GENERATED: overview -->\n",
            "blocks": {"overview": "O\n"},
            "headings": {"exercises 01": "### 01"},
        },
        accept={"headings": {"None"}},
        bad={"text": [("no overview", "# Guide\n")], "blocks": [("not str", {"overview": 3})]},
    ),
    FuzzTarget(
        nn.new_notebook,
        {
            "number": PLANNED.number,
            "slug": PLANNED.slug,
            "title": PLANNED.title,
            "prerequisites": [4],
            "study_minutes": 45,
            "root": REPO,
        },
        setup=lambda: {
            "number": PLANNED.number,
            "slug": PLANNED.slug,
            "title": PLANNED.title,
            "prerequisites": [4],
            "study_minutes": 45,
            "root": _fresh_checkout(),
        },  # fmt: skip
        accept={"title": {"None"}, "prerequisites": {"None"}, "study_minutes": {"None"}},  # planned
        bad={
            "number": [("an available lesson", 5)],
            "slug": [("another lesson's", NEXT_PLANNED.slug)],
        },
        deterministic=False,  # a new checkout each call
    ),
]

EXEMPT = {
    "progress.enabled": "takes no argument; a bad LSTM_COURSE_PROGRESS is refused (test_progress)",
    "exercises.registry.Exercise": "a frozen record that @exercise builds from checked values",
    "exercises.registry.ExerciseCells": "a frozen record of cell indexes that find_exercises builds",
    "student.SolutionBlock": "a frozen record of one solution block that solution_blocks builds",
}


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_bad_inputs_get_clear_errors(target):
    assert_fuzz_clean(target)


# ----------------------------------------------------------------------------- command lines

LEARNER_ARGV = [
    ([], "the following arguments are required: COMMAND"),
    (["bogus"], "invalid choice: 'bogus'"),
    (["build"], "invalid choice: 'build'"),  # a maintainer command: python -m tools build
    (["student", "--out"], "expected one argument"),
    (["student", "--out", ""], "out_dir must name a folder"),
    (["student", "--out", "x", "--force=yes"], "ignored explicit argument"),
    (["student", "--notebooks", "/nonexistent", "--out", "x"], "holds no notebooks"),
    (["verify-data", "extra"], "unrecognized arguments: extra"),
]


@pytest.mark.parametrize(("argv", "message"), LEARNER_ARGV, ids=lambda v: repr(v)[:40])
def test_learner_cli_refuses_bad_argv_with_exit_2(capsys, argv, message):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_student_refuses_a_non_empty_folder_from_the_command_line(capsys, tmp_path):
    (tmp_path / "mine.txt").write_text("keep me", encoding="utf-8")
    assert cli.main(["student", "--out", str(tmp_path)]) == 2
    assert "is not empty" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]
    assert cli.main(["student", "--out", str(tmp_path), "--force"]) == 0


def test_python_m_lstm_course_exits_2_without_a_traceback(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "lstm_course", "student", "--out", ""],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2, result.stdout
    assert "out_dir must name a folder" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written into the current directory


def test_verify_data_reports_a_corrupted_snapshot_with_exit_1(capsys, monkeypatch):
    from lstm_course import data

    def corrupted():
        raise data.DatasetError("sp500.csv: sha256 mismatch")

    monkeypatch.setattr(data, "verify_all", corrupted)
    assert cli.main(["verify-data"]) == 1
    assert "sha256 mismatch" in capsys.readouterr().err
