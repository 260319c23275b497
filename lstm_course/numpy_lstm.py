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


def _check_lstm_params(params) -> LSTMParams:
    if not isinstance(params, tuple) or len(params) != 2:
        raise TypeError(f"params must be LSTMParams(W, b), got {type(params).__name__}")
    W, b = (np.asarray(p) for p in params)
    if W.ndim != 2 or W.shape[0] % 4 or W.shape[0] == 0 or W.shape[1] <= W.shape[0] // 4:
        raise ValueError(f"W must have shape (4H, H + D) with H, D >= 1, got {W.shape}")
    if b.shape != (W.shape[0],):
        raise ValueError(f"b must have shape ({W.shape[0]},) to match W {W.shape}, got {b.shape}")
    _check_float("W", W)
    _check_float("b", b)
    return LSTMParams(W, b)


def _check_rnn_params(params) -> RNNParams:
    if not isinstance(params, tuple) or len(params) != 2:
        raise TypeError(f"params must be RNNParams(W, b), got {type(params).__name__}")
    W, b = (np.asarray(p) for p in params)
    if W.ndim != 2 or W.shape[1] <= W.shape[0] or W.shape[0] == 0:
        raise ValueError(f"W must have shape (H, H + D) with H, D >= 1, got {W.shape}")
    if b.shape != (W.shape[0],):
        raise ValueError(f"b must have shape ({W.shape[0]},) to match W {W.shape}, got {b.shape}")
    _check_float("W", W)
    _check_float("b", b)
    return RNNParams(W, b)


def _check_float(name: str, array: np.ndarray) -> None:
    if not np.issubdtype(array.dtype, np.floating):
        raise TypeError(
            f"{name} must be a float array (float32 or float64), got dtype {array.dtype}"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or inf")


def _check_inputs(x, units: int, input_size: int, states: dict) -> tuple[np.ndarray, dict]:
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError(
            f"x must have shape (batch, time, features), got {x.shape} (ndim {x.ndim})"
        )
    _check_float("x", x)
    B, T, D = x.shape
    if D != input_size:
        raise ValueError(
            f"x has {D} features but the weights expect {input_size}: x shape {x.shape}"
        )
    if B == 0 or T == 0:
        raise ValueError(f"x needs at least one example and one time step, got shape {x.shape}")
    checked = {}
    for name, state in states.items():
        if state is None:
            checked[name] = np.zeros((B, units), dtype=x.dtype)
            continue
        state = np.asarray(state)
        if state.shape != (B, units):
            raise ValueError(
                f"{name} must have shape (batch, units) = {(B, units)}, got {state.shape}"
            )
        _check_float(name, state)
        checked[name] = state
    return x, checked


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
    W, b = params.W.astype(dtype, copy=False), params.b.astype(dtype, copy=False)
    B, T, _ = x.shape
    # Input contributions for every step in one matrix product; only h @ W_h is sequential.
    x_proj = (x.reshape(B * T, D) @ W[:, H:].T + b).reshape(B, T, 4 * H)
    W_h_T = np.ascontiguousarray(W[:, :H].T)  # (H, 4H)
    h, c = states["h0"].astype(dtype), states["c0"].astype(dtype)
    names = ("f", "i", "c_tilde", "o", "c", "h")
    cache = {name: np.empty((B, T, H), dtype) for name in names}
    for t in range(T):
        z = x_proj[:, t] + h @ W_h_T  # (B, 4H): pre-activations of f, i, C~, o
        f, i, o = sigmoid(z[:, :H]), sigmoid(z[:, H : 2 * H]), sigmoid(z[:, 3 * H :])
        c_tilde = np.tanh(z[:, 2 * H : 3 * H])
        c = f * c + i * c_tilde
        h = o * np.tanh(c)
        for name, value in zip(names, (f, i, c_tilde, o, c, h), strict=True):
            cache[name][:, t] = value
    result = (cache["h"], (h, c))
    if return_cache:
        cache["h0"], cache["c0"] = states["h0"].astype(dtype), states["c0"].astype(dtype)
        return (*result, cache)
    return result


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
