"""Fuzz notebook 11's code: the number-phrase generator, seq2seq plumbing, the verse loaders,
the translation models and the exercise checks.

Each public function is called with one argument at a time replaced by a bad value (it must
be refused with a message naming the argument) or another spelling of the valid value (it
must give the same result); see ``tests/fuzzing.py``.
"""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

import numpy as np
import pytest
from fuzzing import FuzzTarget, assert_fuzz_clean, assert_right_on_every_draw, exercise_check_target

from lstm_course import number_phrases as nph
from lstm_course import seq2seq as s2s
from lstm_course import translation_models as tm
from lstm_course.data import bible
from lstm_course.exercises import translation as ex

TOKENS = [["and", "god", "said"], ["god", "saw", "the", "light"], ["the", "light"]]
TARGETS_ES = [["y", "dijo", "dios"], ["vio", "dios", "la", "luz"], ["la", "luz"]]
VOCAB = s2s.Vocab.build(TOKENS)
VOCAB_ES = s2s.Vocab.build(TARGETS_ES)
X = VOCAB.encode(TOKENS, 5)
DICTIONARY = s2s.WordDictionary.fit(TOKENS, TARGETS_ES, min_pairs=1)


def _uniform_step(x, y_in):
    x, y_in = np.asarray(x), np.asarray(y_in)
    probs = np.full((len(y_in), y_in.shape[1], 6), 0.1)
    probs[..., 2] = 0.5
    return probs


def _pairs_file() -> Path:
    folder = Path(tempfile.mkdtemp())
    path = folder / "pairs.tsv.gz"
    path.write_bytes(gzip.compress(b"Go.\tVe.\tx\nHi.\tHola.\n"))
    return path


PAIRS = _pairs_file()


def _small_model_and_weights():
    model, _ = tm.build_translator(8, 9, units=4, embed=3, attention=True)
    path = Path(tempfile.mkdtemp()) / "weights.npz"
    tm.save_weights_npz(model, path)
    return model, path


SMALL_MODEL, SMALL_WEIGHTS = _small_model_and_weights()

TARGETS_LIST = [
    # --- number_phrases ----------------------------------------------------------------------
    FuzzTarget(nph.german_parts, {"word": "einundzwanzig"}, bad={"word": [("not German", "x")]}),
    FuzzTarget(nph.english_tokens, {"text": "twenty-one"}),
    FuzzTarget(nph.number_pair, {"value": 21}, bad={"value": [("a million", 1_000_000)]}),
    FuzzTarget(
        nph.date_pair,
        {"day": 21, "month": 3, "year": 1999},
        bad={"day": [("32", 32)], "month": [("13", 13)], "year": [("1700", 1700)]},
    ),
    FuzzTarget(
        nph.make_number_phrases,
        {"n_numbers": 30, "n_dates": 10, "max_train_tokens": 9, "fractions": (0.8, 0.1), "seed": 0},
        bad={"fractions": [("sum 1", (0.5, 0.5))]},
        accept={"seed": {"None"}},  # None: a fresh random seed, as everywhere in the course
    ),
    # --- seq2seq -------------------------------------------------------------------------------
    FuzzTarget(s2s.tokenize, {"text": "Y dijo Dios: ¿Dónde?"}),
    FuzzTarget(s2s.detokenize, {"tokens": ["y", "dijo", ":"]}),
    FuzzTarget(
        s2s.Vocab.build,
        {"sentences": TOKENS, "min_count": 1, "max_size": 20},
        accept={"max_size": {"None"}},
    ),  # fmt: skip
    FuzzTarget(
        s2s.Vocab, {"tokens": list(VOCAB.tokens)}, bad={"tokens": [("no specials", ["a", "b"])]}
    ),  # fmt: skip
    FuzzTarget(VOCAB.encode, {"sentences": TOKENS, "length": 4, "ends": True}),
    FuzzTarget(VOCAB.decode, {"ids": np.array([1, 4, 5, 2])}, bad={"ids": [("too big", [99])]}),
    FuzzTarget(s2s.teacher_forcing, {"targets": np.array([[4, 5, 2]]), "start": 1}),
    FuzzTarget(
        s2s.pair_arrays,
        {
            "sources": TOKENS,
            "targets": TARGETS_ES,
            "source_vocab": VOCAB,
            "target_vocab": VOCAB_ES,
            "source_len": 5,
            "target_len": 6,
        },
        bad={"targets": [("fewer", TARGETS_ES[:1])]},
    ),  # fmt: skip
    FuzzTarget(
        s2s.greedy_decode,
        {"step": _uniform_step, "x": X, "max_len": 4, "start": 1, "end": 2},
        bad={"step": [("wrong shape", lambda x, y: np.zeros((1, 1)))]},
    ),
    FuzzTarget(
        s2s.beam_search,
        {"step": _uniform_step, "x": X[:1], "beam": 2, "max_len": 4, "start": 1, "end": 2},
        bad={"x": [("two sentences", X[:2])], "beam": [("zero", 0)]},
    ),
    FuzzTarget(
        s2s.exact_match,
        {"predicted": TOKENS, "reference": TOKENS},
        bad={"reference": [("fewer", TOKENS[:1])]},
    ),  # fmt: skip
    FuzzTarget(
        s2s.bleu_chrf,
        {"hypotheses": ["y dijo dios"], "references": ["Y dijo Dios"], "lowercase": True},
        bad={"references": [("fewer", [])]},
    ),
    FuzzTarget(s2s.copy_source, {"sources": ["And God said"]}),
    FuzzTarget(
        s2s.WordDictionary.fit,
        {"sources": TOKENS, "targets": TARGETS_ES, "min_pairs": 1},
        bad={"targets": [("fewer", TARGETS_ES[:1])]},
    ),
    FuzzTarget(s2s.WordDictionary, {"table": {"god": "dios"}}, skip=("table",)),
    FuzzTarget(DICTIONARY.translate, {"tokens": ["god", "moses"]}),
    FuzzTarget(
        s2s.replace_unknowns,
        {
            "tokens": ["y", "<unk>"],
            "source": ["and", "god"],
            "weights": np.array([[1.0, 0.0], [0.2, 0.8]]),
            "dictionary": DICTIONARY,
        },
    ),  # fmt: skip
    # --- data.bible ------------------------------------------------------------------------
    FuzzTarget(
        bible.load_sentence_pairs,
        {"path": PAIRS, "limit": 5, "columns": ("en", "es")},
        accept={"limit": {"None"}},
        errors=(TypeError, ValueError),  # BibleDataError is a ValueError
    ),
    FuzzTarget(bible.load_bible, {"root": None}, skip=("root",)),  # the registry's root is fuzzed
    # --- translation_models ----------------------------------------------------------------
    FuzzTarget(
        tm.build_translator,
        {
            "source_vocab": 8,
            "target_vocab": 9,
            "units": 4,
            "embed": 3,
            "attention": True,
            "learning_rate": 0.01,
        },
        deterministic=False,  # a new Keras model each call
    ),  # fmt: skip
    FuzzTarget(tm.model_step, {"model": SMALL_MODEL}, deterministic=False),  # returns a closure
    FuzzTarget(
        tm.save_weights_npz,
        {"model": SMALL_MODEL, "path": Path(tempfile.mkdtemp()) / "fuzzed.npz"},
    ),  # fmt: skip
    FuzzTarget(tm.load_weights_npz, {"model": SMALL_MODEL, "path": SMALL_WEIGHTS}),
]


@pytest.mark.parametrize("target", TARGETS_LIST, ids=str)
def test_bad_inputs_get_clear_errors(target, capsys):
    assert_fuzz_clean(target)


# --- exercise checks: the answer is fuzzed; a refusal is a WrongAnswer -----------------------


def _attention(query, keys, scale, mask):
    return ex.reference_attention(query, keys, scale, mask)


RIGHT = {
    ex.check_ngram_precision: ex.reference_ngram_precision,
    ex.check_greedy: lambda step, x, n, s, e: s2s.greedy_decode(step, x, max_len=n, start=s, end=e),
    ex.check_attention: _attention,
}


CHECKS = [exercise_check_target(check, right) for check, right in RIGHT.items()]
REFERENCES = [
    FuzzTarget(
        ex.reference_ngram_precision,
        {"hypothesis": ["a", "b"], "reference": ["a", "b"], "n": 1},
        skip=("hypothesis", "reference", "n"),  # a reference answer: called only by the check
    ),
    FuzzTarget(
        ex.reference_attention,
        {
            "query": np.ones((2, 3)),
            "keys": np.ones((4, 3)),
            "scale": np.ones(3),
            "mask": np.array([True, True, True, False]),
        },
        skip=("query", "keys", "scale", "mask"),  # a reference answer: called only by the check
    ),  # fmt: skip
]
TARGETS = [*TARGETS_LIST, *CHECKS, *REFERENCES]
EXEMPT = {
    "data.bible.BibleDataError": "an exception class: raised by the loaders, never given input",
    "translation_models.verse_data": "reads the committed snapshot; its max_vocab is checked "
    "by check_int and its root by the registry (fuzzed in test_fuzz_data)",
    "translation_models.translate": "plumbing over fast_greedy for a trained model",
    "translation_models.fast_greedy": "needs a trained Keras model: its x/max_len/start/end "
    "checks are greedy_decode's (fuzzed above); bad model and x are tested, and its output "
    "(ids and, with return_attention, weights) equals the full model's, in "
    "tests/test_translation_models.py",
    "translation_models.load_checkpoint": "loads a committed checkpoint; kind is a "
    "check_choice; tested in tests/test_seq2seq.py against the stored scores",
}


@pytest.mark.parametrize("target", CHECKS, ids=str)
def test_checks_refuse_bad_answers(target, capsys):
    assert_fuzz_clean(target)


@pytest.mark.parametrize(("check", "right"), list(RIGHT.items()), ids=lambda v: v.__name__)
def test_right_answers_pass_on_every_draw(check, right):
    assert_right_on_every_draw(check, right)
