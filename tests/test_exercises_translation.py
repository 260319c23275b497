"""Notebook 11's exercises (format v2): right answers pass on every draw, each typical mistake
gets its own hint, and the stub and None are refused."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from lstm_course.exercises import WrongAnswer, registry
from lstm_course.exercises import translation as ex

SEEDS = range(8)


def _not_implemented(*args, **kwargs):
    """What the student build leaves in a function exercise."""
    raise NotImplementedError("Exercise: write your answer here")


def test_the_three_exercises_are_declared_in_order():
    items = [registry.EXERCISES[f"11.{k}"] for k in (1, 2, 3)]
    assert [i.check for i in items] == ["check_ngram_precision", "check_greedy", "check_attention"]
    assert [i.difficulty for i in items] == [2, 2, 3]


# --- 11.1 -------------------------------------------------------------------------------------


def _grams(tokens, n):
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def precision_right(hyp, ref, n):
    h, r = _grams(hyp, n), _grams(ref, n)
    return sum(min(c, r[g]) for g, c in h.items()) / max(sum(h.values()), 1)


def precision_unclipped(hyp, ref, n):
    h, r = _grams(hyp, n), _grams(ref, n)
    return sum(c for g, c in h.items() if g in r) / max(sum(h.values()), 1)


def precision_by_reference(hyp, ref, n):
    h, r = _grams(hyp, n), _grams(ref, n)
    return sum(min(c, r[g]) for g, c in h.items()) / max(sum(r.values()), 1)


@pytest.mark.parametrize("seed", SEEDS)
def test_precision_right(seed, capsys):
    ex.check_ngram_precision(precision_right, seed=seed)
    assert "✓ 11.1 clipped n-gram precision: correct." in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_not_implemented, "NotImplementedError"),
        (lambda h, r, n: None, "None"),
        (precision_unclipped, "clip each n-gram's count"),
        (precision_by_reference, "divide by the number of n-grams in the hypothesis"),
        (lambda h, r, n: precision_right(h, r, 1), "count n-grams"),
    ],
)
def test_precision_mistakes(answer, hint):
    with pytest.raises(WrongAnswer, match=hint):
        ex.check_ngram_precision(answer, seed=0)


# --- 11.2 -------------------------------------------------------------------------------------


def greedy_right(step, x, max_len, start, end):
    y = np.full((len(x), 1), start, dtype=np.int32)
    done = np.zeros(len(x), dtype=bool)
    for t in range(max_len):
        nxt = np.asarray(step(x, y))[:, t].argmax(-1)
        nxt = np.where(done, 0, nxt)
        done |= nxt == end
        y = np.concatenate([y, nxt[:, None].astype(np.int32)], axis=1)
    return y[:, 1:]


def greedy_with_start(step, x, max_len, start, end):
    y = np.full((len(x), 1), start, dtype=np.int32)
    done = np.zeros(len(x), dtype=bool)
    for t in range(max_len):
        nxt = np.where(done, 0, np.asarray(step(x, y))[:, t].argmax(-1))
        done |= nxt == end
        y = np.concatenate([y, nxt[:, None].astype(np.int32)], axis=1)
    return y


def greedy_unpadded(step, x, max_len, start, end):
    y = np.full((len(x), 1), start, dtype=np.int32)
    for t in range(max_len):
        nxt = np.asarray(step(x, y))[:, t].argmax(-1)
        y = np.concatenate([y, nxt[:, None].astype(np.int32)], axis=1)
    return y[:, 1:]


def greedy_no_feedback(step, x, max_len, start, end):
    y = np.full((len(x), max_len), start, dtype=np.int32)  # never feeds its outputs back
    return np.asarray(step(x, y)).argmax(-1).astype(np.int32)


@pytest.mark.parametrize("seed", SEEDS)
def test_greedy_right(seed, capsys):
    ex.check_greedy(greedy_right, seed=seed)
    assert "✓ 11.2 greedy decoding: correct." in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_not_implemented, "NotImplementedError"),
        (lambda *a: None, "None"),
        (greedy_with_start, "leave out the start token"),
        (greedy_no_feedback, "y_in = \\[<s>, your outputs so far\\]|fill the rest"),
    ],
)
def test_greedy_mistakes(answer, hint):
    with pytest.raises(WrongAnswer, match=hint):
        ex.check_greedy(answer, seed=0)


def test_greedy_unpadded_gets_the_padding_hint():
    hints = set()
    for seed in SEEDS:
        try:
            ex.check_greedy(greedy_unpadded, seed=seed)
        except WrongAnswer as err:
            hints.add("padding" if "fill the rest" in str(err) else str(err))
    assert hints == {"padding"}


# --- 11.3 -------------------------------------------------------------------------------------


def attention_right(query, keys, scale, mask):
    scores = np.tanh(query[:, None, :] + keys[None]) @ scale
    scores = np.where(mask[None], scores, -np.inf)
    weights = np.exp(scores - scores.max(1, keepdims=True))
    weights /= weights.sum(1, keepdims=True)
    return weights, weights @ keys


def attention_unmasked(query, keys, scale, mask):
    scores = np.tanh(query[:, None, :] + keys[None]) @ scale
    weights = np.exp(scores - scores.max(1, keepdims=True))
    weights /= weights.sum(1, keepdims=True)
    return weights, weights @ keys


def attention_no_tanh(query, keys, scale, mask):
    scores = np.where(mask[None], (query[:, None, :] + keys[None]) @ scale, -np.inf)
    weights = np.exp(scores - scores.max(1, keepdims=True))
    weights /= weights.sum(1, keepdims=True)
    return weights, weights @ keys


def attention_bad_context(query, keys, scale, mask):
    weights, _ = attention_right(query, keys, scale, mask)
    raw = np.tanh(query[:, None, :] + keys[None]) @ scale
    return weights, raw @ keys


@pytest.mark.parametrize("seed", SEEDS)
def test_attention_right(seed, capsys):
    ex.check_attention(attention_right, seed=seed)
    assert "✓ 11.3 additive attention by hand: correct." in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_not_implemented, "NotImplementedError"),
        (lambda *a: None, "return a pair"),
        (attention_unmasked, "padded source positions"),
        (attention_no_tanh, "tanh comes before"),
        (attention_bad_context, "weighted sum of the keys"),
    ],
)
def test_attention_mistakes(answer, hint):
    with pytest.raises(WrongAnswer, match=hint):
        ex.check_attention(answer, seed=0)


def test_the_reference_matches_keras_additive_attention():
    import keras

    rng = np.random.default_rng(0)
    query, keys = rng.normal(size=(3, 4)), rng.normal(size=(5, 4))
    mask = np.array([True, True, True, False, False])
    layer = keras.layers.AdditiveAttention()
    context, scores = layer(
        [query[None].astype("float32"), keys[None].astype("float32")],
        mask=[None, mask[None]],
        return_attention_scores=True,
    )
    scale = keras.ops.convert_to_numpy(layer.scale)
    weights, ours = ex.reference_attention(query, keys, scale, mask)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(scores)[0], weights, atol=1e-5)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(context)[0], ours, atol=1e-5)
