"""Checks for notebook 12 (speech): every call draws fresh inputs from ``rng``."""

from __future__ import annotations

import numpy as np

from lstm_course._checks import describe
from lstm_course.exercises import WrongAnswer, call_answer, passed
from lstm_course.exercises.registry import exercise

# --- reference answers and the typical mistakes ---------------------------------------------


def _collapse(path, blank: int = 0) -> list:
    """Merge runs of the same class, then drop blanks."""
    out, previous = [], None
    for label in path:
        if label != previous and label != blank:
            out.append(int(label))
        previous = label
    return out


def _edit_distance(reference, hypothesis) -> int:
    """Levenshtein distance by dynamic programming (one row at a time)."""
    row = list(range(len(hypothesis) + 1))
    for i, r in enumerate(reference, 1):
        diagonal, row[0] = row[0], i
        for j, h in enumerate(hypothesis, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (r != h))
    return row[-1]


def _count_alignments(labels, frames: int, *, skip_repeats: bool = False, end_blank=True) -> int:
    """Paths of ``frames`` classes that collapse to ``labels`` (blank = 0), by dynamic programming.

    ``skip_repeats`` and ``end_blank=False`` give two classic mistakes: allowing a jump over
    the blank between two equal labels, and forgetting that a path may end on a blank.
    """
    states = [0]
    for c in labels:
        states += [int(c), 0]
    if frames == 0:
        return int(not labels)
    ways = [0] * len(states)
    ways[0] = 1
    if len(states) > 1:
        ways[1] = 1
    for _ in range(frames - 1):
        new = list(ways)
        for s in range(1, len(states)):
            new[s] += ways[s - 1]
            jump = states[s] != 0 and (skip_repeats or states[s] != states[s - 2])
            if s >= 2 and jump:
                new[s] += ways[s - 2]
        ways = new
    if len(states) == 1:
        return ways[0]
    return ways[-2] + (ways[-1] if end_blank else 0)


def _as_int_list(exercise: str, got, what: str) -> list:
    """The answer as a list of ints (a list, tuple or 1-D integer array)."""
    if got is None:
        raise WrongAnswer(exercise, f"{what} is None — did you forget to `return` it?")
    if isinstance(got, (str, bytes, dict, bool)) or not hasattr(got, "__len__"):
        raise WrongAnswer(
            exercise, f"{what} should be a list of class numbers, got {describe(got)}"
        )
    out = []
    for item in got:
        if isinstance(item, (bool, np.bool_)) or not isinstance(item, (int, np.integer)):
            raise WrongAnswer(
                exercise, f"{what} should hold whole class numbers, got an item {describe(item)}"
            )
        out.append(int(item))
    return out


def _as_count(exercise: str, got, what: str) -> int:
    if got is None:
        raise WrongAnswer(exercise, f"{what} is None — did you forget to `return` it?")
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, np.integer)):
        if isinstance(got, (float, np.floating)) and float(got).is_integer():
            return int(got)
        raise WrongAnswer(exercise, f"{what} should be a whole number, got {describe(got)}")
    return int(got)


# --- 12.1: collapse a CTC path ----------------------------------------------------------------

NAME_1 = "collapse a CTC path"


def _random_path(rng, classes: int = 4) -> list:
    """A path with runs, blanks (0) and a repeated label separated by a blank."""
    runs = rng.integers(0, classes, int(rng.integers(3, 9)))
    path = [int(c) for c in runs for _ in range(int(rng.integers(1, 4)))]
    a = int(rng.integers(1, classes))
    return path + [a, a, 0, a]  # "a a blank a" must give two a's


@exercise(
    "12.1",
    "collapse a CTC path",
    points=2,
    difficulty=1,
    assesses="the CTC many-to-one map: merge repeated classes first, then remove blanks",
)
def check_collapse(collapse, rng) -> None:
    """``collapse(path)`` -> list: the labels a frame-by-frame path of classes stands for."""
    for _ in range(6):
        path = _random_path(rng)
        got = _as_int_list(NAME_1, call_answer(NAME_1, collapse, list(path)), "collapse(path)")
        expected = _collapse(path)
        if got == expected:
            continue
        no_blanks = [c for c in path if c != 0]
        mistakes = {
            "you removed the blanks before merging repeats: a blank between two equal labels "
            "keeps them apart ('1 _ 1' is '11')": _collapse(no_blanks),
            "merge runs of the same class: '3 3 3' is one 3": no_blanks,
            "remove the blanks (class 0) too": _collapse(path, blank=-1),
            "merge only neighbours that are equal, don't drop every repeat of a label": list(
                dict.fromkeys(no_blanks)
            ),
        }
        for hint, wrong in mistakes.items():
            if got == wrong:
                raise WrongAnswer(NAME_1, f"for path {path}: {hint}")
        raise WrongAnswer(NAME_1, f"collapse({path}) should be {expected}, got {got}")
    passed(NAME_1, "Many paths, one transcript: that many-to-one map is what CTC sums over.")


# --- 12.2: edit distance ----------------------------------------------------------------------

NAME_2 = "edit distance"


def _hamming_plus(a: str, b: str) -> int:
    return sum(x != y for x, y in zip(a, b, strict=False)) + abs(len(a) - len(b))


def _indel_only(a: str, b: str) -> int:
    longest = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a)):
        for j in range(len(b)):
            longest[i + 1][j + 1] = (
                longest[i][j] + 1 if a[i] == b[j] else max(longest[i][j + 1], longest[i + 1][j])
            )
    return len(a) + len(b) - 2 * longest[-1][-1]


@exercise(
    "12.2",
    "edit distance",
    points=3,
    difficulty=2,
    assesses="Levenshtein distance by dynamic programming: substitutions, insertions, deletions",
)
def check_edit_distance(edit_distance, rng) -> None:
    """``edit_distance(reference, hypothesis)`` -> int, for two digit strings."""
    pairs = [("381", "31"), ("12", "21"), ("", "55"), ("7", "7")]
    for _ in range(8):
        a = "".join(map(str, rng.integers(0, 4, int(rng.integers(1, 8)))))
        b = list(a)
        for _ in range(int(rng.integers(1, 4))):  # a few random edits
            kind, where = int(rng.integers(3)), int(rng.integers(len(b) + 1))
            if kind == 0:
                b.insert(where, str(rng.integers(0, 4)))
            elif b and kind == 1:
                b.pop(min(where, len(b) - 1))
            elif b:
                b[min(where, len(b) - 1)] = str(rng.integers(0, 4))
        pairs.append((a, "".join(b)))
    for a, b in pairs:
        got = _as_count(NAME_2, call_answer(NAME_2, edit_distance, a, b), "edit_distance(a, b)")
        expected = _edit_distance(a, b)
        if got == expected:
            continue
        where = f"edit_distance({a!r}, {b!r}) should be {expected}, got {got}"
        if got == _hamming_plus(a, b):
            raise WrongAnswer(
                NAME_2, f"{where}: comparing position by position misses insertions and "
                "deletions that shift everything after them; use the dynamic programme"
            )  # fmt: skip
        if got == _indel_only(a, b):
            raise WrongAnswer(
                NAME_2, f"{where}: a substitution costs 1, not a deletion plus an insertion"
            )
        if got == abs(len(a) - len(b)):
            raise WrongAnswer(NAME_2, f"{where}: the length difference is only a lower bound")
        raise WrongAnswer(NAME_2, where)
    passed(NAME_2, "Divide by the reference's length and you have the digit error rate.")


# --- 12.3: count CTC alignments ----------------------------------------------------------------

NAME_3 = "count CTC alignments"


@exercise(
    "12.3",
    "how many paths does CTC sum over?",
    points=5,
    difficulty=3,
    assesses="the CTC lattice: blanks between labels, repeats needing a blank, start and end "
    "states, counted by dynamic programming (the forward algorithm with all weights 1)",
)
def check_count_alignments(count_alignments, rng) -> None:
    """``count_alignments(labels, frames)`` -> int: paths of ``frames`` classes collapsing to labels."""
    cases = [([1], 1), ([1], 2), ([1, 1], 2), ([1, 1], 3), ([1, 2], 3)]
    for _ in range(6):
        labels = [int(c) for c in rng.integers(1, 4, int(rng.integers(1, 4)))]
        cases.append((labels, int(rng.integers(len(labels), 2 * len(labels) + 4))))
    for labels, frames in cases:
        got = call_answer(NAME_3, count_alignments, list(labels), frames)
        got = _as_count(NAME_3, got, "count_alignments(labels, frames)")
        expected = _count_alignments(labels, frames)
        if got == expected:
            continue
        where = f"count_alignments({labels}, {frames}) should be {expected}, got {got}"
        if got == _count_alignments(labels, frames, skip_repeats=True):
            raise WrongAnswer(
                NAME_3, f"{where}: two equal labels in a row need a blank between them, so the "
                "jump from one to the next may not skip the blank"
            )  # fmt: skip
        if got == _count_alignments(labels, frames, end_blank=False):
            raise WrongAnswer(NAME_3, f"{where}: a path may also end on a trailing blank")
        if got == _count_alignments(labels, frames, end_blank=False) * 2:
            raise WrongAnswer(NAME_3, f"{where}: count each path once")
        raise WrongAnswer(NAME_3, where)
    passed(NAME_3, "CTC's loss adds up the probabilities of all these paths, at this cost.")
