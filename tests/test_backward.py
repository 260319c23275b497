import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

import lstm_course
from lstm_course.gradcheck import (
    LIMIT,
    gradient_check,
    numerical_gradient,
    relative_error,
    round_off_floor,
)
from lstm_course.numpy_lstm import (
    LSTMCache,
    LSTMParams,
    RNNGradients,
    init_lstm_params,
    init_rnn_params,
    lstm_backward,
    lstm_forward,
    params_to_keras,
    rnn_backward,
    rnn_forward,
    sigmoid,
)

lstm_course.setup(0)
shapes = st.tuples(st.integers(1, 3), st.integers(1, 6), st.integers(1, 4), st.integers(1, 5))
# The limit for every gradient check below is gradcheck.LIMIT = 1e-7, with the round-off
# floor of the loss's size S = Σ|terms| (see gradcheck's docstring): float64 central
# differences carry ≈ u·S/ε of round-off on every entry, which is more than 1e-7 of a
# gradient that is tiny next to the loss, so a plain relative error fails correct code in
# ~10% of random RNN cases; with the floor, round-off scores below 1e-8 (measured) while
# the planted bugs below score 1e-3 or more.


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

    def terms():
        h_seq, (h_T, c_T) = lstm_forward(x, params, h0, c0)
        return up * h_seq, up_h * h_T, up_c * c_T

    def loss():
        return float(sum(np.sum(t) for t in terms()))

    result = lstm_backward(x, params, up, h0=h0, c0=c0, dh_T=up_h, dc_T=up_c, full=True)
    arrays = {"W": params.W, "b": params.b, "x": x}
    analytic = {"W": result.grads.W, "b": result.grads.b, "x": result.dx}
    if with_state:
        arrays.update(h0=h0, c0=c0)
        analytic.update(h0=result.dh0, c0=result.dc0)
    loss_scale = sum(np.sum(np.abs(t)) for t in terms())
    errors = gradient_check(loss, arrays, analytic, loss_scale=loss_scale)
    assert max(errors.values()) <= LIMIT, errors


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
    assert isinstance(full, RNNGradients)
    errors = gradient_check(
        loss,
        {"W": params.W, "b": params.b, "x": x, "h0": h0},
        {"W": full.grads.W, "b": full.grads.b, "x": full.dx, "h0": full.dh0},
        loss_scale=np.sum(np.abs(up * rnn_forward(x, params, h0)[0])),
    )
    assert max(errors.values()) <= LIMIT, errors


def plain_lstm_backward(x, params, dh_seq, h0, c0, dh_T, dc_T, forget_sign=1.0):
    """Notebook 02's equations, one step at a time: an independent reference BPTT.

    ``forget_sign=-1`` plants a bug: a wrong sign in the forget gate's σ' factor.
    Returns dW, db, dx, dh0, dc0.
    """
    B, T, D = x.shape
    H = params.units
    hs, cs, steps = [h0], [c0], []
    for t in range(T):  # forward, keeping every step's values
        hx = np.concatenate([hs[-1], x[:, t]], axis=1)
        z = hx @ params.W.T + params.b
        f, i, o = (sigmoid(z[:, k * H : (k + 1) * H]) for k in (0, 1, 3))
        g = np.tanh(z[:, 2 * H : 3 * H])
        cs.append(f * cs[-1] + i * g)
        hs.append(o * np.tanh(cs[-1]))
        steps.append((hx, f, i, g, o))
    dW, db, dx = np.zeros_like(params.W), np.zeros_like(params.b), np.zeros_like(x)
    dh_next, dc_next = dh_T, dc_T
    for t in reversed(range(T)):
        hx, f, i, g, o = steps[t]
        dh = dh_seq[:, t] + dh_next
        dc = dc_next + dh * o * (1 - np.tanh(cs[t + 1]) ** 2)
        dz = np.concatenate(
            [
                forget_sign * dc * cs[t] * f * (1 - f),
                dc * g * i * (1 - i),
                dc * i * (1 - g**2),
                dh * np.tanh(cs[t + 1]) * o * (1 - o),
            ],
            axis=1,
        )
        dW += dz.T @ hx
        db += dz.sum(axis=0)
        d_hx = dz @ params.W
        dh_next, dx[:, t], dc_next = d_hx[:, :H], d_hx[:, H:], dc * f
    return dW, db, dx, dh_next, dc_next


def random_lstm_problem(shape, seed):
    B, T, D, H = shape
    rng = np.random.default_rng(seed)
    x, params = rng.normal(size=(B, T, D)), perturbed_lstm(D, H, rng)
    states = [rng.normal(size=(B, H)) for _ in range(2)]
    upstream = [rng.normal(size=(B, T, H)), rng.normal(size=(B, H)), rng.normal(size=(B, H))]
    return x, params, states, upstream


@settings(max_examples=25, deadline=None)
@given(shape=shapes, seed=st.integers(0, 2**16))
def test_fast_backward_equals_the_plain_step_by_step_equations(shape, seed):
    x, params, (h0, c0), (up, up_h, up_c) = random_lstm_problem(shape, seed)
    result = lstm_backward(x, params, up, h0=h0, c0=c0, dh_T=up_h, dc_T=up_c, full=True)
    plain = plain_lstm_backward(x, params, up, h0, c0, up_h, up_c)
    fast = (result.grads.W, result.grads.b, result.dx, result.dh0, result.dc0)
    for mine, reference in zip(fast, plain, strict=True):
        np.testing.assert_allclose(mine, reference, rtol=1e-10, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 3), st.integers(2, 6), st.integers(1, 4), st.integers(1, 5)),
    seed=st.integers(0, 2**16),
)
def test_gradient_check_catches_a_planted_sign_error(shape, seed):
    """The round-off floor must not hide a real bug: a flipped sign in the forget gate's
    derivative scores far above the limit (T >= 2: at T = 1 with C_0 = 0 it has no effect)."""
    x, params, (h0, c0), (up, up_h, up_c) = random_lstm_problem(shape, seed)

    def terms():
        h_seq, (h_T, c_T) = lstm_forward(x, params, h0, c0)
        return up * h_seq, up_h * h_T, up_c * c_T

    dW, db, dx, dh0, dc0 = plain_lstm_backward(x, params, up, h0, c0, up_h, up_c, -1.0)
    errors = gradient_check(
        lambda: float(sum(np.sum(t) for t in terms())),
        {"W": params.W, "b": params.b, "x": x, "h0": h0, "c0": c0},
        {"W": dW, "b": db, "x": dx, "h0": dh0, "c0": dc0},
        loss_scale=sum(np.sum(np.abs(t)) for t in terms()),
    )
    assert max(errors.values()) > 1e4 * LIMIT, errors


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
    with pytest.raises(TypeError, match="float64 ndarray the loss reads .* dtype float32"):
        numerical_gradient(lambda: 0.0, np.zeros(2, np.float32))
    with pytest.raises(TypeError, match="array must be the float64 ndarray .* got list"):
        numerical_gradient(lambda: 0.0, [1.0, 2.0])


@pytest.mark.parametrize(
    "view",
    [
        lambda p: p.W[:, :3],  # a column slice: strided rows
        lambda p: p.W.T,  # a transpose: Fortran order
        lambda p: p.W[::2, ::-1],  # every other row, columns reversed
    ],
    ids=["column slice", "transpose", "strided reversed"],
)
def test_numerical_gradient_perturbs_non_contiguous_views(view):
    """The old reshape(-1) copied such views, so the loss never saw a perturbation: zeros."""
    params = init_lstm_params(3, 2, seed=1)
    x = np.random.default_rng(0).normal(size=(2, 4, 3))
    up = np.random.default_rng(1).normal(size=(2, 4, 2))

    def loss():
        return float(np.sum(up * lstm_forward(x, params)[0]))

    part = view(params)
    assert not part.flags.c_contiguous
    numeric = numerical_gradient(loss, part)
    analytic = view(lstm_backward(x, params, up)[1])
    assert np.abs(numeric).max() > 1e-3
    assert relative_error(analytic, numeric) < LIMIT
    transposed = np.ones((2, 2)).T
    np.testing.assert_allclose(
        numerical_gradient(
            lambda: float(np.sum(transposed * [[1.0, 2.0], [3.0, 4.0]])), transposed
        ),
        [[1.0, 2.0], [3.0, 4.0]],
    )


def test_numerical_gradient_refuses_what_it_cannot_differentiate():
    a = np.array([1.0, 2.0])
    with pytest.raises(ValueError, match=r"eps must be a finite number > 0.0, got 0"):
        numerical_gradient(lambda: float(a.sum()), a, eps=0)
    with pytest.raises(ValueError, match="eps = 1e-20 is too small for array"):
        numerical_gradient(lambda: float(a.sum()), a, eps=1e-20)
    frozen = np.ones(3)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="array is read-only"):
        numerical_gradient(lambda: 0.0, frozen)
    with pytest.raises(ValueError, match=r"loss\(\) must be a finite number.* perturbed"):
        numerical_gradient(lambda: float("nan"), a)
    with pytest.raises(TypeError, match="loss must be callable"):
        numerical_gradient(1.0, a)


def test_numerical_gradient_restores_the_array_when_the_loss_fails():
    a = np.array([1.0, 2.0])

    def loss():
        if a[0] != 1.0:
            raise RuntimeError("boom")
        return 0.0

    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(loss, a)
    np.testing.assert_array_equal(a, [1.0, 2.0])


def test_relative_error_and_gradient_check_errors():
    assert relative_error([0.0], [0.0]) == 0.0
    assert relative_error([1.0], [1.1]) == pytest.approx(0.1 / 2.1)
    assert relative_error([1.0], [1.1], floor=7.9) == pytest.approx(0.1 / 10.0)
    with pytest.raises(ValueError, match="analytic and numeric must have the same shape"):
        relative_error([1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match=r"analytic has no gradient for \['b'\]"):
        gradient_check(lambda: 0.0, {"b": np.zeros(2)}, {"a": np.zeros(2)})
    with pytest.raises(ValueError, match="floor must be a finite number >= 0"):
        relative_error([1.0], [1.0], floor=-1.0)


def test_round_off_floor_is_ten_times_the_size_where_round_off_reaches_the_limit():
    # u·S/ε of round-off equals LIMIT × g at g = u·S/(ε·LIMIT); the floor is 10 g
    assert round_off_floor(1.0) == pytest.approx(10 * 2.0**-53 / (1e-6 * 1e-7))
    assert round_off_floor(3.0, eps=1e-5) == pytest.approx(0.3 * round_off_floor(1.0))
    # a gradient of size g at the floor scores about 0.5 when wrong by its own size
    g = round_off_floor(1.0)
    assert relative_error([g], [0.0], floor=round_off_floor(1.0)) == pytest.approx(0.5)


def test_tiny_gradient_next_to_a_large_loss_passes_with_the_floor():
    """The flaky case: a correct but tiny gradient, its numerical value mostly round-off."""
    big, small = np.array([1e4]), np.array([0.3])
    scale_small = 1e-4

    def loss():
        return float(big[0] ** 2 / 2 + scale_small * np.sin(small[0]))

    numeric = numerical_gradient(loss, small)
    analytic = scale_small * np.cos(small)
    assert relative_error(analytic, numeric) > LIMIT  # round-off of a loss of size 5e7
    assert relative_error(analytic, numeric, floor=round_off_floor(5e7)) < LIMIT


def test_backward_refuses_a_cache_from_other_arguments():
    """A cache from other weights, inputs or states used to give silently wrong gradients."""
    rng = np.random.default_rng(4)
    x, params, up = rng.normal(size=(2, 5, 3)), init_lstm_params(3, 4), rng.normal(size=(2, 5, 4))
    h0 = rng.normal(size=(2, 4))
    _, _, cache = lstm_forward(x, params, h0=h0, return_cache=True)
    expected = lstm_backward(x, params, up, h0=h0)
    with_cache = lstm_backward(x, params, up, h0=h0, cache=cache)
    for a, b in zip((expected[0], *expected[1]), (with_cache[0], *with_cache[1]), strict=True):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="cache was computed from another params.W"):
        lstm_backward(x, init_lstm_params(3, 4, seed=1), up, h0=h0, cache=cache)
    with pytest.raises(ValueError, match="cache was computed from another x"):
        lstm_backward(x + 1.0, params, up, h0=h0, cache=cache)
    with pytest.raises(ValueError, match=r"another h0 .*None means zeros"):
        lstm_backward(x, params, up, cache=cache)
    with pytest.raises(ValueError, match="cache was computed from another params.W"):
        lstm_backward(x, LSTMParams(params.W.astype(np.float32), params.b), up, h0=h0, cache=cache)
    with pytest.raises(TypeError, match="cache must be the LSTMCache that lstm_forward"):
        lstm_backward(x, params, up, h0=h0, cache=dict(cache._asdict()))
    with pytest.raises(ValueError, match="x contains NaN"):  # x is checked even with a cache
        lstm_backward(np.full_like(x, np.nan), params, up, h0=h0, cache=cache)
    forged = cache._replace(f=np.zeros((2, 4, 4)))
    with pytest.raises(ValueError, match=r"cache.f must be a float64 array of shape \(2, 5, 4\)"):
        lstm_backward(x, params, up, h0=h0, cache=forged)
    _, _, rnn_cache = rnn_forward(x, init_rnn_params(3, 4), return_cache=True)
    with pytest.raises(TypeError, match="cache must be the RNNCache"):
        rnn_backward(x, init_rnn_params(3, 4), up, cache=cache)
    with pytest.raises(ValueError, match="cache was computed from another params.W"):
        rnn_backward(x, init_rnn_params(3, 4, seed=2), up, cache=rnn_cache)
    assert isinstance(cache, LSTMCache)


def test_cached_weights_are_a_snapshot():
    """Updating the weights in place after the forward pass (as an optimizer does) is noticed."""
    rng = np.random.default_rng(5)
    x, up = rng.normal(size=(2, 3, 2)), rng.normal(size=(2, 3, 3))
    params = init_lstm_params(2, 3)
    _, _, cache = lstm_forward(x, params, return_cache=True)
    params.W[0, 0] += 0.1
    with pytest.raises(ValueError, match="another params.W"):
        lstm_backward(x, params, up, cache=cache)
