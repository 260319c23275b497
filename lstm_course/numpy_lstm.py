"""LSTM and vanilla RNN layers in NumPy, in the course's notation, equal to Keras.

Two forms of the same LSTM live side by side: :func:`lstm_step` is the six equations
verbatim, one step for a batch, the form to read; :func:`lstm_forward` is the fast loop over
a whole sequence, tested against ``lstm_step``. Its cache (:class:`LSTMCache`) holds every
gate and state of every step. :func:`rnn_forward` is the vanilla tanh RNN.

The weights — ``LSTMParams(W (4H, H + D), b (4H,))`` with blocks f, i, C~, o, their
initialisation and their Keras form — are in :mod:`lstm_course.numpy_params`, and the
backward passes (notebook 02) in :mod:`lstm_course.numpy_bptt`; both are re-exported here,
so ``from lstm_course.numpy_lstm import ...`` reaches everything.

Shapes: x ``(B, T, D)``; h_seq ``(B, T, H)``; states ``(B, H)``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from lstm_course._checks import (
    as_float_array,
    check_array,
    check_bool,
    check_float,
    check_inputs,
    check_size,
)
from lstm_course.numpy_params import (  # re-exported (see __all__): the layers' weights
    GATES,
    KERAS_GATES,
    MAX_PARAMETERS,
    MAX_UNITS,
    LSTMParams,
    RNNParams,
    check_lstm_params,
    check_rnn_params,
    init_lstm_params,
    init_rnn_params,
    params_from_keras,
    params_to_keras,
    rnn_params_from_keras,
    rnn_params_to_keras,
)


def _field_not_key(cache, key):
    """``cache["f"]``, the old dict style, says to write ``cache.f``; indices work as usual."""
    if isinstance(key, str):
        raise TypeError(
            f"the cache ({type(cache).__name__}) is read by attribute: write cache.{key}, "
            f"not cache[{key!r}]"
        )
    return tuple.__getitem__(cache, key)


class LSTMCache(NamedTuple):
    """What :func:`lstm_forward` saw and computed, for plots and :func:`lstm_backward`.

    f, i, c_tilde, o, c, h: (B, T, H) — the three gates, the candidate C~_t, the cell C_t
    and the output h_t at every step. h0, c0: (B, H) the initial states. x, params: the
    inputs the pass was computed from; ``lstm_backward`` refuses a cache whose x, params,
    h0 or c0 differ from its own arguments. Every array is read-only.
    """

    f: np.ndarray
    i: np.ndarray
    c_tilde: np.ndarray
    o: np.ndarray
    c: np.ndarray
    h: np.ndarray
    h0: np.ndarray
    c0: np.ndarray
    x: np.ndarray
    params: LSTMParams

    __getitem__ = _field_not_key


class RNNCache(NamedTuple):
    """What :func:`rnn_forward` computed: h (B, T, H), h0 (B, H), and its x and params.

    Read-only, like :class:`LSTMCache`; ``rnn_backward`` checks it against its arguments.
    """

    h: np.ndarray
    h0: np.ndarray
    x: np.ndarray
    params: RNNParams

    __getitem__ = _field_not_key


def sigmoid(z) -> np.ndarray:
    """Logistic sigmoid via tanh: exact, and never overflows (σ(z) = (1 + tanh(z/2)) / 2).

    z: numbers of any shape (an array, a list, a scalar), finite -> the same shape.
    """
    z = check_array("z", z, dtype=None)  # any shape, at least one value, finite
    return 0.5 * (np.tanh(0.5 * z) + 1.0)


def lstm_step(x_t, h_prev, c_prev, params: LSTMParams) -> tuple[np.ndarray, np.ndarray]:
    """One LSTM step, the course's six equations as written (slow and plain, for reading).

    Args:
        x_t: (B, D) the inputs at step t.
        h_prev, c_prev: (B, H) the hidden state h_{t-1} and the cell state C_{t-1}.
        params: :class:`LSTMParams`.

    Returns:
        ``(h_t, c_t)``, each (B, H). :func:`lstm_forward` computes the same, faster.
    """
    params = check_lstm_params(params)
    x_t, h_prev, c_prev = _check_step_inputs(x_t, h_prev, c_prev, params)
    (W_f, b_f), (W_i, b_i), (W_c, b_c), (W_o, b_o) = (params.gate(g) for g in GATES)
    hx = np.concatenate([h_prev, x_t], axis=1)  # [h_{t-1}, x_t], one row per example
    f_t = sigmoid(hx @ W_f.T + b_f)  # forget gate: how much of C_{t-1} to keep
    i_t = sigmoid(hx @ W_i.T + b_i)  # input gate: how much of the candidate to write
    c_tilde = np.tanh(hx @ W_c.T + b_c)  # candidate values C~_t
    c_t = f_t * c_prev + i_t * c_tilde  # the new cell state
    o_t = sigmoid(hx @ W_o.T + b_o)  # output gate: how much of the memory to show
    h_t = o_t * np.tanh(c_t)  # the new hidden state
    return h_t, c_t


# ----------------------------------------------------------------------------- checks


def _check_step_inputs(x_t, h_prev, c_prev, params):
    """x_t (B, D) and the states (B, H) of one step, float and finite."""
    H, D = params.units, params.input_size
    x_t = check_float("x_t", as_float_array("x_t", x_t, dtype=None))
    if x_t.ndim != 2 or x_t.shape[1] != D or x_t.shape[0] == 0:
        raise ValueError(
            f"x_t must have shape (batch, features) = (B, {D}) with B >= 1, got {x_t.shape}"
        )
    states = []
    for name, state in (("h_prev", h_prev), ("c_prev", c_prev)):
        state = check_float(name, as_float_array(name, state, dtype=None))
        if state.shape != (x_t.shape[0], H):
            raise ValueError(
                f"{name} must have shape (batch, units) = {(x_t.shape[0], H)}, got {state.shape}"
            )
        states.append(state)
    return x_t, *states


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def _frozen_params(kind, params):
    """A read-only copy of the parameters, kept in a cache to recognise them later."""
    W, b = (_read_only(np.array(a, copy=True)) for a in params)
    return kind(W, b)


# ----------------------------------------------------------------------------- forward passes


def lstm_forward(x, params: LSTMParams, h0=None, c0=None, *, return_cache: bool = False):
    """Run an LSTM over a batch of sequences (the fast form of :func:`lstm_step`).

    Args:
        x: (B, T, D) float32 or float64.
        params: :class:`LSTMParams` with W (4H, H + D), b (4H,).
        h0, c0: initial states (B, H); zeros when None.
        return_cache: also return an :class:`LSTMCache` (for plots and backprop).

    Returns:
        ``h_seq (B, T, H), (h_T (B, H), c_T (B, H))`` and, with return_cache, the cache.
    """
    params = check_lstm_params(params)
    return_cache = check_bool("return_cache", return_cache)
    H, D = params.units, params.input_size
    x, states = check_inputs(x, H, D, {"h0": h0, "c0": c0})
    B, T, _ = x.shape
    check_size(f"lstm_forward on x of shape {x.shape} with {H} units", T * B * 6 * H)
    dtype = np.result_type(x, params.W)
    # σ(z) = (1 + tanh(z/2)) / 2: halving the σ-gates' rows of W and b lets ONE tanh over
    # all four blocks serve every gate; `slope` and `shift` then finish the three σ blocks.
    half = np.ones(4 * H, dtype)
    half[np.r_[0 : 2 * H, 3 * H : 4 * H]] = 0.5
    W = params.W.astype(dtype) * half[:, None]
    slope, shift = half, np.where(half == 0.5, 0.5, 0.0).astype(dtype)
    # Time-major buffers keep each step's slice contiguous. The input part of every step
    # is one matrix product before the loop; only h @ W_h is sequential.
    x_tm = np.ascontiguousarray(x.transpose(1, 0, 2), dtype=dtype)
    gates = (x_tm.reshape(T * B, D) @ W[:, H:].T + params.b.astype(dtype) * half).reshape(
        T, B, 4 * H
    )
    W_h_T = np.ascontiguousarray(W[:, :H].T)  # (H, 4H)
    c_all, h_all = np.empty((T, B, H), dtype), np.empty((T, B, H), dtype)
    h, c = states["h0"].astype(dtype), states["c0"].astype(dtype)
    recurrent = np.empty((B, 4 * H), dtype)
    for t in range(T):
        z = gates[t]
        z += np.matmul(h, W_h_T, out=recurrent)
        np.tanh(z, out=z)
        z *= slope
        z += shift  # z now holds f, i, C~, o for step t
        c = z[:, :H] * c + z[:, H : 2 * H] * z[:, 2 * H : 3 * H]  # C_t = f*C_{t-1} + i*C~
        h = z[:, 3 * H :] * np.tanh(c)  # h_t = o * tanh(C_t)
        c_all[t], h_all[t] = c, h
    h_seq = np.ascontiguousarray(h_all.transpose(1, 0, 2))
    if not return_cache:
        return h_seq, (h, c)
    # The cache's arrays are read-only views of the buffers (no copies), batch-major.
    gates_bm, c_bm, h_bm = (_read_only(a).transpose(1, 0, 2) for a in (gates, c_all, h_all))
    blocks = (gates_bm[..., k * H : (k + 1) * H] for k in range(4))
    cache = LSTMCache(
        *blocks,
        c=c_bm,
        h=h_bm,
        h0=_read_only(states["h0"].astype(dtype)),
        c0=_read_only(states["c0"].astype(dtype)),
        x=_read_only(np.array(x, copy=True)),
        params=_frozen_params(LSTMParams, params),
    )
    return h_seq, (h, c), cache


def rnn_forward(x, params: RNNParams, h0=None, *, return_cache: bool = False):
    """Run a vanilla tanh RNN: ``h_t = tanh(W·[h_{t-1}, x_t] + b)``.

    Args:
        x: (B, T, D) float; params: :class:`RNNParams` W (H, H + D), b (H,); h0: (B, H) or None.

    Returns:
        ``h_seq (B, T, H), h_T (B, H)`` and, with return_cache, an :class:`RNNCache`.
    """
    params = check_rnn_params(params)
    return_cache = check_bool("return_cache", return_cache)
    H, D = params.units, params.input_size
    x, states = check_inputs(x, H, D, {"h0": h0})
    B, T, _ = x.shape
    check_size(f"rnn_forward on x of shape {x.shape} with {H} units", T * B * 2 * H)
    dtype = np.result_type(x, params.W)
    W, b = params.W.astype(dtype, copy=False), params.b.astype(dtype, copy=False)
    x_proj = (x.reshape(B * T, D) @ W[:, H:].T + b).reshape(B, T, H)
    W_h_T = np.ascontiguousarray(W[:, :H].T)
    h = states["h0"].astype(dtype)
    h_seq = np.empty((B, T, H), dtype)
    for t in range(T):
        h = np.tanh(x_proj[:, t] + h @ W_h_T)
        h_seq[:, t] = h
    if not return_cache:
        return h_seq, h
    cache = RNNCache(
        h=_read_only(h_seq.copy()),
        h0=_read_only(states["h0"].astype(dtype)),
        x=_read_only(np.array(x, copy=True)),
        params=_frozen_params(RNNParams, params),
    )
    return h_seq, h, cache


# The backward passes live in numpy_bptt (notebook 02); they are part of this module's API.
from lstm_course.numpy_bptt import (  # noqa: E402
    LSTMGradients,
    RNNGradients,
    lstm_backward,
    rnn_backward,
)

__all__ = [
    "GATES",
    "KERAS_GATES",
    "MAX_PARAMETERS",
    "MAX_UNITS",
    "LSTMCache",
    "LSTMGradients",
    "LSTMParams",
    "RNNCache",
    "RNNGradients",
    "RNNParams",
    "check_lstm_params",
    "check_rnn_params",
    "init_lstm_params",
    "init_rnn_params",
    "lstm_backward",
    "lstm_forward",
    "lstm_step",
    "params_from_keras",
    "params_to_keras",
    "rnn_backward",
    "rnn_forward",
    "rnn_params_from_keras",
    "rnn_params_to_keras",
    "sigmoid",
]
