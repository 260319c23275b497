"""Exercise format v2's registry: declarations, fresh inputs per call, solved(), finding the
exercises in a notebook, the metadata the build writes, and how a wrong answer looks in Jupyter.

Exercises declared here use ids 98.x and are removed again after each test.
"""

import re

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from lstm_course.exercises import WrongAnswer, passed, registry
from lstm_course.exercises.registry import exercise, find_exercises, heading, solved

v4 = nbformat.v4


@pytest.fixture(autouse=True)
def scratch_registry():
    """Whatever a test declares or solves is forgotten afterwards."""
    declared, solved_before = dict(registry.load_all()), dict(registry._SOLVED)
    yield
    registry.EXERCISES.clear()
    registry.EXERCISES.update(declared)
    registry._SOLVED.clear()
    registry._SOLVED.update(solved_before)


def declare(exercise_id="98.1", *, points=2, difficulty=1, record=None):
    """A check that passes when the answer is 2·x for a random x (drawn from its rng)."""

    @exercise(exercise_id, "double a number", points=points, difficulty=difficulty,
              assesses="a function that returns twice its input")  # fmt: skip
    def check_double(double, rng):
        x = float(rng.normal())
        if record is not None:
            record.append(x)
        if not callable(double) or double(x) != 2 * x:
            raise WrongAnswer(exercise_id, "double(x) should be x + x")
        passed(exercise_id)

    return check_double


# ----------------------------------------------------------------------------- declaring


def test_a_declaration_records_the_exercise_and_fixes_its_heading():
    check = declare("98.1", points=2, difficulty=3)
    item = registry.EXERCISES["98.1"]
    assert check.exercise is item and item.check == "check_double"
    assert item.module == __name__ and (item.notebook, item.position) == (98, 1)
    assert item.grade_id == "ex98_1"
    assert heading(item) == "### Exercise 98.1 — double a number · ★★★ · 2 points"
    one_point = declare("98.2", points=1, difficulty=1).exercise
    assert heading(one_point).endswith("· ★ · 1 point")


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        (("2.3", "t"), {}, ValueError, "exercise_id must look like '02.3'"),
        (("98.1", "two\nlines"), {}, ValueError, "title must be a non-empty single line"),
        (("98.1", "t"), {"points": 0}, ValueError, r"points must be an int in \[1, 20\]"),
        (("98.1", "t"), {"difficulty": 4}, ValueError, r"difficulty must be an int in \[1, 3\]"),
        (("98.1", "t"), {"points": True}, TypeError, "points must be an int"),
        (("98.1", "t"), {"assesses": ""}, ValueError, "assesses must be a non-empty"),
    ],
)
def test_bad_declarations_are_refused(args, kwargs, error, message):
    options = {"points": 1, "difficulty": 1, "assesses": "x", **kwargs}
    with pytest.raises(error, match=message):
        exercise(*args, **options)


def test_one_id_cannot_name_two_checks():
    declare("98.1")

    def check_other(answer, rng):
        pass

    with pytest.raises(ValueError, match="exercise 98.1 is declared twice"):
        exercise("98.1", "t", points=1, difficulty=1, assesses="x")(check_other)


def test_heading_refuses_what_is_not_an_exercise():
    with pytest.raises(TypeError, match="item must be an Exercise"):
        heading("98.1")


# ----------------------------------------------------------------------------- checking


def test_each_call_draws_fresh_inputs_and_a_seed_repeats_a_draw(capsys):
    draws = []
    check = declare(record=draws)
    for _ in range(3):
        check(lambda x: 2 * x)
    assert len(set(draws)) == 3, "every call must test new inputs"
    check(lambda x: 2 * x, seed=7)
    check(lambda x: 2 * x, seed=7)
    assert draws[-1] == draws[-2]
    assert capsys.readouterr().out.count("✓ 98.1: correct.") == 5


def test_a_wrong_answer_names_the_call_that_repeats_its_draw():
    draws = []
    check = declare(record=draws)
    with pytest.raises(
        WrongAnswer, match=r"`check_double\(…, seed=\d+\)` repeats this draw"
    ) as info:
        check(lambda x: x)
    seed = int(re.search(r"seed=(\d+)", str(info.value)).group(1))
    with pytest.raises(WrongAnswer):
        check(lambda x: x, seed=seed)
    assert draws[0] == draws[1]


def test_a_bad_seed_is_refused():
    with pytest.raises(ValueError, match="seed must be an int"):
        declare()(lambda x: 2 * x, seed=-1)


# ----------------------------------------------------------------------------- solved()


def test_solved_gives_the_reference_with_a_note_until_the_check_passes(capsys):
    check = declare()
    assert solved("98.1", "reference") == "reference"
    note = capsys.readouterr().out
    assert note.count("\n") == 1 and "Exercise 98.1 is not solved yet" in note
    mine = lambda x: x + x  # noqa: E731
    check(mine)
    assert solved("98.1", "reference") is mine
    assert "not solved" not in capsys.readouterr().out


def test_a_later_failure_forgets_an_earlier_pass():
    check = declare()
    check(lambda x: 2 * x)
    with pytest.raises(WrongAnswer):
        check(lambda x: 3 * x)
    assert solved("98.1", "reference") == "reference"


def test_a_value_is_kept_as_it_was_when_it_passed():
    @exercise("98.3", "sizes", points=1, difficulty=1, assesses="a dict")
    def check_sizes(sizes, rng):
        if sizes != {"units": 8}:
            raise WrongAnswer("98.3", "units should be 8")

    sizes = {"units": 8}
    check_sizes(sizes)
    sizes["units"] = 3  # edited after it passed
    assert solved("98.3", None) == {"units": 8}


def test_solved_refuses_unknown_ids():
    with pytest.raises(ValueError, match="unknown exercise '97.9'"):
        solved("97.9", None)
    with pytest.raises(TypeError, match="exercise_id must be a str"):
        solved(2.3, None)


def test_load_all_imports_every_exercise_module_in_course_order():
    from pathlib import Path

    import lstm_course.exercises as package

    items = registry.load_all()
    modules = {
        p.stem for p in Path(package.__file__).parent.glob("*.py") if not p.stem.startswith("_")
    } - {"registry"}
    declared_in = {item.module.rsplit(".", 1)[-1] for item in items.values()}
    assert declared_in <= modules
    keys = [tuple(int(n) for n in i.split(".")) for i in items]
    assert keys == sorted(keys)


# ----------------------------------------------------------------------------- notebooks


def exercise_notebook(call="check_double(double)", answer=True):
    cells = [
        v4.new_markdown_cell("# 98 · demo"),
        v4.new_code_cell("import numpy as np"),
        v4.new_markdown_cell("### Exercise 98.1 — double a number · ★ · 2 points\n\nWrite it."),
        v4.new_code_cell(
            'def double(x):\n    """2x."""\n    # BEGIN SOLUTION\n    return 2 * x\n    # END SOLUTION'
            if answer
            else "double = None"
        ),
        v4.new_code_cell(call),
        v4.new_markdown_cell("## After"),
    ]
    return v4.new_notebook(cells=cells)


def test_find_exercises_locates_prompt_answer_and_check():
    declare()
    [place] = find_exercises(exercise_notebook())
    assert (place.item.id, place.prompt, place.answer, place.check) == ("98.1", 2, 3, 4)
    assert place.roles() == {2: "prompt", 3: "answer", 4: "check"}
    [place] = find_exercises(exercise_notebook(call="demo.check_double(double)"))
    assert place.check == 4


def test_find_exercises_without_an_answer_cell_or_a_declared_check():
    declare()
    [place] = find_exercises(exercise_notebook(answer=False))
    assert place.answer is None and place.prompt == 2
    assert find_exercises(exercise_notebook(call="print(double(2))")) == []
    assert find_exercises(exercise_notebook(call="%timeit double(2)")) == []


def test_find_exercises_refuses_what_is_not_a_notebook():
    with pytest.raises(TypeError, match="nb must be a notebook"):
        find_exercises({"cells": "x"})


def test_annotate_writes_nbgrader_metadata_roles_and_stable_ids():
    declare(points=3)
    nb = registry.annotate(exercise_notebook(), "98_demo")
    prompt, answer, check = (nb.cells[i].metadata for i in (2, 3, 4))
    assert answer["nbgrader"] == {
        "schema_version": 3, "grade": False, "solution": True, "locked": False,
        "task": False, "grade_id": "ex98_1_answer",
    }  # fmt: skip
    assert check["nbgrader"]["grade"] and check["nbgrader"]["locked"]
    assert check["nbgrader"]["points"] == 3 and check["nbgrader"]["grade_id"] == "ex98_1_check"
    assert prompt["nbgrader"]["locked"] and not prompt["nbgrader"]["solution"]
    assert [m["lstm_course"]["role"] for m in (prompt, answer, check)] == [
        "prompt", "answer", "check",
    ]  # fmt: skip
    assert "nbgrader" not in nb.cells[1].metadata
    ids = [c.id for c in nb.cells]
    assert len(set(ids)) == len(ids)
    assert ids == [c.id for c in registry.annotate(exercise_notebook(), "98_demo").cells]
    assert ids != [c.id for c in registry.annotate(exercise_notebook(), "97_other").cells]
    nbformat.validate(nb)


# ----------------------------------------------------------------------------- in Jupyter


def _kernel_notebook(*sources):
    nb = v4.new_notebook(cells=[v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def test_a_wrong_answer_shows_its_message_alone_and_still_fails_the_cell():
    raising = (
        "from lstm_course.exercises import WrongAnswer\nraise WrongAnswer('98.1', 'look at z < 0')"
    )
    nb = _kernel_notebook(raising, "print('next')")
    NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=120).execute()
    [error] = nb.cells[0].outputs
    assert error.output_type == "error" and error.ename == "WrongAnswer"
    plain = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in error.traceback]
    assert plain == ["Not yet — 98.1: look at z < 0"], "the message alone, no traceback"
    assert nb.cells[1].outputs[0].text == "next\n"
    with pytest.raises(CellExecutionError, match="look at z < 0"):  # still an error for graders
        NotebookClient(_kernel_notebook(raising), kernel_name="python3", timeout=120).execute()


def test_other_errors_keep_their_traceback():
    nb = _kernel_notebook("def f():\n    return 1 / 0\nf()")
    NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=120).execute()
    [error] = nb.cells[0].outputs
    assert error.ename == "ZeroDivisionError" and len(error.traceback) > 1


def test_wrong_answer_renders_its_message_for_ipython():
    err = WrongAnswer("98.1", "hint")
    err.add_reproduction("check(…, seed=3)")
    [line] = err._render_traceback_()
    assert "Not yet — 98.1: hint" in line and "seed=3" in line
    assert line.count("\n") == 1
