"""Structure of every notebook: what a learner sees first, and what CI relies on.

The rules themselves live in ``tools/notebooks.py`` (``*_problems``), so that a notebook
started by ``python -m tools new-notebook`` is held to the same rules (tests/test_tools.py).
Authoring rules are checked on the sources in notebooks/src; the stored notebooks must
equal their sources and carry one clean top-to-bottom run.
"""

import jupytext
import nbformat
import pytest

from lstm_course.course import LESSONS
from lstm_course.exercises import registry
from lstm_course.student import BEGIN, write_student_notebooks
from tools import notebooks as nt

NOTEBOOKS = sorted(nt.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
SOURCES = nt.source_files()


def load(path):
    return nbformat.read(path, as_version=4)


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_notebooks_match_the_course_map():
    built = {p.name for p in NOTEBOOKS}
    available = {lesson.file for lesson in LESSONS if lesson.available}
    assert built == available, "course.py's `available` flags and notebooks/*.ipynb disagree"
    sources = {p.stem + ".ipynb" for p in SOURCES}
    assert sources == built, "every notebook needs its source in notebooks/src and vice versa"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
class TestSource:
    """The authoring rules (DESIGN.md), on the jupytext source."""

    def test_header_has_title_badge_goals_and_course_py_metadata(self, source):
        problems = nt.header_problems(jupytext.read(source), nt.lesson_for(source), nt.repository())
        assert not problems, "\n".join(problems)

    def test_first_code_cell_is_the_setup_cell(self, source):
        problems = nt.setup_cell_problems(jupytext.read(source), nt.repository())
        assert not problems, "\n".join(problems)

    def test_no_absolute_paths(self, source):
        problems = nt.path_problems(jupytext.read(source))
        assert not problems, "\n".join(problems)

    def test_exercises_follow_format_v2(self, source):
        problems = nt.exercise_problems(jupytext.read(source), nt.lesson_for(source).number)
        assert not problems, "\n".join(problems)

    def test_review_questions_are_5_to_10_and_last(self, source):
        problems = nt.review_question_problems(jupytext.read(source), required=nt.REQUIRE_V2)
        assert not problems, "\n".join(problems)


def test_each_exercise_is_asked_once_in_the_course():
    problems = nt.course_exercise_problems({p.stem: jupytext.read(p) for p in SOURCES})
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
class TestStoredNotebook:
    """What `make notebooks` stores: its source, run once from top to bottom."""

    def test_stored_notebook_matches_its_source(self, path):
        source = jupytext.read(nt.SOURCES / f"{path.stem}.py")
        stored = load(path)
        assert [(c.cell_type, c.source) for c in stored.cells] == [
            (c.cell_type, c.source) for c in source.cells
        ], f"notebooks/src/{path.stem}.py changed: run `make notebooks NB={path.stem[:2]}`"

    @pytest.mark.skipif(not nt.REQUIRE_V2, reason="notebooks are being converted to format v2")
    def test_stored_notebook_carries_the_exercise_metadata_the_build_writes(self, path):
        built = nt.read_source(nt.SOURCES / f"{path.stem}.py")
        keys = ("nbgrader", registry.METADATA_KEY)
        assert [(c.id, [c.metadata.get(k) for k in keys]) for c in load(path).cells] == [
            (c.id, [c.metadata.get(k) for k in keys]) for c in built.cells
        ], f"exercise metadata is stale: run `make notebooks NB={path.stem[:2]}`"

    def test_executed_in_order_without_errors(self, path):
        cells = code_cells(load(path))
        assert [c.execution_count for c in cells] == list(range(1, len(cells) + 1)), (
            "run `make notebooks`: stored outputs must come from one top-to-bottom run"
        )
        for cell in cells:
            assert all(o.output_type != "error" for o in cell.outputs), cell.source[:80]

    def test_small_and_without_machine_paths(self, path):
        assert path.stat().st_size < 2 * 1024 * 1024
        problems = nt.path_problems(load(path))
        assert not problems, "\n".join(problems)

    def test_no_progress_bars_in_stored_outputs(self, path):
        problems = nt.progress_problems(load(path))
        assert not problems, "\n".join(problems) + "\nrebuild with `make notebooks` (bars off)"

    def test_ignored_cells_are_rare(self, path):
        cells = code_cells(load(path))
        ignored = [c for c in cells if "NBVAL_IGNORE_OUTPUT" in c.source]
        assert len(ignored) <= max(2, len(cells) // 3), "most outputs must be compared by nbval"


def test_welcome_shows_the_current_course_map_and_datasets():
    """Notebook 00 displays course.py's map and the manifest: it goes stale when they change."""
    from lstm_course import data
    from lstm_course.course import course_map_markdown

    nb = load(nt.NOTEBOOKS / "00_welcome.ipynb")
    outputs = [o for c in code_cells(nb) for o in c.outputs]
    shown = [o["data"]["text/markdown"] for o in outputs if "text/markdown" in o.get("data", {})]
    stale = "course.py or datasets/ changed since notebook 00 ran: run `make notebooks NB=00`"
    assert course_map_markdown() in shown, stale
    printed = "".join(o.get("text", "") for o in outputs)
    assert all(name in printed for name in data.list_datasets()), stale


# ----------------------------------------------------------------------------- student copies
# What a student copy contains is tested in tests/test_student.py (and with the real graders in
# tests/test_graders.py); here, that the build covers the course and refuses what it should.


def test_student_copies_cover_the_course_without_solutions_or_outputs(tmp_path):
    written = write_student_notebooks(tmp_path / "student")
    assert [p.name for p in written] == [p.name for p in NOTEBOOKS]
    for path in written:
        for cell in code_cells(load(path)):
            assert not cell.outputs and cell.execution_count is None
            assert BEGIN not in cell.source and "NBVAL_" not in cell.source


def test_student_build_refuses_a_non_empty_folder_unless_forced(tmp_path):
    out = tmp_path / "student"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ValueError, match="out_dir .* is not empty.*force"):
        write_student_notebooks(out)
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]  # nothing written
    written = write_student_notebooks(out, force=True)
    assert len(written) == len(NOTEBOOKS) and (out / "notes.txt").exists()


def test_student_build_fails_loudly_without_notebooks(tmp_path):
    with pytest.raises(ValueError, match="notebooks_dir .* holds no notebooks"):
        write_student_notebooks(tmp_path / "out", notebooks_dir=tmp_path / "empty")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("out", ["", "   "])
def test_student_build_refuses_an_empty_path(out):
    with pytest.raises(ValueError, match="out_dir must name a folder"):
        write_student_notebooks(out)


def test_student_build_never_overwrites_the_notebooks_themselves():
    with pytest.raises(ValueError, match="out_dir .* is the notebooks folder"):
        write_student_notebooks(nt.NOTEBOOKS, force=True)
