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
