"""Checks of notebook 04's exercises: right answers pass, typical mistakes get their hint."""

import numpy as np
import pytest

from lstm_course.exercises import WrongAnswer, keras_lstm

# ---------------------------------------------------------------- exercise 1: scaling


def scale_with(stats_of):
    """An answer that scales every part with the mean and std of ``stats_of(parts)``."""

    def standardise_splits(train, val, test):
        parts = (train, val, test)
        return tuple((p - stats_of(p, parts)[0]) / stats_of(p, parts)[1] for p in parts)

    return standardise_splits


RIGHT_SCALING = scale_with(lambda p, parts: (parts[0].mean(axis=0), parts[0].std(axis=0)))


def test_standardise_splits_right(capsys):
    keras_lstm.check_standardise_splits(RIGHT_SCALING)
    assert "✓ standardise splits: correct" in capsys.readouterr().out
    # the sample standard deviation (ddof=1) is as good an answer
    keras_lstm.check_standardise_splits(
        scale_with(lambda p, parts: (parts[0].mean(axis=0), parts[0].std(axis=0, ddof=1)))
    )


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (scale_with(lambda p, parts: (p.mean(axis=0), p.std(axis=0))), "their own mean"),
        (
            scale_with(
                lambda p, parts: (np.concatenate(parts).mean(0), np.concatenate(parts).std(0))
            ),
            "whole series",
        ),
        (scale_with(lambda p, parts: (parts[0].mean(), parts[0].std())), "axis=0"),
        (lambda train, val, test: (train, val), "return three arrays"),
        (lambda train, val, test: (train, val, test), "differs most at index"),
        (lambda train, val, test: (RIGHT_SCALING(train, val, test)[0], None, None), "None"),
    ],
)
def test_standardise_splits_wrong(answer, hint):
    with pytest.raises(WrongAnswer, match=hint):
        keras_lstm.check_standardise_splits(answer)


# ---------------------------------------------------------------- exercise 2: shapes

RIGHT_SHAPES = {
    "last": (32, 8),
    "sequences": (32, 10, 8),
    "state": [(32, 8), (32, 8), (32, 8)],
    "bidirectional": (32, 10, 16),
    "kernel": (3, 32),
    "recurrent_kernel": (8, 32),
    "bias": (32,),
}


def test_layer_shapes_right(capsys):
    keras_lstm.check_layer_shapes(RIGHT_SHAPES)
    keras_lstm.check_layer_shapes({**RIGHT_SHAPES, "last": [32, 8]})  # lists are fine
    assert "384 numbers" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("change", "hint"),
    [
        ({"last": (32, 10, 8)}, "last step's hidden state"),
        ({"sequences": (32, 8)}, "one hidden state per time step"),
        ({"state": [(32, 8), (32, 8)]}, "list of three"),
        ({"bidirectional": (32, 10, 8)}, "concatenates"),
        ({"kernel": (32, 3)}, "transposed"),
        ({"recurrent_kernel": (8, 8)}, r"\(units, 4 \* units\)"),
        ({"bias": (8,)}, "four gates"),
    ],
)
def test_layer_shapes_wrong(change, hint):
    with pytest.raises(WrongAnswer, match=hint):
        keras_lstm.check_layer_shapes({**RIGHT_SHAPES, **change})


def test_layer_shapes_bad_container():
    with pytest.raises(WrongAnswer, match="expected a dict"):
        keras_lstm.check_layer_shapes([(32, 8)])
    with pytest.raises(WrongAnswer, match="missing keys"):
        keras_lstm.check_layer_shapes({"last": (32, 8)})


def test_reference_shapes_are_what_keras_builds():
    keras = pytest.importorskip("keras")
    x = np.zeros((32, 10, 3), dtype="float32")
    ref = keras_lstm._reference_shapes(32, 10, 3, 8)
    layer = keras.layers.LSTM(8)
    assert tuple(layer(x).shape) == ref["last"]
    kernel, recurrent, bias = (w.shape for w in layer.get_weights())
    assert (kernel, recurrent, bias) == (ref["kernel"], ref["recurrent_kernel"], ref["bias"])
    assert tuple(keras.layers.LSTM(8, return_sequences=True)(x).shape) == ref["sequences"]
    assert [tuple(t.shape) for t in keras.layers.LSTM(8, return_state=True)(x)] == ref["state"]
    bi = keras.layers.Bidirectional(keras.layers.LSTM(8, return_sequences=True))
    assert tuple(bi(x).shape) == ref["bidirectional"]


# ---------------------------------------------------------------- exercise 3: padding


def pad(where="post", value=0.0, dtype="float32"):
    def pad_right(sequences, length):
        batch = np.full((len(sequences), length, sequences[0].shape[1]), value, dtype=dtype)
        for row, sequence in enumerate(sequences):
            if where == "post":
                batch[row, : len(sequence)] = sequence
            else:
                batch[row, length - len(sequence) :] = sequence
        return batch

    return pad_right


def test_pad_right_right(capsys):
    keras_lstm.check_pad_right(pad())
    keras_lstm.check_pad_right(pad(dtype="float64"))
    assert "✓ pad right: correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (pad(where="pre"), "zeros come first"),
        (pad(value=-1.0), "pad with zeros"),
        (pad(dtype="int64"), "rounds the values"),
        (lambda sequences, length: pad()(sequences, length)[:, :-1], "has shape"),
        (lambda sequences, length: pad()(sequences, length) * 2, "differs most"),
        (lambda sequences, length: None, "forget to `return`"),
    ],
)
def test_pad_right_wrong(answer, hint):
    with pytest.raises(WrongAnswer, match=hint):
        keras_lstm.check_pad_right(answer)


def test_pad_right_reference_matches_keras():
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(0)
    sequences = [rng.normal(size=(n, 3)) for n in (2, 5, 4)]
    expected = keras.utils.pad_sequences(sequences, maxlen=6, padding="post", dtype="float64")
    np.testing.assert_array_equal(keras_lstm._pad(sequences, 6, "post"), expected)


# ---------------------------------------------------------------- exercise 4: parameters


def right_stack(features, units, outputs):
    total, inputs = 0, features
    for H in units:
        total += 4 * H * (inputs + H + 1)
        inputs = H
    return total + inputs * outputs + outputs


def test_stack_params_right(capsys):
    keras_lstm.check_stack_params(right_stack)
    assert "64,805 parameters" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda f, u, o: right_stack(f, u, o) - u[-1] * o - o, "Dense head"),
        (
            lambda f, u, o: sum(4 * H * (f + H + 1) for H in u) + u[-1] * o + o,
            "previous layer's hidden state",
        ),
        (lambda f, u, o: 3 * right_stack(f, u, 0) // 4 + u[-1] * o + o, "four blocks"),
        (lambda f, u, o: right_stack(f, u, o) - 4 * sum(u), "its own bias"),
        (lambda f, u, o: float(right_stack(f, u, o)) + 0.5, "expected"),
        (lambda f, u, o: "many", "should be a number"),
    ],
)
def test_stack_params_wrong(answer, hint):
    with pytest.raises(WrongAnswer, match=hint):
        keras_lstm.check_stack_params(answer)


def test_stack_reference_matches_keras():
    keras = pytest.importorskip("keras")
    for features, units, outputs in [(3, [32, 16], 1), (10, [8, 8, 4], 5)]:
        stack = [keras.Input(shape=(6, features))]
        stack += [keras.layers.LSTM(u, return_sequences=True) for u in units[:-1]]
        stack += [keras.layers.LSTM(units[-1]), keras.layers.Dense(outputs)]
        model = keras.Sequential(stack)
        assert model.count_params() == keras_lstm._stack_params(features, units, outputs)
