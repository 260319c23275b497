"""Maintainer tools: new-notebook writes a notebook the structure tests accept; the CLI refuses clearly.

Everything that writes runs on a scratch copy of the checkout (``root=`` or ``cwd=``).
"""

import importlib.util
import shutil
import subprocess
import sys
from dataclasses import replace

import jupytext
import pytest

from lstm_course.course import LESSONS, course_map_markdown, lesson
from lstm_course.student import BEGIN
from tools import notebooks as nt
from tools.__main__ import main
from tools.new_notebook import lesson_line, new_notebook, read_lessons, register_lesson


@pytest.fixture
def checkout(repo, tmp_path):
    """What new-notebook reads and writes, plus tools/, in a scratch folder."""
    copy = tmp_path / "repo"
    (copy / "lstm_course").mkdir(parents=True)
    shutil.copy(repo / "pyproject.toml", copy)
    shutil.copy(repo / "lstm_course" / "course.py", copy / "lstm_course")
    shutil.copytree(nt.SOURCES, copy / "notebooks" / "src")
    shutil.copytree(repo / "tools", copy / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def course_text(root):
    return (root / "lstm_course" / "course.py").read_text(encoding="utf-8")


def snapshot(folder):
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def load_course_module(root):
    """The copy's course.py, imported under another name: it must still be valid Python."""
    spec = importlib.util.spec_from_file_location("course_copy", root / "lstm_course" / "course.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while defining Lesson
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def assert_accepted_by_the_structure_tests(source, new_lesson, root):
    nb = jupytext.read(source)
    owner_repo = nt.repository(root)
    problems = nt.structure_problems(nb, new_lesson, owner_repo)
    problems += nt.review_question_problems(nb, required=True)
    assert not problems, "\n".join(problems)
    exercises = [c for c in nb.cells if c.cell_type == "code" and BEGIN in c.source]
    assert len(exercises) >= 3
    check = next(c for c in nb.cells if c.cell_type == "code" and ".check_" in c.source)
    assert f"from lstm_course.exercises import {new_lesson.slug}" in check.source
    assert (
        nt.lesson_for(source, tuple(item for _, item in read_lessons(course_text(root)).values()))
        == new_lesson
    )


# ----------------------------------------------------------------------------- course.py edits


def test_every_lesson_line_in_course_py_is_what_the_tool_writes(repo):
    text = course_text(repo)
    for item in LESSONS:
        assert lesson_line(item) in text.splitlines(), item.file
    assert [item for _, item in read_lessons(text).values()] == list(LESSONS)


def test_registering_a_planned_lesson_edits_exactly_its_line(repo):
    text = course_text(repo)
    updated = register_lesson(text, replace(lesson(6), available=True))
    changed = [
        (a, b) for a, b in zip(text.splitlines(), updated.splitlines(), strict=True) if a != b
    ]
    assert len(changed) == 1
    before, after = changed[0]
    assert before.replace("available=False", "available=True") == after


def test_a_new_lesson_is_inserted_in_number_order(repo):
    text = course_text(repo)
    late = replace(lesson(12), number=20, slug="late", available=True, prerequisites=())
    middle = replace(late, number=15, slug="middle")
    updated = register_lesson(register_lesson(text, late), middle)
    assert len(updated.splitlines()) == len(text.splitlines()) + 2
    assert list(read_lessons(updated)) == [*range(13), 15, 20]


# ----------------------------------------------------------------------------- new-notebook


def test_new_notebook_for_a_planned_lesson_passes_the_structure_tests(checkout):
    planned = lesson(6)
    source, course = new_notebook(6, "weather", root=checkout)
    assert source == checkout / "notebooks" / "src" / "06_weather.py"
    registered = read_lessons(course_text(checkout))[6][1]
    assert registered == replace(planned, available=True)
    assert_accepted_by_the_structure_tests(source, registered, checkout)
    module = load_course_module(checkout)
    available = {item.file for item in module.LESSONS if item.available}
    assert available == {p.stem + ".ipynb" for p in nt.source_files(root=checkout)}


def test_new_notebook_for_an_unplanned_lesson(checkout):
    source, _ = new_notebook(
        13, "attention", title="Attention", idea="where to look, and why it helps",
        prerequisites=[11, 9], study_minutes=50, run_budget_s=100, root=checkout,
    )  # fmt: skip
    registered = read_lessons(course_text(checkout))[13][1]
    assert registered.prerequisites == (11, 9) and registered.study_minutes == 50
    assert_accepted_by_the_structure_tests(source, registered, checkout)
    header = jupytext.read(source).cells[0].source
    assert "**Prerequisites:** notebooks 11 (Translation) and 09 (Language model)." in header


def test_new_notebook_command_line(checkout):
    """`python -m tools new-notebook` (what `make new-notebook` runs), from the copy."""
    result = subprocess.run(
        [sys.executable, "-m", "tools", "new-notebook", "07", "music", "--study-minutes", "40"],
        cwd=checkout,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "07_music.py" in result.stdout and "lstm_course/exercises/music.py" in result.stdout
    registered = read_lessons(course_text(checkout))[7][1]
    assert registered.available and registered.study_minutes == 40
    assert_accepted_by_the_structure_tests(
        checkout / "notebooks/src/07_music.py", registered, checkout
    )


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((5, "stock_prices"), {}, ValueError, "already an available notebook"),
        ((6, "Weather!"), {}, ValueError, "slug must be lowercase letters"),
        ((6, "music"), {}, ValueError, "slug 'music' is already used by 07_music.ipynb"),
        ((13, "attention"), {}, ValueError, "title is required"),
        ((13, "attention"), {"title": "Attention"}, ValueError, "idea is required"),
        ((100, "x"), {}, ValueError, r"number must be an int in \[0, 99\]"),
        (
            (6, "weather"),
            {"title": "two\nlines"},
            ValueError,
            "title must be a non-empty single line",
        ),
        ((6, "weather"), {"prerequisites": [7]}, ValueError, "prerequisites must be an int in"),
        ((6, "weather"), {"study_minutes": 0}, ValueError, "study_minutes must be an int >= 1"),
        ((6, None), {}, TypeError, "slug must be a str"),
        (("06", "weather"), {}, TypeError, "number must be an int"),
    ],
)
def test_new_notebook_refuses_and_writes_nothing(checkout, args, kwargs, error, message):
    before = snapshot(checkout)
    with pytest.raises(error, match=message):
        new_notebook(*args, **kwargs, root=checkout)
    assert snapshot(checkout) == before


def test_new_notebook_refuses_a_number_that_already_has_a_source(checkout):
    (checkout / "notebooks" / "src" / "06_climate.py").write_text("# %%\n", encoding="utf-8")
    before = snapshot(checkout)
    with pytest.raises(ValueError, match="number 06 already has a notebook: 06_climate.py"):
        new_notebook(6, "weather", root=checkout)
    assert snapshot(checkout) == before


def test_new_notebook_refuses_a_folder_that_is_not_a_checkout(tmp_path):
    with pytest.raises(ValueError, match="root .* is not a checkout of the course"):
        new_notebook(6, "weather", root=tmp_path)


# ----------------------------------------------------------------------------- build, CLI


def test_build_without_execution_writes_the_notebook_its_source_describes(repo, tmp_path):
    (tmp_path / "notebooks" / "src").mkdir(parents=True)
    source = tmp_path / "notebooks" / "src" / "00_welcome.py"
    shutil.copy(nt.SOURCES / "00_welcome.py", source)
    result = nt.build_notebook(source, execute=False)
    assert result.path == tmp_path / "notebooks" / "00_welcome.ipynb"
    stored = nt.read_source(source)
    assert [c.source for c in jupytext.read(result.path).cells] == [c.source for c in stored.cells]


def test_source_files_names_what_is_unknown():
    assert [p.stem for p in nt.source_files(["00", "01_lstm_cell_numpy"])] == [
        "00_welcome",
        "01_lstm_cell_numpy",
    ]
    with pytest.raises(ValueError, match=r"names \['99'\] match no notebook source"):
        nt.source_files(["00", "99"])


def test_course_map_command_prints_the_readme_table(capsys):
    assert main(["course-map"]) == 0
    assert capsys.readouterr().out == course_map_markdown(nt.repository(), link_prefix="notebooks/")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "the following arguments are required: COMMAND"),
        (["bogus"], "invalid choice: 'bogus'"),
        (["build", "99"], "names ['99'] match no notebook source"),
        (["build", "--fast"], "unrecognized arguments: --fast"),
        (["new-notebook"], "the following arguments are required: number, slug"),
        (["new-notebook", "six", "weather"], "argument number: invalid int value: 'six'"),
        (["new-notebook", "05", "stock_prices"], "already an available notebook"),
        (["set-repo"], "the following arguments are required: repository"),
    ],
)
def test_bad_command_lines_exit_2_with_a_message(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_python_m_tools_exits_2_without_a_traceback(repo):
    result = subprocess.run(
        [sys.executable, "-m", "tools", "build", "--bogus"],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "unrecognized arguments" in result.stderr
    assert "Traceback" not in result.stderr


def test_tools_help_lists_every_command(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("build", "set-repo", "course-map", "new-notebook"):
        assert command in out
