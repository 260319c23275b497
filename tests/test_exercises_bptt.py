import numpy as np
import pytest

from lstm_course.exercises import WrongAnswer, bptt
from lstm_course.gradcheck import numerical_gradient, relative_error
from lstm_course.numpy_lstm import LSTMParams, init_lstm_params, lstm_forward


def test_forget_preactivation_hints():
    bptt.check_forget_preactivation_grad(lambda dc, c_prev, f: dc * c_prev * f * (1 - f))
    for answer, hint in [
        (lambda dc, c_prev, f: dc * c_prev, "gradient of the gate's \\*output\\*"),
        (lambda dc, c_prev, f: dc * f * (1 - f), "multiply by c_prev"),
        (lambda dc, c_prev, f: dc * c_prev * f, "not σ\\(z\\)"),
    ]:
        with pytest.raises(WrongAnswer, match=hint):
            bptt.check_forget_preactivation_grad(answer)


def test_planted_bug_is_in_the_input_gate_and_found_by_gradient_checking():
    rng = np.random.default_rng(0)
    B, T, D, H = 2, 4, 3, 3
    x, up = rng.normal(size=(B, T, D)), rng.normal(size=(B, T, H))
    base = init_lstm_params(D, H, seed=1)
    params = LSTMParams(base.W + rng.normal(scale=0.3, size=base.W.shape), base.b)
    _, grads = bptt.buggy_lstm_backward(x, params, up)
    numeric = numerical_gradient(lambda: float(np.sum(up * lstm_forward(x, params)[0])), params.W)
    errors = {
        g: relative_error(grads.W[k * H : (k + 1) * H], numeric[k * H : (k + 1) * H])
        for k, g in enumerate("fico")
    }
    assert max(errors, key=errors.get) == "i" and errors["i"] > 1e-3
    assert max(v for g, v in errors.items() if g != "i") < 1e-7
    bptt.check_planted_bug("i")
    with pytest.raises(WrongAnswer, match="the 'f' block passes"):
        bptt.check_planted_bug("f")
    with pytest.raises(WrongAnswer, match="one of 'f', 'i', 'c', 'o'"):
        bptt.check_planted_bug("input")


def clip_right(grads, max_norm):
    total = np.sqrt(sum(np.sum(g**2) for g in grads))
    return [g * min(1.0, max_norm / total) for g in grads]


def test_clip_by_global_norm_hints():
    bptt.check_clip_by_global_norm(clip_right)

    def per_array(grads, max_norm):
        return [g * min(1.0, max_norm / np.linalg.norm(g)) for g in grads]

    def in_place(grads, max_norm):
        for g in grads:
            g *= 0.5
        return grads

    def always_scale(grads, max_norm):
        total = np.sqrt(sum(np.sum(g**2) for g in grads))
        return [g * max_norm / total for g in grads]

    for answer, hint in [
        (per_array, "ONE factor"),
        (in_place, "changed the arrays"),
        (always_scale, "already below max_norm"),
    ]:
        with pytest.raises(WrongAnswer, match=hint):
            bptt.check_clip_by_global_norm(answer)
