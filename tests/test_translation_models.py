"""Notebook 11's Keras translators: fast step-by-step decoding equals re-running the model,
and the committed verse checkpoints reproduce their stored test scores."""

from __future__ import annotations

import json

import numpy as np
import pytest

from lstm_course.seq2seq import WordDictionary, bleu_chrf, greedy_decode, tokenize
from lstm_course.translation_models import (
    build_translator,
    fast_greedy,
    load_checkpoint,
    load_weights_npz,
    model_step,
    save_weights_npz,
    translate,
    verse_data,
)


@pytest.mark.parametrize("attention", [True, False])
def test_fast_greedy_equals_rerunning_the_whole_model(attention):
    import keras

    keras.utils.set_random_seed(1)
    rng = np.random.default_rng(0)
    x = rng.integers(3, 30, size=(24, 9)).astype(np.int32)
    for row in range(len(x)):
        x[row, rng.integers(2, 9) :] = 0  # padding of different lengths
    y = rng.integers(3, 40, size=(24, 10)).astype(np.int32)
    model, scores = build_translator(30, 40, units=16, embed=8, attention=attention)
    model.fit([x, y], y, epochs=2, verbose=0)
    fast = fast_greedy(model, x, max_len=10)
    slow = greedy_decode(model_step(model), x, max_len=10)
    np.testing.assert_array_equal(fast, slow)
    if attention:
        weights = keras.ops.convert_to_numpy(scores([x, y]))
        assert weights.shape == (24, 10, 9)
        np.testing.assert_allclose(weights.sum(-1), 1, atol=1e-5)
        assert np.all(weights[x[:, None, :].repeat(10, 1) == 0] < 1e-6)  # padding ignored
        # the step-by-step weights are the full model's weights on the greedy output
        ids, stepwise = fast_greedy(model, x, max_len=10, return_attention=True)
        np.testing.assert_array_equal(ids, fast)
        y_greedy = np.concatenate([np.ones((24, 1), np.int32), fast[:, :-1]], axis=1)
        full = keras.ops.convert_to_numpy(scores([x, y_greedy]))
        written = np.cumsum(fast == 2, axis=1) - (fast == 2) == 0  # steps up to </s>
        written &= fast != 0
        np.testing.assert_allclose(stepwise[written], full[written], atol=1e-5)
    else:
        assert scores is None
        with pytest.raises(ValueError, match="needs an attention model"):
            fast_greedy(model, x, max_len=10, return_attention=True)


def test_float16_weights_round_trip(tmp_path):
    import keras

    keras.utils.set_random_seed(2)
    model, _ = build_translator(12, 13, units=8, embed=4, attention=True)
    path = tmp_path / "w.npz"
    save_weights_npz(model, path)
    first = path.read_bytes()
    save_weights_npz(model, path)
    assert path.read_bytes() == first  # the bytes depend only on the weights
    copy, _ = build_translator(12, 13, units=8, embed=4, attention=True)
    load_weights_npz(copy, path)
    for stored, original in zip(copy.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_allclose(stored, original, rtol=1e-3, atol=1e-4)  # float16 precision
        assert stored.dtype == np.float32
    other, _ = build_translator(12, 13, units=9, embed=4, attention=True)
    with pytest.raises(ValueError, match="holds weights of shapes"):
        load_weights_npz(other, path)
    with pytest.raises(ValueError, match="ending in .npz"):
        save_weights_npz(model, tmp_path / "w.h5")
    with pytest.raises(TypeError, match="model must be a Keras model"):
        load_weights_npz(None, path)


def test_builders_and_decoders_refuse_bad_input():
    with pytest.raises(ValueError, match="dropout"):
        build_translator(10, 10, dropout=1.5)
    with pytest.raises(TypeError, match="model must come from build_translator"):
        fast_greedy(object(), np.ones((1, 3), dtype=np.int32), max_len=3)
    model, _ = build_translator(10, 10, units=4, embed=3)
    with pytest.raises(TypeError, match="x must be an integer array"):
        fast_greedy(model, np.ones((1, 3)), max_len=3)
    with pytest.raises(ValueError, match="kind must be one of"):
        load_checkpoint("transformer")


@pytest.fixture(scope="module")
def verses():
    cache = {}

    def get(max_vocab=2000):
        if max_vocab not in cache:
            cache[max_vocab] = verse_data(max_vocab)
        return cache[max_vocab]

    return get


def test_verse_arrays(verses):
    data = verses(2000)
    x, y_in, y_out, en, es = data["train"]
    assert x.shape == (9_244, data["source_len"]) and y_in.shape == y_out.shape
    assert len(data["source_vocab"]) == len(data["target_vocab"]) == 2_000
    assert (y_in[:, 0] == 1).all() and (y_in[:, 1:] == y_out[:, :-1]).all()
    assert ((y_out == 2).sum(1) == 1).all()  # every target ends in </s>, once
    assert len(en) == len(es) == len(x)


def _record(kind):
    from lstm_course.data.registry import dataset_path

    return json.loads(dataset_path(f"translation_{kind}.json").read_text("utf-8"))


@pytest.mark.parametrize("kind", ["attention", "plain"])
def test_checkpoints_reproduce_their_stored_test_scores(kind, verses):
    data = verses(_record(kind)["recipe"]["max_vocab"])
    model, scores, info = load_checkpoint(kind, data)
    assert (scores is not None) == (kind == "attention")
    stored = info["checkpoint"]
    live = bleu_chrf(translate(model, data, "test"), data["test"][4])
    assert live["bleu"] == pytest.approx(stored["test_bleu"], abs=0.05)
    assert live["chrf"] == pytest.approx(stored["test_chrf"], abs=0.05)
    assert info["vocab"] == {
        "source": len(data["source_vocab"]),
        "target": len(data["target_vocab"]),
    }
    if kind == "attention":  # and after attention-guided <unk> replacement
        dictionary = WordDictionary.fit(
            [tokenize(t) for t in data["train"][3]], [tokenize(t) for t in data["train"][4]]
        )
        live = bleu_chrf(translate(model, data, "test", dictionary), data["test"][4])
        assert live["bleu"] == pytest.approx(stored["unk_replaced"]["test_bleu"], abs=0.05)
        assert live["chrf"] == pytest.approx(stored["unk_replaced"]["test_chrf"], abs=0.05)


def test_checkpoints_are_small():
    from lstm_course.data.registry import dataset_path

    for kind in ("attention", "plain"):
        path = dataset_path(_record(kind)["checkpoint"]["file"])
        assert path.stat().st_size <= 2 * 1024 * 1024, path
