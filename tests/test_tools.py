"""Maintainer tools: new-notebook writes a notebook the structure tests accept; the CLI refuses clearly.

Everything that writes runs on a scratch copy of the checkout (``root=`` or ``cwd=``).
"""

import importlib.util
import re
import shutil
import subprocess
import sys
from dataclasses import replace

import jupytext
import pytest
from planning import FIRST, SECOND, built_sources, replanned_course_source

from lstm_course.course import LESSONS, course_map_markdown, lesson
from lstm_course.exercises import registry
from lstm_course.student import BEGIN, STUB
from tools import instructors
from tools import notebooks as nt
from tools.__main__ import main
from tools.new_notebook import lesson_line, new_notebook, read_lessons, register_lesson

HEADING = re.compile(r"### Exercise (\d{2})\.(\d) — .+ · (★{1,3}) · \d+ points?")
# Two lessons the course map plans and nobody has built yet (see planning.py): what
# new-notebook is tried on.
NN = f"{FIRST.number:02d}"


@pytest.fixture
def checkout(repo, tmp_path):
    """What new-notebook reads and writes, plus tools/, in a scratch folder."""
    copy = tmp_path / "repo"
    (copy / "lstm_course").mkdir(parents=True)
    shutil.copy(repo / "pyproject.toml", copy)
    source = (repo / "lstm_course" / "course.py").read_text(encoding="utf-8")
    (copy / "lstm_course" / "course.py").write_text(replanned_course_source(source), "utf-8")
    available = built_sources()
    shutil.copytree(  # a planned lesson's source may be in the works in the real tree
        nt.SOURCES,
        copy / "notebooks" / "src",
        ignore=lambda folder, names: [n for n in names if n.endswith(".py") and n not in available],
    )
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


def assert_accepted_by_the_structure_tests(source, new_lesson, root, monkeypatch):
    """The house rules hold; the exercises have format v2's shape (their checks are declared
    only once the author writes lstm_course/exercises/<slug>.py, so that rule waits)."""
    nb = jupytext.read(source)
    owner_repo = nt.repository(root)
    monkeypatch.setattr(nt, "REQUIRE_V2", False)
    problems = nt.structure_problems(nb, new_lesson, owner_repo)
    problems += nt.review_question_problems(nb, required=True)
    assert not problems, "\n".join(problems)
    headings = [HEADING.match(c.source) for c in nb.cells if c.source.startswith("### Exercise")]
    assert all(headings) and len(headings) >= 3, [c.source[:60] for c in nb.cells]
    assert [(int(m[1]), int(m[2])) for m in headings] == [
        (new_lesson.number, k) for k in range(1, len(headings) + 1)
    ]
    assert any(m[3] == "★★★" for m in headings)
    answers = [c.source for c in nb.cells if c.cell_type == "code" and BEGIN in c.source]
    assert len(answers) >= 3 and any(STUB in a for a in answers)
    assert any(a.startswith("def ") and '"""' in a.split(BEGIN)[0] for a in answers)
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
    text = replanned_course_source(course_text(repo))
    updated = register_lesson(text, replace(FIRST, available=True))
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


def test_new_notebook_for_a_planned_lesson_passes_the_structure_tests(checkout, monkeypatch):
    source, course = new_notebook(FIRST.number, FIRST.slug, root=checkout)
    assert source == checkout / "notebooks" / "src" / FIRST.file.replace(".ipynb", ".py")
    registered = read_lessons(course_text(checkout))[FIRST.number][1]
    assert registered == replace(FIRST, available=True)
    assert_accepted_by_the_structure_tests(source, registered, checkout, monkeypatch)
    module = load_course_module(checkout)
    available = {item.file for item in module.LESSONS if item.available}
    assert available == {p.stem + ".ipynb" for p in nt.source_files(root=checkout)}


def test_new_notebook_for_an_unplanned_lesson(checkout, monkeypatch):
    source, _ = new_notebook(
        13, "attention", title="Attention", idea="where to look, and why it helps",
        prerequisites=[11, 9], study_minutes=50, run_budget_s=100, root=checkout,
    )  # fmt: skip
    registered = read_lessons(course_text(checkout))[13][1]
    assert registered.prerequisites == (11, 9) and registered.study_minutes == 50
    assert_accepted_by_the_structure_tests(source, registered, checkout, monkeypatch)
    header = jupytext.read(source).cells[0].source
    assert "**Prerequisites:** notebooks 11 (Translation) and 09 (Language model)." in header


def test_new_notebook_command_line(checkout, monkeypatch):
    """`python -m tools new-notebook` (what `make new-notebook` runs), from the copy."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools",
            "new-notebook",
            f"{SECOND.number:02d}",
            SECOND.slug,
            "--study-minutes",
            "40",
        ],  # fmt: skip
        cwd=checkout,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    stem = SECOND.file.removesuffix(".ipynb")
    assert f"{stem}.py" in result.stdout
    assert f"lstm_course/exercises/{SECOND.slug}.py" in result.stdout
    registered = read_lessons(course_text(checkout))[SECOND.number][1]
    assert registered.available and registered.study_minutes == 40
    assert_accepted_by_the_structure_tests(
        checkout / f"notebooks/src/{stem}.py", registered, checkout, monkeypatch
    )


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((5, "stock_prices"), {}, ValueError, "already an available notebook"),
        ((FIRST.number, "Weather!"), {}, ValueError, "slug must be lowercase letters"),
        (
            (FIRST.number, SECOND.slug),
            {},
            ValueError,
            f"slug '{SECOND.slug}' is already used by {SECOND.file}",
        ),
        ((13, "attention"), {}, ValueError, "title is required"),
        ((13, "attention"), {"title": "Attention"}, ValueError, "idea is required"),
        ((100, "x"), {}, ValueError, r"number must be an int in \[0, 99\]"),
        (
            (FIRST.number, FIRST.slug),
            {"title": "two\nlines"},
            ValueError,
            "title must be a non-empty single line",
        ),
        (
            (FIRST.number, FIRST.slug),
            {"prerequisites": [FIRST.number + 1]},
            ValueError,
            "prerequisites must be an int in",
        ),
        ((FIRST.number, FIRST.slug), {"study_minutes": 0}, ValueError, "study_minutes must be"),
        ((FIRST.number, None), {}, TypeError, "slug must be a str"),
        ((NN, FIRST.slug), {}, TypeError, "number must be an int"),
    ],
)
def test_new_notebook_refuses_and_writes_nothing(checkout, args, kwargs, error, message):
    before = snapshot(checkout)
    with pytest.raises(error, match=message):
        new_notebook(*args, **kwargs, root=checkout)
    assert snapshot(checkout) == before


def test_new_notebook_refuses_a_number_that_already_has_a_source(checkout):
    (checkout / "notebooks" / "src" / f"{NN}_climate.py").write_text("# %%\n", encoding="utf-8")
    before = snapshot(checkout)
    with pytest.raises(ValueError, match=f"number {NN} already has a notebook: {NN}_climate.py"):
        new_notebook(FIRST.number, FIRST.slug, root=checkout)
    assert snapshot(checkout) == before


def test_new_notebook_refuses_a_folder_that_is_not_a_checkout(tmp_path):
    with pytest.raises(ValueError, match="root .* is not a checkout of the course"):
        new_notebook(FIRST.number, FIRST.slug, root=tmp_path)


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
    for command in ("build", "set-repo", "course-map", "new-notebook", "instructors"):
        assert command in out


# ----------------------------------------------------------------------------- build metadata


def _any_exercise():
    return next(iter(registry.load_all().values()))


def test_build_writes_exercise_metadata_and_stable_cell_ids(tmp_path, monkeypatch):
    monkeypatch.setattr(nt, "REQUIRE_V2", False)  # a one-exercise notebook: counts not at issue
    item = _any_exercise()
    alias = item.module.rsplit(".", 1)[-1]
    source = tmp_path / "notebooks" / "src" / f"{item.id[:2]}_demo.py"
    source.parent.mkdir(parents=True)
    source.write_text(
        f"# %% [markdown]\n# {registry.heading(item)}\n\n"
        "# %%\n# BEGIN SOLUTION\n# STUB: answer = ...\nanswer = 1\n# END SOLUTION\n\n"
        f"# %%\nfrom {item.module.rsplit('.', 1)[0]} import {alias}\n\n"
        f"{alias}.{item.check}(answer)\n",
        encoding="utf-8",
    )
    nb = nt.read_source(source)
    roles = [c.metadata.get("lstm_course") for c in nb.cells]
    assert roles == [{"exercise": item.id, "role": r} for r in ("prompt", "answer", "check")]
    check = nb.cells[2].metadata["nbgrader"]
    assert check["grade"] and check["points"] == item.points
    assert check["grade_id"] == f"{item.grade_id}_check"
    assert [c.id for c in nb.cells] == [c.id for c in nt.read_source(source).cells]
    assert not nt.exercise_problems(nb, item.notebook)


def test_structure_rules_name_what_breaks_format_v2(monkeypatch):
    item = _any_exercise()
    alias = item.module.rsplit(".", 1)[-1]
    import nbformat

    v4 = nbformat.v4
    nb = v4.new_notebook(
        cells=[
            v4.new_markdown_cell("### Exercise — a heading of another kind"),
            v4.new_code_cell("x = 1"),
            v4.new_code_cell(f"print('checking')\n{alias}.{item.check}(x)"),
            v4.new_code_cell(f"{alias}.{item.check}(x)"),
        ]
    )
    problems = "\n".join(nt.exercise_problems(nb, item.notebook + 1))
    assert f"exercise {item.id}: the code cell before its check has no '{BEGIN}'" in problems
    assert f"its prompt must start with the line {registry.heading(item)!r}" in problems
    assert "its check cell must hold only the check call" in problems
    assert "exercise ids must run" in problems and "checked in more than one cell" in problems
    monkeypatch.setattr(nt, "REQUIRE_V2", True)
    problems = "\n".join(nt.exercise_problems(nb, item.notebook))
    assert "expected at least 3 exercises" in problems
    nb.cells[1].source = "# BEGIN SOLUTION\nx = 1\n# END SOLUTION"  # a value, no skeleton
    problems = "\n".join(nt.exercise_problems(nb, item.notebook))
    assert f"exercise {item.id}: a value answer must open with '# STUB:' lines" in problems


def test_course_rule_finds_an_exercise_asked_twice():
    item = _any_exercise()
    alias = item.module.rsplit(".", 1)[-1]
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"{alias}.{item.check}(x)")])
    problems = nt.course_exercise_problems({"90_a": nb, "91_b": nb})
    assert f"exercise {item.id} is asked in ['90_a', '91_b']" in "\n".join(problems)


# ----------------------------------------------------------------------------- INSTRUCTORS.md


def test_instructors_md_is_up_to_date():
    assert instructors.update(check=True), (
        "INSTRUCTORS.md is stale: run `python -m tools instructors`"
    )
    assert main(["instructors", "--check"]) == 0


def test_instructors_tables_come_from_the_registry_and_course_py():
    blocks = instructors.generated_blocks()
    items = registry.load_all()
    for item in items.values():
        if f"exercises {item.id[:2]}" in blocks:
            title = item.title.replace("|", "\\|")
            row = f"| {item.id} | {title} | {registry.STARS[item.difficulty]} | {item.points} |"
            assert row in blocks[f"exercises {item.id[:2]}"]
    total = sum(i.points for i in items.values() if f"exercises {i.id[:2]}" in blocks)
    assert "| **course** | **" in blocks["overview"] and f"**{total}**" in blocks["overview"]


def test_instructors_render_fills_blocks_and_adds_missing_ones():
    blocks = {"overview": "O\n", "exercises 00": "A\n", "exercises 01": "B\n"}
    text = "# Guide\n<!-- BEGIN GENERATED: overview -->\nold\n<!-- END GENERATED: overview -->\n"
    text += "<!-- BEGIN GENERATED: exercises 00 -->\nstale\n<!-- END GENERATED: exercises 00 -->\n"
    rendered = instructors.render(text, blocks, {"exercises 01": "### 01 · Cell"})
    assert "old" not in rendered and "stale" not in rendered
    assert rendered.endswith(
        "### 01 · Cell\n\n<!-- BEGIN GENERATED: exercises 01 -->\nB\n"
        "<!-- END GENERATED: exercises 01 -->\n"
    )
    assert instructors.render(rendered, blocks) == rendered
    with pytest.raises(ValueError, match="no available notebook: \\['exercises 42'\\]"):
        instructors.render(text.replace("exercises 00", "exercises 42"), blocks)
    with pytest.raises(ValueError, match="overview"):
        instructors.render("# Guide\n", blocks)


def test_instructors_check_reports_a_stale_guide(repo, tmp_path, capsys):
    shutil.copy(repo / "pyproject.toml", tmp_path)
    text = (repo / "INSTRUCTORS.md").read_text(encoding="utf-8")
    stale = re.sub(r"\| \*\*course\*\* \|[^\n]*", "| **course** | 0 |", text)
    (tmp_path / "INSTRUCTORS.md").write_text(stale, encoding="utf-8")
    assert not instructors.update(tmp_path, check=True)
    assert (tmp_path / "INSTRUCTORS.md").read_text(encoding="utf-8") == stale
    assert not instructors.update(tmp_path)
    assert instructors.update(tmp_path, check=True)
