"""Student builds: stubs a learner can start from, nothing of the solutions left, and notebooks
that run top to bottom with only their check cells failing.

The format rules are tested on a small course written here (``demo_course``: two exercises,
98.1 a function and 98.2 a value, with checks in a module the kernel can import); the
leak and "Run All" tests then run over every notebook of the course. tests/test_graders.py
feeds the same builds to the real nbgrader and Otter.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import re
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from lstm_course import cli
from lstm_course.exercises import registry
from lstm_course.student import (
    BEGIN,
    END,
    NBGRADER_BEGIN,
    STUB,
    nbgrader_source,
    otter_master,
    solution_blocks,
    strip_solutions,
    write_student_notebooks,
)
from tools import notebooks as nt

v4 = nbformat.v4
NOTEBOOKS = sorted(nt.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
BADGE = (
    "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
    "(https://colab.research.google.com/github/owner/repo/blob/main/notebooks/98_demo.ipynb)"
)

# ----------------------------------------------------------------------------- a small course

DEMO_MODULE = '''
"""Checks of the test course: 98.1 (a function) and 98.2 (a value)."""
from lstm_course.exercises import WrongAnswer, as_number, call_answer, passed
from lstm_course.exercises.registry import exercise


@exercise("98.1", "double a number", points=2, difficulty=1, assesses="a function: 2x")
def check_double(double, rng):
    x = float(rng.normal())
    got = as_number("98.1 double", call_answer("98.1 double", double, x), "double(x)")
    if abs(got - 2 * x) > 1e-12:
        raise WrongAnswer("98.1 double", "double(x) should be x + x")
    passed("98.1 double")


@exercise("98.2", "a dict of sizes", points=3, difficulty=3, assesses="a value: a dict")
def check_sizes(sizes, rng):
    if not isinstance(sizes, dict) or sizes.get("units") != 8:
        raise WrongAnswer("98.2 sizes", "sizes['units'] should be the layer's units")
    passed("98.2 sizes")


def reference_double(x):
    return 2 * x
'''

FUNCTION_ANSWER = '''\
def double(x):
    """Twice x. x: a float -> a float."""
    # BEGIN SOLUTION
    twice = x + x  # the secret
    return twice
    # END SOLUTION'''

VALUE_ANSWER = """\
# BEGIN SOLUTION
# STUB: sizes = {"units": ..., "steps": ...}
sizes = {"units": 8, "steps": 10}
# END SOLUTION"""


def demo_cells(folder: Path) -> list:
    return [
        v4.new_markdown_cell(
            f"# 98 · Demo\n\n{BADGE}\n\nThe answers sit between `# BEGIN SOLUTION` and "
            "`# END SOLUTION`; [notebook 97](97_other.ipynb) is next."
        ),
        v4.new_code_cell(
            f"import sys\n\nsys.path.insert(0, {str(folder)!r})\nimport course_demo\n"
            "from lstm_course.exercises.registry import solved"
        ),
        v4.new_markdown_cell("### Exercise 98.1 — double a number · ★ · 2 points\n\nWrite it."),
        v4.new_code_cell(FUNCTION_ANSWER),
        v4.new_code_cell("course_demo.check_double(double)"),
        v4.new_code_cell(
            "# NBVAL_IGNORE_OUTPUT\nmy_double = solved('98.1', course_demo.reference_double)\n"
            "print(my_double(21))"
        ),
        v4.new_markdown_cell("### Exercise 98.2 — a dict of sizes · ★★★ · 3 points\n\nFill it."),
        v4.new_code_cell(VALUE_ANSWER),
        v4.new_code_cell("course_demo.check_sizes(sizes)"),
        v4.new_markdown_cell("## Review questions\n\n1. Why?"),
    ]


@contextlib.contextmanager
def demo_course_in(folder: Path):
    """``(notebooks folder, module folder)``: notebook 98_demo.ipynb and its check module,
    importable here and in a kernel; everything is undeclared again on exit."""
    modules, notebooks = folder / "modules", folder / "notebooks"
    modules.mkdir()
    notebooks.mkdir()
    (modules / "course_demo.py").write_text(textwrap.dedent(DEMO_MODULE), encoding="utf-8")
    declared = dict(registry.load_all())
    sys.path.insert(0, str(modules))
    try:
        importlib.import_module("course_demo")
        nb = v4.new_notebook(cells=demo_cells(modules))
        nb.metadata["kernelspec"] = {
            "name": "python3", "display_name": "Python 3", "language": "python",
        }  # fmt: skip
        nb.cells[4].outputs = [v4.new_output("stream", text="✓ 98.1 double: correct.\n")]
        nbformat.write(registry.annotate(nb, "98_demo"), notebooks / "98_demo.ipynb")
        yield notebooks, modules
    finally:
        sys.path.remove(str(modules))
        sys.modules.pop("course_demo", None)
        registry.EXERCISES.clear()
        registry.EXERCISES.update(declared)


@pytest.fixture
def demo_course(tmp_path):
    with demo_course_in(tmp_path) as course:
        yield course


def read(path):
    return nbformat.read(path, as_version=4)


def demo(folder):
    return read(folder / "98_demo.ipynb")


# ----------------------------------------------------------------------------- leaks


def _blocks(cell) -> list:
    return solution_blocks(registry.cell_source(cell)) if cell.get("cell_type") == "code" else []


def solution_lines(nb) -> set[str]:
    """Every non-blank line written inside a solution block (skeleton lines excepted)."""
    return {line.strip() for c in nb.cells for b in _blocks(c) for line in b.solution} - {""}


def lines_outside_solutions(nb) -> set[str]:
    """Every line of the notebook outside its solution blocks, skeletons included."""
    found = set()
    for cell in nb.cells:
        lines = registry.cell_source(cell).splitlines()
        inside = {i for b in _blocks(cell) for i in range(b.begin, b.end + 1)}
        found |= {line.strip() for i, line in enumerate(lines) if i not in inside}
        found |= {line.strip() for b in _blocks(cell) for line in b.stub}
    return found


def student_text(nb) -> set[str]:
    """Every line a learner can read in a notebook: sources, outputs and metadata."""
    text = [registry.cell_source(c) for c in nb.cells]
    text += [json.dumps(c.get("outputs", []), ensure_ascii=False) for c in nb.cells]
    text.append(json.dumps(nb.get("metadata", {}), ensure_ascii=False).replace("\\n", "\n"))
    return {line.strip() for chunk in text for line in chunk.splitlines()}


def leaked_lines(source_nb, student_nb) -> list[str]:
    """Solution lines of ``source_nb`` that ``student_nb`` shows (and that appear nowhere
    outside the solutions, where a learner may legitimately see them)."""
    secret = solution_lines(source_nb) - lines_outside_solutions(source_nb)
    return sorted(secret & student_text(student_nb))


# ----------------------------------------------------------------------------- plain format


def test_plain_copy_stubs_each_kind_of_exercise(demo_course):
    notebooks, _ = demo_course
    source = demo(notebooks)
    student = strip_solutions(source)
    function, value = student.cells[3].source, student.cells[7].source
    assert function == (
        "def double(x):\n"
        '    """Twice x. x: a float -> a float."""\n'
        '    raise NotImplementedError("Exercise 98.1: write your answer here")'
    )
    assert value == 'sizes = {"units": ..., "steps": ...}'
    assert leaked_lines(source, student) == []
    assert BEGIN not in function + value and END not in function + value
    assert source.cells[3].source == FUNCTION_ANSWER, "the original must stay untouched"


def test_plain_copy_without_a_skeleton_and_with_two_blocks():
    source = (
        "import numpy as np\n# BEGIN SOLUTION\nsuspect = 'f'\n# END SOLUTION\nprint(1)\n"
        "if True:\n    # BEGIN SOLUTION\n    y = 2\n    # END SOLUTION"
    )
    nb = v4.new_notebook(cells=[v4.new_code_cell(source)])
    assert strip_solutions(nb).cells[0].source == (
        "import numpy as np\n...\nprint(1)\nif True:\n    ..."
    ), "top-level blocks (even indented ones) must not raise where they stand"


def test_plain_copy_clears_outputs_ci_comments_and_solution_links(demo_course):
    notebooks, _ = demo_course
    student = strip_solutions(demo(notebooks))
    assert all(
        not c.outputs and c.execution_count is None for c in student.cells if c.cell_type == "code"
    )
    assert "NBVAL" not in student.cells[5].source
    assert student.cells[5].source.startswith("my_double = solved(")
    header = student.cells[0].source
    assert "colab" not in header and "\n\n\n" not in header
    assert "[notebook 97](97_other.ipynb)" in header, "relative links point at student copies"


def test_plain_copy_repoints_badges_at_the_student_copies(demo_course):
    notebooks, _ = demo_course
    base = "https://colab.research.google.com/github/teacher/lstm-student/blob/main"
    header = strip_solutions(demo(notebooks), badge_base=base + "/").cells[0].source
    assert f"]({base}/98_demo.ipynb)" in header
    assert "github/owner/repo" not in header and "colab-badge.svg" in header


@pytest.mark.parametrize("base", ["colab.research.google.com/x", "https://a b", "ftp://x", ""])
def test_a_badge_base_must_be_an_http_address(demo_course, base):
    notebooks, _ = demo_course
    with pytest.raises(ValueError, match="badge_base must be the http"):
        strip_solutions(demo(notebooks), badge_base=base)


def test_plain_copy_records_roles_and_drops_grader_metadata(demo_course):
    notebooks, _ = demo_course
    student = strip_solutions(demo(notebooks))
    roles = {i: c.metadata.get("lstm_course", {}).get("role") for i, c in enumerate(student.cells)}
    assert {i: r for i, r in roles.items() if r} == {
        2: "prompt", 3: "answer", 4: "check", 6: "prompt", 7: "answer", 8: "check",
    }  # fmt: skip
    assert not any("nbgrader" in c.metadata for c in student.cells)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("# BEGIN SOLUTION\nx = 1", "without '# END SOLUTION'"),
        ("x = 1\n# END SOLUTION", "without '# BEGIN SOLUTION'"),
        ("# BEGIN SOLUTION\n# BEGIN SOLUTION", "opens '# BEGIN SOLUTION' twice"),
        (
            f"# BEGIN SOLUTION\nx = 1\n{STUB} x = ...\n# END SOLUTION",
            "lines after solution code",
        ),
    ],
    ids=["begin only", "end only", "begin twice", "late stub"],
)
def test_malformed_solution_blocks_are_refused(source, message):
    nb = v4.new_notebook(cells=[v4.new_code_cell(source)])
    with pytest.raises(ValueError, match=f"nb: cell 0 .*{re.escape(message)}"):
        strip_solutions(nb)


# ----------------------------------------------------------------------------- grader formats


def test_nbgrader_source_marks_solutions_the_way_its_config_expects(demo_course):
    notebooks, _ = demo_course
    nb = nbgrader_source(demo(notebooks))
    value = nb.cells[7].source.splitlines()
    assert value == ['sizes = {"units": ..., "steps": ...}', NBGRADER_BEGIN,
                     'sizes = {"units": 8, "steps": 10}', "### END SOLUTION"]  # fmt: skip
    assert "    " + NBGRADER_BEGIN in nb.cells[3].source
    grading = {
        i: c.metadata["nbgrader"] for i, c in enumerate(nb.cells) if "nbgrader" in c.metadata
    }
    assert sorted(grading) == [2, 3, 4, 6, 7, 8]
    assert grading[4]["points"] == 2 and grading[8]["points"] == 3 and grading[8]["grade"]
    assert grading[7]["solution"] and grading[7]["grade_id"] == "ex98_2_answer"
    assert not nb.cells[1].outputs and "NBVAL" not in nb.cells[5].source


def test_nbgrader_source_makes_a_stray_solution_a_solution_cell():
    nb = v4.new_notebook(cells=[v4.new_code_cell("# BEGIN SOLUTION\nx = 1\n# END SOLUTION")])
    [cell] = nbgrader_source(nb).cells
    assert cell.metadata["nbgrader"]["solution"] and cell.metadata["nbgrader"]["grade_id"]


def test_otter_master_has_config_questions_solutions_and_tests(demo_course):
    notebooks, _ = demo_course
    cells = otter_master(demo(notebooks), name="98_demo").cells
    raws = [c.source.splitlines()[0] for c in cells if c.cell_type == "raw"]
    assert raws == ["# ASSIGNMENT CONFIG", *(["# BEGIN QUESTION", "# BEGIN SOLUTION",
                    "# END SOLUTION", "# BEGIN TESTS", "# END TESTS", "# END QUESTION"] * 2)]  # fmt: skip
    config = cells[0].source
    assert "name: 98_demo" in config and "requirements: requirements.txt" in config
    questions = [c.source for c in cells if c.source.startswith("# BEGIN QUESTION")]
    assert questions == ["# BEGIN QUESTION\nname: ex98_1\npoints: 2",
                         "# BEGIN QUESTION\nname: ex98_2\npoints: 3"]  # fmt: skip
    test = next(c.source for c in cells if c.source.startswith("def test_ex98_1"))
    assert "exec('course_demo.check_double(double)', env)" in test
    value = next(c.source for c in cells if "sizes = {" in c.source and c.cell_type == "code")
    assert '"""  # BEGIN PROMPT\nsizes = {"units": ..., "steps": ...}' in value
    assert "# BEGIN SOLUTION NO PROMPT" in value


def test_otter_master_refuses_a_bad_name(demo_course):
    notebooks, _ = demo_course
    with pytest.raises(ValueError, match="name must be letters"):
        otter_master(demo(notebooks), name="../x")


# ----------------------------------------------------------------------------- writing, CLI


def test_each_format_writes_its_layout(demo_course, tmp_path):
    notebooks, _ = demo_course
    for fmt, expected in [
        ("plain", ["98_demo.ipynb"]),
        ("nbgrader", ["nbgrader_config.py", "source/98_demo/98_demo.ipynb"]),
        ("otter", ["98_demo.ipynb", "requirements.txt"]),
    ]:
        out = tmp_path / fmt
        write_student_notebooks(out, notebooks_dir=notebooks, format=fmt)
        assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == expected
    config = (tmp_path / "nbgrader" / "nbgrader_config.py").read_text(encoding="utf-8")
    assert '"### BEGIN SOLUTION"' in config and "code_stub" in config
    assert (tmp_path / "otter" / "requirements.txt").read_text(encoding="utf-8") == "lstm_course\n"


def test_otter_requirements_install_the_package_the_way_the_notebooks_do(tmp_path):
    nb = v4.new_notebook(
        cells=[v4.new_code_cell('pip("lstm_course @ git+https://github.com/a/b")')]
    )
    (tmp_path / "nb").mkdir()
    nbformat.write(nb, tmp_path / "nb" / "01_x.ipynb")
    write_student_notebooks(tmp_path / "out", notebooks_dir=tmp_path / "nb", format="otter")
    requirement = (tmp_path / "out" / "requirements.txt").read_text(encoding="utf-8")
    assert requirement == "lstm_course @ git+https://github.com/a/b\n"


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"format": "pdf"}, ValueError, "format must be one of"),
        ({"format": None}, TypeError, "format must be one of"),
        ({"badge_base": 3}, TypeError, "badge_base must be a str URL or None"),
        ({"force": "yes"}, TypeError, "force must be True or False"),
    ],
)
def test_write_refuses_bad_options_before_writing(demo_course, tmp_path, kwargs, error, message):
    notebooks, _ = demo_course
    with pytest.raises(error, match=message):
        write_student_notebooks(tmp_path / "out", notebooks_dir=notebooks, **kwargs)
    assert not (tmp_path / "out").exists()


def test_command_line_takes_out_dir_format_and_badge_base(demo_course, tmp_path, capsys):
    notebooks, _ = demo_course
    base = "https://example.org/student"
    args = ["student", str(tmp_path / "a"), "--notebooks", str(notebooks), "--badge-base", base]
    assert cli.main(args) == 0
    assert f"]({base}/98_demo.ipynb)" in read(tmp_path / "a" / "98_demo.ipynb").cells[0].source
    assert cli.main(["student", "--out", str(tmp_path / "b"), "--notebooks", str(notebooks)]) == 0
    args = ["student", str(tmp_path / "c"), "--format", "otter", "--notebooks", str(notebooks)]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "1 notebooks (otter)" in out and "otter assign 98_demo.ipynb dist/98_demo" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["student", "x", "--out", "y"], "give the output folder once"),
        (["student", "x", "--format", "pdf"], "invalid choice: 'pdf'"),
        (["student", "x", "--badge-base", "not a url"], "badge_base must be the http"),
        (["student", "x", "--badge-base"], "expected one argument"),
    ],
)
def test_command_line_refuses_with_exit_2(demo_course, capsys, argv, message):
    notebooks, _ = demo_course
    assert cli.main([*argv, "--notebooks", str(notebooks)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


# ----------------------------------------------------------------------------- the course


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_solution_text_in_any_student_copy(path):
    source = read(path)
    student = strip_solutions(source)
    assert leaked_lines(source, student) == []
    assert not [c for c in student.cells if c.cell_type == "code" and BEGIN in c.source]
    assert "colab.research.google.com/github" not in json.dumps(student.cells)


def _failing_cells(nb) -> dict[int, str]:
    """``{cell index: role or 'other'}`` of the cells whose run ended in an error."""
    return {
        index: cell.metadata.get("lstm_course", {}).get("role", "other")
        for index, cell in enumerate(nb.cells)
        if any(o.output_type == "error" for o in cell.get("outputs", []))
    }


def run_all(nb, folder: Path):
    """Run every cell in a fresh kernel, as "Run All" with errors allowed would."""
    NotebookClient(
        nb, kernel_name="python3", allow_errors=True, timeout=600,
        resources={"metadata": {"path": str(folder)}},
    ).execute()  # fmt: skip
    return nb


@pytest.mark.slow
def test_demo_student_copy_runs_to_the_end_with_only_checks_failing(demo_course, tmp_path):
    notebooks, _ = demo_course
    [path] = write_student_notebooks(tmp_path / "student", notebooks_dir=notebooks)
    nb = run_all(read(path), path.parent)
    assert _failing_cells(nb) == {4: "check", 8: "check"}
    assert "NotImplementedError" in nb.cells[4].outputs[0].evalue
    later = "".join(o.get("text", "") for o in nb.cells[5].outputs)
    assert "Exercise 98.1 is not solved yet" in later and "42" in later


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_student_notebook_runs_with_only_its_check_cells_failing(path, tmp_path):
    source = read(path)
    claimed = {place.answer for place in registry.find_exercises(source)}
    legacy = [
        i for i, c in enumerate(source.cells)
        if c.cell_type == "code" and BEGIN in c.source and i not in claimed
    ]  # fmt: skip
    if legacy and not nt.REQUIRE_V2:
        pytest.skip(f"{path.stem} is not in exercise format v2 yet (solution cells {legacy})")
    student = strip_solutions(source)
    failing = _failing_cells(run_all(student, path.parent))
    assert {i: role for i, role in failing.items() if role != "check"} == {}, (
        "only check cells may fail in a student notebook"
    )
