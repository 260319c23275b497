"""Notebook 12's models: a BiLSTM and a CNN baseline with CTC, their training loop, posteriors.

    model = bilstm_ctc()                                   # (batch, frames, 80) -> logits (.., 11)
    losses = train_ctc(model, x, lengths, y, y_lengths, epochs=2)   # Adam on the CTC loss
    probs = predict_probs(model, x, lengths)               # softmax posteriors, 0 past lengths

Features, labels and decoding are in :mod:`lstm_course.speech`.
"""

from __future__ import annotations

import numpy as np

from lstm_course._checks import (
    as_float_array,
    check_array,
    check_finite,
    check_int,
    check_number,
    describe,
)
from lstm_course.speech import BLANK, CLASSES, INPUTS


def bilstm_ctc(units: int = 48, mels: int = INPUTS, layers: int = 2):
    """Bidirectional LSTM over feature frames -> per-frame logits over blank + 10 digits."""
    import keras

    units = check_int("units", units, minimum=1, maximum=1024)
    mels = check_int("mels", mels, minimum=2, maximum=1024)
    layers = check_int("layers", layers, minimum=1, maximum=8)
    inputs = keras.Input((None, mels))
    x = keras.layers.Masking(0.0)(inputs)  # padded frames are exactly zero
    for _ in range(layers):
        x = keras.layers.Bidirectional(keras.layers.LSTM(units, return_sequences=True))(x)
    return keras.Model(inputs, keras.layers.Dense(CLASSES)(x), name="bilstm_ctc")


def cnn_ctc(filters: int = 80, mels: int = INPUTS, layers: int = 3, kernel: int = 5):
    """Non-recurrent baseline: 1-D convolutions over frames (sees ``layers*(kernel-1)+1`` frames)."""
    import keras

    filters = check_int("filters", filters, minimum=1, maximum=1024)
    mels = check_int("mels", mels, minimum=2, maximum=1024)
    layers = check_int("layers", layers, minimum=1, maximum=16)
    kernel = check_int("kernel", kernel, minimum=1, maximum=64)
    inputs = keras.Input((None, mels))
    x = inputs
    for _ in range(layers):
        x = keras.layers.Conv1D(filters, kernel, padding="same", activation="relu")(x)
    return keras.Model(inputs, keras.layers.Dense(CLASSES)(x), name="cnn_ctc")


def _check_model(model):
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(
            f"model must be a keras.Model (bilstm_ctc() or cnn_ctc()), got {describe(model)}"
        )
    return model


def _check_batch(x, lengths) -> tuple[np.ndarray, np.ndarray]:
    x = check_array("x", x, ndim=3, shape_text="(batch, frames, mels)", dtype=np.float32)
    lengths = as_float_array("lengths", lengths)
    if lengths.shape != (len(x),) or np.any(lengths != np.round(lengths)):
        raise ValueError(f"lengths must be ({len(x)},) whole frame counts, got {describe(lengths)}")
    if np.any(lengths < 1) or np.any(lengths > x.shape[1]):
        raise ValueError(f"lengths must lie in 1..{x.shape[1]}")
    return x, lengths.astype(np.int32)


def _ctc_loss(model, x, lengths, labels, label_lengths):
    """Mean CTC loss (nats per string) of ``model``'s logits on one batch."""
    import tensorflow as tf

    logits = model(x, training=True)
    loss = tf.nn.ctc_loss(
        labels, logits, label_lengths, lengths, logits_time_major=False, blank_index=BLANK
    )
    return tf.reduce_mean(loss)


_STEPS: dict = {}


def _train_step(model):
    """One compiled Adam step on the CTC loss per model, kept so that Adam's moments and the
    traced graph survive between calls (training in several calls = training in one)."""
    import keras
    import tensorflow as tf

    key = id(model)
    if key in _STEPS and _STEPS[key][0] is model:
        return _STEPS[key][1]
    optimizer = keras.optimizers.Adam(1e-3, clipnorm=5.0)

    @tf.function(reduce_retracing=True)
    def step(xb, lb, yb, yl):
        with tf.GradientTape() as tape:
            loss = _ctc_loss(model, xb, lb, yb, yl)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        return loss

    step.optimizer = optimizer
    _STEPS.clear()  # one model at a time: don't keep old models alive
    _STEPS[key] = (model, step)
    return step


def train_ctc(
    model,
    x,
    lengths,
    labels,
    label_lengths,
    *,
    epochs: int,
    batch_size: int = 32,
    learning_rate: float = 3e-3,
    seed: int = 0,
) -> list:
    """Adam on the CTC loss with clipped gradients; returns the mean loss of each epoch.

    Calling it again on the same model continues the training (same optimizer state).

    Args:
        x, lengths: (batch, frames, mels) features and (batch,) frames, as
            :func:`features` gives them; labels, label_lengths: as :func:`encode_labels`.
    """
    model = _check_model(model)
    x, lengths = _check_batch(x, lengths)
    labels = check_finite("labels", as_float_array("labels", labels))
    label_lengths = check_finite("label_lengths", as_float_array("label_lengths", label_lengths))
    if labels.ndim != 2 or len(labels) != len(x) or np.any(labels != np.round(labels)):
        raise ValueError(
            f"labels must be ({len(x)}, longest) digit classes, got {describe(labels)}"
        )
    if (
        label_lengths.shape != (len(x),)
        or np.any(label_lengths < 1)
        or np.any(label_lengths > labels.shape[1])
    ):
        raise ValueError(f"label_lengths must be ({len(x)},) counts in 1..{labels.shape[1]}")
    labels, label_lengths = labels.astype(np.int32), label_lengths.astype(np.int32)
    epochs = check_int("epochs", epochs, minimum=0, maximum=10_000)
    batch_size = check_int("batch_size", batch_size, minimum=1, maximum=100_000)
    learning_rate = check_number(
        "learning_rate", learning_rate, minimum=0.0, exclusive_minimum=True
    )
    seed = check_int("seed", seed, minimum=0)
    step = _train_step(model)
    step.optimizer.learning_rate = learning_rate
    rng = np.random.default_rng(seed)
    history = []
    for _ in range(epochs):
        order = rng.permutation(len(x))
        losses = []
        for start in range(0, len(order), batch_size):
            b = np.sort(order[start : start + batch_size])
            t = int(lengths[b].max())  # trim padding to the longest in the batch
            losses.append(float(step(x[b, :t], lengths[b], labels[b], label_lengths[b])))
        history.append(float(np.mean(losses)))
    return history


def predict_probs(model, x, lengths, batch_size: int = 128) -> np.ndarray:
    """Softmax posteriors (batch, frames, classes) of ``model`` on padded features (0 past lengths)."""
    import keras

    model = _check_model(model)
    x, lengths = _check_batch(x, lengths)
    batch_size = check_int("batch_size", batch_size, minimum=1, maximum=100_000)
    logits = model.predict(x, batch_size=batch_size, verbose=0)
    probs = np.array(keras.ops.softmax(logits, axis=-1))
    for i, n in enumerate(lengths):
        probs[i, int(n) :] = 0.0
    return probs
