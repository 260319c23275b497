"""Checks for notebook 04 (LSTMs in Keras).

Each check computes the reference itself (in NumPy: no model is trained here) and, on a
wrong answer, tries the usual mistakes one by one so that the hint names the one made.
"""

from __future__ import annotations

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
from lstm_course.windows import StandardScaler

# --------------------------------------------------------------------------------------
# Exercise 1: standardise three chronological splits with the training statistics only


def _split_fixture() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A 2-column series whose level and spread drift over time, split 60/20/20."""
    rng = np.random.default_rng(4)
    time = np.arange(100.0)[:, None]
    series = np.array([0.0, 10.0]) + 0.05 * time + rng.normal(size=(100, 2)) * [1.0, 5.0]
    return series[:60], series[60:80], series[80:]


_OWN_STATISTICS = (
    "val and test were scaled with their own mean and std: that uses the future. "
    "Compute mean and std on train only, then apply those same numbers to all three"
)
_WHOLE_SERIES = (
    "the mean and std came from the whole series, so the test period's level leaked "
    "into training. Use train.mean(axis=0) and train.std(axis=0) only"
)
_ONE_FOR_ALL_COLUMNS = (
    "one mean and std for all columns: standardise each column (feature) on its own, with axis=0"
)


def check_standardise_splits(standardise_splits) -> None:
    """``standardise_splits(train, val, test)`` -> the three parts scaled by train's numbers."""
    name = "standardise splits"
    train, val, test = _split_fixture()
    got = call_answer(name, standardise_splits, train.copy(), val.copy(), test.copy())
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        raise WrongAnswer(name, "return three arrays: (train_scaled, val_scaled, test_scaled)")
    scaler = StandardScaler().fit(train)
    whole = StandardScaler().fit(np.concatenate([train, val, test]))
    for key, part, answer in zip(("train", "val", "test"), (train, val, test), got, strict=True):
        mistakes = {
            _OWN_STATISTICS: StandardScaler().fit_transform(part),
            _WHOLE_SERIES: whole.transform(part),
            _ONE_FOR_ALL_COLUMNS: (part - train.mean()) / train.std(),
        }
        compare_arrays(
            name,
            answer,
            scaler.transform(part),
            what=f"the scaled {key} part",
            also_right=[(part - train.mean(axis=0)) / train.std(axis=0, ddof=1)],  # pandas' std
            mistakes={f"the {key} part: {hint}": wrong for hint, wrong in mistakes.items()},
        )
    passed(name, "Every split is scaled with numbers the model could have known at training time.")


# --------------------------------------------------------------------------------------
# Exercise 2: the shapes an LSTM layer returns and stores

_SHAPE_HINTS = {
    "last": "with the defaults the layer returns only the last step's hidden state: (batch, units)",
    "sequences": "return_sequences=True gives one hidden state per time step: "
    "(batch, timesteps, units)",
    "state": "return_state=True gives a list of three arrays — the output, the last h and "
    "the last c — each (batch, units)",
    "bidirectional": "Bidirectional runs a forward and a backward LSTM and concatenates "
    "their outputs on the last axis (merge_mode='concat')",
    "kernel": "the kernel maps the input features to the four gates side by side: "
    "(features, 4 * units)",
    "recurrent_kernel": "the recurrent kernel maps h_{t-1} to the four gates: (units, 4 * units)",
    "bias": "one bias per unit for each of the four gates: (4 * units,)",
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


def check_layer_shapes(answer: dict) -> None:
    """Shapes for a batch of 32 sequences of 10 steps with 3 features, and LSTM(8)."""
    name = "layer shapes"
    expected = _reference_shapes(batch=32, timesteps=10, features=3, units=8)
    if not isinstance(answer, dict):
        raise WrongAnswer(
            name, f"expected a dict like {{'last': (32, 8), ...}}, got {type(answer).__name__}"
        )
    missing = [key for key in expected if key not in answer]
    if missing:
        raise WrongAnswer(name, f"missing keys {missing}")
    for key, shape in expected.items():
        got = _shape_or_shapes(answer[key])
        if got == shape:
            continue
        if got is None:
            raise WrongAnswer(
                name,
                f"write {key} as a tuple of ints like (32, 8) (a list of them for 'state'), "
                f"got {describe(answer[key])}",
            )
        if key in ("kernel", "recurrent_kernel") and got == tuple(reversed(shape)):
            raise WrongAnswer(
                name,
                f"{key} is stored transposed compared with notebook 01's W: Keras computes "
                f"x @ kernel, so it is {shape}, not {got}",
            )
        raise WrongAnswer(name, f"{key} should not be {got}: {_SHAPE_HINTS[key]}")
    passed(name, "An LSTM(8) on 3 features stores 4·8·(8 + 3 + 1) = 384 numbers.")


# --------------------------------------------------------------------------------------
# Exercise 3: right-padding sequences of different lengths into one batch


def _pad(sequences: list[np.ndarray], length: int, padding: str) -> np.ndarray:
    """Like keras.utils.pad_sequences(sequences, length, padding=padding) for float rows."""
    batch = np.zeros((len(sequences), length, sequences[0].shape[1]))
    for row, sequence in enumerate(sequences):
        start = 0 if padding == "post" else length - len(sequence)
        batch[row, start : start + len(sequence)] = sequence
    return batch


def check_pad_right(pad_right) -> None:
    """``pad_right(sequences, length)`` -> (len(sequences), length, features), zeros at the end."""
    name = "pad right"
    rng = np.random.default_rng(3)
    sequences = [rng.uniform(0.5, 2.0, size=(n, 2)) for n in (3, 5, 1)]
    for length in (5, 7):
        got = call_answer(name, pad_right, [s.copy() for s in sequences], length)
        expected = _pad(sequences, length, "post")
        what = f"pad_right(sequences of lengths 3, 5, 1, length={length})"
        got = as_array(name, got, what=what, shape=expected.shape)
        if np.issubdtype(got.dtype, np.integer):
            raise WrongAnswer(name, f"dtype {got.dtype} rounds the values: use float32")
        real = expected != 0  # the fixture's values are all >= 0.5: zeros are padding
        if np.allclose(got[real], expected[real]) and not np.allclose(got[~real], 0):
            raise WrongAnswer(name, "pad with zeros: 0.0 is the mask_value Masking looks for")
        pre = (
            "the zeros come first (padding='pre', pad_sequences's default). Masking "
            "copes, but cuDNN on a GPU needs each sequence at the start of its row "
            "and the zeros after it"
        )
        compare_arrays(
            name, got, expected, what=what, mistakes={pre: _pad(sequences, length, "pre")}
        )
    passed(name, "Same as keras.utils.pad_sequences(sequences, maxlen, padding='post').")


# --------------------------------------------------------------------------------------
# Exercise 4: parameters of a stack of LSTM layers with a Dense head


def _stack_params(
    features: int,
    units: list[int],
    outputs: int,
    *,
    blocks: int = 4,
    bias: bool = True,
    chained: bool = True,
    head: bool = True,
) -> int:
    """Parameters of Sequential([Input((T, features)), LSTM(u0, return_sequences=True), …,
    LSTM(u_last), Dense(outputs)]), or a common miscount of it (the keyword arguments)."""
    inputs = [features, *units[:-1]] if chained else [features] * len(units)
    total = sum(blocks * u * (i + u + int(bias)) for i, u in zip(inputs, units, strict=True))
    return total + (units[-1] * outputs + outputs if head else 0)


_STACK_MISTAKES = [  # (how the count goes wrong, the hint for it)
    ({"head": False}, "add the Dense head: units[-1] * outputs weights plus outputs biases"),
    (
        {"chained": False},
        "each LSTM after the first reads the previous layer's hidden state, so its input "
        "size is the previous layer's units, not the number of features",
    ),
    ({"blocks": 3}, "an LSTM has four blocks of weights (i, f, c, o), not three"),
    ({"blocks": 1}, "that counts one gate per layer; an LSTM has four (i, f, c, o)"),
    ({"bias": False}, "each of the four blocks has its own bias vector of `units` numbers"),
]


def check_stack_params(stack_params) -> None:
    """``stack_params(features, units, outputs)`` -> the parameter count of the stack."""
    name = "stacked parameters"
    cases = [(4, [50], 1), (3, [32, 16], 1), (10, [64, 64, 32], 5), (1, [8], 1)]
    for features, units, outputs in cases:
        expected = _stack_params(features, units, outputs)
        call = f"stack_params({features}, {units}, {outputs})"
        got = as_number(name, call_answer(name, stack_params, features, list(units), outputs), call)
        if got == expected:
            continue
        hint = (
            "for each layer count the kernel (inputs × 4·units), the recurrent kernel "
            "(units × 4·units) and the bias (4·units)"
        )
        for options, mistake in _STACK_MISTAKES:
            if got == _stack_params(features, units, outputs, **options):
                hint = mistake
                break
        shown = f"{got:,.0f}" if got.is_integer() else f"{got:,}"
        raise WrongAnswer(name, f"{call} returned {shown}, expected {expected:,}: {hint}")
    example = _stack_params(10, [64, 64, 32], 5)
    passed(
        name, f"LSTM(64) → LSTM(64) → LSTM(32) → Dense(5) on 10 features: {example:,} parameters."
    )
