"""Fuzz notebook 07's code: the chorale loader, MIDI, the synthesiser, the music baselines,
sampling, the sequence models, and the exercise checks.

Each public function is called with one argument at a time replaced by a bad value (it must
be refused with a message naming the argument) or another spelling of the valid value (it
must give the same result); see ``tests/fuzzing.py``. Everything runs offline, on small
rolls made here (and, for the loader, the committed snapshot).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from fuzzing import FuzzTarget, assert_fuzz_clean, assert_right_on_every_draw, exercise_check_target

from lstm_course import midi, music_baselines, music_models, sampling, synth
from lstm_course.data import chorales, registry
from lstm_course.exercises import music as ex

DATASETS = registry.datasets_dir()
RNG = np.random.default_rng(0)
ROLL = (RNG.random((12, 88)) < 0.05).astype(float)
ROLLS = [(RNG.random((n, 88)) < 0.05).astype(float) for n in (9, 12, 15)]  # ragged: a list
PROBABILITIES = [np.full(roll.shape, 0.1) for roll in ROLLS]
TOKENS = [np.array([3, 4, 2, 5, 1]), np.array([4, 4, 2]), np.array([3, 5, 6, 2, 2, 1])]
FLIPS = music_baselines.flip_probabilities(ROLLS)
WEIGHTS, BIAS = music_baselines.fit_logistic(ROLLS, l2=1e-2, max_iterations=20)
FOLDER = tempfile.TemporaryDirectory()  # removed when the test session ends
MIDI_FILE = midi.write_midi(ROLL, Path(FOLDER.name) / "fuzz.mid")
PIECE = chorales.load_chorales()["test"][0]

BAD_ROLLS = [
    ("a roll of probabilities", [np.full((4, 88), 0.3)]),
    ("a roll with NaN", [np.where(ROLL == 1, np.nan, 0.0)]),
    ("87 keys", [np.zeros((4, 87))]),
    ("an empty roll", [np.zeros((0, 88))]),
    ("an empty list", []),
]
BAD_ROLL = [
    ("probabilities", np.full((4, 88), 0.3)),
    ("87 keys", np.zeros((4, 87))),
    ("no frames", np.zeros((0, 88))),
]


def _frame_model():
    return music_models.build_frame_lstm(units=4, dropout=0.0, seed=0)


def _token_model():
    return music_models.build_token_lstm(vocabulary=7, units=4, embedding=2, seed=0)


FRAME_MODEL, TOKEN_MODEL = _frame_model(), _token_model()


def _copy_step(frame, state):
    return np.clip(frame, 0.05, 0.95), state


TARGETS_LIST = [
    # --- the chorale loader ----------------------------------------------------------------
    FuzzTarget(
        chorales.load_chorales,
        {"key": "C", "step": "quarter", "root": DATASETS},
        accept={"root": {"None"}},  # None: the course's own datasets folder
        bad={"key": [("lower case", "c")], "step": [("a number", 4)]},
    ),
    FuzzTarget(chorales.melody_vocabulary, {"lowest": 55, "highest": 84}),
    FuzzTarget(
        chorales.melody_tokens,
        {"chorale": PIECE, "lowest": 48, "highest": 90},
        bad={"highest": [("below the melody", 60)], "chorale": [("a roll", PIECE.roll)]},
        aliases={"highest": ("lowest/highest",)},
    ),
    FuzzTarget(
        chorales.melody_roll,
        {"tokens": np.array([3.0, 2, 1, 5, 2]), "lowest": 60},
        bad={"tokens": [("the START token", np.array([0, 3])), ("a fraction", np.array([3.5]))]},
    ),
    # --- MIDI and sound ----------------------------------------------------------------------
    FuzzTarget(
        midi.midi_bytes,
        {"roll": ROLL, "steps_per_quarter": 2, "tempo_bpm": 90.0, "velocity": 70},
        bad={"roll": BAD_ROLL, "steps_per_quarter": [("7 does not divide 480", 7)]},
    ),
    FuzzTarget(
        midi.write_midi,
        {"roll": ROLL, "path": str(Path(FOLDER.name) / "out.mid"), "steps_per_quarter": 1},
        bad={
            "path": [
                ("a missing folder", str(Path(FOLDER.name) / "no" / "x.mid")),
                ("not .mid", str(Path(FOLDER.name) / "x.wav")),
            ]
        },
    ),
    FuzzTarget(
        midi.read_midi,
        {"path": str(MIDI_FILE), "steps_per_quarter": 2},
        bad={"path": [("a folder", FOLDER.name), ("not MIDI", str(Path(__file__)))]},
        aliases={"path": ("midi file",)},
    ),
    FuzzTarget(synth.key_frequencies, {}),
    FuzzTarget(
        synth.synthesize,
        {"roll": ROLL, "step_seconds": 0.1, "sample_rate": 2000, "volume": 0.3},
        bad={"roll": BAD_ROLL, "sample_rate": [("too low", 10)], "volume": [("zero", 0.0)]},
    ),
    # --- baselines ---------------------------------------------------------------------------
    FuzzTarget(music_baselines.previous_frames, {"roll": ROLL}, bad={"roll": BAD_ROLL}),
    FuzzTarget(
        music_baselines.nll_per_frame,
        {"rolls": ROLLS, "probabilities": PROBABILITIES},
        bad={
            "rolls": BAD_ROLLS,
            "probabilities": [
                ("one too few", PROBABILITIES[:2]),
                ("above 1", [p + 1 for p in PROBABILITIES]),
                ("wrong shape", [p[:-1] for p in PROBABILITIES]),
            ],
        },
    ),
    FuzzTarget(
        music_baselines.per_key_probabilities,
        {"rolls": ROLLS, "alpha": 1.0},
        bad={"rolls": BAD_ROLLS, "alpha": [("negative", -1.0)]},
    ),
    FuzzTarget(
        music_baselines.flip_probabilities,
        {"rolls": ROLLS, "alpha": 0.5},
        bad={"rolls": BAD_ROLLS, "alpha": [("negative", -1.0)]},
    ),
    FuzzTarget(
        music_baselines.flip_predictions,
        {"roll": ROLL, "flips": FLIPS},
        bad={"roll": BAD_ROLL, "flips": [("transposed", FLIPS.T), ("above 1", FLIPS + 1)]},
    ),
    FuzzTarget(
        music_baselines.fit_logistic,
        {"rolls": ROLLS, "l2": 1e-2, "max_iterations": 15},
        bad={"rolls": BAD_ROLLS, "l2": [("negative", -1.0)]},
    ),
    FuzzTarget(
        music_baselines.logistic_predictions,
        {"roll": ROLL, "weights": WEIGHTS, "bias": BIAS},
        bad={"roll": BAD_ROLL, "weights": [("transposed bias", BIAS[:, None])]},
    ),
    FuzzTarget(
        music_baselines.ngram_probabilities,
        {"train": TOKENS, "sequences": TOKENS[:2], "order": 2, "vocabulary": 7, "alpha": 0.1},
        bad={
            "train": [
                ("a token too large", [np.array([3, 9])]),
                ("a 2-D array", [np.ones((2, 2))]),
            ],
            "sequences": [("negative tokens", [np.array([-1, 3])])],
            "order": [("zero", 0)],
            "alpha": [("zero", 0.0)],
        },
    ),
    # --- sampling ----------------------------------------------------------------------------
    FuzzTarget(
        sampling.tempered_probabilities,
        {"probabilities": np.linspace(0, 1, 12).reshape(3, 4), "temperature": 0.7},
        bad={"probabilities": [("above 1", np.array([1.5]))], "temperature": [("zero", 0.0)]},
        accept={"probabilities": {"extra axis", "flattened"}},  # any shape is fine
    ),
    FuzzTarget(
        sampling.generate,
        {"step": _copy_step, "primer": ROLL[:3], "steps": 4, "temperature": 1.0, "seed": 0},
        bad={"primer": BAD_ROLL, "step": [("returns one thing", lambda f, s: f)]},
        accept={"seed": {"None"}},  # None: fresh randomness
    ),
    # --- sequence models ---------------------------------------------------------------------
    FuzzTarget(
        music_models.padded_batches,
        {"pieces": ROLLS, "batch_size": 2, "seed": 1, "max_transpose": 3},
        accept={"seed": {"None"}},  # None: keep length order, no shuffling
        bad={"pieces": BAD_ROLLS + [("tokens with a 0", [np.array([0, 3])])]},
    ),
    FuzzTarget(
        music_models.build_frame_lstm,
        {"units": 4, "dropout": 0.1, "learning_rate": 1e-2, "seed": 0, "compile": False},
        deterministic=False,  # a new model each call
    ),
    FuzzTarget(
        music_models.build_token_lstm,
        {
            "vocabulary": 7,
            "units": 4,
            "embedding": 2,
            "dropout": 0.1,
            "learning_rate": 1e-2,
            "seed": 0,
        },
        deterministic=False,
    ),
    FuzzTarget(
        music_models.predict_on_pieces,
        {"model": FRAME_MODEL, "pieces": ROLLS, "batch_size": 2},
        bad={"pieces": BAD_ROLLS},
    ),
    FuzzTarget(
        music_models.sequence_nll,
        {"pieces": TOKENS, "probabilities": [np.full((len(t), 7), 1 / 7) for t in TOKENS]},
        bad={"probabilities": [("too few columns", [np.full((len(t), 3), 1 / 3) for t in TOKENS])]},
    ),
    FuzzTarget(
        music_models.fit_on_pieces,
        {
            "model": TOKEN_MODEL,
            "pieces": TOKENS,
            "epochs": 1,
            "batch_size": 2,
            "seed": 0,
            "max_transpose": 0,
            "validation": TOKENS[:1],
            "bar_label": "melody LSTM",
        },
        accept={"validation": {"None"}, "bar_label": {"None"}},  # None: no validation, no bar
        deterministic=False,  # training changes the model and takes measured time
    ),
]


# --- exercise checks: the answer is fuzzed; a refusal is a WrongAnswer -----------------------


def _tempered(p, t):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return 1 / (1 + np.exp(-np.log(p / (1 - p)) / t))


def _fit_flips(rolls):
    return music_baselines.flip_probabilities(rolls, alpha=1.0)


def _continue_piece(step, primer, steps, temperature, rng):
    return sampling.generate(step, primer, steps, temperature=temperature, seed=rng)


RIGHT = {
    ex.check_tempered: _tempered,
    ex.check_fit_flips: _fit_flips,
    ex.check_continue_piece: _continue_piece,
}


TARGETS = [*TARGETS_LIST, *(exercise_check_target(check, right) for check, right in RIGHT.items())]
EXEMPT = {
    "data.chorales.Chorale": "a frozen dataclass made by load_chorales from validated arrays",
    "data.chorales.ChoraleDataError": "an exception class: raised by load_chorales, never given input",
    "midi.MidiError": "an exception class: raised by read_midi, never given input",
}


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_bad_inputs_get_clear_errors(target, capsys):
    assert_fuzz_clean(target)


@pytest.mark.parametrize(("check", "right"), list(RIGHT.items()), ids=lambda v: v.__name__)
def test_right_answers_pass_on_every_draw(check, right):
    assert_right_on_every_draw(check, right)
