"""Input checks shared by the NumPy layers: clear errors that name expected and received."""

from __future__ import annotations

import numpy as np


def check_float(name: str, array: np.ndarray) -> None:
    if not np.issubdtype(array.dtype, np.floating):
        raise TypeError(
            f"{name} must be a float array (float32 or float64), got dtype {array.dtype}"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or inf")


def check_inputs(x, units: int, input_size: int, states: dict) -> tuple[np.ndarray, dict]:
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError(
            f"x must have shape (batch, time, features), got {x.shape} (ndim {x.ndim})"
        )
    check_float("x", x)
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
        check_float(name, state)
        checked[name] = state
    return x, checked
