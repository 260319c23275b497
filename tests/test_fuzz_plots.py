"""Fuzz the diagrams of lstm_course.plots: every argument refused clearly or accepted.

Each call draws into fresh axes of a Figure that pyplot does not manage (``setup``), so
hundreds of calls leave no open figures behind. Figures don't compare by value, so the
targets are ``deterministic=False``; tests/test_plots.py checks the drawings themselves.
"""

from __future__ import annotations

import pytest
from fuzzing import FuzzTarget, assert_fuzz_clean
from matplotlib.figure import Figure

from lstm_course import plots


def _fresh_axes():
    return Figure(figsize=(7, 3.5)).add_subplot()


def _with_fresh_axes(**kwargs):
    return lambda: {**kwargs, "ax": _fresh_axes()}


CELL = {"highlight": "forget", "title": "The forget gate"}
UNROLLED = {"steps": 4, "highlight": "c_path", "gradients": True, "title": "Two streams"}

TARGETS = [
    FuzzTarget(
        plots.lstm_cell_diagram,
        {**CELL, "ax": _fresh_axes()},
        setup=_with_fresh_axes(**CELL),
        # None: everything in colour, its own figure, no title; a list names several parts.
        accept={"highlight": {"None", "a list"}, "ax": {"None"}, "title": {"None"}},
        bad={
            "highlight": [
                ("unknown part", "gate"),
                ("empty list", []),
                ("a set with a number", {"forget", 3}),
                ("an unrolled path", "c_path"),
            ],
            "ax": [("a Figure", Figure())],
        },
        deterministic=False,
    ),
    FuzzTarget(
        plots.unrolled_diagram,
        {**UNROLLED, "ax": _fresh_axes()},
        setup=_with_fresh_axes(**UNROLLED),
        accept={"highlight": {"None"}, "ax": {"None"}, "title": {"None"}},
        bad={
            "steps": [("one", 1), ("nine", 9)],
            "highlight": [("a gate", "forget"), ("capitals", "C_path")],
            "ax": [("a Figure", Figure())],
        },
        deterministic=False,
    ),
]


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_bad_inputs_get_clear_errors(target):
    assert_fuzz_clean(target)
