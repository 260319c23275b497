"""Notebook 08's exercise checks: the stub, None and plausible wrong answers fail; solutions pass."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_course.exercises import WrongAnswer
from lstm_course.exercises import video as ex

SEEDS = [0, 1, 2, 3, 4]


def stub(*args):
    raise NotImplementedError


# --- 08.1 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_bag_of_frames_passes_the_solution(seed, capsys):
    ex.check_bag_of_frames(lambda f: np.mean(f, axis=1), seed=seed)
    assert "✓ 08.1" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "match"),
    [
        (stub, "NotImplementedError"),
        (lambda f: None, "is None"),
        (lambda f: f.mean(axis=0), "batch axis"),
        (lambda f: f.mean(axis=2), "feature axis"),
        (lambda f: f.sum(axis=1), "you summed the frames"),
        (lambda f: f[:, -1], "last frame alone"),
        (lambda f: f[:, 0], "first frame alone"),
        (lambda f: f.max(axis=1), "largest value over frames"),
        (lambda f: np.median(f, axis=1), "differs most"),
        (lambda f: "mean", "array of numbers"),
    ],
)
def test_bag_of_frames_rejects(answer, match):
    with pytest.raises(WrongAnswer, match=match):
        ex.check_bag_of_frames(answer, seed=0)


# --- 08.2 -------------------------------------------------------------------------------------


def solution_delays(predicted, true, horizon):
    delays = []
    for start in np.flatnonzero(np.diff(true)) + 1:
        hits = np.flatnonzero(predicted[start : start + horizon] == true[start])
        delays.append(hits[0] if len(hits) else horizon)
    return delays


@pytest.mark.parametrize("seed", SEEDS)
def test_change_delays_passes_the_solution(seed, capsys):
    ex.check_change_delays(solution_delays, seed=seed)
    assert "✓ 08.2" in capsys.readouterr().out


def plus_one(predicted, true, horizon):
    return [d + 1 for d in solution_delays(predicted, true, horizon)]


def with_first_frame(predicted, true, horizon):
    return [0, *solution_delays(predicted, true, horizon)]


def minus_one_when_missed(predicted, true, horizon):
    return [-1 if d == horizon else d for d in solution_delays(predicted, true, horizon)]


def unlimited(predicted, true, horizon):
    return solution_delays(predicted, true, len(true))


def from_the_old_label(predicted, true, horizon):
    delays = []
    for start in np.flatnonzero(np.diff(true)) + 1:
        hits = np.flatnonzero(predicted[start : start + horizon] != true[start - 1])
        delays.append(hits[0] if len(hits) else horizon)
    return delays


@pytest.mark.parametrize(
    ("answer", "match"),
    [
        (stub, "NotImplementedError"),
        (lambda p, t, h: None, "is None"),
        (plus_one, "off by one"),
        (with_first_frame, "one delay too many"),
        (minus_one_when_missed, "counts as `horizon`"),
        (unlimited, "search only `horizon` frames"),
        (from_the_old_label, "differs most"),
        (lambda p, t, h: [h] * 3, "shape"),
    ],
)
def test_change_delays_rejects(answer, match):
    with pytest.raises(WrongAnswer, match=match):
        for seed in SEEDS:  # some mistakes only show on some streams
            ex.check_change_delays(answer, seed=seed)


# --- 08.3 -------------------------------------------------------------------------------------


def solution_influence(predict, frames):
    base = predict(frames)
    table = np.zeros((len(frames), len(frames)), dtype=bool)
    for s in range(len(frames)):
        probe = frames.copy()
        probe[s] = probe[s] + 1.0
        table[:, s] = np.abs(predict(probe) - base).reshape(len(frames), -1).max(axis=1) > 0
    return table


@pytest.mark.parametrize("seed", SEEDS)
def test_influence_passes_the_solution(seed, capsys):
    ex.check_influence(solution_influence, seed=seed)
    assert "✓ 08.3" in capsys.readouterr().out


def transposed(predict, frames):
    return solution_influence(predict, frames).T


def assumed_causal(predict, frames):
    return np.tril(solution_influence(predict, frames))


def never_restored(predict, frames):
    """Perturbs the same array again and again: later probes carry earlier changes."""
    base = predict(frames)
    probe = frames.copy()
    table = np.zeros((len(frames), len(frames)), dtype=int)
    for s in range(len(frames)):
        probe[s] += 1.0
        table[:, s] = np.abs(predict(probe) - base).reshape(len(frames), -1).max(axis=1) > 0
    return table


def whole_output(predict, frames):
    base = predict(frames)
    table = np.zeros((len(frames), len(frames)), dtype=int)
    for s in range(len(frames)):
        probe = frames.copy()
        probe[s] += 1.0
        table[:, s] = np.abs(predict(probe) - base).max() > 0
    return table


def zero_change(predict, frames):
    return solution_influence(predict, frames) * 0


@pytest.mark.parametrize(
    ("answer", "match"),
    [
        (stub, "NotImplementedError"),
        (lambda p, f: None, "is None"),
        (transposed, "transposed"),
        (assumed_causal, "without being measured"),
        (never_restored, "differs most"),
        (whole_output, "every entry is 1|differs most"),
        (zero_change, "every entry is 0"),
        (lambda p, f: np.eye(len(f)), "differs most|every entry|without being measured"),
    ],
)
def test_influence_rejects(answer, match):
    with pytest.raises(WrongAnswer, match=match):
        for seed in SEEDS:
            ex.check_influence(answer, seed=seed)
