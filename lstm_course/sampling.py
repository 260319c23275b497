"""Sampling from a model of piano rolls: temperature for Bernoulli outputs, and generation.

A frame model gives each of the 88 keys its own probability of sounding next. Sampling
draws every key independently; the *temperature* T sharpens (T < 1) or flattens (T > 1)
each key's probability by dividing its log-odds:

    p_T = sigmoid(logit(p) / T)

so T = 1 is the model itself, T → 0 plays only the keys with p > 0.5 (always the same
piece), and T → ∞ tosses a fair coin for every key. (Raising p to the power 1/T, the
softmax recipe, would not treat "off" the same way as "on".)

:func:`generate` primes a model with the opening of a piece and then samples frame after
frame, each drawn frame fed back as the next input.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from lstm_course._checks import as_float_array, check_callable, check_int, check_number, describe
from lstm_course._rolls import KEYS, check_roll

EPS = 1e-12


def tempered_probabilities(probabilities, temperature: float) -> np.ndarray:
    """Each probability's log-odds divided by ``temperature``: sigmoid(logit(p) / T).

    Args:
        probabilities: any shape, values in [0, 1].
        temperature: > 0; 1 leaves p unchanged.
    Returns:
        float64 array of the same shape, in [0, 1].
    """
    p = as_float_array("probabilities", probabilities)
    if p.size == 0 or not np.all((p >= 0) & (p <= 1)):
        raise ValueError("probabilities must be a non-empty array of values in [0, 1]")
    temperature = check_number("temperature", temperature, minimum=0.0, exclusive_minimum=True)
    p = np.clip(p, EPS, 1 - EPS)
    logits = (np.log(p) - np.log1p(-p)) / temperature
    return 1.0 / (1.0 + np.exp(-np.clip(logits, -700, 700)))


def generate(
    step: Callable,
    primer,
    steps: int,
    *,
    temperature: float = 1.0,
    seed: int | np.random.Generator | None = None,
) -> np.ndarray:
    """Prime a frame model with ``primer``, then sample ``steps`` new frames.

    Args:
        step: the model, one frame at a time: ``step(frame, state) -> (probabilities,
            state)`` with frame (88,) of 0/1 and probabilities (88,) for the *next*
            frame; the first call gets ``state=None``.
        primer: (frames >= 1, 88) of 0/1: the opening to continue. Every primer frame is
            fed to the model; the probabilities after the last one give the first new frame.
        steps: how many frames to sample.
        temperature: see :func:`tempered_probabilities`.
        seed: an int, a NumPy Generator, or None (fresh randomness).
    Returns:
        (steps, 88) float64 of 0/1: the new frames only.
    """
    check_callable("step", step)
    primer = check_roll("primer", primer)
    steps = check_int("steps", steps, minimum=1, maximum=100_000)
    temperature = check_number("temperature", temperature, minimum=0.0, exclusive_minimum=True)
    if isinstance(seed, np.random.Generator):
        rng = seed
    elif seed is None or (isinstance(seed, (int, np.integer)) and not isinstance(seed, bool)):
        rng = np.random.default_rng(None if seed is None else check_int("seed", seed, minimum=0))
    else:
        raise TypeError(f"seed must be an int, a numpy Generator or None, got {describe(seed)}")
    state, probabilities = None, None
    for frame in primer:
        probabilities, state = _step(step, frame, state)
    out = np.zeros((steps, KEYS))
    for t in range(steps):
        p = tempered_probabilities(probabilities, temperature)
        out[t] = rng.random(KEYS) < p  # every key its own coin
        if t + 1 < steps:
            probabilities, state = _step(step, out[t], state)
    return out


def _step(step: Callable, frame: np.ndarray, state):
    result = step(frame.copy(), state)
    if not isinstance(result, tuple) or len(result) != 2:
        raise TypeError(f"step must return (probabilities, state), got {describe(result)}")
    probabilities = as_float_array("step's probabilities", result[0])
    if probabilities.shape != (KEYS,):
        raise ValueError(
            f"step must return probabilities of shape ({KEYS},), got {probabilities.shape}"
        )
    return probabilities, result[1]
