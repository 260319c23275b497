"""The self-checks of notebook 09: right answers pass on many draws; wrong ones get their hint."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_course import charlm, ngram
from lstm_course.exercises import WrongAnswer
from lstm_course.exercises import language_model as ex
from lstm_course.exercises.registry import EXERCISES, heading

SEEDS = range(6)


def test_the_three_exercises_are_declared_with_their_metadata():
    items = {k: v for k, v in EXERCISES.items() if k.startswith("09.")}
    assert sorted(items) == ["09.1", "09.2", "09.3"]
    assert [items[k].difficulty for k in sorted(items)] == [1, 3, 2]


def test_every_heading_is_in_the_notebook():
    from tools.notebooks import SOURCES

    text = (SOURCES / "09_language_model.py").read_text(encoding="utf-8")
    for key, item in EXERCISES.items():
        if key.startswith("09."):
            assert f"# %% [markdown]\n# {heading(item)}\n" in text


def right_bits(p):
    bits = float(-np.mean(np.log2(p)))
    return bits, 2**bits


@pytest.mark.parametrize("seed", SEEDS)
def test_right_answers_pass(seed):
    ex.check_bits_and_perplexity(right_bits, seed=seed)
    ex.check_bigram_bpc(ngram.bigram_bpc, seed=seed)
    ex.check_tempered_softmax(charlm.softmax, seed=seed)


@pytest.mark.parametrize(
    "answer, hint",
    [
        (lambda p: (float(-np.mean(np.log(p))), 0.0), "nats"),
        (lambda p: (float(np.mean(np.log2(p))), 0.0), "sign"),
        (lambda p: (float(-np.log2(np.mean(p))), 0.0), "average the surprises"),
        (lambda p: (right_bits(p)[0], float(np.exp(right_bits(p)[0]))), "2 \\*\\* bits"),
        (lambda p: right_bits(p)[0], "tuple"),
    ],
)
def test_bits_mistakes_get_their_hint(answer, hint):
    with pytest.raises(WrongAnswer, match=hint):
        ex.check_bits_and_perplexity(answer, seed=1)


def _bigram(train, test, v, alpha, *, log=np.log2, axis=1, va=True, swap=False, on=None):
    on = train if on is None else on
    counts = np.zeros((v, v))
    np.add.at(counts, (on[:-1], on[1:]), 1)
    p = (counts + alpha) / (counts.sum(axis, keepdims=True) + alpha * (v if va else 1))
    a, b = (test[1:], test[:-1]) if swap else (test[:-1], test[1:])
    return float(-np.mean(log(p[a, b])))


@pytest.mark.parametrize(
    "kwargs, hint",
    [
        ({"log": np.log}, "natural log"),
        ({"axis": 0}, "column"),
        ({"va": False}, "alpha \\* V"),
        ({"swap": True}, "previous, next"),
    ],
)
def test_bigram_mistakes_get_their_hint(kwargs, hint):
    with pytest.raises(WrongAnswer, match=hint):
        ex.check_bigram_bpc(lambda tr, te, v, a: _bigram(tr, te, v, a, **kwargs), seed=3)
    with pytest.raises(WrongAnswer, match="test_ids"):
        ex.check_bigram_bpc(lambda tr, te, v, a: _bigram(tr, te, v, a, on=te), seed=3)


def test_temperature_mistakes_get_their_hint():
    def naive(logits, t):
        z = np.exp(np.asarray(logits) / t)
        return z / z.sum()

    with pytest.raises(WrongAnswer, match="subtract the largest"):
        ex.check_tempered_softmax(naive, seed=0)
    with pytest.raises(WrongAnswer, match="multiplied"):
        ex.check_tempered_softmax(lambda z, t: charlm.softmax(np.asarray(z) * t), seed=0)
    with pytest.raises(WrongAnswer, match="temperature is missing"):
        ex.check_tempered_softmax(lambda z, t: charlm.softmax(z), seed=0)
