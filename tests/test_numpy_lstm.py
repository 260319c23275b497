import keras
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lstm_course
from lstm_course.numpy_lstm import (
    MAX_UNITS,
    LSTMCache,
    LSTMParams,
    RNNParams,
    init_lstm_params,
    init_rnn_params,
    lstm_forward,
    lstm_step,
    params_from_keras,
    params_to_keras,
    rnn_forward,
    rnn_params_from_keras,
    rnn_params_to_keras,
    sigmoid,
)

lstm_course.setup(0)
TOLERANCE = {"float32": 1e-6, "float64": 1e-12}
shapes = st.tuples(st.integers(1, 4), st.integers(1, 9), st.integers(1, 6), st.integers(1, 7))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    shape=shapes,
    dtype=st.sampled_from(["float32", "float64"]),
    with_state=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_numpy_lstm_equals_keras(shape, dtype, with_state, seed):
    B, T, D, H = shape
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(B, T, D)).astype(dtype)
    layer = keras.layers.LSTM(H, return_sequences=True, return_state=True, dtype=dtype)
    layer.build((None, T, D))
    # random weights, not Keras's init, so every block and the bias matter
    layer.set_weights(
        [rng.normal(scale=0.5, size=w.shape).astype(dtype) for w in layer.get_weights()]
    )
    states = [rng.normal(size=(B, H)).astype(dtype) for _ in range(2)] if with_state else None
    seq, h_T, c_T = (np.asarray(a) for a in layer(x, initial_state=states))
    h_seq, (h_np, c_np) = lstm_forward(x, params_from_keras(layer), *(states or []))
    tol = TOLERANCE[dtype]
    assert h_seq.dtype == np.dtype(dtype)
    assert np.abs(h_seq - seq).max() <= tol
    assert np.abs(h_np - h_T).max() <= tol and np.abs(c_np - c_T).max() <= tol * 10


@settings(max_examples=15, deadline=None)
@given(shape=shapes, seed=st.integers(0, 2**16))
def test_numpy_rnn_equals_keras_simple_rnn(shape, seed):
    B, T, D, H = shape
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(B, T, D))
    layer = keras.layers.SimpleRNN(H, return_sequences=True, dtype="float64")
    layer.build((None, T, D))
    layer.set_weights([rng.normal(scale=0.5, size=w.shape) for w in layer.get_weights()])
    h0 = rng.normal(size=(B, H))
    expected = np.asarray(layer(x, initial_state=[h0]))
    assert np.abs(rnn_forward(x, rnn_params_from_keras(layer), h0)[0] - expected).max() <= 1e-12


@given(D=st.integers(1, 5), H=st.integers(1, 6), seed=st.integers(0, 1000))
def test_keras_conversion_round_trips(D, H, seed):
    params = init_lstm_params(D, H, seed=seed)
    back = params_from_keras(params_to_keras(params))
    np.testing.assert_array_equal(back.W, params.W)
    np.testing.assert_array_equal(back.b, params.b)
    rnn = init_rnn_params(D, H, seed=seed)
    kernel, recurrent, bias = rnn_params_to_keras(rnn)
    assert kernel.shape == (D, H) and recurrent.shape == (H, H)
    np.testing.assert_array_equal(rnn_params_from_keras([kernel, recurrent, bias]).W, rnn.W)


def test_numpy_weights_loaded_into_keras_give_the_same_outputs():
    rng = np.random.default_rng(3)
    params = init_lstm_params(4, 5, seed=3, dtype=np.float32)
    x = rng.normal(size=(2, 6, 4)).astype(np.float32)
    layer = keras.layers.LSTM(5, return_sequences=True)
    layer.build((None, 6, 4))
    layer.set_weights(params_to_keras(params))
    assert np.abs(np.asarray(layer(x)) - lstm_forward(x, params)[0]).max() <= 1e-6


@settings(max_examples=40, deadline=None)
@given(shape=shapes, scale=st.floats(0.1, 20.0), seed=st.integers(0, 2**16))
def test_gates_are_fractions_and_h_is_bounded(shape, scale, seed):
    B, T, D, H = shape
    rng = np.random.default_rng(seed)
    params = LSTMParams(
        rng.normal(scale=scale, size=(4 * H, H + D)), rng.normal(scale=scale, size=4 * H)
    )
    x = rng.normal(scale=scale, size=(B, T, D))
    h_seq, _, cache = lstm_forward(x, params, return_cache=True)
    for gate in (cache.f, cache.i, cache.o):
        assert np.all((gate >= 0) & (gate <= 1))
    assert np.all(np.abs(cache.c_tilde) <= 1)
    assert np.all(np.abs(h_seq) <= 1)
    # |C_t| grows by at most 1 per step: |C_t| <= f|C_{t-1}| + i|C~| <= t
    assert np.all(np.abs(cache.c) <= np.arange(1, T + 1)[None, :, None] + 1e-9)


def test_cache_rebuilds_the_cell_equation():
    x = np.random.default_rng(0).normal(size=(2, 5, 3))
    _, _, cache = lstm_forward(x, init_lstm_params(3, 4), return_cache=True)
    c_prev = np.concatenate([cache.c0[:, None], cache.c[:, :-1]], axis=1)
    np.testing.assert_allclose(cache.c, cache.f * c_prev + cache.i * cache.c_tilde)
    np.testing.assert_allclose(cache.h, cache.o * np.tanh(cache.c))


@settings(max_examples=30, deadline=None)
@given(
    shape=shapes,
    dtype=st.sampled_from(["float32", "float64"]),
    with_state=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_fast_forward_equals_the_plain_six_equations(shape, dtype, with_state, seed):
    """lstm_forward's fused loop (one tanh, halved rows) is lstm_step, step after step."""
    B, T, D, H = shape
    rng = np.random.default_rng(seed)
    params = LSTMParams(
        rng.normal(scale=0.7, size=(4 * H, H + D)).astype(dtype),
        rng.normal(scale=0.7, size=4 * H).astype(dtype),
    )
    x = rng.normal(size=(B, T, D)).astype(dtype)
    h, c = (rng.normal(size=(B, H)).astype(dtype) for _ in range(2))
    if not with_state:
        h, c = np.zeros_like(h), np.zeros_like(c)
    h_seq, (h_T, c_T), cache = lstm_forward(x, params, h, c, return_cache=True)
    tol = TOLERANCE[dtype] * 10
    for t in range(T):
        h, c = lstm_step(x[:, t], h, c, params)
        assert np.abs(h - h_seq[:, t]).max() <= tol and np.abs(c - cache.c[:, t]).max() <= tol * T
    assert np.abs(h - h_T).max() <= tol and np.abs(c - c_T).max() <= tol * T


def test_lstm_step_is_one_step_of_the_forward_pass():
    params, rng = init_lstm_params(3, 4, seed=2), np.random.default_rng(5)
    x_t, h, c = rng.normal(size=(2, 3)), rng.normal(size=(2, 4)), rng.normal(size=(2, 4))
    h_t, c_t = lstm_step(x_t.tolist(), h, c, params)  # lists are numbers too
    h_seq, (h_T, c_T) = lstm_forward(x_t[:, None], params, h, c)
    np.testing.assert_allclose(h_t, h_T, rtol=0, atol=1e-14)
    np.testing.assert_allclose(c_t, c_T, rtol=0, atol=1e-14)


def test_cache_is_a_read_only_named_tuple():
    x = np.random.default_rng(0).normal(size=(2, 5, 3))
    h_seq, _, cache = lstm_forward(x, init_lstm_params(3, 4), return_cache=True)
    assert isinstance(cache, LSTMCache) and cache.f.shape == (2, 5, 4)
    for name in ("f", "c", "h", "h0", "x"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(cache, name)[0, 0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        cache.params.W[0, 0] = 1.0
    with pytest.raises(TypeError, match=r"write cache\.f, not cache\['f'\]"):
        cache["f"]
    h_seq[0, 0, 0] = 5.0  # the returned outputs are the caller's own array, not the cache's
    assert cache.h[0, 0, 0] != 5.0
    _, _, rnn_cache = rnn_forward(x, init_rnn_params(3, 4), return_cache=True)
    with pytest.raises(ValueError, match="read-only"):
        rnn_cache.h[0, 0, 0] = 1.0


def test_sigmoid_accepts_numbers_in_any_container():
    np.testing.assert_allclose(sigmoid([0.0, 1.0]), [0.5, 1 / (1 + np.exp(-1))], rtol=1e-15)
    assert sigmoid(0.0) == 0.5
    assert sigmoid(np.array([-800.0, 800.0], np.float32)).dtype == np.float32
    np.testing.assert_array_equal(sigmoid([-800.0, 800.0]), [0.0, 1.0])  # no overflow


def test_lstm_and_rnn_weights_are_not_interchangeable():
    x = np.zeros((2, 5, 3))
    with pytest.raises(TypeError, match="got RNNParams: an RNN's weights cannot run as an LSTM"):
        lstm_forward(x, init_rnn_params(3, 4))
    with pytest.raises(TypeError, match="got LSTMParams"):
        rnn_forward(x, init_lstm_params(3, 4))
    lstm_weights = params_to_keras(init_lstm_params(3, 4))
    with pytest.raises(ValueError, match="these look like LSTM weights: use params_from_keras"):
        rnn_params_from_keras(lstm_weights)
    with pytest.raises(ValueError, match="expected LSTM weights"):
        params_from_keras(rnn_params_to_keras(init_rnn_params(3, 4)))


def test_layer_sizes_are_bounded_up_front():
    with pytest.raises(ValueError, match=f"units must be an int in \\[1, {MAX_UNITS}\\], got 6000"):
        init_lstm_params(1, 6000)
    with pytest.raises(ValueError, match="more than this course's limit"):
        init_lstm_params(10_000_000, 4)
    with pytest.raises(ValueError, match="more than this course's limit"):
        lstm_forward(np.zeros((1, 100_000, 1)), LSTMParams(np.zeros((4096, 1025)), np.zeros(4096)))


def test_gate_accessor_and_parameter_count():
    params = init_lstm_params(3, 4, forget_bias=1.0)
    W_f, b_f = params.gate("f")
    assert W_f.shape == (4, 7) and np.all(b_f == 1.0) and np.all(params.gate("i")[1] == 0)
    assert params.W.size + params.b.size == 4 * (4 * (4 + 3) + 4)


def test_rnn_recurrent_scale_sets_every_singular_value():
    params = init_rnn_params(2, 6, recurrent_scale=0.7)
    np.testing.assert_allclose(np.linalg.svd(params.W[:, :6], compute_uv=False), 0.7)


P = init_lstm_params(3, 4)
X = np.zeros((2, 5, 3))


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: lstm_forward(np.zeros((5, 3)), P),
            ValueError,
            r"\(batch, time, features\), got \(5, 3\)",
        ),
        (
            lambda: lstm_forward(np.zeros((2, 5, 2)), P),
            ValueError,
            "x has 2 features but the weights expect 3",
        ),
        (
            lambda: lstm_forward(X, P, h0=np.zeros((2, 5))),
            ValueError,
            r"h0 must have shape .* \(2, 4\), got \(2, 5\)",
        ),
        (
            lambda: lstm_forward(X, P, c0=np.zeros((3, 4))),
            ValueError,
            r"c0 must have shape .* \(2, 4\), got \(3, 4\)",
        ),
        (lambda: lstm_forward(np.full((2, 5, 3), np.nan), P), ValueError, "x contains NaN or inf"),
        (
            lambda: lstm_forward(np.zeros((2, 5, 3), dtype=int), P),
            TypeError,
            "x must be a float array .* got dtype int",
        ),
        (
            lambda: lstm_forward(X, LSTMParams(np.zeros((6, 7)), np.zeros(6))),
            ValueError,
            r"W must have shape \(4H, H \+ D\)",
        ),
        (
            lambda: lstm_forward(X, LSTMParams(P.W, np.zeros(3))),
            ValueError,
            r"b must have shape \(16,\)",
        ),
        (lambda: lstm_forward(X, P.W), TypeError, "params must be LSTMParams"),
        (lambda: lstm_forward(np.zeros((0, 5, 3)), P), ValueError, "at least one example"),
        (
            lambda: rnn_forward(X, RNNParams(np.zeros((4, 4)), np.zeros(4))),
            ValueError,
            r"W must have shape \(H, H \+ D\)",
        ),
        (lambda: init_lstm_params(0, 3), ValueError, "input_size must be an int >= 1, got 0"),
        (lambda: init_lstm_params(3, 4, dtype="int32"), ValueError, "dtype must be float32 or"),
        (lambda: init_rnn_params(3, 4, recurrent_scale=-1), ValueError, "recurrent_scale must"),
        (lambda: P.gate("C~"), ValueError, r"name must be one of \['f', 'i', 'c', 'o'\]"),
        (
            lambda: lstm_step(np.zeros((2, 2)), np.zeros((2, 4)), np.zeros((2, 4)), P),
            ValueError,
            r"x_t must have shape \(batch, features\) = \(B, 3\)",
        ),
        (
            lambda: lstm_step(np.zeros((2, 3)), np.zeros((2, 4)), np.zeros((1, 4)), P),
            ValueError,
            r"c_prev must have shape \(batch, units\) = \(2, 4\), got \(1, 4\)",
        ),
        (
            lambda: rnn_params_from_keras(object()),
            TypeError,
            "layer_or_weights must be a built Keras layer or its get_weights",
        ),
        (
            lambda: params_from_keras([np.zeros((3, 8))]),
            ValueError,
            r"expected \[kernel, recurrent_kernel, bias\]",
        ),
        (lambda: params_from_keras(keras.layers.LSTM(2)), ValueError, "not built yet"),
    ],
)
def test_bad_inputs_get_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_inputs_are_not_modified():
    x, h0 = np.ones((2, 5, 3)), np.ones((2, 4))
    params = init_lstm_params(3, 4)
    copies = [a.copy() for a in (x, h0, params.W, params.b)]
    lstm_forward(x, params, h0=h0, c0=h0)
    for before, after in zip(copies, (x, h0, params.W, params.b), strict=True):
        np.testing.assert_array_equal(before, after)
