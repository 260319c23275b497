import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

import lstm_course
from lstm_course.gradients import gradient_check, numerical_gradient, relative_error
from lstm_course.numpy_lstm import (
    LSTMParams,
    init_lstm_params,
    init_rnn_params,
    lstm_backward,
    lstm_forward,
    params_to_keras,
    rnn_backward,
    rnn_forward,
)

lstm_course.setup(0)
shapes = st.tuples(st.integers(1, 3), st.integers(1, 6), st.integers(1, 4), st.integers(1, 5))


def perturbed_lstm(D, H, rng):
    base = init_lstm_params(D, H, seed=int(rng.integers(1000)))
    return LSTMParams(
        base.W + rng.normal(scale=0.4, size=base.W.shape),
        base.b + rng.normal(scale=0.4, size=base.b.shape),
    )


@settings(max_examples=25, deadline=None)
@given(shape=shapes, seed=st.integers(0, 2**16), with_state=st.booleans())
def test_lstm_backward_matches_finite_differences(shape, seed, with_state):
    B, T, D, H = shape
    rng = np.random.default_rng(seed)
    x, params = rng.normal(size=(B, T, D)), perturbed_lstm(D, H, rng)
    h0, c0 = (rng.normal(size=(B, H)), rng.normal(size=(B, H))) if with_state else (None, None)
    up, up_h, up_c = rng.normal(size=(B, T, H)), rng.normal(size=(B, H)), rng.normal(size=(B, H))

    def loss():
        h_seq, (h_T, c_T) = lstm_forward(x, params, h0, c0)
        return float(np.sum(up * h_seq) + np.sum(up_h * h_T) + np.sum(up_c * c_T))

    result = lstm_backward(x, params, up, h0=h0, c0=c0, dh_T=up_h, dc_T=up_c, full=True)
    arrays = {"W": params.W, "b": params.b, "x": x}
    analytic = {"W": result.grads.W, "b": result.grads.b, "x": result.dx}
    if with_state:
        arrays.update(h0=h0, c0=c0)
        analytic.update(h0=result.dh0, c0=result.dc0)
    errors = gradient_check(loss, arrays, analytic)
    assert max(errors.values()) <= 1e-7, errors


@settings(max_examples=20, deadline=None)
@given(shape=shapes, seed=st.integers(0, 2**16), scale=st.floats(0.2, 3.0))
def test_rnn_backward_matches_finite_differences(shape, seed, scale):
    B, T, D, H = shape
    rng = np.random.default_rng(seed)
    x, params = (
        rng.normal(size=(B, T, D)),
        init_rnn_params(D, H, seed=seed % 97, recurrent_scale=scale),
    )
    h0, up = rng.normal(size=(B, H)), rng.normal(size=(B, T, H))

    def loss():
        return float(np.sum(up * rnn_forward(x, params, h0)[0]))

    full = rnn_backward(x, params, up, h0=h0, full=True)
    errors = gradient_check(
        loss,
        {"W": params.W, "b": params.b, "x": x, "h0": h0},
        {"W": full["grads"].W, "b": full["grads"].b, "x": full["dx"], "h0": full["dh0"]},
    )
    assert max(errors.values()) <= 1e-7, errors


def test_backward_returns_params_shaped_gradients_that_convert_to_keras():
    rng = np.random.default_rng(1)
    params = init_lstm_params(3, 4)
    x = rng.normal(size=(2, 5, 3))
    dx, grads = lstm_backward(x, params, rng.normal(size=(2, 5, 4)))
    assert dx.shape == x.shape and isinstance(grads, LSTMParams)
    assert grads.W.shape == params.W.shape and grads.b.shape == params.b.shape
    assert [g.shape for g in params_to_keras(grads)] == [(3, 16), (4, 16), (16,)]


def test_backward_equals_tensorflow_gradient_tape_in_float32():
    import keras

    rng = np.random.default_rng(2)
    B, T, D, H = 3, 7, 4, 5
    x = rng.normal(size=(B, T, D)).astype(np.float32)
    up = rng.normal(size=(B, T, H)).astype(np.float32)
    params = init_lstm_params(D, H, seed=4, dtype=np.float32)
    layer = keras.layers.LSTM(H, return_sequences=True)
    layer.build((None, T, D))
    layer.set_weights(params_to_keras(params))
    x_tf = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x_tf)
        loss = tf.reduce_sum(layer(x_tf) * up)
    dx_tf, *dweights_tf = tape.gradient(loss, [x_tf, *layer.trainable_weights])
    dx, grads = lstm_backward(x, params, up)
    assert np.abs(dx - dx_tf.numpy()).max() <= 1e-5
    for mine, theirs in zip(params_to_keras(grads), dweights_tf, strict=True):
        assert np.abs(mine - theirs.numpy()).max() <= 1e-5


def test_total_gradients_accumulate_later_steps():
    """dh_total at the last step is the upstream gradient; earlier steps add what flows back."""
    rng = np.random.default_rng(3)
    x, up = rng.normal(size=(2, 6, 3)), rng.normal(size=(2, 6, 4))
    result = lstm_backward(x, init_lstm_params(3, 4), up, full=True)
    np.testing.assert_allclose(result.dh_total[:, -1], up[:, -1])
    assert not np.allclose(result.dh_total[:, 0], up[:, 0])


def test_backward_rejects_bad_upstream_shapes():
    params, x = init_lstm_params(3, 4), np.zeros((2, 5, 3))
    with pytest.raises(
        ValueError,
        match=r"dh_seq must have shape \(batch, time, units\) = \(2, 5, 4\), got \(2, 5\)",
    ):
        lstm_backward(x, params, np.zeros((2, 5)))
    with pytest.raises(ValueError, match=r"dc_T must have shape \(batch, units\) = \(2, 4\)"):
        lstm_backward(x, params, np.zeros((2, 5, 4)), dc_T=np.zeros((4,)))
    with pytest.raises(ValueError, match="dh_seq contains NaN"):
        rnn_backward(x, init_rnn_params(3, 4), np.full((2, 5, 4), np.nan))


def test_numerical_gradient_restores_the_array_and_checks_dtype():
    a = np.array([1.0, -2.0, 3.0])
    before = a.copy()
    grad = numerical_gradient(lambda: float(np.sum(a**2)), a)
    np.testing.assert_allclose(grad, 2 * before, rtol=1e-8)
    np.testing.assert_array_equal(a, before)
    with pytest.raises(TypeError, match="float64 ndarray, got float32"):
        numerical_gradient(lambda: 0.0, np.zeros(2, np.float32))


def test_relative_error_and_gradient_check_errors():
    assert relative_error([0.0], [0.0]) == 0.0
    assert relative_error([1.0], [1.1]) == pytest.approx(0.1 / 2.1)
    with pytest.raises(ValueError, match="shapes differ"):
        relative_error([1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match=r"no analytic gradient for \['b'\]"):
        gradient_check(lambda: 0.0, {"b": np.zeros(2)}, {})


def test_bench_runs_on_a_tiny_shape():
    from lstm_course.bench import compare

    timing = compare(2, 3, 2, 4, repeats=1)
    assert timing.numpy_s > 0 and timing.keras_s > 0 and "numpy/keras" in str(timing)
