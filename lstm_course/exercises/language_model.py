"""Checks for notebook 09 (language model): every call draws fresh inputs from ``rng``."""

from __future__ import annotations

import math

import numpy as np

from lstm_course.charlm import softmax
from lstm_course.exercises import WrongAnswer, as_number, call_answer, compare_arrays, passed
from lstm_course.exercises.registry import exercise
from lstm_course.ngram import bigram_bpc

# --- 09.1: bits per character and perplexity --------------------------------------------------

NAME_1 = "bits and perplexity"


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


@exercise(
    "09.1",
    "bits per character and perplexity",
    points=2,
    difficulty=1,
    assesses="mean surprise -log2 p in bits, and perplexity as 2 to the power of it",
)
def check_bits_and_perplexity(bits_and_perplexity, rng) -> None:
    """``bits_and_perplexity(p)`` -> (mean -log2 p, 2 ** that)."""
    p = rng.uniform(0.01, 0.99, int(rng.integers(5, 40)))
    got = call_answer(NAME_1, bits_and_perplexity, p.copy())
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise WrongAnswer(NAME_1, f"return a tuple (bits, perplexity), got {got!r:.80}")
    bits = as_number(NAME_1, got[0], "bits")
    perplexity = as_number(NAME_1, got[1], "perplexity")
    want = float(-np.mean(np.log2(p)))
    hints = {
        "bits": [
            (
                float(-np.mean(np.log(p))),
                "that is in nats (natural log): use np.log2, or divide by ln 2",
            ),
            (float(np.mean(np.log2(p))), "surprise is -log2 p: the sign is missing"),
            (float(-np.log2(np.mean(p))), "average the surprises -log2 p, not the probabilities"),
            (float(-np.sum(np.log2(p))), "that is the total: divide by the number of characters"),
        ],
    }
    if not _close(bits, want):
        for value, hint in hints["bits"]:
            if _close(bits, value):
                raise WrongAnswer(NAME_1, hint)
        raise WrongAnswer(NAME_1, f"bits: expected {want:.6f}, got {bits:.6f}")
    if not _close(perplexity, 2.0**want):
        if _close(perplexity, math.exp(want)):
            raise WrongAnswer(
                NAME_1, "the bits are base 2, so perplexity = 2 ** bits, not e ** bits"
            )
        if _close(perplexity, 1 / float(np.mean(p))):
            raise WrongAnswer(NAME_1, "perplexity is 2 ** (mean surprise), not 1 / mean(p)")
        raise WrongAnswer(NAME_1, f"perplexity: expected {2.0**want:.6f}, got {perplexity:.6f}")
    passed(NAME_1, "A perplexity of k: as unsure as a fair choice among k characters.")


# --- 09.2: a bigram model ---------------------------------------------------------------------

NAME_2 = "bigram bits per character"


def _bigram_variants(train, test, v, alpha) -> dict[str, float]:
    """Typical wrong answers, each with its hint."""
    counts = np.zeros((v, v))
    np.add.at(counts, (train[:-1], train[1:]), 1)
    rows = counts.sum(1, keepdims=True)
    good = (counts + alpha) / (rows + alpha * v)
    cols = (counts + alpha) / (counts.sum(0, keepdims=True) + alpha * v)
    no_v = (counts + alpha) / (rows + alpha)
    pairs = (test[:-1], test[1:])
    return {
        "natural log: bits need np.log2": float(-np.mean(np.log(good[pairs]))),
        "the smoothed counts are divided by the total of the *column*: normalise each row "
        "(the counts of what follows a)": float(-np.mean(np.log2(cols[pairs]))),
        "the denominator needs alpha * V, one alpha for each possible next character, or the "
        "probabilities do not sum to 1": float(-np.mean(np.log2(no_v[pairs]))),
        "score P(test[i] | test[i-1]): the pair is (previous, next), not (next, previous)": float(
            -np.mean(np.log2(good[test[1:], test[:-1]]))
        ),
        "count the pairs in train_ids, not in test_ids": bigram_bpc(test, test, v, alpha),
    }


@exercise(
    "09.2",
    "a bigram model's bits per character",
    points=5,
    difficulty=3,
    assesses="counting transitions with NumPy, add-alpha smoothing that normalises, "
    "scoring held-out text in bits",
)
def check_bigram_bpc(bigram_bpc_answer, rng) -> None:
    """``bigram_bpc(train_ids, test_ids, vocab_size, alpha)`` -> bits per character."""
    for _ in range(2):
        v = int(rng.integers(4, 12))
        # a sticky chain, so that context matters and the wrong answers differ
        transition = rng.dirichlet(np.full(v, 0.3), size=v)
        n = int(rng.integers(300, 800))
        train = np.empty(n, np.int64)
        train[0] = rng.integers(v)
        for t in range(1, n):
            train[t] = rng.choice(v, p=transition[train[t - 1]])
        test = train[rng.permutation(n)[:60]]  # any ids in range will do for scoring
        alpha = float(rng.choice([1.0, 0.5, 0.1]))
        got = call_answer(NAME_2, bigram_bpc_answer, train.copy(), test.copy(), v, alpha)
        got = as_number(NAME_2, got, "bits per character")
        want = bigram_bpc(train, test, v, alpha)
        if not _close(got, want):
            for hint, value in _bigram_variants(train, test, v, alpha).items():
                if _close(got, value):
                    raise WrongAnswer(NAME_2, hint)
            raise WrongAnswer(
                NAME_2,
                f"with V={v}, alpha={alpha}: expected {want:.6f} bits/char, got {got:.6f}",
            )
    passed(NAME_2, "One character of context already saves about a bit per character.")


# --- 09.3: temperature -------------------------------------------------------------------------

NAME_3 = "tempered softmax"


@exercise(
    "09.3",
    "sampling at a temperature",
    points=3,
    difficulty=2,
    assesses="softmax of logits divided by T, stabilised by subtracting the maximum",
)
def check_tempered_softmax(tempered, rng) -> None:
    """``tempered(logits, T)`` -> softmax(logits / T), also for huge logits."""
    v = int(rng.integers(3, 30))
    for scale, temperature in ((3.0, float(rng.choice([0.5, 2.0]))), (1000.0, 0.7)):
        logits = rng.normal(0, scale, v)
        with np.errstate(all="ignore"):
            got = call_answer(NAME_3, tempered, logits.copy(), temperature)
            plain = np.exp(logits)
            mistakes = {
                "divide the logits by T (T < 1 sharpens): you multiplied": softmax(
                    logits * temperature
                ),
                "the temperature is missing: divide the logits by T before the softmax": softmax(
                    logits
                ),
                "normalise: the probabilities must sum to 1": np.exp(logits / temperature),
                "these are probabilities ** T, not ** (1/T)": plain**temperature
                / np.sum(plain**temperature),
            }
            try:
                arr = np.asarray(got, dtype=float)
            except (TypeError, ValueError):
                arr = None  # compare_arrays says what is wrong with it
        if arr is not None and arr.shape == (v,) and not np.all(np.isfinite(arr)):
            raise WrongAnswer(
                NAME_3,
                "NaN or inf for large logits: subtract the largest logit before np.exp "
                "(the result does not change, the overflow goes away)",
            )
        compare_arrays(
            NAME_3,
            got,
            softmax(logits, temperature),
            what=f"tempered(logits, {temperature})",
            mistakes={k: m for k, m in mistakes.items() if np.all(np.isfinite(m))},
        )
    passed(NAME_3, "T < 1: safer, duller text; T > 1: bolder, more misspelt.")
