"""Notebook 04's exercises (format v2): right answers pass on every draw, each typical mistake
gets its own hint, and the stub and None are refused."""

import numpy as np
import pytest

from lstm_course.exercises import WrongAnswer, keras_lstm, registry

SEEDS = range(8)


def _not_implemented(*args, **kwargs):
    """What the student build leaves in a function exercise."""
    raise NotImplementedError("Exercise: write your answer here")


def test_the_four_exercises_are_declared_in_order():
    items = [registry.EXERCISES[f"04.{k}"] for k in (1, 2, 3, 4)]
    assert [item.check for item in items] == [
        "check_standardise_splits",
        "check_layer_shapes",
        "check_pad_right",
        "check_train_one_epoch",
    ]
    assert [item.difficulty for item in items] == [1, 1, 2, 3]
    assert registry.heading(items[3]) == (
        "### Exercise 04.4 — the training loop inside fit · ★★★ · 5 points"
    )


# ----------------------------------------------------------------------------- 04.1 scaling


def scale_with(stats_of):
    """An answer that scales each part p with the (mean, std) that ``stats_of(p, parts)`` gives."""

    def standardise_splits(train, val, test):
        parts = (train, val, test)
        return tuple((p - stats_of(p, parts)[0]) / stats_of(p, parts)[1] for p in parts)

    return standardise_splits


RIGHT_SCALING = scale_with(lambda p, parts: (parts[0].mean(axis=0), parts[0].std(axis=0)))


@pytest.mark.parametrize("seed", SEEDS)
def test_standardise_splits_right_on_every_draw(seed, capsys):
    keras_lstm.check_standardise_splits(RIGHT_SCALING, seed=seed)
    # the sample standard deviation (ddof=1, pandas' default) is as good an answer
    sample_std = scale_with(lambda p, parts: (parts[0].mean(axis=0), parts[0].std(axis=0, ddof=1)))
    keras_lstm.check_standardise_splits(sample_std, seed=seed)
    keras_lstm.check_standardise_splits(
        lambda *parts: [part.astype(np.float32) for part in RIGHT_SCALING(*parts)], seed=seed
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["✓ 04.1 standardise splits: correct. "
                     "Every split is scaled with numbers known at training time."] * 3  # fmt: skip


def _whole(p, parts):
    whole = np.concatenate(parts)
    return whole.mean(axis=0), whole.std(axis=0)


def _train_val(p, parts):
    seen = np.concatenate(parts[:2])
    return seen.mean(axis=0), seen.std(axis=0)


@pytest.mark.parametrize("seed", [0, 5])
@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_not_implemented, "still raises NotImplementedError"),
        (lambda train, val, test: None, "return three arrays"),
        (scale_with(lambda p, parts: (p.mean(axis=0), p.std(axis=0))), "their own mean"),
        (scale_with(_whole), "the whole series"),
        (scale_with(_train_val), "include the validation part"),
        (
            scale_with(lambda p, parts: (parts[0].mean(), parts[0].std())),
            "one mean and std for all",
        ),
        (
            scale_with(
                lambda p, parts: (p.mean(axis=1, keepdims=True), p.std(axis=1, keepdims=True))
            ),
            "each row",
        ),
        (scale_with(lambda p, parts: (parts[0].mean(axis=0), parts[0].var(axis=0))), "variance"),
        (lambda train, val, test: (RIGHT_SCALING(train, val, test)[0], val, test), "unscaled"),
        (lambda train, val, test: (train, val), "return three arrays"),
        (lambda train, val, test: (RIGHT_SCALING(train, val, test)[0], None, None), "None"),
        (lambda train, val, test: (train, val, test), "train part.* differs most at index"),
    ],
)
def test_standardise_splits_wrong(answer, hint, seed):
    with pytest.raises(WrongAnswer, match=hint):
        keras_lstm.check_standardise_splits(answer, seed=seed)


# ----------------------------------------------------------------------------- 04.2 shapes

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
    keras_lstm.check_layer_shapes({**RIGHT_SHAPES, "state": ((32, 8), [32, 8], (32, 8))})
    out = capsys.readouterr().out
    assert out.count("✓ 04.2 layer shapes: correct.") == 3


STUB_SHAPES = dict.fromkeys(RIGHT_SHAPES, ...)  # the student build's skeleton


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (STUB_SHAPES, r"write last as a tuple of ints .* got ellipsis"),
        (None, "should be a dict with the keys last, sequences"),
        ([(32, 8)], "should be a dict"),
        ({"last": (32, 8)}, r"missing keys \['sequences'"),
        ({**RIGHT_SHAPES, "last": (32, 10, 8)}, "only the last step's hidden state"),
        ({**RIGHT_SHAPES, "sequences": (32, 8)}, "one hidden state per time step"),
        ({**RIGHT_SHAPES, "state": [(32, 8), (32, 8)]}, "three shapes, got 2"),
        ({**RIGHT_SHAPES, "state": (32, 8)}, "a list of three arrays"),
        ({**RIGHT_SHAPES, "bidirectional": (32, 10, 8)}, "concatenates"),
        ({**RIGHT_SHAPES, "kernel": (32, 3)}, "stored transposed"),
        ({**RIGHT_SHAPES, "kernel": (3, 8)}, "the four gates, side by side"),
        ({**RIGHT_SHAPES, "recurrent_kernel": (32, 8)}, "stored transposed"),
        ({**RIGHT_SHAPES, "recurrent_kernel": (8, 8)}, "the four gates, side by side"),
        ({**RIGHT_SHAPES, "bias": (8,)}, "for each of the four gates"),
        ({**RIGHT_SHAPES, "bias": "32"}, "tuple of ints"),
    ],
)
def test_layer_shapes_wrong(answer, hint):
    with pytest.raises(WrongAnswer, match=hint):
        keras_lstm.check_layer_shapes(answer)


def test_layer_shape_hints_never_print_the_answer():
    for key in RIGHT_SHAPES:
        for wrong in [(1, 2), (32, 3), (3, 32, 1)]:
            with pytest.raises(WrongAnswer) as info:
                keras_lstm.check_layer_shapes({**RIGHT_SHAPES, key: wrong})
            assert str(RIGHT_SHAPES[key]) not in str(info.value).replace(str(wrong), "")


def test_reference_shapes_match_keras():
    keras = pytest.importorskip("keras")
    batch = np.zeros((32, 10, 3), "float32")
    ref = keras_lstm._reference_shapes(32, 10, 3, 8)
    layer = keras.layers.LSTM(8)
    assert tuple(layer(batch).shape) == ref["last"]
    outputs = keras.layers.LSTM(8, return_state=True)(batch)
    assert [tuple(o.shape) for o in outputs] == ref["state"]
    assert tuple(keras.layers.LSTM(8, return_sequences=True)(batch).shape) == ref["sequences"]
    both = keras.layers.Bidirectional(keras.layers.LSTM(8, return_sequences=True))
    assert tuple(both(batch).shape) == ref["bidirectional"]
    kernel, recurrent, bias = layer.get_weights()
    assert (kernel.shape, recurrent.shape, bias.shape) == (
        ref["kernel"], ref["recurrent_kernel"], ref["bias"]
    )  # fmt: skip


# ----------------------------------------------------------------------------- 04.3 padding


def pad(padding="post", dtype="float32", value=0.0, reverse=False, to_longest=False):
    """An answer built with pad_sequences-like logic, with one mistake switched on."""

    def pad_right(sequences, length):
        if to_longest:
            length = max(len(s) for s in sequences)
        batch = np.full((len(sequences), length, sequences[0].shape[1]), value, dtype=dtype)
        for row, sequence in enumerate(sequences):
            sequence = sequence[::-1] if reverse else sequence
            start = 0 if padding == "post" else length - len(sequence)
            batch[row, start : start + len(sequence)] = sequence
        return batch

    return pad_right


@pytest.mark.parametrize("seed", SEEDS)
def test_pad_right_right_on_every_draw(seed, capsys):
    keras_lstm.check_pad_right(pad(), seed=seed)
    keras_lstm.check_pad_right(pad(dtype="float64"), seed=seed)
    keras_lstm.check_pad_right(lambda s, n: pad()(s, n).tolist(), seed=seed)
    assert capsys.readouterr().out.count("✓ 04.3 pad right: correct.") == 3


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_not_implemented, "still raises NotImplementedError"),
        (lambda sequences, length: None, "is None"),
        (pad(padding="pre"), "the zeros come first"),
        (pad(dtype="int32"), "rounds the values"),
        (pad(value=-1.0), "pad with zeros"),
        (pad(value=np.nan), "contains inf or nan"),
        (pad(reverse=True), "keep its order in time"),
        (lambda s, n: np.swapaxes(pad()(s, n), 1, 2), "time comes before features"),
        (lambda s, n: pad()(s, n)[:, :, 0], r"has shape \(\d+, \d+\), expected"),
    ],
)
def test_pad_right_wrong(answer, hint, seed):
    with pytest.raises(WrongAnswer, match=hint):
        keras_lstm.check_pad_right(answer, seed=seed)


def test_pad_right_to_the_longest_sequence_is_named():
    # on some draws the longest sequence is exactly `length`: try seeds until it is not
    for seed in range(20):
        with pytest.raises(WrongAnswer) as info:
            keras_lstm.check_pad_right(pad(to_longest=True), seed=seed)
        if "not to the longest sequence" in str(info.value):
            return
    raise AssertionError("no draw had a length above the longest sequence")


def test_reference_padding_matches_keras():
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(0)
    sequences = [rng.uniform(0.5, 2, size=(n, 2)) for n in (4, 1, 6)]
    expected = keras.utils.pad_sequences(sequences, maxlen=6, padding="post", dtype="float64")
    np.testing.assert_array_equal(keras_lstm._pad(sequences, 6, "post"), expected)


# ----------------------------------------------------------------------------- 04.4 the loop

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")


def loop(*, reduce="mean", weigh=True, report="mean", drop_last=False, update=True, order=None):
    """A training loop with one mistake switched on (the defaults give the right answer)."""

    def train_one_epoch(model, optimizer, X, y, batch_size):
        losses, sizes = [], []
        starts = list(range(0, len(X) - (len(X) % batch_size if drop_last else 0), batch_size))
        for start in order(starts) if order else starts:
            X_batch, y_batch = X[start : start + batch_size], y[start : start + batch_size]
            with tf.GradientTape() as tape:
                squared = keras.ops.square(y_batch - model(X_batch, training=True))
                loss = keras.ops.sum(squared) if reduce == "sum" else keras.ops.mean(squared)
            gradients = tape.gradient(loss, model.trainable_variables)
            if update:
                optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
            losses.append(float(loss))
            sizes.append(len(X_batch))
        losses, sizes = np.array(losses), np.array(sizes)
        if report == "last":
            return losses[-1]
        if report == "after":
            return float(keras.ops.mean(keras.ops.square(y - model(X))))
        if report == "sum":
            return losses.sum()
        return np.sum(losses * sizes) / sizes.sum() if weigh else losses.mean()

    return train_one_epoch


def full_batch(model, optimizer, X, y, batch_size):
    return loop()(model, optimizer, X, y, len(X))


def with_fit(model, optimizer, X, y, batch_size):
    model.compile(optimizer=optimizer, loss="mean_squared_error")
    return model.fit(X, y, batch_size=batch_size, shuffle=False, verbose=0).history["loss"][0]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_train_one_epoch_right_on_every_draw(seed, capsys):
    keras_lstm.check_train_one_epoch(loop(), seed=seed)
    assert capsys.readouterr().out == (
        "✓ 04.4 training loop: correct. Same weights and the same loss as model.fit: "
        "that loop is all fit does.\n"
    )


def test_train_one_epoch_accepts_a_keras_loss_and_a_tensor_result():
    def answer(model, optimizer, X, y, batch_size):
        mse, total = keras.losses.MeanSquaredError(), 0.0
        for start in range(0, len(X), batch_size):
            X_batch, y_batch = X[start : start + batch_size], y[start : start + batch_size]
            with tf.GradientTape() as tape:
                loss = mse(y_batch, model(X_batch, training=True))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
            total += loss * len(X_batch)
        return total / len(X)  # a 0-d tensor

    keras_lstm.check_train_one_epoch(answer, seed=3)


def _sgd_seed(want_sgd=True):
    """A seed whose draw trains with SGD (where the size of a step depends on the loss scale)."""
    for seed in range(100):
        problem = keras_lstm._draw_problem(np.random.default_rng(seed))
        if (problem["optimizer"][0] == "SGD") == want_sgd:
            return seed
    raise AssertionError("no SGD draw in 100 seeds")


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_not_implemented, "still raises NotImplementedError"),
        (lambda *args: None, "is None"),
        (with_fit, "the model was compiled"),
        (loop(update=False), "the weights did not change"),
        (loop(weigh=False), "the last batch is smaller"),
        (loop(report="last"), "the last batch's loss only"),
        (loop(report="after"), "the loss of the final weights"),
        (loop(report="sum"), "a sum of batch losses"),
        (loop(drop_last=True), "the last, smaller batch was skipped"),
        (full_batch, "one update on the whole data set"),
        (loop(order=lambda starts: starts[::-1]), "in order"),
    ],
)
def test_train_one_epoch_wrong(answer, hint):
    with pytest.raises(WrongAnswer, match=hint):
        keras_lstm.check_train_one_epoch(answer, seed=4)


def test_a_summed_batch_loss_is_named_where_it_changes_the_steps():
    with pytest.raises(WrongAnswer, match="the batch loss is a sum"):
        keras_lstm.check_train_one_epoch(loop(reduce="sum"), seed=_sgd_seed())


def test_the_check_leaves_the_global_keras_seed_alone():
    keras.utils.set_random_seed(123)
    expected = keras.random.uniform((3,), seed=None)
    keras.utils.set_random_seed(123)
    keras_lstm.check_train_one_epoch(loop(), seed=0)
    np.testing.assert_array_equal(keras.random.uniform((3,), seed=None), expected)
