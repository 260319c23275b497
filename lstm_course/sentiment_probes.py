"""CheckList-style behavioural probes for sentiment (Ribeiro et al. 2020): minimal pairs.

    probes = make_probes(seed=0)              # the test set: held-out words, fixed templates
    extra = make_augmentation(600, seed=1)    # training sentences: the other half of the words

Every probe is one half of a **pair** (column ``pair``) that differs in one controlled way:

``negation``      "the plot is clever ." (1) / "the plot is not clever ." (0); "not dull" is 1.
``order``         **the same words in another order, with the opposite label**:
                  "the cast is clever , but the plot is dull ." (0) /
                  "the plot is dull , but the cast is clever ." (1) — after "but", the second
                  clause decides; and "it is clever , not dull ." (1) /
                  "it is dull , not clever ." (0).
``intensifier``   "the plot is clever ." / "the plot is really clever ." — same label.

Why a bag of words is at chance on ``order`` pairs, by construction: both sentences of a pair
hold exactly the same multiset of tokens (``same_bag`` checks it), so any model that sees
only token counts — logistic regression or naive Bayes on unigrams, averaged embeddings —
gives both the same score and the same label. The labels are opposite, so exactly one of
the two is right: accuracy 50 %, and 0 % of pairs fully right, whatever the model learned.
(A bigram model sees "clever ," versus "dull ,", so it is not bound to 50 %; it is measured.)

The sentiment words are split in two disjoint halves: :func:`make_probes` uses
``PROBE_WORDS``, :func:`make_augmentation` uses ``TRAIN_WORDS``, so probe accuracy after
augmentation measures whether the model learned the *composition* rule for words it saw only
in movie reviews, not whether it memorised the probe sentences.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from lstm_course._checks import check_int, check_seed, describe

NOUNS = ("film", "movie", "plot", "cast", "script", "story", "ending", "acting", "dialogue")
INTENSIFIERS = ("really", "very", "truly", "so")
# Words whose MR polarity is clear; two disjoint halves, one for probes, one for training.
PROBE_WORDS = {
    1: ("clever", "charming", "funny", "moving", "beautiful", "fresh"),
    0: ("dull", "boring", "tedious", "bland", "clumsy", "silly"),
}
TRAIN_WORDS = {
    1: ("good", "great", "smart", "touching", "delightful", "wonderful", "engaging", "sweet"),
    0: ("bad", "awful", "flat", "lifeless", "stupid", "predictable", "mediocre", "lame"),
}
KINDS = ("negation", "order", "intensifier")
COLUMNS = ("text", "label", "kind", "pair", "same_bag")


def _pairs(rng: np.random.Generator, words: dict, count: int, kind: str) -> list[tuple]:
    """``count`` pairs of one kind: ((text, label), (text, label), same_bag)."""
    out = []
    for _ in range(count):
        pos, neg = rng.choice(words[1]), rng.choice(words[0])
        n1, n2 = rng.choice(NOUNS, size=2, replace=False)
        if kind == "negation":
            adj, label = (pos, 1) if rng.random() < 0.5 else (neg, 0)
            out.append(((f"the {n1} is {adj} .", label), (f"the {n1} is not {adj} .", 1 - label)))
        elif kind == "intensifier":
            adj, label = (pos, 1) if rng.random() < 0.5 else (neg, 0)
            very = rng.choice(INTENSIFIERS)
            out.append(((f"the {n1} is {adj} .", label), (f"the {n1} is {very} {adj} .", label)))
        elif rng.random() < 0.5:  # order: contrast, the clause after "but" decides
            out.append(
                (
                    (f"the {n1} is {pos} , but the {n2} is {neg} .", 0),
                    (f"the {n2} is {neg} , but the {n1} is {pos} .", 1),
                )
            )
        else:  # order: "X , not Y" means X
            out.append(((f"it is {pos} , not {neg} .", 1), (f"it is {neg} , not {pos} .", 0)))
    return out


def _table(pairs_by_kind: dict[str, list[tuple]]) -> pd.DataFrame:
    rows, pair = [], 0
    for kind, pairs in pairs_by_kind.items():
        for (text_a, label_a), (text_b, label_b) in pairs:
            same = same_bag(text_a, text_b)
            rows.append((text_a, label_a, kind, pair, same))
            rows.append((text_b, label_b, kind, pair, same))
            pair += 1
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["label"] = frame["label"].astype("int64")
    return frame


def same_bag(text_a, text_b) -> bool:
    """True when the two sentences hold the same multiset of (space-separated) tokens."""
    for name, text in (("text_a", text_a), ("text_b", text_b)):
        if not isinstance(text, str):
            raise TypeError(f"{name} must be a str, got {describe(text)}")
    return Counter(text_a.split()) == Counter(text_b.split())


def make_probes(*, per_kind: int = 60, seed: int | None = 0) -> pd.DataFrame:
    """The probe set: ``per_kind`` pairs of each kind in ``KINDS``, with ``PROBE_WORDS``.

    Returns:
        DataFrame with columns text, label (1 positive, 0 negative), kind, pair (both
        sentences of a pair share it) and same_bag (True for every ``order`` pair).
        Duplicate sentences are possible (a small lexicon); pairs are independent draws.
    """
    per_kind = check_int("per_kind", per_kind, minimum=1, maximum=10_000)
    rng = np.random.default_rng(check_seed("seed", seed))
    return _table({kind: _pairs(rng, PROBE_WORDS, per_kind, kind) for kind in KINDS})


def make_augmentation(count: int = 600, *, seed: int | None = 1) -> pd.DataFrame:
    """``count`` training sentences (about a third of each kind, in pairs) with ``TRAIN_WORDS``.

    Same templates as the probes, disjoint sentiment words; same columns as
    :func:`make_probes`. Shuffle it into the training data.
    """
    count = check_int("count", count, minimum=6, maximum=100_000)
    rng = np.random.default_rng(check_seed("seed", seed))
    per_kind = [count // 6 + (1 if i < (count // 2) % 3 else 0) for i in range(3)]
    return _table({k: _pairs(rng, TRAIN_WORDS, n, k) for k, n in zip(KINDS, per_kind, strict=True)})


def probe_report(probes, predicted) -> pd.DataFrame:
    """Accuracy per kind and, per kind, the share of pairs with *both* sentences right.

    Args:
        probes: a table from :func:`make_probes` (or :func:`make_augmentation`).
        predicted: 0/1 predictions, one per row of ``probes``.

    Returns:
        DataFrame indexed by kind (plus "all"), columns accuracy, pairs_right, sentences.
    """
    if not isinstance(probes, pd.DataFrame) or not set(COLUMNS) <= set(probes.columns):
        raise TypeError(f"probes must be a table from make_probes(), got {describe(probes)}")
    guess = np.asarray(predicted)
    if guess.ndim != 1 or len(guess) != len(probes) or len(guess) == 0:
        raise ValueError(
            f"predicted must be 1-D with one prediction per probe ({len(probes)}), "
            f"got shape {guess.shape}"
        )
    if not np.isin(guess, (0, 1)).all():
        raise ValueError("predicted must hold only 0 and 1 labels")
    right = pd.Series(guess == probes["label"].to_numpy(), index=probes.index)
    rows = {}
    for kind, part in [*probes.groupby("kind", sort=False), ("all", probes)]:
        ok = right.loc[part.index]
        both = ok.groupby(part["pair"]).all()
        rows[kind] = (float(ok.mean()), float(both.mean()), len(part))
    return pd.DataFrame.from_dict(
        rows, orient="index", columns=["accuracy", "pairs_right", "sentences"]
    )
