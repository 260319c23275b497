"""Notebook 12's checkpoints: the stored metrics agree with a live evaluation; the log is complete."""

from __future__ import annotations

import json

import pytest

from lstm_course import speech_models
from lstm_course.data import dataset_path, load_manifest
from lstm_course.data.digits import SYNTH_FILE
from tools import train_speech


@pytest.fixture(scope="module")
def log():
    return json.loads(dataset_path("speech_training.json").read_text(encoding="utf-8"))


def test_the_log_says_how_the_checkpoints_were_made(log):
    assert log["command"] == train_speech.COMMAND
    assert log["data"] == {SYNTH_FILE: load_manifest()[SYNTH_FILE]["sha256"]}
    assert log["epochs"] == train_speech.EPOCHS
    assert log["strings_per_epoch"] == train_speech.STRINGS
    for name in ("bilstm", "cnn"):
        entry = log["models"][name]
        assert len(entry["loss"]) == len(entry["val_der"]) == log["epochs"]
        assert set(entry["metrics"]) == {"test", "val", "human"}


@pytest.mark.parametrize(
    ("name", "build"), [("bilstm", speech_models.bilstm_ctc), ("cnn", speech_models.cnn_ctc)]
)
def test_stored_and_live_metrics_agree(log, name, build):
    model = build()
    model.load_weights(dataset_path(f"speech_{name}.weights.h5"))
    sets = train_speech.evaluation_sets()
    for split in ("test", "human"):
        live = train_speech.evaluate(model, sets[split])
        stored = log["models"][name]["metrics"][split]
        assert abs(live["der"] - stored["der"]) < 0.005, (split, live, stored)
        assert abs(live["string_accuracy"] - stored["string_accuracy"]) < 0.01
