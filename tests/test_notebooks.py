"""Structure of every notebook: what a learner sees first, and what CI relies on."""

import re

import jupytext
import nbformat
import pytest

from lstm_course import notebook_tools as nt
from lstm_course.course import LESSONS, colab_url

NOTEBOOKS = sorted(nt.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
ABSOLUTE = re.compile(r"(/home/|/root/|/work/|/tmp/|/Users/|[A-Za-z]:\\\\|\.\./)")


def load(path):
    return nbformat.read(path, as_version=4)


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_notebooks_match_the_course_map():
    built = {p.name for p in NOTEBOOKS}
    available = {lesson.file for lesson in LESSONS if lesson.available}
    assert built == available, "course.py's `available` flags and notebooks/*.ipynb disagree"
    sources = {p.stem + ".ipynb" for p in nt.source_files()}
    assert sources == built, "every notebook needs its source in notebooks/src and vice versa"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
class TestNotebook:
    def test_header_has_title_badge_learning_goals_and_time(self, path):
        first = load(path).cells[0]
        assert first.cell_type == "markdown" and first.source.startswith("# ")
        assert colab_url(nt.lesson_for(path), nt.repository()) in first.source, "Colab badge"
        for heading in ("What you will learn", "Prerequisites", "Time"):
            assert heading in first.source, f"header lacks {heading!r}"

    def test_first_code_cell_is_the_setup_cell(self, path):
        source = code_cells(load(path))[0].source
        assert '"google.colab" in sys.modules' in source
        assert f"git+https://github.com/{nt.repository()}" in source
        assert "lstm_course.setup(" in source

    def test_executed_in_order_without_errors(self, path):
        cells = code_cells(load(path))
        assert [c.execution_count for c in cells] == list(range(1, len(cells) + 1)), (
            "run `make notebooks`: stored outputs must come from one top-to-bottom run"
        )
        for cell in cells:
            assert all(o.output_type != "error" for o in cell.outputs), cell.source[:80]

    def test_small_and_without_absolute_paths(self, path):
        assert path.stat().st_size < 2 * 1024 * 1024
        for cell in load(path).cells:
            assert not ABSOLUTE.search(cell.source), f"absolute or ../ path in: {cell.source[:80]}"
            for output in cell.get("outputs", []):
                text = output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
                assert not ABSOLUTE.search(text), f"machine path in output: {text[:120]}"

    def test_stored_notebook_matches_its_source(self, path):
        source = jupytext.read(nt.SOURCES / f"{path.stem}.py")
        stored = load(path)
        assert [(c.cell_type, c.source) for c in stored.cells] == [
            (c.cell_type, c.source) for c in source.cells
        ], f"notebooks/src/{path.stem}.py changed: run `make notebooks NB={path.stem[:2]}`"

    def test_exercises_are_well_formed_and_checked(self, path):
        cells = load(path).cells
        for index, cell in enumerate(cells):
            if cell.cell_type != "code" or nt.BEGIN not in cell.source:
                continue
            assert cell.source.count(nt.BEGIN) == cell.source.count(nt.END)
            following = next(c for c in cells[index + 1 :] if c.cell_type == "code")
            assert ".check_" in following.source, "an exercise must be followed by its check cell"
        nt.strip_solutions(load(path))  # raises on unbalanced markers

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


def test_student_copies_have_no_solutions(tmp_path):
    for path in nt.write_student_notebooks(tmp_path):
        nb = load(path)
        for cell in code_cells(nb):
            assert not cell.outputs and cell.execution_count is None
            if nt.BEGIN in cell.source:
                body = cell.source.split(nt.BEGIN)[1].split(nt.END)[0]
                assert body.strip() == nt.STUDENT_STUB


def test_strip_solutions_rejects_unbalanced_markers():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("# BEGIN SOLUTION\nx = 1")])
    with pytest.raises(ValueError, match="without"):
        nt.strip_solutions(nb)
