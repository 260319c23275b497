"""Keras training plumbing for the notebooks: train until solved, and time an epoch.

The models themselves stay in the notebooks, where the learner reads them; this module
only trains and measures them:

- :func:`fit_until_solved` and its callback :class:`StopWhenSolved` — notebook 03's harness:
  Adam with ``clipnorm=1.0``, scored on held-out data every few steps, stopped once solved;
- :func:`seconds_per_epoch` — notebook 04's timer.

Importing this module imports Keras (and TensorFlow): call ``lstm_course.setup()`` first,
as every notebook does.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import keras
import numpy as np

from lstm_course._checks import check_array, check_callable, check_int, check_number, describe


class StopWhenSolved(keras.callbacks.Callback):
    """Every ``every`` steps, score the model on held-out data; stop when solved or out of steps.

    Args:
        score: ``score(model) -> float``, e.g. the held-out MSE.
        solved: ``solved(value) -> bool``, e.g. ``lambda mse: mse < 0.005``.
        max_steps: the training budget in optimizer steps, >= 1.
        every: score every this many steps, >= 1.

    After training, ``steps`` is the number of steps taken and ``curve`` the list of
    ``(step, held-out score)`` pairs.
    """

    def __init__(self, score: Callable, solved: Callable, max_steps: int, every: int):
        super().__init__()
        self.score = check_callable("score", score)
        self.solved = check_callable("solved", solved)
        self.max_steps = check_int("max_steps", max_steps, minimum=1)
        self.every = check_int("every", every, minimum=1)
        self.steps, self.curve = 0, []  # curve: (step, held-out score)

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        if self.steps % self.every == 0:
            value = self.score(self.model)
            self.curve.append((self.steps, value))
            if self.solved(value) or self.steps >= self.max_steps:
                self.model.stop_training = True


def fit_until_solved(
    model, x, y, *, loss, lr: float, batch_size: int, max_steps: int, score, solved, every: int
) -> StopWhenSolved:
    """Adam + clipnorm=1.0 on (x, y) until ``solved(score(model))`` or ``max_steps``.

    Args:
        model: an uncompiled (or to be recompiled) Keras model; compiled here.
        x: (examples, timesteps, features) inputs; y: matching targets.
        loss: a Keras loss (name or object), e.g. "mse".
        lr: Adam's learning rate, > 0.
        batch_size: examples per step, >= 1.
        max_steps, score, solved, every: as in :class:`StopWhenSolved`.

    Returns:
        The :class:`StopWhenSolved` callback, with ``steps`` and ``curve``.
    """
    _check_model(model, compiled=False)
    x, y = _check_data(model, x, y)
    lr = check_number("lr", lr, minimum=0.0, exclusive_minimum=True)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    stopper = StopWhenSolved(score, solved, max_steps, every)
    if not (isinstance(loss, str) or callable(loss)):
        raise TypeError(f"loss must be a Keras loss name or function, got {describe(loss)}")
    model.compile(keras.optimizers.Adam(lr, clipnorm=1.0), loss=loss)
    epochs = -(-stopper.max_steps * batch_size // len(x))  # enough passes to reach max_steps
    model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0, callbacks=[stopper])
    return stopper


def seconds_per_epoch(model, X, y, *, epochs: int = 3, batch_size: int = 32) -> float:
    """Median wall-clock seconds of one training epoch of a compiled ``model``.

    One warm-up epoch runs first and is not counted: it traces and compiles the
    training step, which costs more than an epoch and says nothing about the model.
    The median of the next ``epochs`` epochs resists a busy machine's noise. Note that
    this trains the model: time a fresh copy if you need it untrained.

    Args:
        model: a compiled Keras model.
        X: (examples, timesteps, features) inputs; y: matching targets.
        epochs: timed epochs after the warm-up, >= 1.
        batch_size: as in ``model.fit``, >= 1.

    Returns:
        Seconds per epoch (float).
    """
    epochs = check_int("epochs", epochs, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    _check_model(model, compiled=True)
    X, y = _check_data(model, X, y, x_name="X")
    model.fit(X, y, epochs=1, batch_size=batch_size, verbose=0)  # warm-up: tracing
    timer = _EpochTimer()
    model.fit(X, y, epochs=epochs, batch_size=batch_size, verbose=0, callbacks=[timer])
    return float(statistics.median(timer.seconds))


class _EpochTimer(keras.callbacks.Callback):
    """Records the wall-clock seconds of every epoch."""

    def __init__(self):
        super().__init__()
        self.seconds: list[float] = []
        self._start = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


def _check_model(model, *, compiled: bool) -> None:
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a Keras model, got {describe(model)}")
    if compiled and not getattr(model, "compiled", False):
        raise ValueError("the model is not compiled: call model.compile(...) before timing it")


def _check_data(model, x, y, *, x_name: str = "x") -> tuple[np.ndarray, np.ndarray]:
    """Inputs (examples, timesteps, features) and targets with one row per example, finite.

    The targets must fit the model's output (examples, ...): the same shape (values), or
    all but its last axis (class labels, as sparse cross-entropy takes them).
    """
    x = check_array(x_name, x, ndim=3, shape_text="(examples, timesteps, features)", dtype=None)
    y = check_array("y", y, dtype=None)
    if y.ndim == 0 or len(y) != len(x):
        raise ValueError(f"{x_name} has {len(x)} examples but y has {len(y) if y.ndim else 0}")
    try:
        output = tuple(model.output_shape)
    except (AttributeError, ValueError, TypeError):  # not built yet: Keras will check
        return x, y
    if not (_fits(y.shape, output) or _fits(y.shape, output[:-1])):
        raise ValueError(
            f"y must have shape {output} (values) or {output[:-1]} (class labels) with None "
            f"= any, to match the model's output; got {y.shape}"
        )
    return x, y


def _fits(shape: tuple, pattern: tuple) -> bool:
    return len(shape) == len(pattern) and all(
        p is None or p == s for s, p in zip(shape[1:], pattern[1:], strict=True)
    )
