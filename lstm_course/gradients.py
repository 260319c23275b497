"""Gradient checking by finite differences, and gradient norms through time.

Central differences, ``(L(θ + ε) − L(θ − ε)) / 2ε``, have error O(ε²); in float64 with
ε ≈ 1e-6 they agree with a correct analytic gradient to about 1e-9 relative — so a
relative error above 1e-7 means a bug, not round-off.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numerical_gradient(
    loss: Callable[[], float], array: np.ndarray, eps: float = 1e-6
) -> np.ndarray:
    """∂loss/∂array by central differences, one entry at a time.

    Args:
        loss: a function of no arguments that reads ``array`` (closed over) and returns a float.
        array: float64 array, perturbed in place and restored exactly afterwards.
        eps: step size.

    Returns:
        An array shaped like ``array``.
    """
    if not isinstance(array, np.ndarray) or array.dtype != np.float64:
        raise TypeError(
            f"finite differences need a float64 ndarray, got "
            f"{getattr(array, 'dtype', type(array).__name__)}"
        )
    grad = np.zeros_like(array)
    flat, grad_flat = array.reshape(-1), grad.reshape(-1)  # views: edits reach `array`
    for k in range(flat.size):
        original = flat[k]
        flat[k] = original + eps
        plus = loss()
        flat[k] = original - eps
        minus = loss()
        flat[k] = original  # restore exactly: nothing is lost
        grad_flat[k] = (plus - minus) / (2 * eps)
    return grad


def relative_error(analytic, numeric) -> float:
    """max |a − n| / max(|a| + |n|) over all entries: scale-free, 0 for identical arrays."""
    analytic, numeric = np.asarray(analytic, float), np.asarray(numeric, float)
    if analytic.shape != numeric.shape:
        raise ValueError(f"shapes differ: analytic {analytic.shape}, numeric {numeric.shape}")
    scale = np.max(np.abs(analytic) + np.abs(numeric))
    return 0.0 if scale == 0 else float(np.max(np.abs(analytic - numeric)) / scale)


def gradient_check(
    loss: Callable[[], float],
    arrays: dict[str, np.ndarray],
    analytic: dict[str, np.ndarray],
    eps: float = 1e-6,
) -> dict[str, float]:
    """Relative error between analytic and numerical gradients for each named array.

    ``loss`` must read the arrays in ``arrays`` (which are perturbed in place and restored).
    """
    missing = sorted(set(arrays) - set(analytic))
    if missing:
        raise ValueError(f"no analytic gradient for {missing}")
    return {
        name: relative_error(analytic[name], numerical_gradient(loss, array, eps))
        for name, array in arrays.items()
    }


# ----------------------------------------------------------------------------- through time
#
# Notebook 03 measures how the loss gradient shrinks or grows as BPTT carries it back in
# time. The loss sits on the last step only, L = Σ_b ⟨u_b, h_T^(b)⟩, so ∂L/∂h_T = u and
# every earlier ∂L/∂h_t is u pushed back through a product of step Jacobians.
# (numpy_lstm is imported inside the functions: the finite-difference tools above need
# nothing but NumPy.)


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
    from lstm_course.numpy_lstm import _check_rnn_params, rnn_backward

    x = _as_sequences(x)
    params = _check_rnn_params(params)
    B, T, _ = x.shape
    H = params.units
    upstream = _unit_upstream(dh_T, (B, H))
    result = rnn_backward(x, params, np.zeros((B, T, H)), dh_T=upstream, full=True)
    return _rms_norms(result["dh_total"])


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
    from lstm_course.numpy_lstm import _check_lstm_params, lstm_backward

    x = _as_sequences(x)
    params = _check_lstm_params(params)
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
    from lstm_course.numpy_lstm import rnn_forward

    x = np.asarray(x)
    if x.ndim == 2:
        x = x[None]
    if x.ndim != 3 or x.shape[0] != 1:
        raise ValueError(f"x must be one sequence, shape (T, D) or (1, T, D); got {x.shape}")
    h_seq, _ = rnn_forward(x, params)
    H = h_seq.shape[-1]
    W_hh = np.asarray(params[0], dtype=np.float64)[:, :H]
    h = h_seq[0].astype(np.float64)  # (T, H)
    T = h.shape[0]
    norms = np.ones(T)
    J = np.eye(H)
    for t in range(T - 2, -1, -1):
        J = J @ ((1.0 - h[t + 1] ** 2)[:, None] * W_hh)  # J ← J · diag(1 − h_{t+1}²) W_hh
        norms[t] = np.linalg.norm(J, 2)
    return norms


def clip_by_global_norm(grads, max_norm: float) -> tuple[list[np.ndarray], float]:
    """Rescale a list of gradient arrays so their joint L2 norm is at most ``max_norm``.

    The direction is kept, only the length is capped (Pascanu et al. 2013); the same rule
    as ``tf.clip_by_global_norm`` and Keras's ``global_clipnorm``.

    Args:
        grads: a sequence of float arrays (any shapes), e.g. an RNNParams of gradients.
        max_norm: the largest allowed global norm, > 0.

    Returns:
        ``(clipped, norm)``: new arrays (inputs untouched) and the global norm *before*
        clipping.
    """
    if isinstance(max_norm, bool) or not isinstance(max_norm, (int, float, np.floating)):
        raise ValueError(f"max_norm must be a positive number, got {max_norm!r}")
    if not np.isfinite(max_norm) or max_norm <= 0:
        raise ValueError(f"max_norm must be a positive finite number, got {max_norm}")
    arrays = [np.asarray(g, dtype=np.float64) for g in grads]
    if not arrays:
        raise ValueError("grads is empty: expected at least one gradient array")
    norm = float(np.sqrt(sum(np.sum(g**2) for g in arrays)))
    if not np.isfinite(norm):
        raise ValueError("the gradients contain NaN or inf: clipping cannot repair them")
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return [g * scale for g in arrays], norm


def _as_sequences(x) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError(f"x must have shape (batch, time, features), got {x.shape}")
    return x


def _unit_upstream(dh_T, shape) -> np.ndarray:
    if dh_T is None:
        return np.full(shape, 1.0 / np.sqrt(shape[1]))
    dh_T = np.asarray(dh_T, dtype=np.float64)
    if dh_T.shape != shape:
        raise ValueError(f"dh_T must have shape (batch, units) = {shape}, got {dh_T.shape}")
    return dh_T


def _rms_norms(d_total: np.ndarray) -> np.ndarray:
    """(B, T, H) gradients -> (T,) root-mean-square over the batch of each example's norm."""
    return np.sqrt(np.mean(np.sum(np.asarray(d_total, np.float64) ** 2, axis=2), axis=0))
