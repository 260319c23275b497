"""Music baselines, sampling with temperature, and training on whole pieces."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_course import music_baselines as mb
from lstm_course import music_models as mm
from lstm_course import sampling

rng = np.random.default_rng(0)


def random_rolls(count=5, frames=12, p=0.05, seed=0):
    r = np.random.default_rng(seed)
    return [(r.random((frames + i, 88)) < p).astype(float) for i in range(count)]


# ----------------------------------------------------------------------------- baselines


def test_uniform_guess_costs_88_ln2_per_frame():
    rolls = random_rolls()
    half = [np.full_like(r, 0.5) for r in rolls]
    assert mb.nll_per_frame(rolls, half) == pytest.approx(88 * np.log(2))


def test_nll_per_frame_weights_every_frame_equally():
    a, b = np.zeros((1, 88)), np.zeros((3, 88))
    pa, pb = np.full((1, 88), 0.5), np.full((3, 88), 0.1)
    expected = (88 * np.log(2) + 3 * 88 * -np.log(0.9)) / 4
    assert mb.nll_per_frame([a, b], [pa, pb]) == pytest.approx(expected)
    with pytest.raises(ValueError, match=r"probabilities\[1\] must have the roll's shape"):
        mb.nll_per_frame([a, b], [pa, pa])


def test_per_key_probabilities_are_smoothed_frequencies():
    roll = np.zeros((8, 88))
    roll[:6, 40] = 1
    p = mb.per_key_probabilities([roll], alpha=1.0)
    assert p[40] == pytest.approx(7 / 10) and p[0] == pytest.approx(1 / 10)


def test_flip_probabilities_count_within_pieces_from_silence():
    roll = np.zeros((4, 88))
    roll[1:3, 10] = 1  # off, on, on, off (and silence before frame 0)
    flips = mb.flip_probabilities([roll, roll], alpha=1e-12)  # plain frequencies
    # key 10, from the silent frame before: off->off (frame 0), off->on (frame 1),
    # on->on (frame 2), on->off (frame 3); the same in both pieces
    assert flips[10, 0] == pytest.approx(1 / 2)
    assert flips[10, 1] == pytest.approx(1 / 2)
    assert flips[0, 0] == pytest.approx(mb.EPS, abs=1e-6)
    predicted = mb.flip_predictions(roll, flips)
    assert predicted[2, 10] == pytest.approx(flips[10, 1]) and predicted[0, 10] == pytest.approx(
        flips[10, 0]
    )


def test_logistic_model_learns_a_rule_between_keys():
    r = np.random.default_rng(1)
    rolls = []
    for _ in range(20):
        roll = np.zeros((30, 88))
        roll[:, 5] = r.random(30) < 0.5
        roll[1:, 6] = roll[:-1, 5]  # key 6 copies key 5 one frame later
        rolls.append(roll)
    weights, bias = mb.fit_logistic(rolls, l2=1e-4)
    assert weights[5, 6] > 5 and abs(weights[5, 5]) < 1
    p = mb.logistic_predictions(rolls[0], weights, bias)
    assert np.all(np.abs(p[1:, 6] - rolls[0][:-1, 5]) < 0.05)
    assert mb.nll_per_frame(rolls, [mb.logistic_predictions(x, weights, bias) for x in rolls]) < (
        mb.nll_per_frame(
            rolls, [mb.flip_predictions(x, mb.flip_probabilities(rolls)) for x in rolls]
        )
    )


def test_ngram_probabilities_are_distributions_that_learn_contexts():
    train = [np.array([1, 2, 3, 1, 2, 3, 1, 2, 3])]
    (p,) = mb.ngram_probabilities(train, [np.array([1, 2, 3])], order=2, vocabulary=4, alpha=0.01)
    assert p.shape == (3, 4) and np.allclose(p.sum(axis=1), 1)
    assert p[1].argmax() == 2 and p[2].argmax() == 3  # after 1 comes 2, after 2 comes 3
    (tri,) = mb.ngram_probabilities(train, [np.array([1, 2, 3])], order=3, vocabulary=4)
    assert tri[0].argmax() == 1  # the start context is followed by 1
    with pytest.raises(ValueError, match=r"sequences\[0\] must hold integer tokens in 0..3"):
        mb.ngram_probabilities(train, [np.array([4])], order=2, vocabulary=4)


# ----------------------------------------------------------------------------- sampling


def test_temperature_divides_the_log_odds():
    p = np.array([0.1, 0.5, 0.8])
    assert np.allclose(sampling.tempered_probabilities(p, 1.0), p)
    assert np.allclose(sampling.tempered_probabilities(p, 0.5), p**2 / (p**2 + (1 - p) ** 2))
    cold = sampling.tempered_probabilities(p, 1e-3)
    assert np.allclose(cold, [0, 0.5, 1], atol=1e-6)
    hot = sampling.tempered_probabilities(p, 1e3)
    assert np.allclose(hot, 0.5, atol=1e-3)
    assert np.allclose(sampling.tempered_probabilities([0.0, 1.0], 0.5), [0, 1], atol=1e-9)


def copy_model(frame, state):
    """Next frame = this frame, for sure; the state counts the calls."""
    return np.clip(frame, 1e-9, 1 - 1e-9), (state or 0) + 1


def test_generate_primes_then_feeds_samples_back():
    primer = np.zeros((3, 88))
    primer[2, [40, 44]] = 1
    calls = []

    def model(frame, state):
        calls.append(frame.copy())
        return copy_model(frame, state)

    out = sampling.generate(model, primer, 5, temperature=1.0, seed=0)
    assert out.shape == (5, 88)
    assert np.all(out[:, [40, 44]] == 1) and out.sum() == 10  # the last primer frame, held
    assert len(calls) == 3 + 4  # every primer frame, then each new frame but the last
    assert np.array_equal(calls[3], out[0])


def test_generate_samples_each_key_independently_at_the_tempered_rate():
    p = np.linspace(0.05, 0.95, 88)

    def fixed(frame, state):
        return p, None

    out = sampling.generate(fixed, np.zeros((1, 88)), 3000, temperature=0.7, seed=1)
    expected = sampling.tempered_probabilities(p, 0.7)
    assert np.all(np.abs(out.mean(axis=0) - expected) < 0.04)
    same = sampling.generate(fixed, np.zeros((1, 88)), 20, temperature=0.7, seed=5)
    assert np.array_equal(
        same, sampling.generate(fixed, np.zeros((1, 88)), 20, temperature=0.7, seed=5)
    )


def test_generate_names_a_bad_model():
    with pytest.raises(TypeError, match="step must return"):
        sampling.generate(lambda f, s: f, np.zeros((1, 88)), 2)
    with pytest.raises(ValueError, match="step must return probabilities of shape"):
        sampling.generate(lambda f, s: (f[:3], s), np.zeros((1, 88)), 2)


# ----------------------------------------------------------------------------- training


def test_padded_batches_shift_inputs_and_weight_real_steps():
    rolls = random_rolls(count=3, frames=5)
    batches = mm.padded_batches(rolls, batch_size=2)
    assert [x.shape for x, _, _ in batches] == [(2, 16, 88), (1, 16, 88)]
    x, y, w = batches[0]
    assert np.array_equal(y[0, :5], rolls[0]) and np.array_equal(x[0, 1:5], rolls[0][:-1])
    assert not x[0, 0].any() and w[0].tolist() == [1] * 5 + [0] * 11
    tokens = [np.array([3, 4, 5]), np.array([6, 7])]
    ((tx, ty, tw),) = mm.padded_batches(tokens, batch_size=2)
    assert tx[1, :3].tolist() == [mm.START, 3, 4] and ty[1, :3].tolist() == [3, 4, 5]
    assert tw.sum() == 5


def test_transposition_keeps_notes_on_the_keyboard():
    roll = np.zeros((4, 88))
    roll[:, [0, 87]] = 1  # the whole keyboard: no room to move
    for _x, y, _ in mm.padded_batches([roll] * 4, batch_size=4, seed=0, max_transpose=6):
        assert np.array_equal(y[:, :4], np.stack([roll] * 4))
    narrow = np.zeros((4, 88))
    narrow[:, 40] = 1
    moved = {
        int(np.flatnonzero(y[i, 0])[0])
        for x, y, _ in mm.padded_batches([narrow] * 32, 32, seed=1, max_transpose=3)
        for i in range(32)
    }
    assert moved <= set(range(37, 44)) and len(moved) > 3


def test_a_small_frame_lstm_learns_to_repeat_frames():
    r = np.random.default_rng(0)
    rolls = []
    for _ in range(16):
        roll = np.zeros((20, 88))
        for start in range(0, 20, 4):  # each chord held for 4 frames
            roll[start : start + 4, r.choice(88, 3, replace=False)] = 1
        rolls.append(roll)
    model = mm.build_frame_lstm(units=16, dropout=0.0, learning_rate=1e-2, seed=0)
    history = mm.fit_on_pieces(model, rolls, epochs=25, batch_size=8, validation=rolls[:4])
    assert len(history["valid_nll"]) == 25 and history["valid_nll"][-1] < history["valid_nll"][0]
    probabilities = mm.predict_on_pieces(model, rolls[:3])
    assert [p.shape for p in probabilities] == [(20, 88)] * 3
    assert mm.sequence_nll(rolls[:3], probabilities) == pytest.approx(
        mb.nll_per_frame(rolls[:3], probabilities)
    )


def test_a_token_lstm_predicts_distributions():
    tokens = [np.array([3, 4, 5, 3, 4, 5, 3, 4]) for _ in range(8)]
    model = mm.build_token_lstm(vocabulary=6, units=8, embedding=4, seed=0)
    mm.fit_on_pieces(model, tokens, epochs=30, batch_size=8)
    (p,) = mm.predict_on_pieces(model, tokens[:1])
    assert p.shape == (8, 6) and np.allclose(p.sum(axis=1), 1)
    assert mm.sequence_nll(tokens[:1], [p]) < np.log(6)
