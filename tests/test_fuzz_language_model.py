"""Fuzz notebook 09's code: charlm, ngram, the Austen/text loaders and the exercise checks.

Each public function is called with one argument at a time replaced by a bad value (it must
be refused with a message naming the argument) or another spelling of the valid value (it
must give the same result); see ``tests/fuzzing.py``.
"""

from __future__ import annotations

import functools
import io
import tempfile
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from fuzzing import FuzzTarget, assert_fuzz_clean, assert_right_on_every_draw, exercise_check_target

from lstm_course import charlm, ngram
from lstm_course.data import austen
from lstm_course.exercises import language_model as ex

RNG = np.random.default_rng(0)
IDS = RNG.integers(0, 6, 400)
PROBS = RNG.uniform(0.05, 1.0, 30)
TEXT = "It is a truth universally acknowledged, that a single man.\n" * 40
VOCAB = charlm.Vocabulary.from_text(TEXT)
FIRST_STAGE = {
    "command": "train --minutes 1",
    "config": {"lr": 3e-3},
    "curve": [{"seconds": 60.0, "chars": 1000, "val50k_bpc": 3.0}],
    "final": {"train_seconds": 61.0, "train_chars": 1000},
}
TWO_STAGE_LOG = {
    "command": "train --init a.npz",
    "config": {"lr": 1e-3},
    "curve": [{"seconds": 30.0, "chars": 500, "val50k_bpc": 2.5}],
    "previous": FIRST_STAGE,
}
KN = ngram.KneserNey(3, 6).fit(IDS)


@functools.wraps(austen.load_text_file)  # counted as load_text_file's target
def load_text_file_written(**kwargs):
    """``load_text_file`` on a file the call writes, so paths are fuzzed only via kwargs."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.txt"
        path.write_text(TEXT, encoding="utf-8")
        return austen.load_text_file(path, **kwargs)


@functools.wraps(austen.load_text_url)  # counted as load_text_url's target
def load_text_url_served(**kwargs):
    """``load_text_url`` with urlopen answered in memory, so no network is needed."""
    with mock.patch.object(
        austen.urllib.request, "urlopen", lambda url, timeout: io.BytesIO(TEXT.encode())
    ):
        return austen.load_text_url(**kwargs)


@functools.wraps(charlm.Vocabulary.encode)
def encode(**kwargs):
    return VOCAB.encode(**kwargs)


@functools.wraps(ngram.KneserNey.fit)
def kn_fit(**kwargs):
    return ngram.KneserNey(3, 6).fit(**kwargs).bits_per_char(IDS[:50])


@functools.wraps(ngram.KneserNey)
def kn_new(**kwargs):
    """A model built with these arguments, fitted: its bits per char compare across variants."""
    return ngram.KneserNey(**kwargs).fit(IDS).bits_per_char(IDS[:50])


TARGETS_LIST = [
    FuzzTarget(
        austen.split_text,
        {"text": TEXT},
        accept={"text": set()},
        bad={"text": [("two characters", "ab")]},
    ),
    FuzzTarget(
        load_text_file_written,
        {"min_chars": 10, "max_chars": 100_000},
        bad={"min_chars": [("more than the text", 50_000)]},
        name="data.austen.load_text_file",
    ),
    FuzzTarget(
        load_text_url_served,
        {"url": "https://example.org/t.txt", "timeout": 5.0, "min_chars": 10},
        bad={"url": [("no scheme", "t.txt"), ("ftp", "ftp://example.org/t.txt")]},
        name="data.austen.load_text_url",
    ),
    FuzzTarget(charlm.Vocabulary.from_text, {"text": TEXT}, bad={"text": [("empty", "")]}),
    FuzzTarget(
        encode,
        {"text": "a truth"},
        bad={"text": [("unseen", "zebra!")]},
        name="charlm.Vocabulary.encode",
    ),
    FuzzTarget(
        VOCAB.decode, {"ids": np.array([0, 1, 2])}, bad={"ids": [("too big", np.array([99]))]}
    ),
    FuzzTarget(
        charlm.bptt_batches,
        {"ids": IDS, "batch": 4, "steps": 10},
        bad={"batch": [("too many", 1000)]},
    ),
    FuzzTarget(charlm.nats_to_bits, {"nats": 1.5}),
    FuzzTarget(
        charlm.bits_per_char,
        {"probabilities": PROBS},
        bad={"probabilities": [("zero", np.array([0.0, 0.5]))]},
    ),
    FuzzTarget(
        charlm.unigram_bpc,
        {"train_ids": IDS, "test_ids": IDS[:50], "vocab_size": 6, "alpha": 1.0},
        bad={"test_ids": [("out of range", np.array([7]))]},
    ),
    FuzzTarget(
        charlm.softmax,
        {"logits": np.array([1.0, 2.0, 3.0]), "temperature": 0.5},
        bad={"temperature": [("zero", 0.0)]},
    ),
    FuzzTarget(
        charlm.cells_html,
        {"text": "abc", "values": np.array([0.1, -0.5, 1.0])},
        bad={"values": [("too short", np.array([1.0]))]},
    ),
    FuzzTarget(
        charlm.compressor_bpc,
        {"train": TEXT, "test": TEXT[:300], "prime_chars": 500},
        bad={"test": [("empty", "")]},
    ),
    FuzzTarget(
        charlm.training_stages,
        {"log": TWO_STAGE_LOG},
        bad={"log": [("no curve", {"command": "x"})]},
    ),
    FuzzTarget(
        kn_new,
        {"order": 3, "vocab_size": 6, "modified": True},
        bad={"order": [("eight", 8)]},
        name="ngram.KneserNey",
    ),
    FuzzTarget(
        kn_fit,
        {"ids": IDS},
        bad={"ids": [("out of range", np.array([0, 9, 1, 2]))]},
        name="ngram.KneserNey.fit",
    ),
    FuzzTarget(
        KN.bits_per_char,
        {"ids": IDS[:60], "start": 2},
        accept={"start": {"None"}},  # None: the default, order - 1
        bad={"start": [("too early", 0)]},
    ),
    FuzzTarget(KN.probabilities, {"ids": IDS[:60], "start": 2}, accept={"start": {"None"}}),
    FuzzTarget(KN.distribution, {"context": IDS[:5]}),
    FuzzTarget(
        ngram.bigram_bpc,
        {"train_ids": IDS, "test_ids": IDS[:40], "vocab_size": 6, "alpha": 1.0},
        bad={"alpha": [("negative", -1.0)]},
    ),
]


def _bits(p):
    bits = float(-np.mean(np.log2(p)))
    return bits, 2**bits


RIGHT = {
    ex.check_bits_and_perplexity: _bits,
    ex.check_bigram_bpc: ngram.bigram_bpc,
    ex.check_tempered_softmax: charlm.softmax,
}


CHECKS = [exercise_check_target(check, right) for check, right in RIGHT.items()]
TARGETS = [*TARGETS_LIST, *CHECKS]
EXEMPT = {
    "data.austen.TextDataError": "an exception class: raised by the loaders, never given input",
    "data.austen.TextDownloadError": "an exception class: raised by load_text_url, never given input",
    "data.austen.load_austen": "reads the committed snapshot; its only argument is the registry's root, fuzzed there",
    "charlm.build_charlm": "builds a Keras model (seconds); its ints are validated by check_int, tested in test_charlm",
    "charlm.zero_states": "takes a built Keras model; tested in test_charlm",
    "charlm.evaluate_bpc": "takes a built Keras model; its equality to a single pass is tested in test_charlm",
    "charlm.make_train_step": "wraps a Keras model and optimizer in tf.function; exercised by the notebook",
    "charlm.save_weights_npz": "takes a built Keras model; round trip tested in test_charlm",
    "charlm.load_weights_npz": "takes a built Keras model; round trip tested in test_charlm",
    "charlm.load_checkpoint": "reads the committed, sha256-verified checkpoint; tested in test_charlm",
    "charlm.NumpyCharLM": "copies a built Keras model's weights; equality with Keras tested in test_charlm",
    "charlm.LSTMSampler": "wraps a NumpyCharLM; exercised through sample_text in test_charlm",
    "charlm.sample_text": "takes a model callable; seeded reproducibility tested in test_charlm",
    "charlm.beam_search": "takes a NumpyCharLM; tested in test_charlm",
}


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_bad_inputs_get_clear_errors(target, capsys):
    assert_fuzz_clean(target)


@pytest.mark.parametrize(("check", "right"), list(RIGHT.items()), ids=lambda v: v.__name__)
def test_right_answers_pass_on_every_draw(check, right):
    assert_right_on_every_draw(check, right)
