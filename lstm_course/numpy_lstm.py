"""LSTM and vanilla RNN layers in NumPy, in the course's notation, equal to Keras.

The course writes every gate as ``W·[h_{t-1}, x_t] + b``. Here the four gate matrices are
stacked in the course's order **f, i, C~, o** into one ``W`` of shape ``(4H, H + D)`` — the
first H rows are ``W_f``, and so on — and ``b`` of shape ``(4H,)``. A batch of stacked
inputs ``[h, x]`` is a matrix ``(B, H + D)``, so all four gates are ``[h, x] @ W.T + b``.

Keras stores the same numbers split and transposed, in gate order **i, f, c, o**:
``kernel (D, 4H)`` for x, ``recurrent_kernel (H, 4H)`` for h, ``bias (4H,)``.
:func:`params_from_keras` and :func:`params_to_keras` convert between the two.

Shapes: x ``(B, T, D)``; h_seq ``(B, T, H)``; states ``(B, H)``.
Notebook 01 builds all of this gate by gate; this module is the tested reference.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from lstm_course._checks import check_float as _check_float
from lstm_course._checks import check_inputs as _check_inputs

GATES = ("f", "i", "c", "o")  # the course's order of the four blocks of W and b
KERAS_GATES = ("i", "f", "c", "o")  # the order of Keras's blocks


class LSTMParams(NamedTuple):
    """LSTM weights in the course's form. W: (4H, H + D), blocks f, i, C~, o; b: (4H,)."""

    W: np.ndarray
    b: np.ndarray

    @property
    def units(self) -> int:
        return self.W.shape[0] // 4

    @property
    def input_size(self) -> int:
        return self.W.shape[1] - self.units

    def gate(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """One gate's ``(W_g (H, H + D), b_g (H,))``, for name in 'f', 'i', 'c', 'o'."""
        k, H = GATES.index(name), self.units
        return self.W[k * H : (k + 1) * H], self.b[k * H : (k + 1) * H]


class RNNParams(NamedTuple):
    """Vanilla (tanh) RNN weights: h_t = tanh(W·[h_{t-1}, x_t] + b). W: (H, H + D); b: (H,)."""

    W: np.ndarray
    b: np.ndarray

    @property
    def units(self) -> int:
        return self.W.shape[0]

    @property
    def input_size(self) -> int:
        return self.W.shape[1] - self.units


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic sigmoid via tanh: exact, and never overflows (σ(z) = (1 + tanh(z/2)) / 2)."""
    return 0.5 * (np.tanh(0.5 * z) + 1.0)


# ----------------------------------------------------------------------------- initialisation


def init_lstm_params(
    input_size: int, units: int, *, seed: int | None = 0, forget_bias: float = 1.0, dtype=np.float64
) -> LSTMParams:
    """Glorot-uniform input weights, orthogonal recurrent weights, b_f = forget_bias, other b = 0.

    The same scheme as Keras's defaults (``unit_forget_bias=True`` gives forget_bias=1).
    """
    _check_sizes(input_size, units)
    rng = np.random.default_rng(seed)
    H, D = units, input_size
    limit = np.sqrt(6.0 / (D + 4 * H))
    W_x = rng.uniform(-limit, limit, size=(4 * H, D))
    W_h = np.concatenate([_orthogonal(rng, H) for _ in GATES], axis=0)  # (4H, H)
    b = np.zeros(4 * H)
    b[:H] = forget_bias
    return LSTMParams(np.concatenate([W_h, W_x], axis=1).astype(dtype), b.astype(dtype))


def init_rnn_params(
    input_size: int,
    units: int,
    *,
    seed: int | None = 0,
    recurrent_scale: float = 1.0,
    dtype=np.float64,
) -> RNNParams:
    """Glorot-uniform input weights and ``recurrent_scale`` × an orthogonal W_hh.

    Every singular value of W_hh equals ``recurrent_scale``, which is what notebook 03
    turns to move between vanishing and exploding gradients.
    """
    _check_sizes(input_size, units)
    rng = np.random.default_rng(seed)
    limit = np.sqrt(6.0 / (input_size + units))
    W_x = rng.uniform(-limit, limit, size=(units, input_size))
    W_h = recurrent_scale * _orthogonal(rng, units)
    return RNNParams(np.concatenate([W_h, W_x], axis=1).astype(dtype), np.zeros(units, dtype))


def _orthogonal(rng: np.random.Generator, n: int) -> np.ndarray:
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    return q * np.sign(np.diag(r))  # sign fix: uniformly distributed over rotations


def _check_sizes(input_size, units) -> None:
    for name, value in (("input_size", input_size), ("units", units)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be an int >= 1, got {value!r}")


# ----------------------------------------------------------------------------- Keras conversion


def params_from_keras(layer_or_weights) -> LSTMParams:
    """Course-form parameters from a built ``keras.layers.LSTM`` or its ``get_weights()`` list.

    Keras's blocks i, f, c, o are reordered to f, i, c, o, and each block is transposed
    and stacked as ``[recurrent | kernel]`` so that it multiplies ``[h, x]``.
    """
    weights = _keras_weights(layer_or_weights)
    if len(weights) != 3:
        raise ValueError(
            f"expected [kernel, recurrent_kernel, bias] (an LSTM with use_bias=True), "
            f"got {len(weights)} arrays"
        )
    kernel, recurrent, bias = (np.asarray(w) for w in weights)
    H = recurrent.shape[0]
    if (
        recurrent.shape != (H, 4 * H)
        or kernel.ndim != 2
        or kernel.shape[1] != 4 * H
        or bias.shape != (4 * H,)
    ):
        raise ValueError(
            f"expected kernel (D, 4H), recurrent_kernel (H, 4H), bias (4H,); got "
            f"{kernel.shape}, {recurrent.shape}, {bias.shape}"
        )
    blocks_W, blocks_b = [], []
    for gate in GATES:
        k = KERAS_GATES.index(gate)
        cols = slice(k * H, (k + 1) * H)
        blocks_W.append(np.concatenate([recurrent[:, cols].T, kernel[:, cols].T], axis=1))
        blocks_b.append(bias[cols])
    return LSTMParams(np.concatenate(blocks_W, axis=0), np.concatenate(blocks_b))


def params_to_keras(params: LSTMParams) -> list[np.ndarray]:
    """``[kernel (D, 4H), recurrent_kernel (H, 4H), bias (4H,)]``, ready for ``layer.set_weights``."""
    params = _check_lstm_params(params)
    H = params.units
    kernel_blocks, recurrent_blocks, bias_blocks = [], [], []
    for gate in KERAS_GATES:
        W_g, b_g = params.gate(gate)
        recurrent_blocks.append(W_g[:, :H].T)
        kernel_blocks.append(W_g[:, H:].T)
        bias_blocks.append(b_g)
    return [
        np.concatenate(kernel_blocks, axis=1),
        np.concatenate(recurrent_blocks, axis=1),
        np.concatenate(bias_blocks),
    ]


def rnn_params_from_keras(layer_or_weights) -> RNNParams:
    """Course-form parameters from a built ``keras.layers.SimpleRNN`` (tanh) or its weights."""
    kernel, recurrent, bias = (np.asarray(w) for w in _keras_weights(layer_or_weights))
    return RNNParams(np.concatenate([recurrent.T, kernel.T], axis=1), bias)


def rnn_params_to_keras(params: RNNParams) -> list[np.ndarray]:
    """``[kernel (D, H), recurrent_kernel (H, H), bias (H,)]`` for ``SimpleRNN.set_weights``."""
    H = params.units
    return [params.W[:, H:].T.copy(), params.W[:, :H].T.copy(), params.b.copy()]


def _keras_weights(layer_or_weights) -> list:
    if hasattr(layer_or_weights, "get_weights"):
        weights = layer_or_weights.get_weights()
        if not weights:
            raise ValueError(
                "the Keras layer is not built yet: call it on data or layer.build((None, T, D))"
            )
        return weights
    return list(layer_or_weights)


# ----------------------------------------------------------------------------- validation


def _check_params(params, kind, blocks: int, layout: str):
    """Validate (W, b) for a layer whose W stacks ``blocks`` gate matrices of shape (H, H + D)."""
    if not isinstance(params, tuple) or len(params) != 2:
        raise TypeError(f"params must be {kind.__name__}(W, b), got {type(params).__name__}")
    W, b = (np.asarray(p) for p in params)
    rows = W.shape[0] if W.ndim == 2 else 0
    if W.ndim != 2 or rows == 0 or rows % blocks or W.shape[1] <= rows // blocks:
        raise ValueError(f"W must have shape {layout} with H, D >= 1, got {W.shape}")
    if b.shape != (rows,):
        raise ValueError(f"b must have shape ({rows},) to match W {W.shape}, got {b.shape}")
    _check_float("W", W)
    _check_float("b", b)
    return kind(W, b)


def _check_lstm_params(params) -> LSTMParams:
    return _check_params(params, LSTMParams, 4, "(4H, H + D)")


def _check_rnn_params(params) -> RNNParams:
    return _check_params(params, RNNParams, 1, "(H, H + D)")


# ----------------------------------------------------------------------------- forward passes


def lstm_forward(x, params: LSTMParams, h0=None, c0=None, *, return_cache: bool = False):
    """Run an LSTM over a batch of sequences.

    Args:
        x: (B, T, D) float32 or float64.
        params: :class:`LSTMParams` with W (4H, H + D), b (4H,).
        h0, c0: initial states (B, H); zeros when None.
        return_cache: also return the per-step gates and states (for plots and backprop).

    Returns:
        ``h_seq (B, T, H), (h_T (B, H), c_T (B, H))`` and, with return_cache, a dict of
        arrays (B, T, H): ``f, i, c_tilde, o, c, h`` plus ``h0, c0``.
    """
    params = _check_lstm_params(params)
    H, D = params.units, params.input_size
    x, states = _check_inputs(x, H, D, {"h0": h0, "c0": c0})
    dtype = np.result_type(x, params.W)
    B, T, _ = x.shape
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
    batch_major = gates.transpose(1, 0, 2)  # (B, T, 4H) view
    cache = {
        name: batch_major[..., k * H : (k + 1) * H]
        for k, name in enumerate(("f", "i", "c_tilde", "o"))
    }
    cache.update(
        c=c_all.transpose(1, 0, 2),
        h=h_seq,
        h0=states["h0"].astype(dtype),
        c0=states["c0"].astype(dtype),
    )
    cache["_time_major"] = (gates, c_all, h_all)  # for lstm_backward, no copies
    return h_seq, (h, c), cache


def rnn_forward(x, params: RNNParams, h0=None, *, return_cache: bool = False):
    """Run a vanilla tanh RNN: ``h_t = tanh(W·[h_{t-1}, x_t] + b)``.

    Args:
        x: (B, T, D) float; params: :class:`RNNParams` W (H, H + D), b (H,); h0: (B, H) or None.

    Returns:
        ``h_seq (B, T, H), h_T (B, H)`` and, with return_cache, ``{"h": h_seq, "h0": h0}``.
    """
    params = _check_rnn_params(params)
    H, D = params.units, params.input_size
    x, states = _check_inputs(x, H, D, {"h0": h0})
    dtype = np.result_type(x, params.W)
    W, b = params.W.astype(dtype, copy=False), params.b.astype(dtype, copy=False)
    B, T, _ = x.shape
    x_proj = (x.reshape(B * T, D) @ W[:, H:].T + b).reshape(B, T, H)
    W_h_T = np.ascontiguousarray(W[:, :H].T)
    h = states["h0"].astype(dtype)
    h_seq = np.empty((B, T, H), dtype)
    for t in range(T):
        h = np.tanh(x_proj[:, t] + h @ W_h_T)
        h_seq[:, t] = h
    if return_cache:
        return h_seq, h, {"h": h_seq, "h0": states["h0"].astype(dtype)}
    return h_seq, h


# ----------------------------------------------------------------------------- backward passes


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
    """Backpropagation through time for :func:`lstm_forward`.

    Args:
        x: (B, T, D) inputs of the forward pass.
        params: the forward pass's :class:`LSTMParams`.
        dh_seq: (B, T, H) gradient of the loss with respect to each output h_t.
        h0, c0: the forward pass's initial states (zeros when None).
        cache: the forward cache (``return_cache=True``); recomputed when None.
        dh_T, dc_T: optional extra gradients reaching the final states (B, H).
        full: return an :class:`LSTMGradients` instead of ``(dx, grads)``.

    Returns:
        ``dx (B, T, D), grads`` where grads is an LSTMParams of dW (4H, H + D) and db (4H,).
    """
    params = _check_lstm_params(params)
    if cache is None:
        _, _, cache = lstm_forward(x, params, h0, c0, return_cache=True)
    x = np.asarray(x)
    B, T, D = x.shape
    H = params.units
    dh_seq = _check_upstream("dh_seq", dh_seq, (B, T, H))
    gates, c_all, h_all = cache["_time_major"]  # (T, B, 4H), (T, B, H), (T, B, H)
    dtype = gates.dtype
    W = params.W.astype(dtype, copy=False)
    f, i, g, o = (gates[..., k * H : (k + 1) * H] for k in range(4))
    c_prev = np.concatenate([cache["c0"][None], c_all[:-1]])  # C_{t-1}, (T, B, H)
    h_prev = np.concatenate([cache["h0"][None], h_all[:-1]])  # h_{t-1}
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
    dh_next = _state_or_zeros("dh_T", dh_T, (B, H), dtype)
    dc_next = _state_or_zeros("dc_T", dc_T, (B, H), dtype)
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
    """Backpropagation through time for :func:`rnn_forward`; same conventions as lstm_backward.

    Returns ``dx, grads`` (grads an RNNParams), or with ``full=True`` a dict with dx, grads,
    dh0 and dh_total (B, T, H).
    """
    params = _check_rnn_params(params)
    if cache is None:
        _, _, cache = rnn_forward(x, params, h0, return_cache=True)
    x = np.asarray(x)
    B, T, _ = x.shape
    H = params.units
    dh_seq = _check_upstream("dh_seq", dh_seq, (B, T, H))
    h_all = np.ascontiguousarray(cache["h"].transpose(1, 0, 2))  # (T, B, H)
    dtype = h_all.dtype
    W = params.W.astype(dtype, copy=False)
    h_prev = np.concatenate([cache["h0"][None].astype(dtype), h_all[:-1]])
    tanh_grad = 1.0 - h_all**2  # tanh' at every step, computed once
    dh_out = np.ascontiguousarray(dh_seq.transpose(1, 0, 2), dtype=dtype)
    dz, dh_total = np.empty((T, B, H), dtype), np.empty((T, B, H), dtype)
    dh_next = _state_or_zeros("dh_T", dh_T, (B, H), dtype)
    W_h = np.ascontiguousarray(W[:, :H])
    for t in reversed(range(T)):
        dh = np.add(dh_out[t], dh_next, out=dh_total[t])
        np.multiply(dh, tanh_grad[t], out=dz[t])
        dh_next = dz[t] @ W_h  # ∂h_t/∂h_{t-1} = diag(1 - h_t²) W_hh
    dx, grads = _weight_and_input_grads(x, W, dz, h_prev, H, RNNParams)
    if full:
        return {"dx": dx, "grads": grads, "dh0": dh_next, "dh_total": dh_total.transpose(1, 0, 2)}
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


def _check_upstream(name, array, shape) -> np.ndarray:
    array = np.asarray(array)
    if array.shape != shape:
        raise ValueError(
            f"{name} must have shape (batch, time, units) = {shape}, got {array.shape}"
        )
    _check_float(name, array)
    return array


def _state_or_zeros(name, array, shape, dtype) -> np.ndarray:
    if array is None:
        return np.zeros(shape, dtype)
    array = np.asarray(array)
    if array.shape != shape:
        raise ValueError(f"{name} must have shape (batch, units) = {shape}, got {array.shape}")
    _check_float(name, array)
    return array.astype(dtype, copy=False)
