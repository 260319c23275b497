"""Fuzz the benchmark functions added with issue 13 (Keras in its own processes, FLOP rates).

The older bench functions (Timing, check_shape, median_time, numpy_step, keras_step, compare)
are registered in tests/test_fuzz_numpy.py; see tests/fuzzing.py for what fuzzing checks.
"""

from __future__ import annotations

import pytest
from fuzzing import FuzzTarget, assert_fuzz_clean

from lstm_course import bench

NONE_IS_DEFAULT = {"None"}

TARGETS = [
    FuzzTarget(
        bench.Timing,
        {
            "shape": (2, 3, 2, 4),
            "numpy_s": 0.5,
            "keras_s": 0.25,
            "keras_1thread_s": 0.4,
            "keras_threads": 2,
            "sgemm_gflops": 100.0,
        },
        aliases={"shape": bench.SHAPE_NAMES},  # one size is refused by its own name
        accept={
            name: NONE_IS_DEFAULT for name in ("keras_1thread_s", "keras_threads", "sgemm_gflops")
        },
        name="bench.Timing (all parts)",
    ),
    FuzzTarget(bench.lstm_flops, {"batch": 2, "steps": 3, "features": 2, "units": 4}),
    FuzzTarget(bench.sgemm_gflops, {"size": 64, "repeats": 1}, deterministic=False),  # a rate
    FuzzTarget(bench.blas_description, {}),  # no arguments: called once, must not fail
    FuzzTarget(
        bench.keras_time,
        {"batch": 1, "steps": 2, "features": 1, "units": 2, "repeats": 1, "threads": 1, "seed": 0},
        accept={"threads": NONE_IS_DEFAULT},  # None: TensorFlow's own thread counts
        deterministic=False,  # wall times
    ),
    FuzzTarget(bench.compare_shapes, {"shapes": [(1, 2, 1, 2)], "repeats": 1}, deterministic=False),
]


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_bad_inputs_get_clear_errors(target):
    assert_fuzz_clean(target)
