"""Fuzz notebook 12's code: speech features, composer, CTC helpers, digit loaders, exercises.

Each public function is called with one argument at a time replaced by a bad value (it must
be refused with a message naming the argument) or another spelling of the valid value (it
must give the same result); see ``tests/fuzzing.py``.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import numpy as np
import pytest
from fuzzing import FuzzTarget, assert_fuzz_clean, assert_right_on_every_draw, exercise_check_target

from lstm_course import speech as sp
from lstm_course import speech_models
from lstm_course.data import digits
from lstm_course.exercises import speech as ex

RNG = np.random.default_rng(0)
AUDIO = (0.3 * np.sin(np.arange(2400) / 5)).astype(np.float32)
CLIPS = digits.DigitClips(
    [AUDIO * (0.5 + d / 20) for d in range(10)] + [np.concatenate([AUDIO, AUDIO])],
    [str(d) for d in range(10)] + ["12"],
    np.zeros(11, dtype=np.int64),
    ("v",),
)
PROBS = np.full((2, 6, sp.CLASSES), 0.01)
PROBS[0, [0, 2, 4], [4, 9, 2]] = 1.0
PROBS[1, [1, 2], [8, 8]] = 1.0
PROBS /= PROBS.sum(-1, keepdims=True)
FEATURES = RNG.normal(size=(3, 7, sp.INPUTS)).astype(np.float32)
FEATURE_LENGTHS = np.array([7, 5, 3])
LABELS = np.array([[2, 3], [4, 0], [5, 0]])
LABEL_LENGTHS = np.array([2, 1, 1])
MODEL = speech_models.cnn_ctc(filters=4, layers=1)


@functools.wraps(sp.compose)
def compose_fresh(**kwargs):
    rng = kwargs.pop("rng")
    if isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(7)  # same draws on every call
    return sp.compose(rng=rng, **kwargs)


@functools.wraps(speech_models.train_ctc)
def train_fresh(**kwargs):
    model = kwargs.pop("model")
    if model is MODEL:
        model = speech_models.cnn_ctc(filters=4, layers=1)
        model.set_weights(MODEL.get_weights())
    return speech_models.train_ctc(model=model, **kwargs)


@functools.wraps(digits.load_wav_folder)
def load_written_folder(**kwargs):
    """``load_wav_folder`` on a folder of two files the call writes first."""
    with tempfile.TemporaryDirectory() as folder:
        digits.write_wav(Path(folder) / "7_a_0.wav", AUDIO)
        digits.write_wav(Path(folder) / "12_b_0.wav", AUDIO, sample_rate=16000)
        root = kwargs.pop("root")
        return digits.load_wav_folder(root=folder if root == "WRITTEN" else root, **kwargs)


@functools.wraps(digits.read_wav)
def read_written(**kwargs):
    with tempfile.TemporaryDirectory() as folder:
        digits.write_wav(Path(folder) / "7.wav", AUDIO)
        path = kwargs.pop("path")
        return digits.read_wav(path=Path(folder) / "7.wav" if path == "WRITTEN" else path, **kwargs)


@functools.wraps(digits.write_wav)
def write_then_read(**kwargs):
    with tempfile.TemporaryDirectory() as folder:
        path = kwargs.pop("path")
        target = Path(folder) / "x.wav" if path == "WRITTEN" else path
        digits.write_wav(path=target, **kwargs)
        return digits.read_wav(target, sample_rate=kwargs.get("sample_rate", 8000))


TARGETS_LIST = [
    # --- speech ------------------------------------------------------------------------------
    FuzzTarget(sp.frame_count, {"samples": 1000}, bad={"samples": [("zero", 0)]}),
    FuzzTarget(sp.mel_matrix, {"mels": 20}, bad={"mels": [("one", 1), ("huge", 1000)]}),
    FuzzTarget(sp.log_mel, {"audio": AUDIO, "mels": 20}, accept={"audio": {"scalar"}}),
    FuzzTarget(
        sp.log_mel_batch,
        {"audio": [AUDIO, AUDIO[:900]], "mels": 20, "normalise": True},
        bad={"audio": [("empty list", []), ("a 2-D clip", [np.ones((3, 400))])]},
    ),
    FuzzTarget(
        sp.stack_frames,
        {"x": FEATURES[..., :4], "lengths": FEATURE_LENGTHS, "k": 2},
        bad={"lengths": [("too long", np.array([8, 5, 3])), ("zero", np.array([0, 5, 3]))]},
    ),
    FuzzTarget(sp.features, {"audio": [AUDIO, AUDIO[:900]]}, bad={"audio": [("empty list", [])]}),
    FuzzTarget(
        compose_fresh,
        {
            "clips": CLIPS,
            "n": 3,
            "rng": np.random.default_rng(7),
            "min_digits": 1,
            "max_digits": 3,
            "whole": 0.5,
            "gap": (0.01, 0.1),
            "gain_db": (-3.0, 3.0),
            "snr_db": (20.0, 30.0),
            "speed": (0.9, 1.1),
        },
        bad={
            "max_digits": [("below min_digits", 0)],
            "gap": [("reversed", (0.2, 0.1)), ("three numbers", (0.1, 0.2, 0.3))],
            "speed": [("zero", (0.0, 1.0))],
            "clips": [
                (
                    "no full voice, no strings",
                    digits.DigitClips([AUDIO], ["3"], np.zeros(1, int), ("v",)),
                )
            ],
        },  # fmt: skip
        name="speech.compose",
    ),
    FuzzTarget(
        sp.evaluation_set,
        {"clips": CLIPS, "n": 2, "seed": 3, "max_digits": 3},
        bad={"max_digits": [("zero", 0)]},
    ),
    FuzzTarget(
        sp.encode_labels, {"text": ["381", "7"]}, bad={"text": [("letters", ["3a"]), ("empty", [])]}
    ),  # fmt: skip
    FuzzTarget(
        sp.collapse,
        {"path": np.array([0, 4, 4, 0, 2]), "blank": 0},
        accept={"path": {"empty"}},  # no frames: no labels
        bad={"path": [("negative", np.array([-1, 2]))]},
    ),
    FuzzTarget(
        sp.labels_to_text,
        {"labels": np.array([4, 9, 2])},
        accept={"labels": {"empty"}},  # no labels: the empty string
        bad={"labels": [("blank", np.array([0])), ("eleven", np.array([11]))]},
    ),
    FuzzTarget(
        sp.greedy_decode,
        {"probs": PROBS, "lengths": np.array([6, 4])},
        bad={
            "lengths": [("too long", np.array([7, 4])), ("zero", np.array([0, 4]))],
            "probs": [("10 classes", PROBS[..., :10])],
        },
    ),  # fmt: skip
    FuzzTarget(
        sp.beam_decode,
        {"probs": PROBS, "lengths": np.array([6, 4]), "beam_width": 4},
        bad={"lengths": [("too long", np.array([7, 4]))]},
    ),
    FuzzTarget(
        sp.count_alignments,
        {"labels": np.array([1, 2]), "frames": 4, "blank": 0},
        accept={"labels": {"empty"}},  # no labels: the all-blank path
        bad={"labels": [("holds the blank", np.array([0, 1]))]},
    ),
    FuzzTarget(
        sp.edit_distance,
        {"reference": np.array([3, 8, 1]), "hypothesis": np.array([3, 1])},
        accept={"reference": {"empty", "a string"}, "hypothesis": {"empty", "a string"}},
    ),
    FuzzTarget(
        sp.digit_error_rate,
        {"references": ["381", "7"], "hypotheses": ["31", "7"]},
        bad={"hypotheses": [("too few", ["31"])], "references": [("all empty", ["", ""])]},
    ),
    FuzzTarget(
        sp.string_accuracy,
        {"references": ["381", "7"], "hypotheses": ["31", "7"]},
        bad={"hypotheses": [("too few", ["31"]), ("letters", ["ab", "7"])]},
    ),
    FuzzTarget(speech_models.bilstm_ctc, {"units": 3, "mels": 4, "layers": 1}, deterministic=False),
    FuzzTarget(
        speech_models.cnn_ctc,
        {"filters": 3, "mels": 4, "layers": 1, "kernel": 3},
        deterministic=False,
    ),  # fmt: skip
    FuzzTarget(
        train_fresh,
        {
            "model": MODEL,
            "x": FEATURES,
            "lengths": FEATURE_LENGTHS,
            "labels": LABELS,
            "label_lengths": LABEL_LENGTHS,
            "epochs": 1,
            "batch_size": 2,
            "learning_rate": 1e-3,
            "seed": 0,
        },
        bad={
            "lengths": [("too long", np.array([8, 5, 3]))],
            "label_lengths": [("too long", np.array([3, 1, 1]))],
            "learning_rate": [("zero", 0.0)],
        },
        deterministic=False,
        name="speech_models.train_ctc",
    ),
    FuzzTarget(
        speech_models.predict_probs,
        {"model": MODEL, "x": FEATURES, "lengths": FEATURE_LENGTHS, "batch_size": 2},
        bad={"lengths": [("other count", np.array([7, 5]))]},
    ),
    # --- data --------------------------------------------------------------------------------
    FuzzTarget(
        digits.load_digits,
        {"split": "test"},
        bad={"split": [("unknown", "dev")]},
        deterministic=False,
    ),  # fmt: skip
    FuzzTarget(digits.load_human_digits, {}, deterministic=False),
    FuzzTarget(
        digits.mulaw_encode, {"audio": AUDIO}, accept={"audio": {"scalar", "extra axis", "empty"}}
    ),  # fmt: skip
    FuzzTarget(digits.mulaw_decode, {"codes": digits.mulaw_encode(AUDIO)}),
    FuzzTarget(digits.delta_encode, {"codes": digits.mulaw_encode(AUDIO)}),
    FuzzTarget(digits.delta_decode, {"deltas": digits.delta_encode(digits.mulaw_encode(AUDIO))}),
    FuzzTarget(
        digits.resample,
        {"audio": AUDIO, "rate_in": 8000, "rate_out": 4000},
        bad={"rate_in": [("zero", 0)]},
    ),
    FuzzTarget(
        read_written,
        {"path": "WRITTEN", "sample_rate": 8000, "resample_to_rate": True, "silence": 1e-3},
        bad={"silence": [("above the peak", 0.9)], "path": [("missing", "/nonexistent.wav")]},
        name="data.digits.read_wav",
    ),
    FuzzTarget(
        load_written_folder,
        {"root": "WRITTEN", "sample_rate": 8000, "resample_to_rate": True, "silence": 1e-3},
        bad={
            "resample_to_rate": [("off with a 16 kHz file", False)],
            "root": [("missing", "/nonexistent")],
        },
        name="data.digits.load_wav_folder",
    ),  # fmt: skip
    FuzzTarget(
        write_then_read,
        {"path": "WRITTEN", "audio": AUDIO, "sample_rate": 8000},
        bad={"audio": [("2-D", np.ones((3, 3)))]},
        accept={"audio": {"scalar"}},
        name="data.digits.write_wav",
    ),
    FuzzTarget(
        CLIPS.subset,
        {"mask": np.ones(11, dtype=bool)},
        bad={"mask": [("short", np.ones(3, dtype=bool))]},
        deterministic=False,
    ),
]


# --- exercise checks: the answer is fuzzed; a refusal is a WrongAnswer -----------------------


RIGHT = {
    ex.check_collapse: ex._collapse,
    ex.check_edit_distance: ex._edit_distance,
    ex.check_count_alignments: ex._count_alignments,
}


CHECKS = [exercise_check_target(check, right) for check, right in RIGHT.items()]
TARGETS = [*TARGETS_LIST, *CHECKS]
EXEMPT = {
    "data.digits.DigitDataError": "an exception class: raised by the loaders, never given input",
    "data.digits.DigitClips": "a frozen dataclass the loaders return; subset() is fuzzed",
}


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_bad_inputs_get_clear_errors(target):
    assert_fuzz_clean(target)


@pytest.mark.parametrize(("check", "right"), list(RIGHT.items()), ids=lambda v: v.__name__)
def test_right_answers_pass_on_every_draw(check, right):
    assert_right_on_every_draw(check, right)
