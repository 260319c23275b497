"""lstm_course.tasks: shapes, statistics (the 1/6 baseline), seeding, and bad arguments."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_course.tasks import (
    ADDING_BASELINE_MSE,
    adding_problem,
    copy_baseline_loss,
    copy_task,
    delay_task,
)


def test_adding_problem_shapes_dtypes_and_targets():
    x, y = adding_problem(50, 12, seed=3)
    assert x.shape == (50, 12, 2) and y.shape == (50, 1)
    assert x.dtype == np.float32 and y.dtype == np.float32
    markers = x[..., 1]
    assert np.all(markers.sum(axis=1) == 2), "exactly two markers per sequence"
    assert set(np.unique(markers)) == {0.0, 1.0}
    first, second = markers[:, :6].argmax(axis=1), markers[:, 6:].argmax(axis=1) + 6
    assert np.all(markers[:, :6].sum(axis=1) == 1), "one marker in the first half"
    np.testing.assert_allclose(y[:, 0], (x[..., 0] * markers).sum(axis=1), rtol=1e-6)
    assert np.all(first < second)


def test_adding_problem_statistics_give_the_one_sixth_baseline():
    x, y = adding_problem(200_000, 10, seed=0)
    values = x[..., 0]
    assert 0.0 <= values.min() and values.max() < 1.0
    assert abs(values.mean() - 0.5) < 2e-3
    assert abs(float(y.mean()) - 1.0) < 5e-3, "the mean of the target is 1"
    constant_mse = float(np.mean((y - 1.0) ** 2))
    assert ADDING_BASELINE_MSE == pytest.approx(1 / 6)
    assert constant_mse == pytest.approx(1 / 6, abs=3e-3), "always answering 1 scores 1/6"
    best_constant = float(np.mean((y - y.mean()) ** 2))
    assert best_constant == pytest.approx(constant_mse, abs=1e-4), "1 is the best constant"


def test_adding_problem_markers_cover_both_halves_uniformly():
    x, _ = adding_problem(20_000, 8, seed=1)
    counts = x[..., 1].sum(axis=0)  # how often each step is marked
    assert np.allclose(counts / counts.sum(), 1 / 8, atol=0.01)


def test_generators_are_seeded():
    for make in (
        lambda s: adding_problem(5, 9, seed=s),
        lambda s: delay_task(5, 7, seed=s),
        lambda s: copy_task(5, 3, seed=s),
    ):
        a, b, c = make(7), make(7), make(8)
        for left, right in zip(a, b, strict=True):
            np.testing.assert_array_equal(left, right)
        assert not np.array_equal(a[0], c[0])


def test_delay_task_key_first_then_distractors():
    x, y = delay_task(400, 9, n_keys=3, n_distractors=5, seed=2)
    assert x.shape == (400, 10, 8) and x.dtype == np.float32
    assert y.shape == (400,) and y.dtype == np.int64
    np.testing.assert_array_equal(x.sum(axis=2), 1.0)  # one-hot at every step
    symbols = x.argmax(axis=2)
    np.testing.assert_array_equal(symbols[:, 0], y)  # the target is the first symbol
    assert symbols[:, 1:].min() >= 3, "no key ever appears among the distractors"
    assert set(np.unique(y)) == {0, 1, 2}
    assert abs(np.mean(y == 0) - 1 / 3) < 0.08


def test_copy_task_layout():
    x, y = copy_task(6, 5, length=4, n_symbols=3, seed=0)
    T = 2 * 4 + 5
    assert x.shape == (6, T, 5) and y.shape == (6, T)
    inputs = x.argmax(axis=2)
    blank, go = 3, 4
    np.testing.assert_array_equal(inputs[:, 4 + 5 - 1], go)
    np.testing.assert_array_equal(y[:, -4:], inputs[:, :4])  # write back what was read
    assert np.all(y[:, :-4] == blank)
    assert np.all(inputs[:, 4 : 4 + 5 - 1] == blank) and np.all(inputs[:, -4:] == blank)


def test_copy_baseline_matches_the_reference_figures():
    assert copy_baseline_loss(100) == pytest.approx(10 * math.log(8) / 120)
    assert round(copy_baseline_loss(100), 3) == 0.173
    assert round(copy_baseline_loss(1000), 4) == 0.0204


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 5), T=st.integers(2, 30), seed=st.integers(0, 2**32 - 1))
def test_adding_problem_invariants(n, T, seed):
    x, y = adding_problem(n, T, seed=seed)
    assert np.all(x[..., 1].sum(axis=1) == 2)
    assert np.all((0 <= y) & (y < 2))


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: adding_problem(0, 10), ValueError, "n must be an int >= 1, got 0"),
        (lambda: adding_problem(10, 1), ValueError, "T must be an int >= 2, got 1"),
        (lambda: adding_problem(10, 5.5), ValueError, "T must be an int >= 2, got 5.5"),
        (lambda: adding_problem(10, "5"), TypeError, "T must be an int >= 2, got str '5'"),
        (lambda: adding_problem(True, 5), TypeError, "n must be an int >= 1, got bool True"),
        (lambda: adding_problem(10, 5, seed=-1), ValueError, "seed must be an int in"),
        (lambda: delay_task(10, 0), ValueError, "delay must be an int >= 1, got 0"),
        (lambda: delay_task(10, 5, n_keys=1), ValueError, "n_keys must be an int >= 2, got 1"),
        (lambda: delay_task(10, 5, n_distractors=0), ValueError, "n_distractors must be an int"),
        (lambda: copy_task(10, 0), ValueError, "delay must be an int >= 1"),
        (lambda: copy_task(10, 5, length=0), ValueError, "length must be an int >= 1"),
        (lambda: copy_task(10, 5, n_symbols=1), ValueError, "n_symbols must be an int >= 2"),
        (lambda: copy_baseline_loss(-3), ValueError, "delay must be an int >= 1, got -3"),
        (lambda: adding_problem(10**6, 10**6), ValueError, "more than this course's limit"),
        (lambda: delay_task(10, 10, n_keys=10**8), ValueError, "more than this course's limit"),
    ],
)
def test_bad_arguments_name_expected_and_received(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_numpy_integers_and_whole_floats_are_counts():
    a, b = (
        adding_problem(np.int64(4), np.int32(6), seed=np.uint8(2)),
        adding_problem(4, 6.0, seed=2),
    )
    for left, right in zip(a, b, strict=True):
        np.testing.assert_array_equal(left, right)
