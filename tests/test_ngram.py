"""Kneser–Ney n-grams: normalised, equal to a brute-force count, sensible on real text."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_course.ngram import KneserNey


def _reference(ids: list[int], order: int, v: int, modified: bool):
    """P(w | context) by the textbook recursion over Python dicts (slow, obviously right)."""
    raw = Counter(tuple(ids[i : i + order]) for i in range(len(ids) - order + 1))
    tables = {order: raw}
    for k in range(order - 1, 0, -1):
        higher = Counter(tuple(ids[i : i + k + 1]) for i in range(len(ids) - k))
        tables[k] = Counter(g[1:] for g in higher)  # distinct left neighbours
    discounts = {}
    for k, table in tables.items():
        n = [max(sum(1 for c in table.values() if c == r), 1) for r in (1, 2, 3, 4)]
        y = n[0] / (n[0] + 2 * n[1])
        if modified:
            d = [1 - 2 * y * n[1] / n[0], 2 - 3 * y * n[2] / n[1], 3 - 4 * y * n[3] / n[2]]
            d = [min(max(x, 0.05), cap) for x, cap in zip(d, (1.0, 2.0, 3.0), strict=False)]
        else:
            d = [y, y, y]
        discounts[k] = d
    by_context = {k: defaultdict(dict) for k in tables}
    for k, table in tables.items():
        for g, c in table.items():
            by_context[k][g[:-1]][g[-1]] = c

    def prob(context: tuple, w: int) -> float:
        p = 1.0 / v
        for k in range(1, order + 1):
            h = tuple(context[len(context) - (k - 1) :]) if k > 1 else ()
            row = by_context[k].get(h)
            if not row:
                continue
            d = discounts[k]
            total = sum(row.values())
            c = row.get(w, 0)
            disc = 0.0 if c == 0 else d[min(c, 3) - 1]
            mass = sum(d[min(x, 3) - 1] for x in row.values())
            p = (max(c - disc, 0.0) + mass * p) / total
        return p

    return prob


@pytest.mark.parametrize("modified", [False, True])
@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_matches_brute_force_on_a_tiny_text(order, modified):
    text = "abracadabra, a cadabra bar; abba baba cab." * 3
    alphabet = sorted(set(text)) + ["?"]  # one character never seen
    ids = [alphabet.index(c) for c in text]
    v = len(alphabet)
    model = KneserNey(order, v, modified=modified).fit(ids)
    prob = _reference(ids, order, v, modified)
    rng = np.random.default_rng(order)
    for _ in range(20):
        context = rng.integers(0, v, order - 1)
        dist = model.distribution(context)
        want = [prob(tuple(context), w) for w in range(v)]
        np.testing.assert_allclose(dist, want, rtol=1e-12, atol=1e-15)
    got = model.probabilities(ids)
    want = [prob(tuple(ids[i - order + 1 : i]), ids[i]) for i in range(order - 1, len(ids))]
    np.testing.assert_allclose(got, want, rtol=1e-12)


@settings(max_examples=30, deadline=None)
@given(
    order=st.integers(1, 7),
    modified=st.booleans(),
    seed=st.integers(0, 2**31 - 1),
)
def test_probabilities_normalise_over_the_vocabulary(order, modified, seed):
    rng = np.random.default_rng(seed)
    v = int(rng.integers(2, 12))
    ids = rng.integers(0, v, int(rng.integers(order, 300)))
    model = KneserNey(order, v, modified=modified).fit(ids)
    for _ in range(5):
        dist = model.distribution(rng.integers(0, v, max(order - 1, 0) + 3))
        assert np.all(dist > 0)
        assert dist.sum() == pytest.approx(1.0, abs=1e-10)


def test_higher_orders_predict_english_better():
    text = (
        "It is a truth universally acknowledged, that a single man in possession "
        "of a good fortune, must be in want of a wife. "
    ) * 20
    alphabet = sorted(set(text))
    ids = np.array([alphabet.index(c) for c in text])
    bpc = [
        KneserNey(n, len(alphabet)).fit(ids[:2000]).bits_per_char(ids[2000:], start=6)
        for n in (1, 3, 5)
    ]
    assert bpc[0] > bpc[1] > bpc[2]


def test_bad_input_gets_clear_errors():
    with pytest.raises(ValueError, match="order"):
        KneserNey(8, 10)
    with pytest.raises(ValueError, match="vocab_size"):
        KneserNey(3, 1)
    model = KneserNey(3, 5)
    with pytest.raises(RuntimeError, match="fit"):
        model.distribution([1, 2])
    with pytest.raises(ValueError, match="ids must be in"):
        model.fit([0, 1, 7])
    with pytest.raises(ValueError, match="at least 3"):
        model.fit([0, 1])
    model.fit([0, 1, 2, 3, 4, 0, 1])
    with pytest.raises(ValueError, match="start"):
        model.probabilities([0, 1, 2, 3], start=1)
    with pytest.raises(ValueError, match="context"):
        model.distribution([1])
