"""Validation shared by the piano-roll modules (midi, synth, music_baselines, sampling)."""

from __future__ import annotations

import numpy as np

from lstm_course._checks import as_float_array

KEYS = 88  # piano keys A0 (MIDI 21) .. C8 (MIDI 108)
LOWEST_MIDI = 21


def check_roll(name: str, roll) -> np.ndarray:
    """A (frames >= 1, 88) array of 0/1 (bool, int or float) as float64."""
    if isinstance(roll, np.ndarray) and roll.dtype == np.bool_:
        roll = roll.astype(np.float64)
    array = as_float_array(name, roll)
    if array.ndim != 2 or array.shape[1] != KEYS or array.shape[0] == 0:
        raise ValueError(f"{name} must have shape (frames >= 1, {KEYS}), got shape {array.shape}")
    if not np.all((array == 0) | (array == 1)):
        bad = array[(array != 0) & (array != 1)].flat[0]
        raise ValueError(
            f"{name} must hold only 0 and 1 (key off/on), got {bad!r}; sample or threshold "
            "probabilities first"
        )
    return array
