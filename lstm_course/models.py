"""Keras plumbing for the notebooks: measuring what a model costs to train.

The models themselves stay in the notebooks, where the learner reads them; this module
only measures. Keras is imported lazily, so ``import lstm_course`` stays light.
"""

from __future__ import annotations

import statistics
import time

import numpy as np


def _epoch_timer():
    """A Keras callback class that records the wall-clock seconds of every epoch."""
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds: list[float] = []
            self._start = 0.0

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._start)

    return EpochTimer()


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
        batch_size: as in ``model.fit``.

    Returns:
        Seconds per epoch (float).
    """
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be an int >= 1, got {epochs!r}")
    if not getattr(model, "compiled", False):
        raise ValueError("the model is not compiled: call model.compile(...) before timing it")
    X = np.asarray(X)
    if X.ndim != 3:
        raise ValueError(f"X must be (examples, timesteps, features), got shape {X.shape}")
    if len(y) != len(X):
        raise ValueError(f"X has {len(X)} examples but y has {len(y)}")
    model.fit(X, y, epochs=1, batch_size=batch_size, verbose=0)  # warm-up: tracing
    timer = _epoch_timer()
    model.fit(X, y, epochs=epochs, batch_size=batch_size, verbose=0, callbacks=[timer])
    return float(statistics.median(timer.seconds))
