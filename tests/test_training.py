"""lstm_course.training: train until solved (notebook 03) and timing epochs (notebook 04)."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from lstm_course.training import StopWhenSolved, fit_until_solved, seconds_per_epoch  # noqa: E402


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


def test_fit_until_solved_stops_once_solved():
    keras.utils.set_random_seed(0)
    X, y = data(64)
    scores = iter([0.9, 0.5, 0.1, 0.05, 0.01])
    stopper = fit_until_solved(
        tiny_model(compiled=False),
        X,
        y,
        loss="mse",
        lr=0.01,
        batch_size=16,
        max_steps=100,
        score=lambda model: next(scores),
        solved=lambda v: v < 0.2,
        every=2,
    )
    assert isinstance(stopper, StopWhenSolved)
    assert stopper.curve == [(2, 0.9), (4, 0.5), (6, 0.1)] and stopper.steps == 6


def test_fit_until_solved_stops_at_the_budget_with_adam_and_clipnorm():
    keras.utils.set_random_seed(0)
    X, y = data(32)
    model = tiny_model(compiled=False)
    stopper = fit_until_solved(
        model,
        X,
        y,
        loss="mse",
        lr=0.01,
        batch_size=8,
        max_steps=10,
        score=lambda m: 1.0,
        solved=lambda v: False,
        every=5,
    )
    assert stopper.steps == 10 and [step for step, _ in stopper.curve] == [5, 10]
    assert int(model.optimizer.iterations) == 10
    assert model.optimizer.clipnorm == 1.0 and float(
        model.optimizer.learning_rate
    ) == pytest.approx(0.01)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"max_steps": 0}, ValueError, "max_steps must be an int >= 1, got 0"),
        ({"every": 1.5}, ValueError, "every must be an int >= 1, got 1.5"),
        ({"score": 3}, TypeError, "score must be callable"),
        ({"lr": -1.0}, ValueError, "lr must be a finite number > 0"),
        ({"batch_size": 0}, ValueError, "batch_size must be an int >= 1, got 0"),
        ({"loss": None}, TypeError, "loss must be a Keras loss name or function"),
        ({"model": "model"}, TypeError, "model must be a Keras model"),
        ({"x": np.zeros((4, 5))}, ValueError, r"x must have shape \(examples, timesteps,"),
    ],
)
def test_fit_until_solved_checks_its_arguments(kwargs, error, message):
    X, y = data()
    args = dict(
        model=tiny_model(compiled=False),
        x=X,
        y=y,
        loss="mse",
        lr=0.01,
        batch_size=8,
        max_steps=4,
        score=lambda m: 0.0,
        solved=lambda v: True,
        every=2,
    )
    args.update(kwargs)
    model, x, y = args.pop("model"), args.pop("x"), args.pop("y")
    with pytest.raises(error, match=message):
        fit_until_solved(model, x, y, **args)
