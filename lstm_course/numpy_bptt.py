"""Backpropagation through time for the NumPy LSTM and RNN of :mod:`lstm_course.numpy_lstm`.

Notebook 02 derives these passes one equation at a time; here they are written for speed:
everything that does not depend on the gradient flowing back (σ', tanh', …) is computed
for all steps at once, the loop keeps only the truly sequential part, and dW and dx are one
large matrix product each after the loop. ``numpy_lstm`` re-exports everything public here.

Shapes: x ``(B, T, D)``; dh_seq and h_seq ``(B, T, H)``; states ``(B, H)``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from lstm_course._checks import (
    as_float_array,
    check_bool,
    check_float,
    check_inputs,
    check_size,
    describe,
)
from lstm_course.numpy_params import LSTMParams, RNNParams, check_lstm_params, check_rnn_params

# numpy_lstm imports this module to re-export it, so this module imports numpy_lstm (the
# forward passes and their caches) only inside the functions: either can be imported first.


class LSTMGradients(NamedTuple):
    """Everything :func:`lstm_backward` computes with ``full=True`` (shapes as in the forward).

    dh_total, dc_total: (B, T, H) — the whole loss gradient reaching h_t and C_t, from the
    output at t *and* from every later step; what notebook 03 measures through time.
    """

    dx: np.ndarray
    grads: LSTMParams
    dh0: np.ndarray
    dc0: np.ndarray
    dh_total: np.ndarray
    dc_total: np.ndarray


class RNNGradients(NamedTuple):
    """Everything :func:`rnn_backward` computes with ``full=True``.

    dx (B, T, D); grads an RNNParams of dW (H, H + D) and db (H,); dh0 (B, H);
    dh_total (B, T, H) the whole gradient reaching each h_t.
    """

    dx: np.ndarray
    grads: RNNParams
    dh0: np.ndarray
    dh_total: np.ndarray


def lstm_backward(
    x,
    params: LSTMParams,
    dh_seq,
    *,
    h0=None,
    c0=None,
    cache=None,
    dh_T=None,
    dc_T=None,
    full: bool = False,
):
    """Backpropagation through time for :func:`~lstm_course.numpy_lstm.lstm_forward`.

    Args:
        x: (B, T, D) inputs of the forward pass.
        params: the forward pass's :class:`LSTMParams`.
        dh_seq: (B, T, H) gradient of the loss with respect to each output h_t.
        h0, c0: the forward pass's initial states (zeros when None).
        cache: the :class:`LSTMCache` of ``lstm_forward(x, params, h0, c0,
            return_cache=True)``, to save recomputing it; refused if it was computed from
            another x, params, h0 or c0. Recomputed when None.
        dh_T, dc_T: optional extra gradients reaching the final states (B, H).
        full: return an :class:`LSTMGradients` instead of ``(dx, grads)``.

    Returns:
        ``dx (B, T, D), grads`` where grads is an LSTMParams of dW (4H, H + D) and db (4H,).
    """
    from lstm_course.numpy_lstm import LSTMCache, lstm_forward

    params = check_lstm_params(params)
    full = check_bool("full", full)
    H = params.units
    x, states = check_inputs(x, H, params.input_size, {"h0": h0, "c0": c0})
    B, T, _ = x.shape
    check_size(f"lstm_backward on x of shape {x.shape} with {H} units", T * B * 14 * H)
    dh_seq = _check_gradient("dh_seq", dh_seq, (B, T, H), "(batch, time, units)")
    if cache is None:
        _, _, cache = lstm_forward(x, params, states["h0"], states["c0"], return_cache=True)
    else:
        _check_cache(cache, LSTMCache, "lstm_forward", x, params, states)
    dtype = cache.f.dtype
    W = params.W.astype(dtype, copy=False)
    # the cache is batch-major views of time-major buffers: transposing gives those back
    f, i, g, o, c_all, h_all = (
        a.transpose(1, 0, 2) for a in (cache.f, cache.i, cache.c_tilde, cache.o, cache.c, cache.h)
    )
    c_prev = np.concatenate([cache.c0[None], c_all[:-1]])  # C_{t-1}, (T, B, H)
    h_prev = np.concatenate([cache.h0[None], h_all[:-1]])  # h_{t-1}
    tanh_c = np.tanh(c_all)
    # Everything that does not depend on the gradient flowing back is computed for all
    # steps at once; the loop keeps only the truly sequential part.
    via_h = o * (1.0 - tanh_c**2)  # ∂h_t/∂C_t
    local = np.empty((T, B, 4, H), dtype)  # ∂(gate pre-activation) per unit of dC (or dh for o)
    local[:, :, 0] = c_prev * f * (1.0 - f)  # σ'(z) = σ(1 - σ)
    local[:, :, 1] = g * i * (1.0 - i)
    local[:, :, 2] = i * (1.0 - g**2)  # tanh'(z) = 1 - tanh²
    local[:, :, 3] = tanh_c * o * (1.0 - o)
    dh_out = np.ascontiguousarray(dh_seq.transpose(1, 0, 2), dtype=dtype)
    dz = np.empty((T, B, 4, H), dtype)
    dh_total, dc_total = np.empty((T, B, H), dtype), np.empty((T, B, H), dtype)
    dh_next = _state_gradient("dh_T", dh_T, (B, H), dtype)
    dc_next = _state_gradient("dc_T", dc_T, (B, H), dtype)
    W_h = np.ascontiguousarray(W[:, :H])  # (4H, H)
    for t in reversed(range(T)):
        dh = np.add(dh_out[t], dh_next, out=dh_total[t])  # from the output at t and from step t+1
        dc = np.add(dc_next, dh * via_h[t], out=dc_total[t])
        np.multiply(dc[:, None, :], local[t, :, :3], out=dz[t, :, :3])  # f, i, C~ blocks
        np.multiply(dh, local[t, :, 3], out=dz[t, :, 3])  # o block
        dc_next = dc * f[t]  # the cell path: only a multiplication by f_t
        dh_next = dz[t].reshape(B, 4 * H) @ W_h
    dz = dz.reshape(T, B, 4 * H)
    dx, grads = _weight_and_input_grads(x, W, dz, h_prev, H, LSTMParams)
    if full:
        return LSTMGradients(
            dx, grads, dh_next, dc_next, dh_total.transpose(1, 0, 2), dc_total.transpose(1, 0, 2)
        )
    return dx, grads


def rnn_backward(
    x, params: RNNParams, dh_seq, *, h0=None, cache=None, dh_T=None, full: bool = False
):
    """Backpropagation through time for :func:`~lstm_course.numpy_lstm.rnn_forward`.

    Same conventions as :func:`lstm_backward` (``cache`` an :class:`RNNCache`). Returns
    ``dx, grads`` (grads an RNNParams), or with ``full=True`` an :class:`RNNGradients`.
    """
    from lstm_course.numpy_lstm import RNNCache, rnn_forward

    params = check_rnn_params(params)
    full = check_bool("full", full)
    H = params.units
    x, states = check_inputs(x, H, params.input_size, {"h0": h0})
    B, T, _ = x.shape
    check_size(f"rnn_backward on x of shape {x.shape} with {H} units", T * B * 6 * H)
    dh_seq = _check_gradient("dh_seq", dh_seq, (B, T, H), "(batch, time, units)")
    if cache is None:
        _, _, cache = rnn_forward(x, params, states["h0"], return_cache=True)
    else:
        _check_cache(cache, RNNCache, "rnn_forward", x, params, states)
    h_all = np.ascontiguousarray(cache.h.transpose(1, 0, 2))  # (T, B, H)
    dtype = h_all.dtype
    W = params.W.astype(dtype, copy=False)
    h_prev = np.concatenate([cache.h0[None], h_all[:-1]])
    tanh_grad = 1.0 - h_all**2  # tanh' at every step, computed once
    dh_out = np.ascontiguousarray(dh_seq.transpose(1, 0, 2), dtype=dtype)
    dz, dh_total = np.empty((T, B, H), dtype), np.empty((T, B, H), dtype)
    dh_next = _state_gradient("dh_T", dh_T, (B, H), dtype)
    W_h = np.ascontiguousarray(W[:, :H])
    for t in reversed(range(T)):
        dh = np.add(dh_out[t], dh_next, out=dh_total[t])
        np.multiply(dh, tanh_grad[t], out=dz[t])
        dh_next = dz[t] @ W_h  # ∂h_t/∂h_{t-1} = diag(1 - h_t²) W_hh
    dx, grads = _weight_and_input_grads(x, W, dz, h_prev, H, RNNParams)
    if full:
        return RNNGradients(dx, grads, dh_next, dh_total.transpose(1, 0, 2))
    return dx, grads


def _weight_and_input_grads(x, W, dz, h_prev, H, kind):
    """The parts of BPTT that need no loop: one big product each for dW and dx.

    dz: (T, B, rows) gradients of the pre-activations; h_prev: (T, B, H) the h_{t-1}.
    """
    B, T, D = x.shape
    rows = dz.shape[-1]
    dz_flat = dz.reshape(T * B, rows)
    x_tm = x.transpose(1, 0, 2).reshape(T * B, D).astype(dz.dtype, copy=False)
    dW = np.concatenate([dz_flat.T @ h_prev.reshape(T * B, H), dz_flat.T @ x_tm], axis=1)
    dx = (dz_flat @ W[:, H:]).reshape(T, B, D).transpose(1, 0, 2)
    return np.ascontiguousarray(dx), kind(dW, dz_flat.sum(axis=0))


def _check_cache(cache, kind, forward: str, x, params, states) -> None:
    """Refuse a cache that is not ``forward``'s answer for exactly these arguments.

    A cache from other weights or inputs would give a silently wrong gradient, so the cache
    keeps (read-only copies of) what it was computed from, and here they are compared.
    """
    if not isinstance(cache, kind):
        raise TypeError(
            f"cache must be the {kind.__name__} that {forward}(..., return_cache=True) "
            f"returns (or None), got {describe(cache)}"
        )
    for name, given, kept in [
        ("x", x, cache.x),
        ("params.W", params.W, cache.params.W),
        ("params.b", params.b, cache.params.b),
    ]:
        if not _same_array(given, kept):
            raise ValueError(
                f"cache was computed from another {name} than the one given: pass the same "
                f"x, params, h0{', c0' if 'c0' in states else ''} as to {forward}, or cache=None"
            )
    dtype = np.result_type(x, params.W)
    B, T, _ = x.shape
    H = params.units
    for name in cache._fields:
        if name in ("x", "params"):
            continue
        value = getattr(cache, name)
        shape = (B, H) if name in states else (B, T, H)
        if not isinstance(value, np.ndarray) or value.shape != shape or value.dtype != dtype:
            raise ValueError(
                f"cache.{name} must be a {dtype} array of shape {shape}, got {describe(value)}: "
                f"use the cache that {forward} returned"
            )
        if name in states and not np.array_equal(value, states[name].astype(dtype)):
            raise ValueError(
                f"cache was computed from another {name} than the one given (None means "
                f"zeros): pass the same {name} as to {forward}, or cache=None"
            )


def _same_array(given: np.ndarray, kept) -> bool:
    kept = np.asarray(kept)
    return given.dtype == kept.dtype and given.shape == kept.shape and np.array_equal(given, kept)


def _check_gradient(name, array, shape, layout) -> np.ndarray:
    array = as_float_array(name, array, dtype=None)
    if array.shape != shape:
        raise ValueError(f"{name} must have shape {layout} = {shape}, got {array.shape}")
    return check_float(name, array)


def _state_gradient(name, array, shape, dtype) -> np.ndarray:
    if array is None:
        return np.zeros(shape, dtype)
    return _check_gradient(name, array, shape, "(batch, units)").astype(dtype, copy=False)
