import random

import numpy as np
import pytest

import lstm_course


def test_setup_seeds_python_and_numpy_repeatably():
    lstm_course.setup(7, tensorflow=False)
    first = (random.random(), np.random.rand(3))  # noqa: NPY002
    lstm_course.setup(7, tensorflow=False)
    second = (random.random(), np.random.rand(3))  # noqa: NPY002
    assert first[0] == second[0]
    np.testing.assert_array_equal(first[1], second[1])


def test_setup_reports_what_it_set():
    report = lstm_course.setup(3, tensorflow=False)
    assert report.seed == 3 and not report.tensorflow_imported
    assert repr(report).startswith("lstm_course.setup: seed 3")


def test_setup_with_tensorflow_makes_keras_repeatable():
    report = lstm_course.setup(11)
    import keras

    a = keras.random.normal((4,), seed=None)
    lstm_course.setup(11)
    b = keras.random.normal((4,), seed=None)
    assert report.deterministic_ops and report.tensorflow_imported
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


@pytest.mark.parametrize("seed", [-1, 1.5, "42", True])
def test_setup_rejects_bad_seeds(seed):
    with pytest.raises(ValueError, match="seed must be a non-negative int"):
        lstm_course.setup(seed, tensorflow=False)


def test_setup_runs_numpy_blas_on_one_thread():
    """Small per-step products thrash on several BLAS threads (see lstm_course._setup)."""
    from threadpoolctl import threadpool_info

    lstm_course.setup(0, tensorflow=False)
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)
