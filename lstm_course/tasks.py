"""Synthetic long-memory tasks: the adding problem, a delay task, and the copy task.

Each generator takes the number of sequences ``n``, the task's length, and a ``seed``, and
returns ``(x, y)`` as float32 inputs ``(n, T, features)`` and targets. The same seed gives
the same data on every machine (NumPy's PCG64 generator), so notebooks can print it.

- :func:`adding_problem` — T values in U(0, 1), two of them marked; the target is the sum of
  the marked two. A model that ignores the input and always answers 1 (the mean of the sum)
  scores MSE = Var(U₁ + U₂) = 2/12 = 1/6: :data:`ADDING_BASELINE_MSE`.
- :func:`delay_task` — "remember the first symbol": a key symbol, then ``delay`` random
  distractors; the target is the key (in the spirit of Hochreiter & Schmidhuber 1997,
  experiment 2). Guessing scores 1 / ``n_keys``.
- :func:`copy_task` — a few symbols, a long blank, a go-marker; reproduce the symbols.
  The memoryless baseline's cross-entropy is :func:`copy_baseline_loss`.
"""

from __future__ import annotations

import math

import numpy as np

from lstm_course._checks import check_int, check_seed, check_size

ADDING_BASELINE_MSE = 1.0 / 6.0  # always predicting 1: Var(U1 + U2) = 1/12 + 1/12


def adding_problem(n: int, T: int, *, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """The adding problem: sum the two marked numbers in a sequence of T.

    Feature 0 of each step is a value drawn from U(0, 1); feature 1 is the marker, 1.0 at
    exactly two steps — one uniformly in the first half, one in the second half — and 0.0
    elsewhere. The model must find the two marked values and add them, however far apart.

    Args:
        n: number of sequences, >= 1.
        T: sequence length, >= 2.
        seed: seed of the random generator (None: fresh entropy).

    Returns:
        ``x (n, T, 2)`` float32 and ``y (n, 1)`` float32, y = the sum of the marked values.
    """
    n, T = check_int("n", n, minimum=1), check_int("T", T, minimum=2)
    check_size(f"adding_problem(n={n}, T={T})", n * T * 2)
    rng = np.random.default_rng(check_seed("seed", seed))
    values = rng.uniform(0.0, 1.0, size=(n, T))
    rows = np.arange(n)
    first = rng.integers(0, T // 2, size=n)  # one marker in each half: the pair can be up
    second = rng.integers(T // 2, T, size=n)  # to T - 1 steps apart, at least 1
    markers = np.zeros((n, T))
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = np.stack([values, markers], axis=-1).astype(np.float32)
    y = (values[rows, first] + values[rows, second])[:, None].astype(np.float32)
    return x, y


def delay_task(
    n: int, delay: int, *, n_keys: int = 2, n_distractors: int = 4, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Remember the first symbol across ``delay`` steps of random distractors.

    A sequence is ``delay + 1`` one-hot steps: first a key, one of ``n_keys`` symbols; then
    ``delay`` symbols drawn from ``n_distractors`` others (never a key). The target is the
    key, to be given after the last step. Only the first step carries information, so
    a model succeeds only if it carries it across the whole delay.

    Args:
        n: number of sequences, >= 1.
        delay: number of distractor steps after the key, >= 1 (the time lag).
        n_keys: number of possible keys, >= 2 (chance accuracy is 1 / n_keys).
        n_distractors: size of the distractor alphabet, >= 1.
        seed: seed of the random generator.

    Returns:
        ``x (n, delay + 1, n_keys + n_distractors)`` float32 one-hot, and
        ``y (n,)`` int64 keys in ``[0, n_keys)``.
    """
    n, delay = check_int("n", n, minimum=1), check_int("delay", delay, minimum=1)
    n_keys = check_int("n_keys", n_keys, minimum=2)
    n_distractors = check_int("n_distractors", n_distractors, minimum=1)
    check_size(
        f"delay_task(n={n}, delay={delay}) with {n_keys + n_distractors} symbols",
        n * (delay + 1) * (n_keys + n_distractors),
    )
    rng = np.random.default_rng(check_seed("seed", seed))
    keys = rng.integers(0, n_keys, size=n)
    distractors = rng.integers(n_keys, n_keys + n_distractors, size=(n, delay))
    symbols = np.concatenate([keys[:, None], distractors], axis=1)  # (n, delay + 1)
    x = np.eye(n_keys + n_distractors, dtype=np.float32)[symbols]
    return x, keys.astype(np.int64)


def copy_task(
    n: int, delay: int, *, length: int = 10, n_symbols: int = 8, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """The copy task: read ``length`` symbols, wait ``delay`` blank steps, then write them back.

    Inputs are one-hot over ``n_symbols + 2`` classes: the data symbols ``0..n_symbols-1``,
    the blank ``n_symbols`` and the go-marker ``n_symbols + 1``. A sequence has
    ``T = 2 * length + delay`` steps: the symbols, ``delay - 1`` blanks, the go-marker, then
    ``length`` blanks while the model writes. The target is blank everywhere except the
    last ``length`` steps, which repeat the symbols.

    Args:
        n: number of sequences, >= 1.
        delay: steps from the last symbol read to the go-marker, >= 1.
        length: number of symbols to copy, >= 1.
        n_symbols: size of the data alphabet, >= 2.
        seed: seed of the random generator.

    Returns:
        ``x (n, T, n_symbols + 2)`` float32 one-hot and ``y (n, T)`` int64 class indices.
    """
    n, delay = check_int("n", n, minimum=1), check_int("delay", delay, minimum=1)
    length = check_int("length", length, minimum=1)
    n_symbols = check_int("n_symbols", n_symbols, minimum=2)
    check_size(
        f"copy_task(n={n}, delay={delay}, length={length}) with {n_symbols + 2} classes",
        n * (2 * length + delay) * (n_symbols + 2),
    )
    rng = np.random.default_rng(check_seed("seed", seed))
    blank, go = n_symbols, n_symbols + 1
    T = 2 * length + delay
    data = rng.integers(0, n_symbols, size=(n, length))
    inputs = np.full((n, T), blank)
    inputs[:, :length] = data
    inputs[:, length + delay - 1] = go
    targets = np.full((n, T), blank)
    targets[:, -length:] = data
    x = np.eye(n_symbols + 2, dtype=np.float32)[inputs]
    return x, targets.astype(np.int64)


def copy_baseline_loss(delay: int, *, length: int = 10, n_symbols: int = 8) -> float:
    """Mean cross-entropy per step (nats) of the best memoryless answer to :func:`copy_task`.

    Output blank until the end, then a uniform guess over the symbols:
    ``length · ln(n_symbols) / (2 · length + delay)`` — 10·ln 8 / (T + 20) with T = delay.
    """
    delay = check_int("delay", delay, minimum=1)
    length = check_int("length", length, minimum=1)
    n_symbols = check_int("n_symbols", n_symbols, minimum=2)
    return length * math.log(n_symbols) / (2 * length + delay)
