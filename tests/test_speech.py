"""Notebook 12's speech plumbing: features, the composer, CTC helpers and metrics."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_course import speech as sp
from lstm_course import speech_models
from lstm_course.data.digits import DigitClips, load_digits, load_human_digits


@pytest.fixture(scope="module")
def train():
    return load_digits("train")


# --- features -----------------------------------------------------------------------------------


def test_log_mel_matches_tf_signal():
    import tensorflow as tf

    audio = np.random.default_rng(0).normal(0, 0.1, 4000).astype(np.float32)
    stft = tf.signal.stft(audio[None], sp.FRAME_LENGTH, sp.FRAME_STEP, sp.FFT_LENGTH).numpy()[0]
    expected = np.log(np.abs(stft) ** 2 @ sp.mel_matrix() + 1e-6)
    ours = sp.log_mel(audio)
    assert ours.shape == expected.shape == (sp.frame_count(4000), sp.MELS)
    assert np.allclose(ours, expected, atol=1e-3)


def test_batch_pads_with_zeros_and_normalises():
    rng = np.random.default_rng(1)
    audio = [rng.normal(0, 0.1, n).astype(np.float32) for n in (1600, 4000, 100)]
    x, lengths = sp.log_mel_batch(audio)
    assert x.shape == (3, lengths.max(), sp.MELS)
    assert lengths.tolist() == [sp.frame_count(n) for n in (1600, 4000, 100)]
    assert np.all(x[0, lengths[0] :] == 0)
    assert np.allclose(x[1].mean(0), 0, atol=1e-4) and np.allclose(x[1].std(0), 1, atol=0.01)
    raw, _ = sp.log_mel_batch(audio, normalise=False)
    assert np.allclose(raw[1], sp.log_mel(audio[1]))


def test_normalised_features_ignore_gain():
    audio = np.random.default_rng(2).normal(0, 0.1, 4000).astype(np.float32)
    a, _ = sp.log_mel_batch([audio])
    b, _ = sp.log_mel_batch([audio * 0.1])
    assert np.allclose(a, b, atol=1e-3)


def test_stacking_halves_the_frame_rate():
    x = np.arange(2 * 5 * 3, dtype=np.float32).reshape(2, 5, 3)
    stacked, lengths = sp.stack_frames(x, np.array([5, 2]), k=2)
    assert stacked.shape == (2, 3, 6) and lengths.tolist() == [3, 1]
    assert np.array_equal(stacked[0, 0], np.concatenate([x[0, 0], x[0, 1]]))
    assert np.all(stacked[0, 2, 3:] == 0)  # the odd last frame is padded with zeros


# --- composer -----------------------------------------------------------------------------------


def test_compose_is_seeded_and_says_what_it_claims(train):
    a1, t1 = sp.compose(train, 20, np.random.default_rng(5))
    a2, t2 = sp.compose(train, 20, np.random.default_rng(5))
    assert t1 == t2 and all(np.array_equal(x, y) for x, y in zip(a1, a2, strict=True))
    assert all(t.isdigit() and 1 <= len(t) <= 6 for t in t1)
    assert all(x.dtype == np.float32 and np.abs(x).max() <= 1 for x in a1)


def test_compose_without_perturbation_glues_the_clips():
    clip = np.full(400, 0.25, dtype=np.float32)
    clips = DigitClips([clip * (d + 1) / 10 for d in range(10)], [str(d) for d in range(10)],
                       np.zeros(10, dtype=np.int64), ("v",))  # fmt: skip
    off = {"gap": (0.01, 0.01), "gain_db": (0, 0), "snr_db": (200, 200), "speed": (1, 1)}
    audio, text = sp.compose(clips, 5, np.random.default_rng(0), min_digits=3, max_digits=3, **off)
    for x, t in zip(audio, text, strict=True):
        levels = [round(v, 3) for v in np.unique(np.round(x, 3)) if v > 0]
        assert sorted(levels) == sorted({round(0.25 * (int(d) + 1) / 10, 3) for d in t})
        assert np.sum(x > 0.01) == 3 * 400  # speed 1 keeps every sample


def test_speed_perturbation_changes_length(train):
    for seed in range(5):  # one string per call: noise draws depend on the length
        (slow,), t1 = sp.compose(train, 1, np.random.default_rng(seed), speed=(0.5, 0.5))
        (same,), t2 = sp.compose(train, 1, np.random.default_rng(seed), speed=(1, 1))
        assert t1 == t2 and abs(len(slow) / len(same) - 2) < 0.01


def test_evaluation_set_is_fixed_and_works_on_the_human_voice():
    human = load_human_digits()
    a, t = sp.evaluation_set(human, 10, seed=4)
    b, u = sp.evaluation_set(human, 10, seed=4)
    assert t == u and all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


# --- CTC ----------------------------------------------------------------------------------------


def test_encode_labels_shifts_digits_past_the_blank():
    labels, lengths = sp.encode_labels(["381", "7"])
    assert labels.tolist() == [[4, 9, 2], [8, 0, 0]] and lengths.tolist() == [3, 1]
    with pytest.raises(ValueError, match="text"):
        sp.encode_labels(["3a"])


def test_collapse_merges_repeats_then_drops_blanks():
    assert sp.collapse([0, 4, 4, 0, 0, 2, 0, 2]) == [4, 2, 2]
    assert sp.collapse([2, 2, 2]) == [2]
    assert sp.collapse([0, 0]) == []
    assert sp.labels_to_text([4, 2, 2]) == "311"


def peaky(paths: list[list[int]]) -> np.ndarray:
    """Near one-hot posteriors along the given paths."""
    probs = np.full((len(paths), max(map(len, paths)), sp.CLASSES), 0.001)
    for i, path in enumerate(paths):
        probs[i, np.arange(len(path)), path] = 1.0
    return probs / probs.sum(-1, keepdims=True)


def test_greedy_and_beam_agree_on_peaky_posteriors():
    paths = [[0, 4, 4, 0, 9, 0, 2, 2], [8, 0, 0, 8, 0, 0]]
    probs, lengths = peaky(paths), [8, 6]
    assert sp.greedy_decode(probs, lengths) == ["381", "77"]
    assert sp.beam_decode(probs, lengths, beam_width=4) == ["381", "77"]


def test_beam_search_finds_what_greedy_misses():
    # Frame-wise best is blank, blank (-> ""), but "1" summed over its paths is more likely.
    probs = np.zeros((1, 2, sp.CLASSES))
    probs[0, :, 0], probs[0, :, 2] = 0.4, 0.35
    probs[0, :, 3:] = (1 - 0.75) / 8
    assert sp.greedy_decode(probs, [2]) == [""]
    assert sp.beam_decode(probs, [2], beam_width=8) == ["1"]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 3), max_size=3), st.integers(0, 6))
def test_count_alignments_matches_brute_force(labels, frames):
    brute = sum(sp.collapse(p) == labels for p in itertools.product(range(4), repeat=frames))
    assert sp.count_alignments(labels, frames) == brute


def test_count_alignments_needs_a_blank_between_repeats():
    assert sp.count_alignments([1, 1], 2) == 0
    assert sp.count_alignments([1, 1], 3) == 1
    assert sp.count_alignments([1, 2], 3) == 5


# --- metrics ------------------------------------------------------------------------------------


def test_edit_distance_examples():
    assert sp.edit_distance("kitten", "sitting") == 3
    assert sp.edit_distance("381", "31") == 1
    assert sp.edit_distance("", "123") == 3
    assert sp.edit_distance([1, 2], [2, 1]) == 2


@settings(max_examples=50, deadline=None)
@given(st.text("0123", max_size=6), st.text("0123", max_size=6), st.text("0123", max_size=6))
def test_edit_distance_is_a_metric(a, b, c):
    assert sp.edit_distance(a, b) == sp.edit_distance(b, a)
    assert (sp.edit_distance(a, b) == 0) == (a == b)
    assert sp.edit_distance(a, c) <= sp.edit_distance(a, b) + sp.edit_distance(b, c)
    assert abs(len(a) - len(b)) <= sp.edit_distance(a, b) <= max(len(a), len(b))


def test_error_rates():
    assert sp.digit_error_rate(["381", "7"], ["31", "7"]) == pytest.approx(1 / 4)
    assert sp.digit_error_rate(["1"], ["111"]) == 2.0  # insertions can push it past 1
    assert sp.string_accuracy(["381", "7"], ["31", "7"]) == 0.5
    with pytest.raises(ValueError, match="hypotheses"):
        sp.digit_error_rate(["1"], [])


# --- models -------------------------------------------------------------------------------------


def test_models_are_the_same_size_and_output_every_frame():
    lstm, cnn = speech_models.bilstm_ctc(), speech_models.cnn_ctc()
    assert 0.8 < cnn.count_params() / lstm.count_params() < 1.1
    x = np.zeros((2, 17, sp.INPUTS), dtype=np.float32)
    assert lstm(x).shape == cnn(x).shape == (2, 17, sp.CLASSES)


def test_a_few_updates_lower_the_ctc_loss(train):
    import keras

    keras.utils.set_random_seed(0)
    audio, text = sp.compose(train, 64, np.random.default_rng(0), max_digits=2)
    x, lengths = sp.features(audio)
    labels, label_lengths = sp.encode_labels(text)
    model = speech_models.cnn_ctc(filters=16)
    history = speech_models.train_ctc(
        model, x, lengths, labels, label_lengths, epochs=4, batch_size=16
    )
    assert history[-1] < history[0]
    probs = speech_models.predict_probs(model, x, lengths)
    assert np.allclose(probs[0, : lengths[0]].sum(-1), 1, atol=1e-5)
    assert np.all(probs[lengths < lengths.max()].sum() >= 0)
    short = int(np.argmin(lengths))
    assert np.all(probs[short, lengths[short] :] == 0)
