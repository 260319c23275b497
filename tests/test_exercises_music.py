"""The self-checks of notebook 07: right answers pass on many draws; wrong ones get their hint."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_course.exercises import WrongAnswer
from lstm_course.exercises import music as ex
from lstm_course.exercises.registry import EXERCISES, heading
from lstm_course.sampling import tempered_probabilities

SEEDS = range(5)


def stub(*args, **kwargs):
    raise NotImplementedError("Exercise: write your answer here")


def returns_none(*args, **kwargs):
    return None


def test_the_three_exercises_are_declared_with_their_metadata():
    items = {k: v for k, v in EXERCISES.items() if k.startswith("07.")}
    assert sorted(items) == ["07.1", "07.2", "07.3"]
    assert [items[k].difficulty for k in sorted(items)] == [2, 2, 3]
    assert items["07.1"].check == "check_fit_flips" and items["07.2"].check == "check_tempered"
    assert heading(items["07.3"]) == "### Exercise 07.3 — continue a piece · ★★★ · 5 points"


def test_every_heading_is_in_the_notebook():
    from tools.notebooks import SOURCES

    text = (SOURCES / "07_music.py").read_text(encoding="utf-8")
    for key, item in EXERCISES.items():
        if key.startswith("07."):
            assert f"# %% [markdown]\n# {heading(item)}\n" in text


# --- 07.2 (temperature) -----------------------------------------------------------------------------------


def tempered(probabilities, temperature):
    p = np.clip(probabilities, 1e-12, 1 - 1e-12)
    return 1 / (1 + np.exp(-np.log(p / (1 - p)) / temperature))


def tempered_unclipped(probabilities, temperature):
    with np.errstate(divide="ignore"):
        logits = np.log(probabilities) - np.log(1 - probabilities)
    return 1 / (1 + np.exp(-logits / temperature))


def _logit(p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return np.log(p / (1 - p))


@pytest.mark.parametrize("seed", SEEDS)
def test_tempered_right_answers_pass(seed, capsys):
    ex.check_tempered(tempered, seed=seed)
    ex.check_tempered(tempered_unclipped, seed=seed)
    ex.check_tempered(lambda p, t: tempered(p, t).astype(np.float32), seed=seed)
    assert capsys.readouterr().out.count("✓ temperature for Bernoulli outputs: correct") == 3


def _softmax_over_keys(p, t):
    scaled = np.exp(np.log(np.clip(p, 1e-12, 1)) / t)
    return scaled / scaled.sum(axis=-1, keepdims=True)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda p, t: np.clip(p, 0, 1) ** (1 / t), "power 1/T"),
        (lambda p, t: 1 / (1 + np.exp(-_logit(p) * t)), "multiplied the log-odds"),
        (lambda p, t: p, "changed nothing"),
        (_softmax_over_keys, "own coin"),
        (lambda p, t: 1 / (1 + np.exp(-p / t)), r"not to p / T"),
        (lambda p, t: _logit(p) / t, "these are log-odds"),
        (lambda p, t: np.clip(p / t, 0, 1), "can exceed 1"),
        (lambda p, t: (tempered(p, t) > 0.5).astype(float), "not 0/1 samples"),
        (lambda p, t: tempered(p, t)[0], "has shape"),
        (lambda p, t: tempered(p, t) * 0.9, "differs most"),
        (stub, "NotImplementedError"),
        (returns_none, "forget to `return`"),
    ],
    ids=[
        "power",
        "multiply",
        "ignored",
        "softmax",
        "no-logit",
        "log-odds",
        "divide-p",
        "samples",
        "shape",
        "scaled",
        "stub",
        "none",
    ],
)
def test_tempered_wrong_answers_get_their_hint(answer, hint):
    for seed in SEEDS:
        with pytest.raises(WrongAnswer, match=hint):
            ex.check_tempered(answer, seed=seed)


# --- 07.1 (flips) -----------------------------------------------------------------------------------


def _counts(rolls, *, concatenate=False, from_silence=True):
    if concatenate:
        rolls = [np.vstack(rolls)]
    counts = np.zeros((88, 2, 2))
    for roll in rolls:
        before = np.vstack([np.zeros((1, 88)), roll[:-1]]) if from_silence else roll[:-1]
        now = roll if from_silence else roll[1:]
        for was in (0, 1):
            for on in (0, 1):
                counts[:, was, on] += ((before == was) & (now == on)).sum(axis=0)
    return counts


def fit_flips(rolls):
    counts = _counts(rolls)
    return (counts[:, :, 1] + 1) / (counts.sum(axis=2) + 2)


def fit_flips_vectorised(rolls):
    before = np.vstack([np.vstack([np.zeros((1, 88)), r[:-1]]) for r in rolls])
    now = np.vstack(rolls)
    on_after_off = ((before == 0) & (now == 1)).sum(0)
    on_after_on = ((before == 1) & (now == 1)).sum(0)
    off_before, on_before = (before == 0).sum(0), (before == 1).sum(0)
    return np.stack([(on_after_off + 1) / (off_before + 2), (on_after_on + 1) / (on_before + 2)], 1)


@pytest.mark.parametrize("seed", SEEDS)
def test_fit_flips_right_answers_pass(seed, capsys):
    ex.check_fit_flips(fit_flips, seed=seed)
    ex.check_fit_flips(fit_flips_vectorised, seed=seed)
    ex.check_fit_flips(lambda rolls: fit_flips(rolls).tolist(), seed=seed)
    assert capsys.readouterr().out.count("✓ learned flip probabilities: correct") == 3


def _unsmoothed(rolls):
    counts = _counts(rolls)
    with np.errstate(invalid="ignore", divide="ignore"):
        return counts[:, :, 1] / counts.sum(axis=2)


def _pooled(rolls):
    counts = _counts(rolls).sum(axis=0, keepdims=True)
    return np.repeat((counts[:, :, 1] + 1) / (counts.sum(axis=2) + 2), 88, axis=0)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda rolls: fit_flips(rolls)[:, ::-1], "swapped"),
        (lambda rolls: 1 - fit_flips(rolls), "chances of being OFF"),
        (
            lambda rolls: (lambda c: (c[:, :, 1] + 1) / (c.sum(axis=2) + 2))(
                _counts(rolls, concatenate=True)
            ),
            "across pieces",
        ),
        (
            lambda rolls: (lambda c: (c[:, :, 1] + 1) / (c.sum(axis=2) + 2))(
                _counts(rolls, from_silence=False)
            ),
            "follows a silent frame",
        ),
        (
            lambda rolls: (lambda c: (c[:, :, 1] + 1) / (c.sum(axis=2) + 1))(_counts(rolls)),
            "two pseudo-counts",
        ),
        (_pooled, "each key on its own"),
        (_unsmoothed, "smooth the counts"),
        (lambda rolls: fit_flips(rolls).T, r"transpose it"),
        (lambda rolls: fit_flips(rolls)[:, 0], "has shape"),
        (stub, "NotImplementedError"),
        (returns_none, "forget to `return`"),
    ],
    ids=[
        "swapped",
        "off",
        "concatenated",
        "no-silence",
        "one-pseudo",
        "pooled",
        "unsmoothed",
        "transposed",
        "one-column",
        "stub",
        "none",
    ],
)
def test_fit_flips_wrong_answers_get_their_hint(answer, hint):
    for seed in SEEDS:
        with pytest.raises(WrongAnswer, match=hint):
            ex.check_fit_flips(answer, seed=seed)


# --- 07.3 -----------------------------------------------------------------------------------


def continue_piece(step, primer, steps, temperature, rng):
    state, p = None, None
    for frame in primer:
        p, state = step(frame, state)
    frames = []
    for _ in range(steps):
        frame = (rng.random(88) < tempered(p, temperature)).astype(float)
        frames.append(frame)
        p, state = step(frame, state)
    return np.array(frames)


def continue_piece_no_last_call(step, primer, steps, temperature, rng):
    state = None
    for frame in primer:
        p, state = step(frame, state)
    out = np.zeros((steps, 88))
    for t in range(steps):
        out[t] = rng.random(88) < tempered_probabilities(p, temperature)
        if t + 1 < steps:
            p, state = step(out[t], state)
    return out


@pytest.mark.parametrize("seed", SEEDS)
def test_continue_piece_right_answers_pass(seed, capsys):
    ex.check_continue_piece(continue_piece, seed=seed)
    ex.check_continue_piece(continue_piece_no_last_call, seed=seed)
    assert capsys.readouterr().out.count("✓ continue a piece: correct") == 2


def make_wrong(
    *, temper=tempered, sample=None, feed="sample", prime="all", thread=True, keep_primer=False
):
    """A continue_piece with one mistake."""

    def answer(step, primer, steps, temperature, rng):
        state, p = None, None
        frames_to_prime = primer if prime == "all" else primer[-1:]
        for frame in frames_to_prime:
            p, state = step(frame, state if thread else None)
        frames = []
        for _ in range(steps):
            q = temper(p, temperature)
            frame = sample(q, rng) if sample else (rng.random(88) < q).astype(float)
            frames.append(frame)
            p, state = step(q if feed == "probabilities" else frame, state if thread else None)
        out = np.array(frames)
        return np.vstack([primer, out]) if keep_primer else out

    return answer


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (make_wrong(temper=lambda p, t: p), "temperature was not applied"),
        (make_wrong(temper=lambda p, t: 1 / (1 + np.exp(-_logit(p) * t))), "wrong way round"),
        (make_wrong(temper=lambda p, t: p ** (1 / t)), "power 1/T"),
        (make_wrong(sample=lambda q, rng: (q > 0.5).astype(float)), "instead of sampling"),
        (make_wrong(sample=lambda q, rng: (rng.random() < q).astype(float)), "switch on together"),
        (
            make_wrong(sample=lambda q, rng: (np.random.random(88) < q).astype(float)),  # noqa: NPY002
            "from the rng argument",
        ),
        (make_wrong(feed="probabilities"), "not the probabilities"),
        (make_wrong(prime="last"), "feed every primer frame"),
        (make_wrong(thread=False), "state was not passed on"),
        (make_wrong(keep_primer=True), "without the primer"),
        (stub, "NotImplementedError"),
        (returns_none, "forget to `return`"),
    ],
    ids=[
        "no-temperature",
        "inverted",
        "power",
        "greedy",
        "shared-coin",
        "global-random",
        "feeds-probabilities",
        "last-primer-only",
        "no-state",
        "with-primer",
        "stub",
        "none",
    ],
)
def test_continue_piece_wrong_answers_get_their_hint(answer, hint):
    for seed in SEEDS:
        with pytest.raises(WrongAnswer, match=hint):
            ex.check_continue_piece(answer, seed=seed)


def test_sampling_the_first_frame_before_the_last_primer_frame_is_caught():
    def early(step, primer, steps, temperature, rng):
        state, p = None, None
        for frame in primer[:-1]:
            p, state = step(frame, state)
        frames = []
        for _ in range(steps):
            frame = (rng.random(88) < tempered(p, temperature)).astype(float)
            frames.append(frame)
            p, state = step(frame, state)
        return np.array(frames)

    for seed in SEEDS:
        with pytest.raises(WrongAnswer, match="primer"):
            ex.check_continue_piece(early, seed=seed)
