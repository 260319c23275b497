"""lstm_course.models: timing epochs (plumbing for notebook 04)."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from lstm_course.models import seconds_per_epoch  # noqa: E402


def tiny_model(compiled=True):
    model = keras.Sequential(
        [keras.Input(shape=(5, 2)), keras.layers.SimpleRNN(3), keras.layers.Dense(1)]
    )
    if compiled:
        model.compile(optimizer="adam", loss="mean_squared_error")
    return model


def data(n=16):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, 5, 2)).astype("float32"), rng.normal(size=(n, 1))


def test_seconds_per_epoch_is_a_positive_float_and_trains():
    model = tiny_model()
    X, y = data()
    before = [w.copy() for w in model.get_weights()]
    seconds = seconds_per_epoch(model, X, y, epochs=2, batch_size=8)
    assert isinstance(seconds, float) and 0 < seconds < 30
    assert int(model.optimizer.iterations) == 3 * 2  # warm-up + 2 timed epochs, 2 steps each
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"epochs": 0}, "epochs must be an int >= 1, got 0"),
        ({"X": np.zeros((4, 5))}, r"\(examples, timesteps, features\), got shape \(4, 5\)"),
        ({"y": np.zeros((3, 1))}, "X has 16 examples but y has 3"),
    ],
)
def test_bad_arguments_get_clear_errors(kwargs, message):
    X, y = data()
    args = {"X": X, "y": y, **kwargs}
    epochs = args.pop("epochs", 1)
    with pytest.raises(ValueError, match=message):
        seconds_per_epoch(tiny_model(), args["X"], args["y"], epochs=epochs)


def test_uncompiled_model_is_rejected():
    X, y = data()
    with pytest.raises(ValueError, match="not compiled"):
        seconds_per_epoch(tiny_model(compiled=False), X, y)
