"""Checks for notebook 04 (LSTMs in Keras): every call draws fresh inputs from ``rng``.

Each check computes the reference itself and, on a wrong answer, tries the usual mistakes
one by one so that the hint names the one made. Only 04.4 (the training loop) needs Keras;
it imports it when called, so importing this module stays cheap.
"""

from __future__ import annotations

import contextlib
import random

import numpy as np

from lstm_course._checks import describe
from lstm_course.exercises import (
    WrongAnswer,
    as_array,
    as_number,
    as_shape,
    call_answer,
    compare_arrays,
    passed,
)
from lstm_course.exercises.registry import exercise
from lstm_course.windows import StandardScaler

# --- 04.1: standardise three chronological splits with the training statistics only -------

NAME_1 = "04.1 standardise splits"


def _drifting_splits(rng) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A (time, features) series whose level and spread drift over time, cut in three."""
    time, features = int(rng.integers(60, 150)), int(rng.integers(2, 5))
    level = rng.uniform(-20, 20, features)
    spread = rng.uniform(0.5, 8.0, features)
    trend = rng.uniform(0.02, 0.2, features) * rng.choice([-1, 1], features)
    steps = np.arange(time)[:, None]
    series = level + trend * steps * spread + rng.normal(size=(time, features)) * spread
    train_end = int(time * rng.uniform(0.5, 0.7))
    val_end = train_end + int((time - train_end) * rng.uniform(0.4, 0.6))
    return series[:train_end], series[train_end:val_end], series[val_end:]


_SPLIT_MISTAKES = {
    "own": "val and test were scaled with their own mean and std: that uses the future. "
    "Compute the mean and std on train only, then apply those same numbers to all three",
    "whole": "the mean and std came from the whole series, so the later periods' level leaked "
    "into training: use the training part's statistics only",
    "train_val": "the statistics include the validation part: fit them on train alone "
    "(validation plays the future while you tune)",
    "all_columns": "one mean and std for all columns: standardise each column (feature) on its "
    "own, over time (axis=0)",
    "rows": "each row (time step) was standardised across its features (axis=1): standardise "
    "each column over time instead (axis=0)",
    "variance": "that divides by the variance: divide by the standard deviation",
    "unscaled": "val and test came back unscaled: apply train's mean and std to them too",
}


def _split_variant(train, val, test, variant: str) -> list[np.ndarray]:
    """The three parts scaled as ``variant`` (a key of _SPLIT_MISTAKES) would scale them."""
    parts = [train, val, test]
    if variant == "own":
        return [StandardScaler().fit_transform(part) for part in parts]
    if variant in ("whole", "train_val"):
        fitted = np.concatenate(parts if variant == "whole" else parts[:2])
        scaler = StandardScaler().fit(fitted)
        return [scaler.transform(part) for part in parts]
    if variant == "all_columns":
        return [(part - train.mean()) / train.std() for part in parts]
    if variant == "rows":
        return [
            (part - part.mean(axis=1, keepdims=True)) / part.std(axis=1, keepdims=True)
            for part in parts
        ]
    mean, std = train.mean(axis=0), train.std(axis=0)
    if variant == "variance":
        return [(part - mean) / std**2 for part in parts]
    return [(train - mean) / std, val, test]  # "unscaled"


@exercise(
    "04.1",
    "scale with the past only",
    points=2,
    difficulty=1,
    assesses="standardising chronological splits per column with the training part's "
    "statistics only",
)
def check_standardise_splits(standardise_splits, rng) -> None:
    """``standardise_splits(train, val, test)`` -> the three parts scaled by train's numbers."""
    train, val, test = _drifting_splits(rng)
    got = call_answer(NAME_1, standardise_splits, train.copy(), val.copy(), test.copy())
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        raise WrongAnswer(
            NAME_1,
            f"return three arrays, (train_scaled, val_scaled, test_scaled); got {describe(got)}",
        )
    scaler = StandardScaler().fit(train)
    variants = {name: _split_variant(train, val, test, name) for name in _SPLIT_MISTAKES}
    for index, (key, part, answer) in enumerate(
        zip(("train", "val", "test"), (train, val, test), got, strict=True)
    ):
        compare_arrays(
            NAME_1,
            answer,
            scaler.transform(part),
            what=f"the scaled {key} part",
            also_right=[(part - train.mean(axis=0)) / train.std(axis=0, ddof=1)],  # pandas' std
            mistakes={
                f"the {key} part: {hint}": variants[name][index]
                for name, hint in _SPLIT_MISTAKES.items()
            },
        )
    passed(NAME_1, "Every split is scaled with numbers known at training time.")


# --- 04.2: the shapes an LSTM layer returns and stores --------------------------------------

NAME_2 = "04.2 layer shapes"

# What each entry means, never its value: the learner derives the shape from the rule.
_SHAPE_HINTS = {
    "last": "with the defaults the layer returns only the last step's hidden state, one "
    "vector of `units` numbers per sequence",
    "sequences": "return_sequences=True keeps one hidden state per time step",
    "state": "return_state=True gives a list of three arrays: the output, the last h and the "
    "last c (here the output is the default one)",
    "bidirectional": "Bidirectional runs a forward and a backward LSTM and concatenates "
    "their outputs on the last axis (merge_mode='concat')",
    "kernel": "the kernel maps the input features to the four gates, side by side",
    "recurrent_kernel": "the recurrent kernel maps h_{t-1} to the four gates, side by side",
    "bias": "one bias per unit for each of the four gates, in one vector",
}


def _reference_shapes(batch: int, timesteps: int, features: int, units: int) -> dict:
    """What ``keras.layers.LSTM(units)`` returns and stores for (batch, timesteps, features)."""
    B, T, D, H = batch, timesteps, features, units
    return {
        "last": (B, H),
        "sequences": (B, T, H),
        "state": [(B, H), (B, H), (B, H)],
        "bidirectional": (B, T, 2 * H),
        "kernel": (D, 4 * H),
        "recurrent_kernel": (H, 4 * H),
        "bias": (4 * H,),
    }


def _shape_or_shapes(value) -> tuple[int, ...] | list[tuple[int, ...]] | None:
    """A shape, or a list of shapes (return_state's three arrays), as tuples; else None."""
    shape = as_shape(value)
    if shape is not None or not isinstance(value, (list, tuple)):
        return shape
    shapes = [as_shape(item) for item in value]
    return shapes if all(s is not None for s in shapes) else None


@exercise(
    "04.2",
    "the shapes an LSTM layer returns and stores",
    points=2,
    difficulty=1,
    assesses="the (batch, timesteps, features) convention: outputs with return_sequences, "
    "return_state and Bidirectional, and the shapes of the stored weights",
)
def check_layer_shapes(answer: dict, rng) -> None:
    """The dict of shapes for a batch of 32 sequences of 10 steps with 3 features, and LSTM(8).

    A value exercise: the sizes are fixed by the prompt, so ``rng`` draws nothing.
    """
    expected = _reference_shapes(batch=32, timesteps=10, features=3, units=8)
    if not isinstance(answer, dict):
        raise WrongAnswer(
            NAME_2,
            "layer_shapes should be a dict with the keys "
            f"{', '.join(expected)}; got {describe(answer)}",
        )
    missing = [key for key in expected if key not in answer]
    if missing:
        raise WrongAnswer(NAME_2, f"missing keys {missing}")
    for key, shape in expected.items():
        got = _shape_or_shapes(answer[key])
        if got == shape:
            continue
        if got is None:
            raise WrongAnswer(
                NAME_2,
                f"write {key} as a tuple of ints like (2, 5) (a list of three of them for "
                f"'state'), got {describe(answer[key])}",
            )
        if key in ("kernel", "recurrent_kernel") and got == tuple(reversed(shape)):
            raise WrongAnswer(
                NAME_2,
                f"{key} is stored transposed compared with notebook 01's W: Keras computes "
                f"x @ kernel, so its first axis is the one the input vector meets",
            )
        if key == "state" and isinstance(got, list) and len(got) != 3:
            raise WrongAnswer(NAME_2, f"state should list three shapes, got {len(got)}")
        raise WrongAnswer(NAME_2, f"{key} should not be {got}: {_SHAPE_HINTS[key]}")
    passed(NAME_2, "An LSTM(8) on 3 features stores 4·8·(8 + 3 + 1) = 384 numbers.")


# --- 04.3: right-padding sequences of different lengths into one batch ---------------------

NAME_3 = "04.3 pad right"


def _pad(sequences: list[np.ndarray], length: int, padding: str, value: float = 0.0):
    """Like keras.utils.pad_sequences(sequences, length, padding=padding) for float rows."""
    batch = np.full((len(sequences), length, sequences[0].shape[1]), value)
    for row, sequence in enumerate(sequences):
        start = 0 if padding == "post" else length - len(sequence)
        batch[row, start : start + len(sequence)] = sequence
    return batch


def _ragged(rng) -> tuple[list[np.ndarray], int]:
    """2-5 sequences (T_i, D) of non-zero values, and a length >= every T_i."""
    count, features = int(rng.integers(2, 6)), int(rng.integers(1, 4))
    lengths = rng.integers(1, 8, count)
    lengths[int(rng.integers(count))] = 1 + int(rng.integers(1, 4))  # one short sequence
    sequences = [
        rng.uniform(0.5, 2.0, (int(n), features)) * rng.choice([-1.0, 1.0], (int(n), features))
        for n in lengths
    ]
    return sequences, int(lengths.max() + rng.integers(0, 3))


@exercise(
    "04.3",
    "padding by hand",
    points=3,
    difficulty=2,
    assesses="building one (batch, length, features) array from sequences of different "
    "lengths, each at the start of its row, zeros after it",
)
def check_pad_right(pad_right, rng) -> None:
    """``pad_right(sequences, length)`` -> (len(sequences), length, features), zeros at the end."""
    for _ in range(2):
        sequences, length = _ragged(rng)
        features = sequences[0].shape[1]
        got = call_answer(NAME_3, pad_right, [s.copy() for s in sequences], length)
        expected = _pad(sequences, length, "post")
        what = f"pad_right(sequences of lengths {[len(s) for s in sequences]}, length={length})"
        got = as_array(NAME_3, got, what=what)
        longest = max(len(s) for s in sequences)
        if got.shape == (len(sequences), longest, features) and longest != length:
            raise WrongAnswer(
                NAME_3, f"{what}: pad every row to `length`, not to the longest sequence"
            )
        if features != length and got.shape == (len(sequences), features, length):
            raise WrongAnswer(
                NAME_3, f"{what}: time comes before features, (batch, length, features)"
            )
        got = as_array(NAME_3, got, what=what, shape=expected.shape)
        if np.issubdtype(got.dtype, np.integer):
            raise WrongAnswer(NAME_3, f"dtype {got.dtype} rounds the values: use float32")
        real = expected != 0  # every value drawn is non-zero: zeros are padding
        if np.allclose(got[real], expected[real]) and not np.allclose(got[~real], 0):
            raise WrongAnswer(NAME_3, "pad with zeros: 0.0 is the mask_value Masking looks for")
        mistakes = {
            "the zeros come first (padding='pre', pad_sequences's default). Masking copes, but "
            "the prompt asks for each sequence at the start of its row and the zeros after it": (
                _pad(sequences, length, "pre")
            ),
            "each sequence must keep its order in time (first step first)": _pad(
                [s[::-1] for s in sequences], length, "post"
            ),
        }
        compare_arrays(NAME_3, got, expected, what=what, mistakes=mistakes)
    passed(NAME_3, "Same as keras.utils.pad_sequences(sequences, maxlen, padding='post').")


# --- 04.4: the training loop that model.fit runs ---------------------------------------------

NAME_4 = "04.4 training loop"


def _draw_problem(rng) -> dict:
    """A small random regression problem, an LSTM's size, and an optimizer to train it with.

    The number of examples is never a multiple of the batch size, so the last batch is
    smaller and averaging the epoch's loss by batches instead of examples shows.
    """
    batch_size = int(rng.choice([8, 12, 16, 32]))
    n = int(batch_size * rng.integers(2, 5) + rng.integers(1, batch_size))
    timesteps, features = int(rng.integers(3, 8)), int(rng.integers(1, 4))
    kind = str(rng.choice(["SGD", "Adam"]))
    learning_rate = float(rng.uniform(0.05, 0.3) if kind == "SGD" else rng.uniform(0.003, 0.03))
    return {
        "X": rng.normal(size=(n, timesteps, features)).astype(np.float32),
        "y": rng.normal(size=(n, 1)).astype(np.float32),
        "batch_size": batch_size,
        "units": int(rng.integers(2, 7)),
        "optimizer": (kind, learning_rate),
        "init_seed": int(rng.integers(2**30)),
    }


@contextlib.contextmanager
def _global_random_state_kept():
    """Leave Python's and NumPy's global generators as they were.

    Keras gives every new layer a seed generator drawn from Python's ``random``, so
    building the check's models would otherwise change what the notebook's later
    unseeded draws produce.
    """
    python_state, numpy_state = random.getstate(), np.random.get_state()  # noqa: NPY002
    try:
        yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)  # noqa: NPY002


def _model(problem: dict):
    """A fresh LSTM -> Dense(1) with the problem's seeded initial weights."""
    import keras  # noqa: PLC0415 - Keras is heavy: imported only when this check runs

    seed = problem["init_seed"]
    init = [keras.initializers.RandomUniform(-0.5, 0.5, seed=seed + k) for k in range(3)]
    _, timesteps, features = problem["X"].shape
    return keras.Sequential(
        [
            keras.Input((timesteps, features)),
            keras.layers.LSTM(
                problem["units"], kernel_initializer=init[0], recurrent_initializer=init[1]
            ),
            keras.layers.Dense(1, kernel_initializer=init[2]),
        ]
    )


def _optimizer(problem: dict):
    import keras  # noqa: PLC0415

    kind, learning_rate = problem["optimizer"]
    return getattr(keras.optimizers, kind)(learning_rate=learning_rate)


def _fit_one_epoch(problem: dict):
    """What the learner must match: model.fit for one epoch, in order -> (loss, weights)."""
    model = _model(problem)
    # run_eagerly: the same arithmetic as the compiled step, without seconds of tracing
    model.compile(
        optimizer=_optimizer(problem), loss="mean_squared_error", run_eagerly=True,
        jit_compile=False,
    )  # fmt: skip
    history = model.fit(
        problem["X"], problem["y"], batch_size=problem["batch_size"], epochs=1,
        shuffle=False, verbose=0,
    )  # fmt: skip
    return float(history.history["loss"][0]), model.get_weights()


def _variant_epoch(problem: dict, variant: str):
    """One epoch written the way a typical mistake writes it -> (batch losses, sizes, model)."""
    import tensorflow as tf  # noqa: PLC0415

    model, optimizer = _model(problem), _optimizer(problem)
    X, y, size = problem["X"], problem["y"], problem["batch_size"]
    if variant == "full_batch":
        size = len(X)
    stop = len(X) - len(X) % size if variant == "drop_last" else len(X)
    losses, sizes = [], []
    for start in range(0, stop, size):
        X_batch, y_batch = X[start : start + size], y[start : start + size]
        with tf.GradientTape() as tape:
            squared = tf.square(tf.constant(y_batch) - model(X_batch, training=True))
            loss = tf.reduce_sum(squared) if variant == "sum" else tf.reduce_mean(squared)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
        losses.append(float(loss))
        sizes.append(len(X_batch))
    return np.array(losses), np.array(sizes), model


def _same_weights(a: list, b: list) -> bool:
    return len(a) == len(b) and all(
        np.shape(u) == np.shape(v) and np.allclose(u, v, rtol=1e-4, atol=1e-5)
        for u, v in zip(a, b, strict=True)
    )


_WEIGHT_MISTAKES = {
    "drop_last": "the last, smaller batch was skipped: range(0, len(X), batch_size) reaches "
    "it, and fit trains on it too",
    "full_batch": "that is one update on the whole data set: take one step per mini-batch of "
    "batch_size examples",
    "sum": "the batch loss is a sum: 'mean_squared_error' averages over the batch, so the "
    "steps come out batch_size times too large",
}


def _weights_hint(problem: dict, initial: list, weights: list) -> str:
    """Why the learner's weights after the epoch are not fit's."""
    if _same_weights(weights, initial):
        return (
            "the weights did not change: after each batch, take the loss's gradients from "
            "the tape and let the optimizer apply them to the model's trainable variables"
        )
    for variant, hint in _WEIGHT_MISTAKES.items():
        if _same_weights(weights, _variant_epoch(problem, variant)[2].get_weights()):
            return hint
    return (
        "after the epoch your weights differ from fit's: go through the batches in order "
        "(no shuffling), one update per batch, the loss being the batch's mean squared error "
        "of model(X_batch, training=True)"
    )


def _loss_hint(problem: dict, value: float) -> str:
    """Why the learner's epoch loss is not fit's, although the weights are."""
    losses, sizes, model = _variant_epoch(problem, "reference")
    after = float(np.mean((problem["y"] - np.asarray(model(problem["X"]))) ** 2))
    candidates = [
        (np.mean(losses), "that averages the batch losses, but the last batch is smaller: fit "
         "averages over examples, so weight each batch's loss by its size"),
        (losses[-1], "that is the last batch's loss only: fit reports the average over the "
         "whole epoch"),
        (np.sum(losses * sizes), "that is a sum over the examples: divide by their number"),
        (np.sum(losses), "that is a sum of batch losses: fit reports their mean over examples"),
        (after, "that is the loss of the final weights on all the data (what evaluate would "
         "say); fit reports the batch losses as they were computed during the epoch, each "
         "before its update"),
    ]  # fmt: skip
    for candidate, hint in candidates:
        if np.isclose(value, candidate, rtol=1e-4):
            return hint
    return (
        "the weights match fit's but the loss you return does not: return the mean, over "
        "the epoch's examples, of the loss of each batch computed before its update"
    )


@exercise(
    "04.4",
    "the training loop inside fit",
    points=5,
    difficulty=3,
    assesses="a mini-batch training loop with tf.GradientTape: batches in order, the loss "
    "under the tape, gradients applied by the optimizer, and the epoch's loss averaged over "
    "examples exactly as model.fit reports it",
)
def check_train_one_epoch(train_one_epoch, rng) -> None:
    """``train_one_epoch(model, optimizer, X, y, batch_size)`` -> the epoch's loss, as fit's.

    The learner's loop trains a fresh model; the same model (same initial weights) trained
    by ``model.fit(..., epochs=1, shuffle=False)`` must end with the same weights and report
    the same loss.
    """
    with _global_random_state_kept():
        _check_train_one_epoch(train_one_epoch, _draw_problem(rng))
    passed(NAME_4, "Same weights and the same loss as model.fit: that loop is all fit does.")


def _check_train_one_epoch(train_one_epoch, problem: dict) -> None:
    model, optimizer = _model(problem), _optimizer(problem)
    initial = model.get_weights()
    got = call_answer(
        NAME_4, train_one_epoch, model, optimizer, problem["X"].copy(), problem["y"].copy(),
        problem["batch_size"],
    )  # fmt: skip
    if getattr(model, "compiled", False):
        raise WrongAnswer(
            NAME_4,
            "the model was compiled: write the loop yourself with tf.GradientTape (fit, "
            "train_on_batch and compile are what the loop is compared with)",
        )
    value = as_number(NAME_4, got, "the epoch's loss")
    expected, weights = _fit_one_epoch(problem)
    if not _same_weights(model.get_weights(), weights):
        raise WrongAnswer(NAME_4, _weights_hint(problem, initial, model.get_weights()))
    if not np.isclose(value, expected, rtol=1e-4):
        raise WrongAnswer(NAME_4, _loss_hint(problem, value))
