"""Checks for notebook 11 (translation): every call draws fresh inputs from ``rng``."""

from __future__ import annotations

from collections import Counter

import numpy as np

from lstm_course.exercises import (
    WrongAnswer,
    as_array,
    as_number,
    call_answer,
    compare_arrays,
    passed,
)
from lstm_course.exercises.registry import exercise
from lstm_course.seq2seq import greedy_decode

# --- 11.1: BLEU's clipped n-gram precision ----------------------------------------------------

NAME_1 = "11.1 clipped n-gram precision"
_WORDS = "y la de el dijo dios á los tierra rey hijo casa sobre".split()


def _ngrams(tokens: list[str], n: int) -> Counter:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def reference_ngram_precision(hypothesis, reference, n) -> float:
    """BLEU's modified precision: hypothesis n-grams counted at most as often as in the
    reference, over all hypothesis n-grams (0.0 when the hypothesis has none)."""
    hyp, ref = _ngrams(list(hypothesis), n), _ngrams(list(reference), n)
    total = sum(hyp.values())
    return sum(min(c, ref[g]) for g, c in hyp.items()) / total if total else 0.0


@exercise(
    "11.1",
    "BLEU's clipped n-gram precision",
    points=2,
    difficulty=2,
    assesses="counting n-grams and clipping each by its count in the reference (BLEU's p_n)",
)
def check_ngram_precision(ngram_precision, rng) -> None:
    """``ngram_precision(hypothesis, reference, n)``: two token lists, n >= 1 -> a float."""
    cases = [(["the"] * 4, ["the", "cat", "the"], 1)]
    for _ in range(5):
        ref = list(rng.choice(_WORDS, int(rng.integers(4, 10))))
        hyp = list(rng.choice(ref + list(rng.choice(_WORDS, 2)), int(rng.integers(3, 10))))
        hyp += list(rng.choice(ref, 2))  # repeats, so that clipping matters
        cases.append((hyp, ref, int(rng.integers(1, 4))))
    cases.append((["dios"], ["dios", "dijo"], 2))  # no bigram in the hypothesis
    for hyp, ref, n in cases:
        got = call_answer(NAME_1, ngram_precision, list(hyp), list(ref), n)
        value = as_number(NAME_1, got, f"the {n}-gram precision")
        expected = reference_ngram_precision(hyp, ref, n)
        h, r = _ngrams(hyp, n), _ngrams(ref, n)
        total = sum(h.values())
        mistakes = {
            "clip each n-gram's count at its count in the reference: a hypothesis that repeats "
            "'the' four times gets credit for only as many 'the' as the reference has": (
                sum(c for g, c in h.items() if g in r) / total if total else 0.0
            ),
            "divide by the number of n-grams in the hypothesis, not in the reference": (
                sum(min(c, r[g]) for g, c in h.items()) / sum(r.values()) if r else 0.0
            ),
            "count n-grams (tuples of n neighbouring tokens), not single tokens": (
                reference_ngram_precision(hyp, ref, 1)
            ),
        }
        if not np.isfinite(value) or abs(value - expected) > 1e-9:
            for hint, wrong in mistakes.items():
                if abs(wrong - expected) > 1e-9 and abs(value - wrong) <= 1e-9:
                    raise WrongAnswer(NAME_1, hint)
            if total == 0:
                raise WrongAnswer(NAME_1, f"a hypothesis shorter than n = {n} has no n-gram: "
                                          "return 0.0")  # fmt: skip
            raise WrongAnswer(
                NAME_1,
                f"for hypothesis {' '.join(hyp)!r}, reference {' '.join(ref)!r} and n = {n} "
                f"you returned {value:.4f}, expected {expected:.4f}",
            )
    passed(NAME_1, "BLEU is the geometric mean of these for n = 1..4, times a brevity penalty.")


# --- 11.2: greedy decoding --------------------------------------------------------------------

NAME_2 = "11.2 greedy decoding"


def _markov_step(rng, vocab: int, end: int = 2):
    """A fake decoder: next-token probabilities depend on the last token and the source's
    first id, from a random table; </s> grows likelier with every step."""
    table = rng.dirichlet(np.ones(vocab) * 0.3, size=(vocab, vocab))
    table[:, :, 0] = 0.0  # never predicts padding
    table /= table.sum(-1, keepdims=True)

    def step(x, y_in):
        x, y_in = np.asarray(x), np.asarray(y_in)
        probs = table[x[:, :1], y_in].copy()  # (batch, t, vocab)
        ramp = np.arange(1, y_in.shape[1] + 1)[None, :] * 0.08
        probs[..., end] += ramp
        return probs / probs.sum(-1, keepdims=True)

    return step


@exercise(
    "11.2",
    "greedy decoding",
    points=3,
    difficulty=2,
    assesses="feeding the decoder its own previous output, one token at a time, until </s>",
)
def check_greedy(greedy, rng) -> None:
    """``greedy(step, x, max_len, start, end)`` -> (batch, max_len) int ids."""
    vocab = int(rng.integers(6, 12))
    step = _markov_step(rng, vocab)
    x = rng.integers(3, vocab, size=(int(rng.integers(4, 9)), 3)).astype(np.int32)
    max_len = int(rng.integers(5, 9))
    got = call_answer(NAME_2, greedy, step, x.copy(), max_len, 1, 2)
    got = as_array(NAME_2, got, what="the decoded ids")
    expected = greedy_decode(step, x, max_len=max_len, start=1, end=2)
    if got.shape == (len(x), max_len + 1):
        raise WrongAnswer(NAME_2, f"got {max_len + 1} columns: leave out the start token <s>, "
                                  f"return (batch, max_len) = {expected.shape}")  # fmt: skip
    if got.shape != expected.shape:
        raise WrongAnswer(NAME_2, f"got shape {got.shape}, expected {expected.shape}")
    if np.array_equal(got, expected):
        passed(NAME_2, "Each step feeds back the decoder's own best guess: no look at the answer.")
        return
    # the usual mistake: no padding after </s>
    unpadded = expected.copy()
    for row in range(len(x)):
        y = np.ones((1, 1), dtype=np.int32)
        for t in range(max_len):
            nxt = int(step(x[row : row + 1], y)[0, t].argmax())
            unpadded[row, t] = nxt
            y = np.concatenate([y, [[nxt]]], axis=1)
    if np.array_equal(got, unpadded):
        raise WrongAnswer(NAME_2, "after a row has produced </s> (id 2), fill the rest of that "
                                  "row with padding (0): the sentence is finished")  # fmt: skip
    first = np.argwhere(got != expected)[0]
    raise WrongAnswer(
        NAME_2,
        f"row {first[0]}, step {first[1]}: got id {got[tuple(first)]}, expected "
        f"{expected[tuple(first)]}. At step t, call step(x, y_in) with y_in = [<s>, your "
        "outputs so far] and take the argmax of the probabilities at position t",
    )


# --- 11.3: additive attention by hand ---------------------------------------------------------

NAME_3 = "11.3 additive attention by hand"


def reference_attention(query, keys, scale, mask) -> tuple[np.ndarray, np.ndarray]:
    """Keras AdditiveAttention for one sentence: (T, d) queries, (S, d) keys = values,
    (d,) scale, (S,) bool mask -> weights (T, S), context (T, d)."""
    query, keys = np.asarray(query, float), np.asarray(keys, float)
    scores = np.tanh(query[:, None, :] + keys[None, :, :]) @ np.asarray(scale, float)
    scores = np.where(np.asarray(mask, bool)[None, :], scores, -np.inf)
    scores -= scores.max(axis=1, keepdims=True)
    weights = np.exp(scores)
    weights /= weights.sum(axis=1, keepdims=True)
    return weights, weights @ keys


def _softmax(scores, axis):
    with np.errstate(invalid="ignore"):  # an all -inf column gives NaN: a mistake, not a crash
        scores = scores - scores.max(axis=axis, keepdims=True)
        e = np.exp(scores)
        return e / e.sum(axis=axis, keepdims=True)


@exercise(
    "11.3",
    "additive attention by hand",
    points=5,
    difficulty=3,
    assesses="score = v·tanh(q + k), masking padded source positions, softmax over the "
    "source, context as the weighted sum of encoder outputs",
)
def check_attention(attention, rng) -> None:
    """``attention(query, keys, scale, mask)`` -> (weights (T, S), context (T, d))."""
    for _ in range(3):
        t, s, d = int(rng.integers(2, 6)), int(rng.integers(3, 8)), int(rng.integers(2, 6))
        query, keys = rng.normal(size=(t, d)), rng.normal(size=(s, d))
        scale = rng.normal(size=d)
        mask = np.ones(s, dtype=bool)
        mask[s - int(rng.integers(1, s - 1)) :] = False  # padding at the end
        got = call_answer(NAME_3, attention, query.copy(), keys.copy(), scale.copy(), mask.copy())
        if not isinstance(got, tuple) or len(got) != 2:
            raise WrongAnswer(NAME_3, "return a pair (weights, context)")
        weights, context = reference_attention(query, keys, scale, mask)
        raw = np.tanh(query[:, None, :] + keys[None]) @ scale
        masked = np.where(mask[None], raw, -np.inf)
        compare_arrays(
            NAME_3,
            got[0],
            weights,
            what="weights",
            mistakes={
                "padded source positions (mask False) must get weight 0: set their scores to "
                "-inf before the softmax": _softmax(raw, 1),
                "the softmax runs over the source positions (axis 1, each row sums to 1), "
                "not over the decoder steps": np.nan_to_num(_softmax(masked, 0)),
                "the score is scale · tanh(query + key): the tanh comes before the dot "
                "product with scale": _softmax(
                    np.where(mask[None], (query[:, None] + keys[None]) @ scale, -np.inf), 1
                ),
                "return the weights after the softmax, not the raw scores": np.where(
                    mask[None], raw, 0.0
                ),
            },
        )
        compare_arrays(
            NAME_3,
            got[1],
            context,
            what="context",
            mistakes={
                "the context is the weighted sum of the keys (encoder outputs): weights @ keys, "
                "each row of weights summing to 1": raw @ keys,
                "the context must use the weights after the softmax and the mask": np.where(
                    mask[None], raw, 0.0
                )
                @ keys,
            },
        )
    passed(NAME_3, "That is all AdditiveAttention does, for every decoder step at once.")
