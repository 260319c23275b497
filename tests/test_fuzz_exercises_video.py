"""Fuzz notebook 08's exercise checks (wrong answers of every kind get a hint, never a crash)
and the public reference the notebook reuses (bad inputs get a clear TypeError/ValueError).

The same harness as ``tests/test_fuzz_exercises.py``; kept in its own file so that notebook
08's checks are registered by the module that owns them.
"""

from __future__ import annotations

import numpy as np
import pytest
from fuzzing import FuzzTarget, assert_fuzz_clean, assert_right_on_every_draw

from lstm_course.exercises import WrongAnswer
from lstm_course.exercises import video as ex


def _raise(error):
    def answer(*args, **kwargs):
        raise error

    return answer


def _returning(value):
    return lambda *args, **kwargs: value


BAD_FUNCTIONS = [
    ("raises ValueError", _raise(ValueError("boom"))),
    ("raises NotImplementedError", _raise(NotImplementedError())),
    ("returns None", _returning(None)),
    ("returns a string", _returning("abc")),
    ("returns a dict", _returning({"a": 1})),
    ("returns True", _returning(True)),
    ("returns NaN", _returning(float("nan"))),
    ("returns an empty array", _returning(np.empty(0))),
    ("returns a 3-D array", _returning(np.ones((2, 3, 4)))),
    ("returns a string array", _returning(np.array(["x", "y"]))),
    ("returns an object array", _returning(np.array([object()] * 3, dtype=object))),
    ("returns a bool array", _returning(np.array([True, False]))),
    ("returns a complex array", _returning(np.ones(3) * 1j)),
    ("returns a ragged list", _returning([[1.0], [1.0, 2.0]])),
    ("returns a list of None", _returning([None, None, None])),
    ("returns a generator", lambda *args, **kwargs: (i for i in range(3))),
    ("returns its first argument", lambda *args, **kwargs: args[0]),
    ("returns all its arguments", lambda *args, **kwargs: args),
]


def _influence(predict, frames):
    base = predict(frames)
    table = np.zeros((len(frames), len(frames)), dtype=int)
    for s in range(len(frames)):
        probe = frames.copy()
        probe[s] += 1.0
        table[:, s] = np.abs(predict(probe) - base).reshape(len(frames), -1).max(axis=1) > 0
    return table


RIGHT = {
    ex.check_bag_of_frames: lambda f: f.mean(axis=1),
    ex.check_change_delays: ex.reference_change_delays,
    ex.check_influence: _influence,
}


def _target(check) -> FuzzTarget:
    def call(answer):  # the v2 wrapper takes the answer positionally, as learners pass it
        return check(answer)

    call.__qualname__, call.__module__, call.__name__ = (
        check.__qualname__,
        check.__module__,
        check.__name__,
    )
    return FuzzTarget(
        call,
        {"answer": RIGHT[check]},
        bad={"answer": BAD_FUNCTIONS},
        aliases={"answer": ("not yet",)},
        errors=(WrongAnswer,),
        deterministic=False,  # fresh random inputs on every call
    )


TARGETS = [
    *(_target(check) for check in RIGHT),
    FuzzTarget(
        ex.reference_change_delays,
        {"predicted": np.array([0, 0, 1, 1, 2]), "true": np.array([0, 1, 1, 2, 2]), "horizon": 2},
        bad={
            "predicted": [("another length", np.array([0, 1])), ("fractions", np.full(5, 0.5))],
            "true": [("fractions", np.full(5, 1.5))],
            "horizon": [("zero", 0)],
        },
        aliases={"predicted": ("same length",)},
    ),
    FuzzTarget(
        ex.reference_influence,
        {"predict": np.tanh, "frames": np.arange(16.0).reshape(4, 2, 2, 1)},
        bad={
            "predict": [("one output for all", lambda f: np.ones(2))],
            "frames": [("one frame as a row", np.ones(3))],
        },
    ),
]


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_bad_inputs_get_clear_errors(target, capsys):
    assert_fuzz_clean(target)


@pytest.mark.parametrize(("check", "right"), list(RIGHT.items()), ids=lambda v: v.__name__)
def test_right_answers_pass_on_every_draw(check, right):
    assert_right_on_every_draw(check, right)
