"""Character-LM plumbing: vocabulary, BPTT batches, bits per char, the stateful model."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lstm_course import charlm
from lstm_course.charlm import Vocabulary, bptt_batches


def test_vocabulary_round_trip_and_unknown_characters():
    vocab = Vocabulary.from_text("hello world")
    assert vocab.chars == " dehlorw"
    ids = vocab.encode("hello")
    assert ids.dtype == np.int32 and vocab.decode(ids) == "hello"
    with pytest.raises(ValueError, match=r"outside the vocabulary.*'z'.*position 2"):
        vocab.encode("hoz")
    mapped = Vocabulary.from_text("hello world", unknown="?")
    assert mapped.decode(mapped.encode("hoz!", strict=False)) == "ho??"
    with pytest.raises(ValueError, match="outside"):
        mapped.encode("hoz")  # strict by default, even with a replacement character
    with pytest.raises(ValueError, match="unknown"):
        Vocabulary("abc", unknown="z")
    with pytest.raises(ValueError, match="repeat"):
        Vocabulary("aab")
    with pytest.raises(ValueError, match="ids must be in"):
        vocab.decode([0, 99])


def test_bptt_windows_continue_each_other():
    ids = np.arange(1001) % 97
    x, y = bptt_batches(ids, batch=4, steps=10)
    assert x.shape == y.shape == (25, 4, 10)
    np.testing.assert_array_equal(y[:, :, :-1], x[:, :, 1:])  # y is x shifted by one
    # window k+1 of stream b starts where window k ended
    np.testing.assert_array_equal(x[1:, :, 0], y[:-1, :, -1])
    # streams are contiguous slices of the text, in order
    assert x[0, 1, 0] == ids[250] and x[0, 0, 0] == ids[0]
    with pytest.raises(ValueError, match="too few"):
        bptt_batches(np.arange(10), batch=4, steps=10)


def test_bits_per_char_helpers():
    assert charlm.nats_to_bits(math.log(2)) == pytest.approx(1.0)
    assert charlm.bits_per_char([0.5, 0.25]) == pytest.approx(1.5)
    uniform = charlm.unigram_bpc([0, 1, 2, 3], [3, 2, 1, 0], 4, alpha=0.0)
    assert uniform == pytest.approx(2.0)
    with pytest.raises(ValueError, match="probabilities"):
        charlm.bits_per_char([0.0, 1.0])


@pytest.fixture(scope="module")
def small_model():
    import keras

    keras.utils.set_random_seed(0)
    return charlm.build_charlm(7, units=8, embed=3)


def test_evaluate_matches_a_single_pass(small_model):
    ids = np.random.default_rng(0).integers(0, 7, 301).astype(np.int32)
    chained = charlm.evaluate_bpc(small_model, ids, streams=1, steps=17)
    out = small_model([ids[None, :-1], *charlm.zero_states(small_model, 1)])
    logits = np.asarray(out[0][0], np.float64)
    logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    want = -logp[np.arange(300), ids[1:]].mean() / math.log(2)
    assert chained == pytest.approx(want, rel=1e-5)
    # several streams score every character after each stream's first exactly once
    assert charlm.evaluate_bpc(small_model, ids, streams=3, steps=40) == pytest.approx(
        want, abs=0.05
    )


def test_float16_checkpoint_round_trip(small_model, tmp_path):
    path = tmp_path / "m.npz"
    charlm.save_weights_npz(small_model, path, vocab="abcdefg", units=8)
    other = charlm.build_charlm(7, units=8, embed=3)
    meta = charlm.load_weights_npz(other, path)
    assert meta["vocab"] == "abcdefg" and meta["units"] == 8
    for a, b in zip(small_model.get_weights(), other.get_weights(), strict=False):
        np.testing.assert_allclose(a, b, atol=2e-3)


def test_numpy_twin_matches_keras_and_samples_reproducibly(small_model):
    net = charlm.NumpyCharLM(small_model)
    ids = np.random.default_rng(1).integers(0, 7, 50).astype(np.int32)
    out = small_model([ids[None, :], *charlm.zero_states(small_model, 1)])
    state = net.zero_state(1)
    for t, i in enumerate(ids):
        logits, state = net.step([i], state)
        np.testing.assert_allclose(logits[0], np.asarray(out[0][0, t]), atol=1e-5)
    np.testing.assert_allclose(state[0][0][0], np.asarray(out[1][0]), atol=1e-5)
    assert net.cell_states(ids).shape == (50, 8)
    vocab = Vocabulary("abcdefg")
    draw = [
        charlm.sample_text(charlm.LSTMSampler(net), vocab, "abc", 30, temperature=0.8, seed=3)
        for _ in range(2)
    ]
    assert draw[0] == draw[1] and len(draw[0]) == 30
    top1 = charlm.sample_text(charlm.LSTMSampler(net), vocab, "abc", 10, top_k=1, seed=0)
    greedy, bits = charlm.beam_search(net, vocab, "abc", 10, width=1)
    assert top1 == greedy and bits > 0


def test_softmax_temperature_and_html():
    p = charlm.softmax(np.array([1000.0, 999.0, 0.0]), 0.5)
    assert np.isfinite(p).all() and p.sum() == pytest.approx(1.0) and p[0] > 0.8
    page = charlm.cells_html('a "b"\n', np.array([0.0, 1.0, -1.0, 0.5, 0.2, 0.0]))
    assert page.count("<span") == 6 and "<br>" in page and "&quot;" in page


def test_stored_checkpoint_metric_matches_live_evaluation():
    from lstm_course.data.austen import load_austen, split_text

    model, vocab, log = charlm.load_checkpoint()
    test = vocab.encode(split_text(load_austen())["test"])
    live = charlm.evaluate_bpc(model, test)
    assert live == pytest.approx(log["final"]["test_bpc"], abs=0.002)
