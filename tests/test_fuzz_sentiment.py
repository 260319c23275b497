"""Fuzz notebook 10's code: the sentiment loaders (and, as they are added, its baselines and
probe generator).

Each public function is called with one argument at a time replaced by a bad value (it must
be refused with a message naming the argument) or another spelling of the valid value (it
must give the same result); see ``tests/fuzzing.py``. Everything runs offline on the
committed snapshots and small tables made here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fuzzing import FuzzTarget, assert_fuzz_clean, assert_right_on_every_draw, exercise_check_target

from lstm_course import bow_baselines as bb
from lstm_course import sentiment_probes as sp
from lstm_course.data import registry, sentiment
from lstm_course.exercises import sentiment as ex

DATASETS = registry.datasets_dir()
SPLIT_TABLE = pd.DataFrame({"split": ["train", "validation", "test", "train"], "x": range(4)})
TEXTS = ["a good film .", "a bad film .", "good , good fun", "bad and dull", "good", "dull"]
LABELS = np.array([1, 0, 1, 0, 1, 0])
VOCAB = bb.build_vocabulary(TEXTS, ngrams=2)
X = bb.count_matrix(TEXTS, VOCAB)
MODEL = bb.fit_logistic(X, LABELS, l2=0.1)
NBSVM = bb.fit_nbsvm(X, LABELS)
PROBES = sp.make_probes(per_kind=3, seed=0)
BAD_X = [("negative counts", -np.ones((6, 3))), ("NaN", np.full((6, 3), np.nan))]
BAD_Y = [("a third class", np.array([1, 0, 2, 0, 1, 0])), ("one class", np.ones(6, int))]

TARGETS = [
    # --- data --------------------------------------------------------------------------------
    FuzzTarget(
        sentiment.load_mr,
        {"root": DATASETS, "keep_neutral": False},
        accept={"root": {"None"}},  # None: the course's own datasets folder
        bad={"root": [("no manifest", DATASETS.parent / "tests")]},
    ),
    FuzzTarget(
        sentiment.load_crossdomain,
        {"root": DATASETS},
        accept={"root": {"None"}},
        bad={"root": [("no manifest", DATASETS.parent / "tests")]},
    ),
    FuzzTarget(
        sentiment.mr_splits,
        {"frame": SPLIT_TABLE},
        bad={
            "frame": [
                ("no split column", pd.DataFrame({"x": [1]})),
                ("an unknown split", pd.DataFrame({"split": ["train", "dev"]})),
            ]
        },
    ),
    # --- bag-of-words baselines --------------------------------------------------------------
    FuzzTarget(bb.tokenize, {"text": "Not bad, isn't it?"}),
    FuzzTarget(bb.ngrams_of, {"tokens": ["a", "b", "c"], "ngrams": 2}),
    FuzzTarget(
        bb.build_vocabulary,
        {"texts": TEXTS, "ngrams": 2, "min_count": 1},
        bad={"min_count": [("more than any count", 99)]},
    ),
    FuzzTarget(bb.count_matrix, {"texts": TEXTS, "vocabulary": VOCAB, "binary": True}),
    FuzzTarget(
        bb.fit_logistic,
        {"X": X, "y": LABELS, "l2": 0.5, "max_iterations": 50},
        bad={"X": BAD_X, "y": BAD_Y},
    ),
    FuzzTarget(bb.nb_log_ratio, {"X": X, "y": LABELS, "alpha": 1.0}, bad={"X": BAD_X, "y": BAD_Y}),
    FuzzTarget(
        bb.fit_nbsvm,
        {"X": X, "y": LABELS, "alpha": 1.0, "C": 1.0, "beta": 0.25, "max_iterations": 50},
        bad={"X": BAD_X, "y": BAD_Y},
    ),
    FuzzTarget(MODEL.predict, {"X": X}, bad={"X": [("other width", np.ones((2, 3)))]}),
    FuzzTarget(MODEL.decision, {"X": X}, bad={"X": [("other width", np.ones((2, 3)))]}),
    FuzzTarget(NBSVM.predict, {"X": X}, bad={"X": [("other width", np.ones((2, 3)))]}),
    FuzzTarget(bb.accuracy, {"predicted": np.array([1, 0, 1]), "y": np.array([1, 1, 1])}),
    # --- probes ------------------------------------------------------------------------------
    FuzzTarget(sp.same_bag, {"text_a": "a b c", "text_b": "c b a"}),
    FuzzTarget(
        sp.make_probes, {"per_kind": 3, "seed": 0}, accept={"seed": {"None"}}, deterministic=True
    ),
    FuzzTarget(sp.make_augmentation, {"count": 12, "seed": 1}, accept={"seed": {"None"}}),
    FuzzTarget(
        sp.probe_report,
        {"probes": PROBES, "predicted": PROBES["label"].to_numpy()},
        bad={"predicted": [("probabilities", np.full(len(PROBES), 0.5))]},
    ),
]

# --- exercise checks: the answer is fuzzed; a refusal is a WrongAnswer -----------------------


def _fit_logistic(X, y, l2):
    model = bb.fit_logistic(np.asarray(X) * 1.0, y, l2=l2 * len(y), max_iterations=5000)
    return model.weights, model.bias


RIGHT = {
    ex.check_log_count_ratio: lambda X, y, alpha: bb.nb_log_ratio(X, y, alpha=alpha),
    ex.check_pair_accuracy: ex.reference_pair_accuracy,
    ex.check_fit_logistic: _fit_logistic,
}


TARGETS += [exercise_check_target(check, right) for check, right in RIGHT.items()]
TARGETS += [
    FuzzTarget(
        ex.reference_log_count_ratio,
        {"X": np.ones((3, 2)), "y": np.array([1, 0, 1]), "alpha": 1.0},
        skip=("X", "y", "alpha"),  # the package's reference answer, called by checks only
    ),
    FuzzTarget(
        ex.reference_pair_accuracy,
        {"predicted": np.array([1, 0]), "labels": np.array([1, 0]), "pairs": np.array([0, 0])},
        skip=("predicted", "labels", "pairs"),  # the package's reference answer, checks only
    ),
]

EXEMPT = {
    "data.sentiment.SentimentDataError": "an exception class: raised by the loaders, never given input",
    "data.sentiment.load_imdb_live": (
        "downloads from the internet (keras.datasets.imdb); its argument checks and its offline"
        " error are tested with a patched download in tests/test_sentiment_data.py"
    ),
    "bow_baselines.Vocabulary": "a frozen dataclass made by build_vocabulary (fuzzed)",
    "bow_baselines.LinearModel": "a frozen dataclass of fitted weights; predict/decision fuzzed",
    "bow_baselines.NBSVM": "a frozen dataclass made by fit_nbsvm (fuzzed); its predict is fuzzed",
}


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_bad_inputs_get_clear_errors(target, capsys):
    assert_fuzz_clean(target)


@pytest.mark.parametrize(("check", "right"), list(RIGHT.items()), ids=lambda v: v.__name__)
def test_right_answers_pass_on_every_draw(check, right):
    assert_right_on_every_draw(check, right)
