"""Notebook 02's checks: right answers pass on every draw, typical wrong ones get their hint."""

import re

import numpy as np
import pytest

from lstm_course.exercises import WrongAnswer, bptt
from lstm_course.exercises.registry import EXERCISES, heading
from lstm_course.gradcheck import numerical_gradient, relative_error
from lstm_course.numpy_lstm import LSTMParams, init_lstm_params, lstm_forward, rnn_forward

SEEDS = [0, 1, 2, 3, 4, 5, 6, 7]


def _stub(*args, **kwargs):
    raise NotImplementedError("Exercise: write your answer here")


def _fails(check, answer, hint, seeds=SEEDS[:4]):
    """The check refuses ``answer`` with ``hint`` on every seed."""
    for seed in seeds:
        with pytest.raises(WrongAnswer, match=hint):
            check(answer, seed=seed)


def test_the_four_exercises_are_declared_in_order():
    assert [EXERCISES[f"02.{k}"].check for k in range(1, 5)] == [
        "check_forget_preactivation_grad",
        "check_rnn_bptt",
        "check_find_the_bug",
        "check_clip_by_global_norm",
    ]
    assert EXERCISES["02.2"].difficulty == 3
    assert heading(EXERCISES["02.4"]) == (
        "### Exercise 02.4 — gradient clipping by global norm · ★★ · 2 points"
    )


# ----------------------------------------------------------------------------- 02.1


def test_forget_preactivation_right_on_every_draw(capsys):
    for seed in SEEDS:
        bptt.check_forget_preactivation_grad(
            lambda dc, c_prev, f: dc * c_prev * f * (1 - f), seed=seed
        )
    out = capsys.readouterr().out.splitlines()
    assert len(set(out)) == 1 and out[0].startswith("✓ 02.1")  # the same line on every draw


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_stub, "NotImplementedError"),
        (None, "expected a function"),
        (lambda dc, c_prev, f: None, "is None"),
        (lambda dc, c_prev, f: dc * c_prev, r"gradient of the gate's \*output\*"),
        (lambda dc, c_prev, f: dc * f * (1 - f), "multiply by c_prev"),
        (lambda dc, c_prev, f: dc * c_prev * f, r"not σ\(z\)"),
        (lambda dc, c_prev, f: dc * c_prev * (1 - f), "the factor f_t is missing"),
        (lambda dc, c_prev, f: dc * c_prev * (1 - f**2), "tanh's derivative"),
        (lambda dc, c_prev, f: dc * f, "cell path"),
        (lambda dc, c_prev, f: -dc * c_prev * f * (1 - f), "sign is flipped"),
        (lambda dc, c_prev, f: (dc * c_prev * f * (1 - f)).T, "has shape"),
    ],
)
def test_forget_preactivation_wrong(answer, hint):
    _fails(bptt.check_forget_preactivation_grad, answer, hint)


# ----------------------------------------------------------------------------- 02.2


def rnn_bptt_right(x, params, dh_seq, h0):
    W, b = params
    B, T, D = x.shape
    H = W.shape[0]
    h_seq, _ = rnn_forward(x, params, h0)
    dx, dW, db = np.zeros_like(x), np.zeros_like(W), np.zeros_like(b)
    dh_next = np.zeros((B, H))
    for t in reversed(range(T)):
        h_prev = h0 if t == 0 else h_seq[:, t - 1]
        dz = (dh_seq[:, t] + dh_next) * (1 - h_seq[:, t] ** 2)
        dW += dz.T @ np.concatenate([h_prev, x[:, t]], axis=1)
        db += dz.sum(axis=0)
        dx[:, t] = dz @ W[:, H:]
        dh_next = dz @ W[:, :H]
    return dx, dW, db, dh_next


def _rnn_slip(slip):
    def answer(x, params, dh_seq, h0):
        return bptt._rnn_loop(x, params.W, params.b, dh_seq, h0, slip)

    return answer


def test_rnn_bptt_right_on_every_draw(capsys):
    for seed in SEEDS:
        bptt.check_rnn_bptt(rnn_bptt_right, seed=seed)
        bptt.check_rnn_bptt(lambda *a: tuple(np.float32(v) for v in rnn_bptt_right(*a)), seed=seed)
    assert len(set(capsys.readouterr().out.splitlines())) == 1


def test_the_slip_loop_without_a_slip_is_the_reference():
    rng = np.random.default_rng(0)
    x, W, b, dh_seq, h0 = bptt._rnn_draw(rng)
    mine = bptt._rnn_loop(x, W, b, dh_seq, h0)
    theirs = rnn_bptt_right(x, bptt.RNNParams(W, b), dh_seq, h0)
    assert all(np.allclose(m, t, rtol=1e-12, atol=1e-14) for m, t in zip(mine, theirs, strict=True))


@pytest.mark.parametrize("slip", list(bptt.RNN_SLIPS))
def test_rnn_bptt_each_slip_gets_its_hint(slip):
    _fails(bptt.check_rnn_bptt, _rnn_slip(slip), re.escape(bptt.RNN_SLIPS[slip]))


def _transposed_dW(*args):
    dx, dW, db, dh0 = rnn_bptt_right(*args)
    return dx, dW.T, db, dh0


def _grads_as_pair(*args):
    dx, dW, db, dh0 = rnn_bptt_right(*args)
    return dx, (dW, db), dh0


def _double_dx(*args):
    dx, dW, db, dh0 = rnn_bptt_right(*args)
    return 2 * dx, dW, db, dh0


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_stub, "NotImplementedError"),
        (None, "expected a function"),
        (lambda *a: None, r"return a tuple \(dx, dW, db, dh0\)"),
        (lambda *a: rnn_bptt_right(*a)[:3], r"return a tuple \(dx, dW, db, dh0\)"),
        (_transposed_dW, "dW is transposed"),
        (_grads_as_pair, "not dW and db as a pair"),
        (_double_dx, "dx for B=.* differs most"),
    ],
)
def test_rnn_bptt_wrong_forms(answer, hint):
    _fails(bptt.check_rnn_bptt, answer, hint)


# ----------------------------------------------------------------------------- 02.3


def find_bug_right(backward, x, params, dh_seq):
    _, grads = backward(x, params, dh_seq)

    def loss():
        return float(np.sum(dh_seq * lstm_forward(x, params)[0]))

    numeric = numerical_gradient(loss, params.W)
    H = params.b.shape[0] // 4
    errors = [
        relative_error(grads.W[k * H : (k + 1) * H], numeric[k * H : (k + 1) * H]) for k in range(4)
    ]
    return np.array(errors), int(np.argmax(errors))


def _find_bug(order=(0, 1, 2, 3), pick=np.argmax, shift=0, loss_weights=True, backward_used=True):
    """find_bug with one slip: block order, the pick, 1-based index, the loss, the gradients."""

    def answer(backward, x, params, dh_seq):
        if backward_used:
            _, grads = backward(x, params, dh_seq)
        else:
            from lstm_course.numpy_lstm import lstm_backward

            _, grads = lstm_backward(x, params, dh_seq)

        def loss():
            h = lstm_forward(x, params)[0]
            return float(np.sum(dh_seq * h) if loss_weights else np.sum(h))

        numeric = numerical_gradient(loss, params.W)
        H = params.b.shape[0] // 4
        errors = np.array(
            [
                relative_error(grads.W[k * H : (k + 1) * H], numeric[k * H : (k + 1) * H])
                for k in order
            ]
        )
        return errors, int(pick(errors)) + shift

    return answer


def test_find_the_bug_right_on_every_draw(capsys):
    for seed in SEEDS:
        bptt.check_find_the_bug(find_bug_right, seed=seed)
    assert len(set(capsys.readouterr().out.splitlines())) == 1


def test_find_the_bug_accepts_the_round_off_floor_and_a_list():
    def with_floor(backward, x, params, dh_seq):
        errors, suspect = find_bug_right(backward, x, params, dh_seq)
        return list(errors / (1 + errors)), np.int64(suspect)  # a monotone variant: same order

    for seed in SEEDS[:3]:
        bptt.check_find_the_bug(with_floor, seed=seed)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_stub, "NotImplementedError"),
        (None, "expected a function"),
        (lambda *a: None, r"return a pair \(errors, suspect\)"),
        (_find_bug(pick=np.argmin), "the block that agrees best"),
        (_find_bug(order=(1, 0, 2, 3)), "f and i errors are swapped"),
        (_find_bug(shift=1), "indices count from 0"),
        (_find_bug(loss_weights=False), "every block disagrees"),
        (_find_bug(backward_used=False), "no block disagrees"),
        (lambda *a: ("f", "i", "c", "o")[find_bug_right(*a)[1]], r"return a pair"),
        (lambda *a: (find_bug_right(*a)[0], "ifco"[find_bug_right(*a)[1]]), "not its name"),
        (lambda *a: (find_bug_right(*a)[0].max(), find_bug_right(*a)[1]), "4 numbers"),
        (lambda *a: (-find_bug_right(*a)[0], find_bug_right(*a)[1]), "never negative"),
        (lambda *a: (find_bug_right(*a)[0] * 1e3, find_bug_right(*a)[1]), "far from what"),
    ],
)
def test_find_the_bug_wrong(answer, hint):
    _fails(bptt.check_find_the_bug, answer, hint, seeds=SEEDS[:2])


def test_a_guess_is_caught_on_some_draw():
    """Always naming block 1 with made-up errors cannot pass every draw."""

    def guess(backward, x, params, dh_seq):
        return np.array([1e-10, 0.5, 1e-10, 1e-10]), 1

    failures = 0
    for seed in SEEDS:
        try:
            bptt.check_find_the_bug(guess, seed=seed)
        except WrongAnswer:
            failures += 1
    assert failures >= 6


def test_planted_bug_is_found_by_gradient_checking_in_every_block():
    rng = np.random.default_rng(0)
    B, T, D, H = 2, 4, 3, 3
    x, up = rng.normal(size=(B, T, D)), rng.normal(size=(B, T, H))
    base = init_lstm_params(D, H, seed=1)
    params = LSTMParams(base.W + rng.normal(scale=0.3, size=base.W.shape), base.b)
    for k, block in enumerate("fico"):
        _, grads = bptt.buggy_lstm_backward(x, params, up, block=block)
        errors = bptt._block_errors(grads.W, x, params, up)
        assert int(np.argmax(errors)) == k and errors[k] > 1e-2
        assert max(np.delete(errors, k)) < 1e-7
    with pytest.raises(ValueError, match="block must be one of"):
        bptt.buggy_lstm_backward(x, params, up, block="g")


# ----------------------------------------------------------------------------- 02.4


def clip_right(grads, max_norm):
    total = np.sqrt(sum(np.sum(g**2) for g in grads))
    return [g * min(1.0, max_norm / total) for g in grads]


def test_clip_right_on_every_draw(capsys):
    for seed in SEEDS:
        bptt.check_clip_by_global_norm(clip_right, seed=seed)
        bptt.check_clip_by_global_norm(bptt.reference_clip_by_global_norm, seed=seed)
        bptt.check_clip_by_global_norm(lambda g, m: tuple(clip_right(g, m)), seed=seed)
    assert len(set(capsys.readouterr().out.splitlines())) == 1


def test_clip_draws_vary_shapes_counts_and_max_norms():
    rng = np.random.default_rng(0)
    draws = [bptt._clip_draw(rng) for _ in range(20)]
    assert {len(grads) for grads, _ in draws} == {2, 3, 4, 5}
    assert len({g.shape for grads, _ in draws for g in grads}) >= 10
    for grads, max_norms in draws:
        norm = np.sqrt(sum(np.sum(g**2) for g in grads))
        ratios = sorted(m / norm for m in max_norms)
        assert ratios[0] == pytest.approx(1e-6) and ratios[-1] == pytest.approx(1e6)
        assert ratios[1] < 1 < ratios[2]


def _per_array(grads, max_norm):
    return [g * min(1.0, max_norm / np.linalg.norm(g)) for g in grads]


def _in_place(grads, max_norm):
    total = np.sqrt(sum(np.sum(g**2) for g in grads))
    for g in grads:
        g *= min(1.0, max_norm / total)
    return grads


def _always_rescale(grads, max_norm):
    total = np.sqrt(sum(np.sum(g**2) for g in grads))
    return [g * max_norm / total for g in grads]


def _sum_of_norms(grads, max_norm):
    total = sum(np.linalg.norm(g) for g in grads)
    return [g * min(1.0, max_norm / total) for g in grads]


def _l1(grads, max_norm):
    total = sum(np.abs(g).sum() for g in grads)
    return [g * min(1.0, max_norm / total) for g in grads]


def _with_norm(grads, max_norm):
    return clip_right(grads, max_norm), np.sqrt(sum(np.sum(g**2) for g in grads))


def _times_max_norm(grads, max_norm):
    return [g * max_norm for g in grads]


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_stub, "NotImplementedError"),
        (None, "expected a function"),
        (lambda g, m: None, "return a list of"),
        (_per_array, "ONE factor"),
        (_in_place, "changed the arrays"),
        (_always_rescale, "must come back unchanged"),
        (_sum_of_norms, "not the sum of their norms"),
        (_l1, "L1 norm"),
        (_with_norm, "return only the list"),
        (_times_max_norm, "should have global norm|must come back unchanged"),
        (lambda g, m: [a[None] for a in clip_right(g, m)], "shapes"),
    ],
)
def test_clip_wrong(answer, hint):
    _fails(bptt.check_clip_by_global_norm, answer, hint)


def test_a_wrong_answer_names_the_seed_that_repeats_it():
    with pytest.raises(WrongAnswer, match=r"check_clip_by_global_norm\(…, seed=3\)"):
        bptt.check_clip_by_global_norm(_per_array, seed=3)
