"""Gradient norms through time (lstm_course.gradient_flow): exact cases, bounds, TF, errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_course.gradient_flow import (
    clip_by_global_norm,
    lstm_gradient_norms,
    rnn_gradient_norms,
    rnn_jacobian_norms,
)
from lstm_course.numpy_lstm import (
    LSTMParams,
    init_lstm_params,
    init_rnn_params,
    rnn_forward,
    rnn_params_to_keras,
)


@pytest.mark.parametrize("scale", [0.5, 0.9, 1.0, 1.3])
def test_rnn_norms_are_powers_of_the_scale_in_the_linear_regime(scale):
    # zero input and zero state keep h = 0, so tanh' = 1 and each step multiplies the
    # gradient by scale × an orthogonal matrix: its norm by exactly `scale`
    T = 30
    params = init_rnn_params(3, 8, seed=1, recurrent_scale=scale)
    norms = rnn_gradient_norms(np.zeros((4, T, 3)), params)
    steps_back = np.arange(T)[::-1]
    np.testing.assert_allclose(norms, scale**steps_back, rtol=1e-10)
    np.testing.assert_allclose(rnn_jacobian_norms(np.zeros((T, 3)), params), norms, rtol=1e-10)


def test_rnn_norms_equal_the_explicit_jacobian_product():
    rng = np.random.default_rng(0)
    T, H = 12, 5
    params = init_rnn_params(2, H, seed=3, recurrent_scale=1.2)
    x = rng.normal(size=(1, T, 2))
    u = rng.normal(size=(1, H))
    h = rnn_forward(x, params)[0][0]
    W_hh = params.W[:, :H]
    expected, J = np.empty(T), np.eye(H)
    for t in range(T - 1, -1, -1):  # ∂L/∂h_t = (∂h_{T-1}/∂h_t)^T u
        expected[t] = np.linalg.norm(J.T @ u[0])
        J = J @ (np.diag(1 - h[t] ** 2) @ W_hh)
    np.testing.assert_allclose(rnn_gradient_norms(x, params, dh_T=u), expected, rtol=1e-10)


@settings(max_examples=20, deadline=None)
@given(scale=st.floats(0.2, 2.5), seed=st.integers(0, 1000), input_scale=st.floats(0.0, 3.0))
def test_pascanu_bound_holds(scale, seed, input_scale):
    T = 25
    params = init_rnn_params(2, 6, seed=seed, recurrent_scale=scale)
    x = input_scale * np.random.default_rng(seed).normal(size=(1, T, 2))
    jac = rnn_jacobian_norms(x, params)
    bound = scale ** np.arange(T)[::-1]
    assert np.all(jac <= bound * (1 + 1e-9))
    # ‖∂L/∂h_t‖ = ‖J_t^T u‖ ≤ ‖J_t‖ ‖u‖ with ‖u‖ = 1
    assert np.all(rnn_gradient_norms(x, params) <= jac * (1 + 1e-9))


def test_default_upstream_is_a_unit_vector_per_example():
    params = init_rnn_params(2, 7, seed=0)
    norms = rnn_gradient_norms(np.ones((3, 5, 2)), params)
    assert norms.shape == (5,) and norms[-1] == pytest.approx(1.0)
    h, c = lstm_gradient_norms(np.ones((3, 5, 2)), init_lstm_params(2, 7, seed=0))
    assert h.shape == c.shape == (5,) and h[-1] == pytest.approx(1.0)


@pytest.mark.parametrize("forget_bias", [-1.0, 1.0, 4.0])
def test_lstm_cell_path_is_the_product_of_forget_gates(forget_bias):
    # no recurrent weights: every gate is constant, the h path is cut, and the only way
    # back is the cell path, ∂C_T/∂C_t = Π f_k = σ(b_f)^(T-1-t)
    T, H, D = 20, 4, 2
    params = init_lstm_params(D, H, seed=2, forget_bias=forget_bias)
    W = params.W.copy()
    W[:, :H] = 0.0
    x = np.zeros((3, T, D))
    _, c = lstm_gradient_norms(x, LSTMParams(W, params.b))
    f = 1 / (1 + np.exp(-forget_bias))
    np.testing.assert_allclose(c / c[-1], f ** np.arange(T)[::-1], rtol=1e-10)


def test_lstm_forget_bias_keeps_the_gradient_alive():
    x = 0.1 * np.random.default_rng(0).normal(size=(4, 101, 1))
    ratios = [
        lstm_gradient_norms(x, init_lstm_params(1, 16, seed=0, forget_bias=b))[1][0]
        for b in (0.0, 1.0, 5.0)
    ]
    assert ratios[0] < 1e-10 < ratios[1] < ratios[2]


def test_rnn_norms_match_tensorflow_gradient_tape():
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(4)
    B, T, D, H = 2, 15, 3, 6
    params = init_rnn_params(D, H, seed=4, recurrent_scale=1.1)
    x = rng.normal(size=(B, T, D))
    cell = keras.layers.SimpleRNNCell(H, dtype="float64")
    cell.build((None, D))
    cell.set_weights(rnn_params_to_keras(params))
    u = np.full((B, H), 1 / np.sqrt(H))
    with tf.GradientTape() as tape:
        h, hs = tf.zeros((B, H), tf.float64), []
        for t in range(T):
            h, _ = cell(tf.constant(x[:, t]), [h])
            hs.append(h)
        loss = tf.reduce_sum(hs[-1] * u)
    grads = np.stack([g.numpy() for g in tape.gradient(loss, hs)], axis=1)  # (B, T, H)
    tape_norms = np.sqrt(np.mean(np.sum(grads**2, axis=2), axis=0))
    np.testing.assert_allclose(rnn_gradient_norms(x, params), tape_norms, rtol=1e-9)


def test_clip_by_global_norm():
    grads = [np.array([3.0, 0.0]), np.array([[0.0], [4.0]])]  # global norm 5
    clipped, norm = clip_by_global_norm(grads, 1.0)
    assert norm == pytest.approx(5.0)
    assert np.sqrt(sum(np.sum(g**2) for g in clipped)) == pytest.approx(1.0)
    np.testing.assert_allclose(clipped[0], [0.6, 0.0])  # same direction, shorter
    np.testing.assert_array_equal(grads[0], [3.0, 0.0])  # the input is untouched
    same, norm = clip_by_global_norm(grads, 10.0)
    assert norm == pytest.approx(5.0)
    for a, b in zip(same, grads, strict=True):
        np.testing.assert_array_equal(a, b)
    zeros, norm = clip_by_global_norm([np.zeros(3)], 1.0)
    assert norm == 0.0 and not np.any(zeros[0])


def test_clip_by_global_norm_survives_huge_gradients():
    """Squaring 1e200 overflows; scaling by the largest entry first does not."""
    clipped, norm = clip_by_global_norm([1e200], 1.0)
    assert norm == pytest.approx(1e200) and float(clipped[0]) == pytest.approx(1.0)
    clipped, norm = clip_by_global_norm([np.array([3e200, 0.0]), np.array([4e200])], 5.0)
    assert norm == pytest.approx(5e200)
    np.testing.assert_allclose(clipped[0], [3.0, 0.0])
    np.testing.assert_allclose(clipped[1], [4.0])
    clipped, norm = clip_by_global_norm([np.full(4, 1e-200)], 1.0)  # tiny: no underflow to 0
    assert norm == pytest.approx(2e-200) and clipped[0][0] == 1e-200


def test_clip_by_global_norm_takes_one_array_or_numpy_scalars():
    grad = np.array([[3.0, 0.0], [0.0, 4.0]])  # one array: its norm, not row by row
    clipped, norm = clip_by_global_norm(grad, np.int64(1))
    assert isinstance(clipped, np.ndarray) and clipped.shape == (2, 2)
    assert norm == pytest.approx(5.0)
    np.testing.assert_allclose(clipped, grad / 5.0)
    same, _ = clip_by_global_norm(grad, np.float32(10.0))
    np.testing.assert_array_equal(same, grad)
    params = init_rnn_params(2, 3)  # a NamedTuple of arrays is a sequence of arrays
    clipped, norm = clip_by_global_norm(params, 0.5)
    assert len(clipped) == 2 and np.sqrt(sum(np.sum(g**2) for g in clipped)) == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: clip_by_global_norm([np.ones(2)], 0.0), ValueError, "max_norm must be .* > 0"),
        (lambda: clip_by_global_norm([np.ones(2)], float("nan")), ValueError, "max_norm must"),
        (lambda: clip_by_global_norm([np.ones(2)], "1"), TypeError, "max_norm must be a finite"),
        (lambda: clip_by_global_norm([], 1.0), ValueError, "grads is empty"),
        (
            lambda: clip_by_global_norm([np.ones(2), np.array([np.inf])], 1.0),
            ValueError,
            r"grads\[1\] contains NaN or inf",
        ),
        (lambda: clip_by_global_norm("abc", 1.0), TypeError, "grads must be an array or a"),
        (lambda: clip_by_global_norm([["a"]], 1.0), TypeError, r"grads\[0\] must hold real"),
        (
            lambda: rnn_gradient_norms(np.ones((2, 4, 3)), init_rnn_params(3, 5), np.ones((2, 4))),
            ValueError,
            r"dh_T must have shape \(batch, units\) = \(2, 5\), got \(2, 4\)",
        ),
        (
            lambda: rnn_gradient_norms(np.ones((4, 3)), init_rnn_params(3, 5)),
            ValueError,
            r"x must have shape \(batch, time, features\), got \(4, 3\)",
        ),
        (
            lambda: lstm_gradient_norms(np.ones((2, 4, 2)), init_lstm_params(3, 5)),
            ValueError,
            "x has 2 features but the weights expect 3",
        ),
        (
            lambda: rnn_jacobian_norms(np.ones((2, 4, 3)), init_rnn_params(3, 5)),
            ValueError,
            r"one sequence, shape \(T, D\) or \(1, T, D\); got \(2, 4, 3\)",
        ),
    ],
)
def test_bad_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_params_are_validated():
    with pytest.raises(TypeError, match="params must be RNNParams"):
        rnn_gradient_norms(np.ones((1, 3, 2)), None)
    with pytest.raises(ValueError, match=r"W must have shape \(4H, H \+ D\)"):
        lstm_gradient_norms(np.ones((1, 3, 2)), (np.ones((5, 7)), np.ones(5)))
    with pytest.raises(TypeError, match="got LSTMParams"):
        rnn_jacobian_norms(np.ones((3, 2)), init_lstm_params(2, 3))
    with pytest.raises(TypeError, match="got RNNParams"):
        lstm_gradient_norms(np.ones((1, 3, 2)), init_rnn_params(2, 3))
