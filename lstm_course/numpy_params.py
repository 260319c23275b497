"""The weights of the NumPy LSTM and RNN: their layout, initialisation, checks, and Keras's form.

The course writes every gate as ``W·[h_{t-1}, x_t] + b``. Here the four gate matrices are
stacked in the course's order **f, i, C~, o** into one ``W`` of shape ``(4H, H + D)`` — the
first H rows are ``W_f``, and so on — and ``b`` of shape ``(4H,)``: an :class:`LSTMParams`.
A vanilla RNN has one block: ``W (H, H + D)``, ``b (H,)``, an :class:`RNNParams`. The two
are never interchangeable: :func:`check_lstm_params` refuses RNN weights and vice versa.

Keras stores the same numbers split and transposed, in gate order **i, f, c, o**:
``kernel (D, 4H)`` for x, ``recurrent_kernel (H, 4H)`` for h, ``bias (4H,)``.
:func:`params_from_keras` and :func:`params_to_keras` convert between the two.

Everything here is re-exported by :mod:`lstm_course.numpy_lstm`, where the layers are.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from lstm_course._checks import (
    as_float_array,
    check_float,
    check_int,
    check_number,
    check_seed,
    check_size,
    describe,
)

GATES = ("f", "i", "c", "o")  # the course's order of the four blocks of W and b
KERAS_GATES = ("i", "f", "c", "o")  # the order of Keras's blocks
# Initialisation refuses layers beyond these sizes up front: the course's largest layer has
# 256 units and ~400,000 parameters, and init's QR decompositions grow as units³.
MAX_UNITS = 2048
MAX_PARAMETERS = 20_000_000


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
        if name not in GATES:
            raise ValueError(f"name must be one of {list(GATES)}, got {describe(name)}")
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


# ----------------------------------------------------------------------------- validation


def check_lstm_params(params) -> LSTMParams:
    """Validate LSTM weights: an :class:`LSTMParams` (or a plain ``(W, b)`` tuple) with
    W (4H, H + D) and b (4H,), finite float32/float64. An :class:`RNNParams` is refused."""
    return _check_params(params, LSTMParams, RNNParams, 4, "(4H, H + D)")


def check_rnn_params(params) -> RNNParams:
    """Validate vanilla RNN weights: an :class:`RNNParams` (or a plain ``(W, b)`` tuple) with
    W (H, H + D) and b (H,), finite float32/float64. An :class:`LSTMParams` is refused."""
    return _check_params(params, RNNParams, LSTMParams, 1, "(H, H + D)")


def _check_params(params, kind, other, blocks: int, layout: str):
    """(W, b) for a layer whose W stacks ``blocks`` gate matrices of shape (H, H + D)."""
    if isinstance(params, other):  # same two fields, other meaning: never run one as the other
        layer = {LSTMParams: "an LSTM", RNNParams: "an RNN"}
        raise TypeError(
            f"params must be {kind.__name__}(W, b), got {other.__name__}: "
            f"{layer[other]}'s weights cannot run as {layer[kind]}"
        )
    if not isinstance(params, tuple) or len(params) != 2:
        raise TypeError(f"params must be {kind.__name__}(W, b), got {describe(params)}")
    W = as_float_array("params.W", params[0], dtype=None)
    b = as_float_array("params.b", params[1], dtype=None)
    rows = W.shape[0] if W.ndim == 2 else 0
    if W.ndim != 2 or rows == 0 or rows % blocks or W.shape[1] <= rows // blocks:
        raise ValueError(f"params.W must have shape {layout} with H, D >= 1, got {W.shape}")
    if b.shape != (rows,):
        raise ValueError(f"params.b must have shape ({rows},) to match W {W.shape}, got {b.shape}")
    return kind(check_float("params.W", W), check_float("params.b", b))


# ----------------------------------------------------------------------------- initialisation


def init_lstm_params(
    input_size: int, units: int, *, seed: int | None = 0, forget_bias: float = 1.0, dtype=np.float64
) -> LSTMParams:
    """Glorot-uniform input weights, orthogonal recurrent weights, b_f = forget_bias, other b = 0.

    The same scheme as Keras's defaults (``unit_forget_bias=True`` gives forget_bias=1).
    Sizes: units <= :data:`MAX_UNITS`, at most :data:`MAX_PARAMETERS` parameters.
    """
    D, H = _check_layer_size(input_size, units, blocks=4)
    forget_bias = check_number("forget_bias", forget_bias)
    dtype = _check_dtype(dtype)
    rng = np.random.default_rng(check_seed("seed", seed))
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

    Every singular value of W_hh equals ``recurrent_scale`` (>= 0), which is what notebook
    03 turns to move between vanishing and exploding gradients.
    """
    D, H = _check_layer_size(input_size, units, blocks=1)
    recurrent_scale = check_number("recurrent_scale", recurrent_scale, minimum=0)
    dtype = _check_dtype(dtype)
    rng = np.random.default_rng(check_seed("seed", seed))
    limit = np.sqrt(6.0 / (D + H))
    W_x = rng.uniform(-limit, limit, size=(H, D))
    W_h = recurrent_scale * _orthogonal(rng, H)
    return RNNParams(np.concatenate([W_h, W_x], axis=1).astype(dtype), np.zeros(H, dtype))


def _orthogonal(rng: np.random.Generator, n: int) -> np.ndarray:
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    return q * np.sign(np.diag(r))  # sign fix: uniformly distributed over rotations


def _check_layer_size(input_size, units, blocks: int) -> tuple[int, int]:
    D = check_int("input_size", input_size, minimum=1)
    H = check_int("units", units, minimum=1, maximum=MAX_UNITS)
    check_size(
        f"a layer with input_size {D} and {H} units", blocks * H * (H + D + 1), MAX_PARAMETERS
    )
    return D, H


def _check_dtype(dtype) -> np.dtype:
    if dtype is None:  # np.dtype(None) would silently mean float64
        raise TypeError("dtype must be float32 or float64, got None")
    try:
        checked = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype must be float32 or float64, got {describe(dtype)}") from None
    if checked not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {checked}")
    return checked


# ----------------------------------------------------------------------------- Keras conversion


def params_from_keras(layer_or_weights) -> LSTMParams:
    """Course-form parameters from a built ``keras.layers.LSTM`` or its ``get_weights()`` list.

    Keras's blocks i, f, c, o are reordered to f, i, c, o, and each block is transposed
    and stacked as ``[recurrent | kernel]`` so that it multiplies ``[h, x]``.
    """
    kernel, recurrent, bias = _keras_weights(layer_or_weights, "an LSTM")
    H = recurrent.shape[0] if recurrent.ndim == 2 else 0
    if (
        recurrent.shape != (H, 4 * H)
        or kernel.ndim != 2
        or kernel.shape[1] != 4 * H
        or bias.shape != (4 * H,)
    ):
        raise ValueError(
            f"layer_or_weights: expected LSTM weights kernel (D, 4H), recurrent_kernel (H, 4H), "
            f"bias (4H,); got {kernel.shape}, {recurrent.shape}, {bias.shape}"
        )
    blocks_W, blocks_b = [], []
    for gate in GATES:
        k = KERAS_GATES.index(gate)
        cols = slice(k * H, (k + 1) * H)
        blocks_W.append(np.concatenate([recurrent[:, cols].T, kernel[:, cols].T], axis=1))
        blocks_b.append(bias[cols])
    return check_lstm_params(LSTMParams(np.concatenate(blocks_W, axis=0), np.concatenate(blocks_b)))


def params_to_keras(params: LSTMParams) -> list[np.ndarray]:
    """``[kernel (D, 4H), recurrent_kernel (H, 4H), bias (4H,)]``, ready for ``layer.set_weights``."""
    params = check_lstm_params(params)
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
    kernel, recurrent, bias = _keras_weights(layer_or_weights, "a SimpleRNN")
    H = recurrent.shape[0] if recurrent.ndim == 2 else 0
    if recurrent.shape != (H, H) or kernel.ndim != 2 or kernel.shape[1] != H or bias.shape != (H,):
        lstm_like = recurrent.ndim == 2 and recurrent.shape[1] == 4 * H
        raise ValueError(
            f"layer_or_weights: expected SimpleRNN weights kernel (D, H), recurrent_kernel "
            f"(H, H), bias (H,); got {kernel.shape}, {recurrent.shape}, {bias.shape}"
            + ("; these look like LSTM weights: use params_from_keras" if lstm_like else "")
        )
    return check_rnn_params(RNNParams(np.concatenate([recurrent.T, kernel.T], axis=1), bias))


def rnn_params_to_keras(params: RNNParams) -> list[np.ndarray]:
    """``[kernel (D, H), recurrent_kernel (H, H), bias (H,)]`` for ``SimpleRNN.set_weights``."""
    params = check_rnn_params(params)
    H = params.units
    return [params.W[:, H:].T.copy(), params.W[:, :H].T.copy(), params.b.copy()]


def _keras_weights(layer_or_weights, kind: str) -> list[np.ndarray]:
    """A layer's ``[kernel, recurrent_kernel, bias]`` as float arrays, or a clear error."""
    if hasattr(layer_or_weights, "get_weights"):
        weights = layer_or_weights.get_weights()
        if not weights:
            raise ValueError(
                "layer_or_weights: the Keras layer is not built yet: call it on data or "
                "layer.build((None, T, D))"
            )
    elif isinstance(layer_or_weights, (list, tuple)):
        weights = list(layer_or_weights)
    else:
        raise TypeError(
            f"layer_or_weights must be a built Keras layer or its get_weights() list, "
            f"got {describe(layer_or_weights)}"
        )
    if len(weights) != 3:
        raise ValueError(
            f"layer_or_weights: expected [kernel, recurrent_kernel, bias] ({kind} with "
            f"use_bias=True), got {len(weights)} arrays"
        )
    checked = []  # float32 stays float32: Keras's own dtype
    for name, weight in zip(("kernel", "recurrent_kernel", "bias"), weights, strict=True):
        label = f"layer_or_weights ({name})"
        checked.append(check_float(label, as_float_array(label, weight, dtype=None)))
    return checked
