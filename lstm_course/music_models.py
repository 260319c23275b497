"""Keras sequence models trained on whole pieces of music (plumbing for notebook 07).

Pieces have different lengths, so each batch holds pieces of similar length padded at the
end, and a per-step weight of 0 keeps the padding out of the loss (a one-directional LSTM
never sees the padding before the real steps, so no Masking layer is needed — and none
could be used: a silent frame is all zeros too). Two kinds of piece:

- a **piano roll**, (frames, 88) of 0/1: the model reads the previous frame (a silent
  frame before the first) and outputs 88 logits, one independent Bernoulli per key;
- a **token sequence**, (steps,) of ints in 1..vocabulary-1: the model reads the previous
  token (:data:`START` before the first) and outputs logits over the vocabulary.

    model = build_frame_lstm(units=128, seed=0)
    history = fit_on_pieces(model, train_rolls, epochs=40, validation=valid_rolls)
    probabilities = predict_on_pieces(model, test_rolls)   # list of (frames, 88)
"""

from __future__ import annotations

import time

import numpy as np

from lstm_course import progress
from lstm_course._checks import (
    as_float_array,
    check_bool,
    check_int,
    check_number,
    check_seed,
    check_text,
    describe,
)
from lstm_course._rolls import KEYS, check_roll

START = 0  # the token fed before a melody's first step (and used for padding)
PAD_TO = 16  # batch lengths are rounded up to a multiple of this: few distinct shapes


# ----------------------------------------------------------------------------- pieces


def _check_pieces(name: str, pieces) -> tuple[list[np.ndarray], str]:
    """Pieces as float arrays, and their kind: "roll" or "tokens"."""
    if not isinstance(pieces, (list, tuple)) or not pieces:
        raise TypeError(
            f"{name} must be a non-empty list of piano rolls (frames, {KEYS}) or token "
            f"arrays (steps,), got {describe(pieces)}"
        )
    first = np.asarray(pieces[0]) if not isinstance(pieces[0], (str, bytes)) else None
    if first is not None and first.ndim == 2:
        return [check_roll(f"{name}[{i}]", piece) for i, piece in enumerate(pieces)], "roll"
    out = []
    for index, piece in enumerate(pieces):
        tokens = as_float_array(f"{name}[{index}]", piece)
        if tokens.ndim != 1 or len(tokens) == 0:
            raise ValueError(
                f"{name}[{index}] must be a roll (frames, {KEYS}) or tokens (steps,) like "
                f"{name}[0], got shape {tokens.shape}"
            )
        if not np.all((tokens == np.round(tokens)) & (tokens >= 1)):
            raise ValueError(f"{name}[{index}] must hold integer tokens >= 1 (0 is START)")
        out.append(tokens.astype(np.int64))
    return out, "tokens"


def _transposed(roll: np.ndarray, limit: int, rng: np.random.Generator) -> np.ndarray:
    """The roll moved by a random shift in [-limit, limit], kept on the keyboard."""
    sounding = np.flatnonzero(roll.any(axis=0))
    if not limit or not sounding.size:
        return roll
    low, high = -min(limit, int(sounding[0])), min(limit, KEYS - 1 - int(sounding[-1]))
    return np.roll(roll, int(rng.integers(low, high + 1)), axis=1)


def padded_batches(
    pieces, batch_size: int = 8, *, seed=None, max_transpose: int = 0
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Batches (inputs, targets, weights) of pieces of similar length, padded at the end.

    Args:
        pieces: list of rolls (frames, 88) or of token arrays (steps,).
        batch_size: pieces per batch.
        seed: None keeps the batches in length order; an int shuffles their order (and
            draws the transpositions).
        max_transpose: rolls only: each piece is moved by a random number of semitones
            in [-max_transpose, max_transpose] (data augmentation); 0 for none.
    Returns:
        list of (x, y, w): for rolls x, y (batch, T, 88) float32 with x = y shifted one
        frame later; for tokens x, y (batch, T) int32 with x = [START, y[:-1]];
        w (batch, T) float32, 1 on real steps, 0 on padding. T is a multiple of 16.
    """
    pieces, kind = _check_pieces("pieces", pieces)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    seed = check_seed("seed", seed)
    max_transpose = check_int("max_transpose", max_transpose, minimum=0, maximum=24)
    rng = np.random.default_rng(seed)
    order = np.argsort([len(piece) for piece in pieces], kind="stable")
    groups = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    if seed is not None:
        rng.shuffle(groups)
    batches = []
    for group in groups:
        length = -(-max(len(pieces[i]) for i in group) // PAD_TO) * PAD_TO
        if kind == "roll":
            x = np.zeros((len(group), length, KEYS), np.float32)
            y = np.zeros_like(x)
        else:
            x = np.full((len(group), length), START, np.int32)
            y = np.full_like(x, START)
        w = np.zeros((len(group), length), np.float32)
        for row, index in enumerate(group):
            piece = pieces[index]
            if kind == "roll":
                piece = _transposed(piece, max_transpose, rng)
            n = len(piece)
            y[row, :n], x[row, 1:n], w[row, :n] = piece, piece[:-1], 1.0
        batches.append((x, y, w))
    return batches


# ----------------------------------------------------------------------------- models


def _frame_nll(y_true, logits):
    """Per step: the frame's NLL, summed over the 88 keys (Keras averages over the last axis)."""
    from keras import ops

    return KEYS * ops.mean(ops.binary_crossentropy(y_true, logits, from_logits=True), axis=-1)


def build_frame_lstm(
    units: int = 128,
    dropout: float = 0.3,
    learning_rate: float = 3e-3,
    seed: int = 0,
    compile: bool = True,
):
    """LSTM → dropout → Dense(88) logits: the next frame's keys as independent Bernoullis.

    Input (batch, time, 88), the previous frames; output (batch, time, 88) logits.
    Compiled with Adam and the NLL per frame (summed over keys) as the loss, unless
    ``compile=False`` (a model that only predicts, e.g. to load a checkpoint into).
    """
    import keras

    units = check_int("units", units, minimum=1, maximum=4096)
    dropout = check_number("dropout", dropout, minimum=0.0, maximum=0.9)
    learning_rate = check_number(
        "learning_rate", learning_rate, minimum=0.0, maximum=1.0, exclusive_minimum=True
    )
    seed = check_int("seed", seed, minimum=0, maximum=2**32 - 1)
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((None, KEYS)),
            keras.layers.LSTM(units, return_sequences=True, dropout=dropout / 2),
            keras.layers.Dropout(dropout),
            keras.layers.Dense(KEYS),
        ],
        name="frame_lstm",
    )
    if check_bool("compile", compile):
        model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=_frame_nll)
    return model


def build_token_lstm(
    vocabulary: int,
    units: int = 64,
    embedding: int = 16,
    dropout: float = 0.2,
    learning_rate: float = 1e-2,
    seed: int = 0,
):
    """Embedding → LSTM → dropout → Dense(vocabulary) logits: the next token's distribution.

    Input (batch, time) ints, the previous tokens; output (batch, time, vocabulary) logits.
    """
    import keras

    vocabulary = check_int("vocabulary", vocabulary, minimum=2, maximum=100_000)
    units = check_int("units", units, minimum=1, maximum=4096)
    embedding = check_int("embedding", embedding, minimum=1, maximum=4096)
    dropout = check_number("dropout", dropout, minimum=0.0, maximum=0.9)
    learning_rate = check_number(
        "learning_rate", learning_rate, minimum=0.0, maximum=1.0, exclusive_minimum=True
    )
    seed = check_int("seed", seed, minimum=0, maximum=2**32 - 1)
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            keras.layers.Embedding(vocabulary, embedding),
            keras.layers.LSTM(units, return_sequences=True),
            keras.layers.Dropout(dropout),
            keras.layers.Dense(vocabulary),
        ],
        name="token_lstm",
    )
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss)
    return model


def _check_model(model):
    if not (hasattr(model, "train_on_batch") and hasattr(model, "predict_on_batch")):
        raise TypeError(f"model must be a compiled Keras model, got {describe(model)}")
    return model


# ----------------------------------------------------------------------------- training


def predict_on_pieces(model, pieces, batch_size: int = 32) -> list[np.ndarray]:
    """The model's next-step probabilities for every step of every piece.

    Returns:
        one float64 array per piece, in the given order: (frames, 88) Bernoulli
        probabilities for rolls, (steps, vocabulary) distributions for tokens.
    """
    model = _check_model(model)
    pieces, kind = _check_pieces("pieces", pieces)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    order = np.argsort([len(piece) for piece in pieces], kind="stable")
    out: list = [None] * len(pieces)
    for start in range(0, len(order), batch_size):
        group = order[start : start + batch_size]
        x, _, _ = padded_batches([pieces[i] for i in group], len(group))[0]
        logits = np.asarray(model.predict_on_batch(x), dtype=np.float64)
        for row, index in enumerate(group):
            z = logits[row, : len(pieces[index])]
            if kind == "roll":
                out[index] = 1.0 / (1.0 + np.exp(-z))
            else:
                z = z - z.max(axis=-1, keepdims=True)
                out[index] = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    return out


def sequence_nll(pieces, probabilities) -> float:
    """Mean NLL per step in nats: per frame (summed over keys) for rolls, per token for tokens."""
    pieces, kind = _check_pieces("pieces", pieces)
    if not isinstance(probabilities, (list, tuple)) or len(probabilities) != len(pieces):
        raise ValueError(
            f"probabilities must be a list of {len(pieces)} arrays, got {describe(probabilities)}"
        )
    total, steps = 0.0, 0
    for index, (piece, p) in enumerate(zip(pieces, probabilities, strict=True)):
        p = np.clip(as_float_array(f"probabilities[{index}]", p), 1e-7, 1 - 1e-7)
        if kind == "roll":
            if p.shape != piece.shape:
                raise ValueError(
                    f"probabilities[{index}] must have shape {piece.shape}, got {p.shape}"
                )
            total -= float(np.sum(piece * np.log(p) + (1 - piece) * np.log(1 - p)))
        else:
            if p.ndim != 2 or len(p) != len(piece) or p.shape[1] <= piece.max():
                raise ValueError(
                    f"probabilities[{index}] must have shape ({len(piece)}, vocabulary), got {p.shape}"
                )
            total -= float(np.sum(np.log(p[np.arange(len(piece)), piece])))
        steps += len(piece)
    return total / steps


def fit_on_pieces(
    model,
    pieces,
    *,
    epochs: int,
    batch_size: int = 8,
    seed: int = 0,
    max_transpose: int = 0,
    validation=None,
    bar_label: str | None = None,
) -> dict[str, list[float]]:
    """Train ``model`` on whole pieces, one pass over shuffled length-sorted batches per epoch.

    Args:
        model: from :func:`build_frame_lstm` (rolls) or :func:`build_token_lstm` (tokens).
        pieces: the training pieces.
        epochs: passes over the pieces.
        seed: shuffles batch order (and draws transpositions) reproducibly.
        max_transpose: rolls only: random transposition of each piece, each epoch.
        validation: pieces of the same kind, scored after every epoch (or None).
        bar_label: draw a progress bar over the epochs with this label (None: no bar).
    Returns:
        {"seconds": cumulative training time after each epoch, "valid_nll": NLL per step
        on ``validation`` after each epoch (empty without validation)}.
    """
    model = _check_model(model)
    _check_pieces("pieces", pieces)
    epochs = check_int("epochs", epochs, minimum=1, maximum=10_000)
    check_int("batch_size", batch_size, minimum=1)
    seed = check_int("seed", seed, minimum=0, maximum=2**32 - 1)
    if validation is not None:
        _check_pieces("validation", validation)
    if bar_label is not None:
        check_text("bar_label", bar_label)
    passes = (
        range(epochs) if bar_label is None else progress.bar(range(epochs), bar_label, unit="epoch")
    )
    history: dict[str, list[float]] = {"seconds": [], "valid_nll": []}
    rng, trained = np.random.default_rng(seed), 0.0
    for _ in passes:
        started = time.perf_counter()
        epoch_seed = int(rng.integers(2**31))
        for x, y, w in padded_batches(
            pieces, batch_size, seed=epoch_seed, max_transpose=max_transpose
        ):
            model.train_on_batch(x, y, sample_weight=w)
        trained += time.perf_counter() - started
        history["seconds"].append(trained)
        if validation is not None:
            history["valid_nll"].append(
                sequence_nll(validation, predict_on_pieces(model, validation))
            )
    return history
