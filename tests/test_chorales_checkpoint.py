"""Notebook 07's checkpoint: its stored metric agrees with a live evaluation, its log is complete."""

from __future__ import annotations

import json

import pytest

from lstm_course.data import dataset_path, load_manifest
from lstm_course.data.chorales import CHORALES_FILE, load_chorales
from tools import train_chorales


@pytest.fixture(scope="module")
def log():
    return json.loads(dataset_path(train_chorales.LOG).read_text(encoding="utf-8"))


def test_the_log_says_how_the_checkpoint_was_made(log):
    assert log["data"] == {
        "file": CHORALES_FILE,
        "sha256": load_manifest()[CHORALES_FILE]["sha256"],
    }
    assert log["recipe"]["epochs"] == train_chorales.EPOCHS == len(log["checkpoint"]["log"])
    assert log["command"].startswith(train_chorales.COMMAND)
    assert {"platform", "cpu_count", "tensorflow", "keras"} <= set(log["machine"])
    runs = log["comparison"]["test_nll"]
    assert set(runs) == set(train_chorales.SETTINGS)
    assert runs["C"]["0"]["test_nll"] == log["checkpoint"]["test_nll"]  # the checkpoint's run
    for setting in runs.values():
        assert sorted(setting) == [str(seed) for seed in train_chorales.SEEDS]


def test_stored_and_live_test_nll_agree(log):
    from lstm_course.music_models import build_frame_lstm, predict_on_pieces, sequence_nll

    recipe = log["recipe"]
    model = build_frame_lstm(
        units=recipe["units"],
        dropout=recipe["dropout"],
        learning_rate=recipe["learning_rate"],
        seed=recipe["seed"],
        compile=False,
    )
    model.load_weights(dataset_path(train_chorales.CHECKPOINT))
    test = [c.roll for c in load_chorales(key=recipe["key"])["test"]]
    live = sequence_nll(test, predict_on_pieces(model, test))
    assert live == pytest.approx(log["checkpoint"]["test_nll"], abs=1e-3)
