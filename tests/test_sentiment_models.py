"""Notebook 10's package code: bag-of-words baselines and the CheckList-style probe generator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse

from lstm_course import bow_baselines as bb
from lstm_course import sentiment_probes as sp

TEXTS = ["a good film .", "a bad film .", "good , good fun", "bad and dull", "good", "dull"]
LABELS = np.array([1, 0, 1, 0, 1, 0])


def test_tokenize_keeps_negations_and_punctuation():
    assert bb.tokenize("Not bad, isn't it?") == ["not", "bad", ",", "isn't", "it", "?"]
    assert bb.tokenize("") == []
    with pytest.raises(TypeError, match="text must be a str"):
        bb.tokenize(3)


def test_vocabulary_and_counts():
    vocab = bb.build_vocabulary(TEXTS, ngrams=2)
    assert vocab.index["good"] == 0  # the most frequent n-gram first
    assert "good ," in vocab.index and vocab.ngrams == 2
    assert bb.build_vocabulary(TEXTS[::-1], ngrams=2) == vocab  # independent of order
    counts = bb.count_matrix(["good , good zzz"], vocab, binary=False)
    assert scipy.sparse.issparse(counts) and counts[0, vocab.index["good"]] == 2
    assert counts[0, vocab.index["good ,"]] == 1 and counts.sum() == 5  # zzz ignored
    assert bb.count_matrix(["good , good"], vocab).sum() == 4  # binary: good counted once
    assert list(bb.build_vocabulary(TEXTS, min_count=2).index) == [
        "good",
        ".",
        "a",
        "bad",
        "dull",
        "film",
    ]
    with pytest.raises(ValueError, match="no n-gram occurs min_count=99"):
        bb.build_vocabulary(TEXTS, min_count=99)
    with pytest.raises(TypeError, match="texts must be a list of str"):
        bb.build_vocabulary("good film")
    with pytest.raises(TypeError, match="vocabulary must come from build_vocabulary"):
        bb.count_matrix(TEXTS, {"good": 0})
    assert bb.ngrams_of(["a", "b", "c"], 3) == ["a", "b", "c", "a b", "b c", "a b c"]


def test_logistic_and_nbsvm_separate_a_toy_set_and_ignore_order():
    vocab = bb.build_vocabulary(TEXTS)
    X = bb.count_matrix(TEXTS, vocab)
    for model in (bb.fit_logistic(X, LABELS, l2=0.1), bb.fit_nbsvm(X, LABELS)):
        assert bb.accuracy(model.predict(X), LABELS) == 1.0
        flipped = bb.count_matrix(["film good a .", ". bad film a"], vocab)
        assert model.predict(flipped).tolist() == [1, 0]
    nb = bb.fit_nbsvm(X, LABELS)
    assert nb.ratio[vocab.index["good"]] > 0 > nb.ratio[vocab.index["bad"]]
    assert bb.accuracy(nb.naive_bayes.predict(X), LABELS) == 1.0
    plain = bb.fit_nbsvm(X, LABELS, beta=1.0)  # no interpolation: the SVM itself
    assert plain.svm.bias != nb.svm.bias


def test_nb_log_ratio_matches_the_formula():
    X = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    r = bb.nb_log_ratio(X, [1, 1, 0], alpha=1.0)
    p, q = np.array([3.0, 2.0]), np.array([1.0, 2.0])
    np.testing.assert_allclose(r, np.log(p / p.sum()) - np.log(q / q.sum()))


@pytest.mark.parametrize(
    ("X", "y", "match"),
    [
        (np.ones((3, 2)), [1, 1, 1], "both classes"),
        (np.ones((3, 2)), [1, 0], "one per row of X"),
        (np.ones((3, 2)), [1, 0, 2], "only 0 \\(negative\\) and 1"),
        (-np.ones((3, 2)), [1, 0, 1], "non-negative"),
        (np.zeros((0, 2)), [], "non-empty"),
    ],
)
def test_bad_training_data_is_refused(X, y, match):
    with pytest.raises(ValueError, match=match):
        bb.fit_logistic(X, y)


def test_model_refuses_other_widths_and_accuracy_checks_shapes():
    model = bb.fit_logistic(np.eye(2), [1, 0])
    with pytest.raises(ValueError, match="X has 3 columns, the model was fitted on 2"):
        model.predict(np.ones((1, 3)))
    with pytest.raises(ValueError, match="same, non-zero length"):
        bb.accuracy([1, 0], [1])
    assert bb.accuracy([1, 0, 1, 1], [1, 1, 1, 0]) == 0.5


# --- probes -------------------------------------------------------------------------------------


def test_probes_are_minimal_pairs_with_the_promised_labels():
    probes = sp.make_probes(per_kind=40, seed=3)
    assert list(probes.columns) == list(sp.COLUMNS) and len(probes) == 240
    assert probes.groupby("pair").size().eq(2).all()
    for kind, part in probes.groupby("kind"):
        labels = part.groupby("pair")["label"].agg(["min", "max"])
        if kind == "intensifier":
            assert (labels["min"] == labels["max"]).all()
        else:
            assert (labels["min"] == 0).all() and (labels["max"] == 1).all()
    assert probes.loc[probes["kind"] == "order", "same_bag"].all()
    assert not probes.loc[probes["kind"] != "order", "same_bag"].any()
    assert sp.make_probes(per_kind=40, seed=3).equals(probes)  # seeded


def test_probe_and_training_words_are_disjoint():
    probe_words = set(sp.PROBE_WORDS[0] + sp.PROBE_WORDS[1])
    train_words = set(sp.TRAIN_WORDS[0] + sp.TRAIN_WORDS[1])
    assert not probe_words & train_words
    extra = sp.make_augmentation(300, seed=2)
    assert len(extra) == 300 and set(extra["kind"]) == set(sp.KINDS)
    tokens = {t for text in extra["text"] for t in text.split()}
    assert not tokens & probe_words
    assert sp.make_augmentation(10, seed=2)["text"].str.len().gt(0).all()


def test_any_bag_of_words_is_exactly_at_chance_on_order_pairs():
    probes = sp.make_probes(per_kind=30, seed=0)
    order = probes[probes["kind"] == "order"]
    vocab = bb.build_vocabulary(list(TEXTS) + list(order["text"]))
    rng = np.random.default_rng(0)
    for _ in range(5):  # any weights at all: a bag cannot tell the two halves apart
        w = rng.normal(size=len(vocab))
        scores = bb.count_matrix(list(order["text"]), vocab, binary=False) @ w
        report = sp.probe_report(order, (scores > 0).astype(int))
        assert report.loc["order", "accuracy"] == 0.5
        assert report.loc["order", "pairs_right"] == 0.0


def test_probe_report_counts_accuracy_and_pairs():
    probes = sp.make_probes(per_kind=2, seed=0)
    report = sp.probe_report(probes, probes["label"].to_numpy())
    assert (report["accuracy"] == 1).all() and (report["pairs_right"] == 1).all()
    assert report.loc["all", "sentences"] == 12
    wrong = 1 - probes["label"].to_numpy()
    assert (sp.probe_report(probes, wrong)["accuracy"] == 0).all()
    with pytest.raises(ValueError, match="one prediction per probe \\(12\\)"):
        sp.probe_report(probes, [1, 0])
    with pytest.raises(ValueError, match="only 0 and 1"):
        sp.probe_report(probes, np.full(12, 0.5))
    with pytest.raises(TypeError, match="probes must be a table from make_probes"):
        sp.probe_report(pd.DataFrame({"text": ["a"]}), [1])
    with pytest.raises(TypeError, match="text_b must be a str"):
        sp.same_bag("a", None)
