"""How gradients flow back through time: their norms step by step, and clipping.

Notebook 03 measures how the loss gradient shrinks or grows as BPTT carries it back in
time. The loss sits on the last step only, L = Σ_b ⟨u_b, h_T^(b)⟩, so ∂L/∂h_T = u and
every earlier ∂L/∂h_t is u pushed back through a product of step Jacobians.
"""

from __future__ import annotations

import numpy as np

from lstm_course._checks import (
    as_float_array,
    check_finite,
    check_inputs,
    check_number,
    describe,
)
from lstm_course.numpy_lstm import (
    check_lstm_params,
    check_rnn_params,
    lstm_backward,
    rnn_backward,
    rnn_forward,
)


def rnn_gradient_norms(x, params, dh_T=None) -> np.ndarray:
    """‖∂L/∂h_t‖ for every step t of a vanilla tanh RNN, the loss on the last step only.

    Args:
        x: (B, T, D) inputs.
        params: :class:`~lstm_course.numpy_lstm.RNNParams`, W (H, H + D), b (H,).
        dh_T: (B, H) the gradient u reaching the last hidden state; by default every
            example gets the unit vector (1, …, 1)/√H.

    Returns:
        (T,) float64: the root-mean-square over the batch of ‖∂L/∂h_t‖₂. With the default
        unit ``dh_T`` the last entry is 1, so entry t is the factor by which the gradient
        shrank (or grew) on its way back from step T−1 to step t.
    """
    params = check_rnn_params(params)
    x, _ = check_inputs(x, params.units, params.input_size, {})
    B, T, _ = x.shape
    H = params.units
    upstream = _unit_upstream(dh_T, (B, H))
    result = rnn_backward(x, params, np.zeros((B, T, H)), dh_T=upstream, full=True)
    return _rms_norms(result.dh_total)


def lstm_gradient_norms(x, params, dh_T=None) -> tuple[np.ndarray, np.ndarray]:
    """‖∂L/∂h_t‖ and ‖∂L/∂C_t‖ for every step t of an LSTM, the loss on the last step only.

    Args:
        x: (B, T, D) inputs.
        params: :class:`~lstm_course.numpy_lstm.LSTMParams`, W (4H, H + D), b (4H,).
        dh_T: (B, H) the gradient reaching the last hidden state (default: unit vectors).

    Returns:
        ``(h_norms, c_norms)``, each (T,) float64: the root-mean-square over the batch of
        the norm of the total gradient reaching h_t, and reaching the cell state C_t.
    """
    params = check_lstm_params(params)
    x, _ = check_inputs(x, params.units, params.input_size, {})
    B, T, _ = x.shape
    H = params.units
    upstream = _unit_upstream(dh_T, (B, H))
    result = lstm_backward(x, params, np.zeros((B, T, H)), dh_T=upstream, full=True)
    return _rms_norms(result.dh_total), _rms_norms(result.dc_total)


def rnn_jacobian_norms(x, params) -> np.ndarray:
    """Spectral norms ‖∂h_{T−1}/∂h_t‖₂ of one sequence's Jacobian products, t = 0 … T−1.

    ∂h_{T−1}/∂h_t = Π_{k=t+1}^{T−1} diag(1 − h_k²) W_hh (k = T−1 leftmost); the entry for
    t = T−1 is the identity, norm 1. Each factor's norm is at most σ_max(W_hh), because
    |tanh'| ≤ 1: so ‖∂h_{T−1}/∂h_t‖₂ ≤ σ_max(W_hh)^(T−1−t) (Pascanu et al. 2013).

    Args:
        x: (T, D) or (1, T, D): one sequence.
        params: :class:`~lstm_course.numpy_lstm.RNNParams`.

    Returns:
        (T,) float64 spectral norms (largest singular values).
    """
    params = check_rnn_params(params)
    x = as_float_array("x", x, dtype=None)
    if x.ndim == 2:
        x = x[None]
    if x.ndim != 3 or x.shape[0] != 1:
        raise ValueError(f"x must be one sequence, shape (T, D) or (1, T, D); got {x.shape}")
    h_seq, _ = rnn_forward(x, params)
    H = params.units
    W_hh = np.asarray(params.W, dtype=np.float64)[:, :H]
    h = h_seq[0].astype(np.float64)  # (T, H)
    T = h.shape[0]
    norms = np.ones(T)
    J = np.eye(H)
    for t in range(T - 2, -1, -1):
        J = J @ ((1.0 - h[t + 1] ** 2)[:, None] * W_hh)  # J ← J · diag(1 − h_{t+1}²) W_hh
        norms[t] = np.linalg.norm(J, 2)
    return norms


def clip_by_global_norm(grads, max_norm: float):
    """Rescale gradient arrays so that their joint L2 norm is at most ``max_norm``.

    The direction is kept, only the length is capped (Pascanu et al. 2013); the same rule
    as ``tf.clip_by_global_norm`` and Keras's ``global_clipnorm``.

    Args:
        grads: one array, or a sequence of arrays (any shapes, e.g. an RNNParams of
            gradients), finite.
        max_norm: the largest allowed global norm, > 0.

    Returns:
        ``(clipped, norm)``: new float64 arrays (inputs untouched) — one array for one
        array, else a list — and the global norm *before* clipping.
    """
    max_norm = check_number("max_norm", max_norm, minimum=0.0, exclusive_minimum=True)
    single = isinstance(grads, np.ndarray)
    arrays = [_gradient_array("grads", grads)] if single else _gradient_arrays(grads)
    # Scale by the largest entry before squaring: squares of 1e200 overflow, ratios don't.
    largest = max(float(np.max(np.abs(g), initial=0.0)) for g in arrays)
    if largest == 0.0:
        return (arrays[0] if single else arrays), 0.0
    root = float(np.sqrt(sum(np.sum((g / largest) ** 2) for g in arrays)))
    norm = largest * root  # may be inf for norms beyond float64; the factor below is not
    factor = min(1.0, (max_norm / largest) / root)
    clipped = [g * factor for g in arrays]
    return (clipped[0] if single else clipped), norm


def _gradient_arrays(grads) -> list[np.ndarray]:
    if isinstance(grads, (str, bytes, dict)) or not hasattr(grads, "__iter__"):
        raise TypeError(f"grads must be an array or a sequence of arrays, got {describe(grads)}")
    arrays = [_gradient_array(f"grads[{k}]", g) for k, g in enumerate(grads)]
    if not arrays:
        raise ValueError("grads is empty: expected at least one gradient array")
    return arrays


def _gradient_array(name: str, value) -> np.ndarray:
    array = np.array(as_float_array(name, value), dtype=np.float64, copy=True)
    if array.size == 0:
        raise ValueError(f"{name} is empty: expected at least one value")
    return check_finite(name, array)


def _unit_upstream(dh_T, shape) -> np.ndarray:
    if dh_T is None:
        return np.full(shape, 1.0 / np.sqrt(shape[1]))
    dh_T = as_float_array("dh_T", dh_T)
    if dh_T.shape != shape:
        raise ValueError(f"dh_T must have shape (batch, units) = {shape}, got {dh_T.shape}")
    return check_finite("dh_T", dh_T)


def _rms_norms(d_total: np.ndarray) -> np.ndarray:
    """(B, T, H) gradients -> (T,) root-mean-square over the batch of each example's norm."""
    return np.sqrt(np.mean(np.sum(np.asarray(d_total, np.float64) ** 2, axis=2), axis=0))
