import numpy as np
import pytest

from lstm_course.exercises import WrongAnswer, lstm_cell_numpy
from lstm_course.numpy_lstm import LSTMParams, sigmoid


def right_forget_gate(W_f, b_f, h_prev, x_t):
    return sigmoid(W_f @ np.concatenate([h_prev, x_t]) + b_f)


def test_forget_gate_right_and_wrong(capsys):
    lstm_cell_numpy.check_forget_gate(right_forget_gate)
    assert "✓ forget gate" in capsys.readouterr().out
    wrong = {
        "stacked \\[x_t, h_\\{t-1\\}\\]": lambda W, b, h, x: sigmoid(
            W @ np.concatenate([x, h]) + b
        ),
        "that is tanh": lambda W, b, h, x: np.tanh(W @ np.concatenate([h, x]) + b),
        "bias b_f is missing": lambda W, b, h, x: sigmoid(W @ np.concatenate([h, x])),
        "NotImplementedError": lambda W, b, h, x: (_ for _ in ()).throw(NotImplementedError()),
    }
    for hint, answer in wrong.items():
        with pytest.raises(WrongAnswer, match=hint):
            lstm_cell_numpy.check_forget_gate(answer)


def test_param_count_hints():
    lstm_cell_numpy.check_param_count(lambda D, H: 4 * (H * (H + D) + H))
    for answer, hint in [
        (lambda D, H: 4 * H * (H + D), "biases are missing"),
        (lambda D, H: H * (H + D) + H, "that is one gate"),
        (lambda D, H: 4 * (H * D + H), "recurrent weights are missing"),
        (lambda D, H: 7, "expected 72"),
    ]:
        with pytest.raises(WrongAnswer, match=hint):
            lstm_cell_numpy.check_param_count(answer)


def test_keras_output_gate_hints():
    def block(kernel, recurrent, bias, k, recurrent_first=True):
        H = recurrent.shape[0]
        cols = slice(k * H, (k + 1) * H)
        parts = [recurrent[:, cols].T, kernel[:, cols].T]
        return np.concatenate(parts if recurrent_first else parts[::-1], axis=1), bias[cols]

    lstm_cell_numpy.check_keras_output_gate(lambda k, r, b: block(k, r, b, 3))
    with pytest.raises(WrongAnswer, match="that is the 'f' block"):
        lstm_cell_numpy.check_keras_output_gate(lambda k, r, b: block(k, r, b, 1))
    with pytest.raises(WrongAnswer, match="recurrent part comes first"):
        lstm_cell_numpy.check_keras_output_gate(
            lambda k, r, b: block(k, r, b, 3, recurrent_first=False)
        )
    with pytest.raises(WrongAnswer, match="return a pair"):
        lstm_cell_numpy.check_keras_output_gate(lambda k, r, b: None)


@pytest.fixture
def hand_wired():
    W = np.array([[0, 0, -20.0, 0], [0, 0, 20.0, 0], [0, 1.0, 0, 0], [0, 0, 0, 20.0]])
    b = np.array([10.0, -10.0, 0.0, -10.0])
    x = np.zeros((1, 30, 3))
    x[0, 5] = [0.8, 1.0, 0.0]
    x[0, 25, 2] = 1.0
    return LSTMParams(W, b), x


def test_forgetting_right_and_wrong(hand_wired, capsys):
    params, x = hand_wired
    b = params.b.copy()
    b[0] = 0.0
    lstm_cell_numpy.check_forgetting(LSTMParams(params.W, b), params, x, 5, 25)
    assert "✓ make it forget" in capsys.readouterr().out
    b_two = b.copy()
    b_two[1] = -9.0
    with pytest.raises(WrongAnswer, match="change exactly one number; you changed 2"):
        lstm_cell_numpy.check_forgetting(LSTMParams(params.W, b_two), params, x, 5, 25)
    b_output = params.b.copy()
    b_output[3] = 0.0  # changes what is shown, not what is kept
    with pytest.raises(WrongAnswer, match="Which gate multiplies C_\\(t-1\\)"):
        lstm_cell_numpy.check_forgetting(LSTMParams(params.W, b_output), params, x, 5, 25)
