"""Fuzz the NumPy core: numpy_params, numpy_lstm, numpy_bptt, gradcheck, gradient_flow,
bench, tasks and training.

Every public function, class and method is called with one argument at a time replaced by
a bad value (it must be refused with a message naming the argument) or by another spelling
of the valid value (it must give the same result); see ``tests/fuzzing.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
from fuzzing import FuzzTarget, assert_fuzz_clean

import lstm_course
from lstm_course import bench, gradcheck, gradient_flow, numpy_lstm, tasks

lstm_course.setup(0)
keras = pytest.importorskip("keras")
from lstm_course import training  # noqa: E402 - imports Keras: after setup()

RNG = np.random.default_rng(0)
B, T, D, H = 2, 4, 3, 5
X = RNG.normal(size=(B, T, D))
H0, C0 = RNG.normal(size=(B, H)), RNG.normal(size=(B, H))
UP = RNG.normal(size=(B, T, H))
LSTM = numpy_lstm.init_lstm_params(D, H, seed=1)
RNN = numpy_lstm.init_rnn_params(D, H, seed=1, recurrent_scale=0.9)
_, _, LSTM_CACHE = numpy_lstm.lstm_forward(X, LSTM, H0, C0, return_cache=True)
_, _, RNN_CACHE = numpy_lstm.rnn_forward(X, RNN, H0, return_cache=True)
OTHER_LSTM = numpy_lstm.init_lstm_params(D, H, seed=2)
_, _, OTHER_CACHE = numpy_lstm.lstm_forward(X, OTHER_LSTM, H0, C0, return_cache=True)

# gradcheck: the loss reads these module-level arrays, perturbed in place and restored
CHECKED_W = RNG.normal(size=(3, 2))
CHECKED_V = RNG.normal(size=4)


def checked_loss() -> float:
    return float(np.sum(np.sin(CHECKED_W)) + np.sum(CHECKED_V**2))


CHECKED_GRADS = {"W": np.cos(CHECKED_W), "V": 2 * CHECKED_V}

# "None" is the documented default for these: zeros (states, upstream gradients), a fresh
# seed, "recompute the cache", "use |loss()|".
NONE_IS_DEFAULT = {"None"}
# A parameter's "W"/"b" field names appear in the messages about them.
PARAMS_ALIASES = {"params": ("params.W", "params.b")}
NAN_PARAMS = [("NaN in W", numpy_lstm.LSTMParams(np.full_like(LSTM.W, np.nan), LSTM.b))]


def keras_model(compiled: bool):
    model = keras.Sequential(
        [keras.Input(shape=(3, 1)), keras.layers.SimpleRNN(2), keras.layers.Dense(1)]
    )
    if compiled:
        model.compile(optimizer="adam", loss="mse")
    return model


TRAIN_X = RNG.normal(size=(8, 3, 1)).astype("float32")
TRAIN_Y = RNG.normal(size=(8, 1)).astype("float32")
COMPILED, UNCOMPILED = keras_model(True), keras_model(False)
# y (8,) for an output (None, 1): one label per example, valid (sparse cross-entropy's form)
TARGETS_AS_LABELS = {"flattened"}

TARGETS = [
    # --- numpy_params: weights -------------------------------------------------------------
    FuzzTarget(
        numpy_lstm.check_lstm_params,
        {"params": LSTM},
        bad={"params": [("RNN weights", RNN), *NAN_PARAMS, ("three arrays", (*LSTM, LSTM.b))]},
        aliases=PARAMS_ALIASES,
    ),
    FuzzTarget(
        numpy_lstm.check_rnn_params,
        {"params": RNN},
        bad={"params": [("LSTM weights", LSTM), ("wide b", numpy_lstm.RNNParams(RNN.W, LSTM.b))]},
        aliases=PARAMS_ALIASES,
    ),
    FuzzTarget(LSTM.gate, {"name": "f"}, name="numpy_params.LSTMParams.gate"),
    FuzzTarget(
        numpy_lstm.init_lstm_params,
        {"input_size": D, "units": H, "seed": 3, "forget_bias": 1.0, "dtype": np.float64},
        # "f" is NumPy's own code for float32, a valid dtype
        accept={"seed": NONE_IS_DEFAULT, "dtype": {"a string"}},
        bad={"units": [("above MAX_UNITS", numpy_lstm.MAX_UNITS + 1)], "dtype": [("int", int)]},
    ),
    FuzzTarget(
        numpy_lstm.init_rnn_params,
        {"input_size": D, "units": H, "seed": 3, "recurrent_scale": 0.9, "dtype": np.float32},
        accept={"seed": NONE_IS_DEFAULT, "dtype": {"a string"}},
        bad={"recurrent_scale": [("negative", -0.5)]},
    ),
    FuzzTarget(
        numpy_lstm.params_from_keras,
        {"layer_or_weights": numpy_lstm.params_to_keras(LSTM)},
        bad={
            "layer_or_weights": [
                ("SimpleRNN weights", numpy_lstm.rnn_params_to_keras(RNN)),
                ("two arrays", numpy_lstm.params_to_keras(LSTM)[:2]),
                (
                    "NaN kernel",
                    [np.full((D, 4 * H), np.nan), *numpy_lstm.params_to_keras(LSTM)[1:]],
                ),
                ("unbuilt layer", keras.layers.LSTM(2)),
            ]
        },
    ),
    FuzzTarget(numpy_lstm.params_to_keras, {"params": LSTM}, aliases=PARAMS_ALIASES),
    FuzzTarget(
        numpy_lstm.rnn_params_from_keras,
        {"layer_or_weights": numpy_lstm.rnn_params_to_keras(RNN)},
        bad={"layer_or_weights": [("LSTM weights", numpy_lstm.params_to_keras(LSTM))]},
    ),
    FuzzTarget(numpy_lstm.rnn_params_to_keras, {"params": RNN}, aliases=PARAMS_ALIASES),
    # --- numpy_lstm: the layers ------------------------------------------------------------
    FuzzTarget(
        numpy_lstm.sigmoid,
        {"z": RNG.normal(size=(2, 3))},
        accept={"z": {"extra axis", "flattened"}},  # elementwise: any shape is valid
    ),
    FuzzTarget(
        numpy_lstm.lstm_step,
        {"x_t": X[:, 0], "h_prev": H0, "c_prev": C0, "params": LSTM},
        bad={"params": [("RNN weights", RNN), *NAN_PARAMS]},
        aliases=PARAMS_ALIASES,
    ),
    FuzzTarget(
        numpy_lstm.lstm_forward,
        {"x": X, "params": LSTM, "h0": H0, "c0": C0, "return_cache": True},
        accept={"h0": NONE_IS_DEFAULT, "c0": NONE_IS_DEFAULT},
        bad={"params": [("RNN weights", RNN), *NAN_PARAMS], "x": [("ints", X.astype(int))]},
        aliases=PARAMS_ALIASES,
    ),
    FuzzTarget(
        numpy_lstm.rnn_forward,
        {"x": X, "params": RNN, "h0": H0, "return_cache": False},
        accept={"h0": NONE_IS_DEFAULT},
        bad={"params": [("LSTM weights", LSTM)]},
        aliases=PARAMS_ALIASES,
    ),
    # --- numpy_bptt ------------------------------------------------------------------------
    FuzzTarget(
        numpy_lstm.lstm_backward,
        {
            "x": X,
            "params": LSTM,
            "dh_seq": UP,
            "h0": H0,
            "c0": C0,
            "cache": LSTM_CACHE,
            "dh_T": H0,
            "dc_T": C0,
            "full": True,
        },
        accept={"cache": NONE_IS_DEFAULT, "dh_T": NONE_IS_DEFAULT, "dc_T": NONE_IS_DEFAULT},
        bad={
            "cache": [("another model's cache", OTHER_CACHE), ("an RNN cache", RNN_CACHE)],
            "params": [("RNN weights", RNN), ("the cache's other weights", OTHER_LSTM)],
        },
        # a cache computed with other weights or states is refused in the cache's name
        aliases={**PARAMS_ALIASES, "h0": ("cache",), "c0": ("cache",)},
        name="numpy_bptt.lstm_backward(cache)",
    ),
    FuzzTarget(
        numpy_lstm.lstm_backward,
        {"x": X, "params": LSTM, "dh_seq": UP, "h0": H0, "c0": C0, "full": False},
        accept={"h0": NONE_IS_DEFAULT, "c0": NONE_IS_DEFAULT},
        aliases=PARAMS_ALIASES,
        name="numpy_bptt.lstm_backward",
    ),
    FuzzTarget(
        numpy_lstm.rnn_backward,
        {
            "x": X,
            "params": RNN,
            "dh_seq": UP,
            "h0": H0,
            "cache": RNN_CACHE,
            "dh_T": H0,
            "full": True,
        },
        accept={"cache": NONE_IS_DEFAULT, "dh_T": NONE_IS_DEFAULT},
        bad={"cache": [("an LSTM cache", LSTM_CACHE)]},
        aliases={**PARAMS_ALIASES, "h0": ("cache",)},
    ),
    # --- gradcheck -------------------------------------------------------------------------
    FuzzTarget(
        gradcheck.numerical_gradient,
        {"loss": checked_loss, "array": CHECKED_V, "eps": 1e-6},
        bad={"loss": [("returns NaN", lambda: float("nan")), ("returns a string", lambda: "x")]},
        # The array must be the very object the loss reads: the harness's other spellings
        # (a list, a copy in another layout) are rightly refused or not seen by the loss.
        # Its bad values and non-contiguous views: tests/test_backward.py.
        skip=("array",),
    ),
    FuzzTarget(
        gradcheck.relative_error,
        {"analytic": [1.0, 2.0, -3.0], "numeric": [1.0, 2.1, -3.0], "floor": 0.5},
        bad={"floor": [("negative", -1.0)]},
    ),
    FuzzTarget(gradcheck.round_off_floor, {"loss_scale": 12.0, "eps": 1e-5}),
    FuzzTarget(
        gradcheck.gradient_check,
        {
            "loss": checked_loss,
            "arrays": {"W": CHECKED_W, "V": CHECKED_V},
            "analytic": CHECKED_GRADS,
            "eps": 1e-6,
            "loss_scale": 10.0,
        },
        accept={"loss_scale": NONE_IS_DEFAULT},
        bad={
            "arrays": [("a float32 array", {"W": CHECKED_W.astype(np.float32)})],
            "analytic": [("a wrong shape", {"W": CHECKED_GRADS["W"].T, "V": CHECKED_V})],
        },
    ),
    # --- gradient_flow ---------------------------------------------------------------------
    FuzzTarget(
        gradient_flow.rnn_gradient_norms,
        {"x": X, "params": RNN, "dh_T": H0},
        accept={"dh_T": NONE_IS_DEFAULT},
        aliases=PARAMS_ALIASES,
    ),
    FuzzTarget(
        gradient_flow.lstm_gradient_norms,
        {"x": X, "params": LSTM, "dh_T": H0},
        accept={"dh_T": NONE_IS_DEFAULT},
        aliases=PARAMS_ALIASES,
    ),
    FuzzTarget(
        gradient_flow.rnn_jacobian_norms,
        {"x": X[0], "params": RNN},
        aliases=PARAMS_ALIASES,
    ),
    FuzzTarget(
        gradient_flow.clip_by_global_norm,
        {"grads": [RNG.normal(size=(2, 3)), RNG.normal(size=4)], "max_norm": 1.0},
        bad={"grads": [("empty list", []), ("inf inside", [np.array([1.0, np.inf])])]},
        name="gradient_flow.clip_by_global_norm(list)",
    ),
    FuzzTarget(
        gradient_flow.clip_by_global_norm,
        {"grads": 3.0 * RNG.normal(size=(2, 3)), "max_norm": 2},
        # one array of any shape; a max_norm of 2.5 is as valid as 2
        accept={"grads": {"extra axis", "flattened"}, "max_norm": {"non-integral float"}},
        name="gradient_flow.clip_by_global_norm(array)",
    ),
    # --- tasks -----------------------------------------------------------------------------
    FuzzTarget(tasks.adding_problem, {"n": 3, "T": 6, "seed": 1}, accept={"seed": NONE_IS_DEFAULT}),
    FuzzTarget(
        tasks.delay_task,
        {"n": 3, "delay": 4, "n_keys": 3, "n_distractors": 2, "seed": 1},
        accept={"seed": NONE_IS_DEFAULT},
    ),
    FuzzTarget(
        tasks.copy_task,
        {"n": 2, "delay": 3, "length": 2, "n_symbols": 3, "seed": 1},
        accept={"seed": NONE_IS_DEFAULT},
    ),
    FuzzTarget(tasks.copy_baseline_loss, {"delay": 5, "length": 3, "n_symbols": 4}),
    # --- bench -----------------------------------------------------------------------------
    FuzzTarget(
        bench.Timing,
        {"shape": (2, 3, 2, 4), "numpy_s": 0.5, "keras_s": 0.25},
        aliases={"shape": bench.SHAPE_NAMES},  # one size is refused by its own name
    ),
    FuzzTarget(bench.check_shape, {"batch": 2, "steps": 3, "features": 2, "units": 4}),
    FuzzTarget(
        bench.median_time,
        {"fn": lambda: None, "repeats": 2, "warmup": 1},
        deterministic=False,  # wall times
    ),
    FuzzTarget(
        bench.numpy_step,
        {"batch": 2, "steps": 3, "features": 2, "units": 4, "seed": 0},
        accept={"seed": NONE_IS_DEFAULT},
        deterministic=False,  # returns a new closure each call
    ),
    FuzzTarget(
        bench.keras_step,
        {"batch": 1, "steps": 2, "features": 1, "units": 2, "seed": 0},
        accept={"seed": NONE_IS_DEFAULT},
        deterministic=False,
    ),
    FuzzTarget(
        bench.compare,
        {"batch": 1, "steps": 2, "features": 1, "units": 2, "repeats": 1},
        deterministic=False,
    ),
    # argparse answers a bad command line by exiting with status 2 and a message naming the
    # option; tests/test_backward.py checks that for --repeats 0 and a zero size.
    FuzzTarget(
        bench.main, {"argv": ["--shape", "1", "2", "1", "2", "--repeats", "1"]}, skip=("argv",)
    ),
    # --- training --------------------------------------------------------------------------
    FuzzTarget(
        training.StopWhenSolved,
        {"score": lambda model: 0.0, "solved": lambda value: True, "max_steps": 5, "every": 2},
        deterministic=False,  # a new callback object each call
    ),
    FuzzTarget(
        training.fit_until_solved,
        {
            "model": UNCOMPILED,
            "x": TRAIN_X,
            "y": TRAIN_Y,
            "loss": "mse",
            "lr": 0.01,
            "batch_size": 4,
            "max_steps": 1,
            "score": lambda model: 0.0,
            "solved": lambda value: True,
            "every": 1,
        },
        bad={"y": [("too few rows", TRAIN_Y[:3])], "model": [("a layer", keras.layers.Dense(1))]},
        accept={"y": TARGETS_AS_LABELS},
        deterministic=False,  # trains
    ),
    FuzzTarget(
        training.seconds_per_epoch,
        {"model": COMPILED, "X": TRAIN_X, "y": TRAIN_Y, "epochs": 1, "batch_size": 8},
        bad={"model": [("not compiled", keras_model(False))]},
        accept={"y": TARGETS_AS_LABELS},
        deterministic=False,  # wall times
    ),
]

EXEMPT = {
    "numpy_params.RNNParams": "a (W, b) NamedTuple without methods; every function taking "
    "one validates it with check_rnn_params, fuzzed above through each of them",
    "numpy_lstm.LSTMCache": "a NamedTuple returned by lstm_forward; lstm_backward validates "
    "a given cache against its own arguments (fuzzed above with foreign caches)",
    "numpy_lstm.RNNCache": "a NamedTuple returned by rnn_forward; rnn_backward validates it "
    "(fuzzed above)",
    "numpy_bptt.LSTMGradients": "a NamedTuple returned by lstm_backward(full=True); takes no "
    "input of its own",
    "numpy_bptt.RNNGradients": "a NamedTuple returned by rnn_backward(full=True); takes no "
    "input of its own",
}


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_bad_inputs_get_clear_errors(target):
    assert_fuzz_clean(target)
