"""Time the NumPy LSTM (forward + backward) against keras.layers.LSTM (forward + gradient).

    python -m lstm_course.bench                 # batch 64, time 100, features 32, units 128
    python -m lstm_course.bench --shape 128 200 64 256 --repeats 5

Prints the median of several runs for each and the NumPy/Keras ratio (below 1: NumPy is
faster). Both run in float32 on the CPU; the Keras step is a compiled tf.function.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lstm_course._checks import (
    check_callable,
    check_int,
    check_number,
    check_seed,
    check_size,
    describe,
)
from lstm_course.numpy_lstm import MAX_UNITS

SHAPE_NAMES = ("batch", "steps", "features", "units")


@dataclass(frozen=True)
class Timing:
    """Median seconds of the NumPy and the Keras step at one shape."""

    shape: tuple[int, int, int, int]  # batch, time, features, units
    numpy_s: float
    keras_s: float

    def __post_init__(self):
        if not isinstance(self.shape, (tuple, list)) or len(self.shape) != 4:
            raise TypeError(
                f"shape must be a tuple (batch, steps, features, units), got {describe(self.shape)}"
            )
        object.__setattr__(self, "shape", check_shape(*self.shape))
        for name in ("numpy_s", "keras_s"):
            value = check_number(name, getattr(self, name), minimum=0.0, exclusive_minimum=True)
            object.__setattr__(self, name, value)

    @property
    def ratio(self) -> float:
        return self.numpy_s / self.keras_s

    def __str__(self) -> str:
        B, T, D, H = self.shape
        return (
            f"batch {B}, time {T}, features {D}, units {H}: numpy {self.numpy_s * 1e3:7.1f} ms, "
            f"keras {self.keras_s * 1e3:7.1f} ms, numpy/keras = {self.ratio:.2f}"
        )


def check_shape(batch, steps, features, units) -> tuple[int, int, int, int]:
    """Validate a benchmark shape up front (a zero size crashes TensorFlow's C++ kernels)."""
    shape = tuple(
        check_int(name, value, minimum=1, maximum=MAX_UNITS if name == "units" else None)
        for name, value in zip(SHAPE_NAMES, (batch, steps, features, units), strict=True)
    )
    B, T, D, H = shape
    check_size(f"a benchmark of shape {shape}", B * T * (D + 14 * H))  # x and BPTT's buffers
    return shape


def median_time(fn: Callable[[], object], repeats: int, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` over ``repeats`` (>= 1) runs, after ``warmup`` untimed runs."""
    check_callable("fn", fn)
    repeats = check_int("repeats", repeats, minimum=1)
    warmup = check_int("warmup", warmup, minimum=0)
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def numpy_step(
    batch: int, steps: int, features: int, units: int, seed: int = 0
) -> Callable[[], object]:
    """A closure running forward + backward of the NumPy LSTM on fixed random data (float32)."""
    from lstm_course.numpy_lstm import init_lstm_params, lstm_backward, lstm_forward

    batch, steps, features, units = check_shape(batch, steps, features, units)
    rng = np.random.default_rng(check_seed("seed", seed))
    x = rng.normal(size=(batch, steps, features)).astype(np.float32)
    params = init_lstm_params(features, units, seed=seed, dtype=np.float32)
    upstream = rng.normal(size=(batch, steps, units)).astype(np.float32)

    from threadpoolctl import threadpool_limits

    # One BLAS thread, as lstm_course.setup() sets: small per-step products gain nothing from
    # more, and thrash on a shared CPU. The limit stays in force for this process.
    threadpool_limits(limits=1, user_api="blas")

    def run():
        _, _, cache = lstm_forward(x, params, return_cache=True)
        return lstm_backward(x, params, upstream, cache=cache)

    return run


def keras_step(
    batch: int, steps: int, features: int, units: int, seed: int = 0
) -> Callable[[], object]:
    """A closure running a compiled forward + gradient of keras.layers.LSTM on the same shapes."""
    batch, steps, features, units = check_shape(batch, steps, features, units)
    rng = np.random.default_rng(check_seed("seed", seed))
    import keras
    import tensorflow as tf

    x = tf.constant(rng.normal(size=(batch, steps, features)).astype(np.float32))
    upstream = tf.constant(rng.normal(size=(batch, steps, units)).astype(np.float32))
    layer = keras.layers.LSTM(units, return_sequences=True)
    layer.build((None, steps, features))

    @tf.function
    def run():
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(layer(x) * upstream)
        return tape.gradient(loss, [x, *layer.trainable_weights])

    return run


def compare(batch=64, steps=100, features=32, units=128, repeats=5) -> Timing:
    """Median times of both implementations at one shape."""
    shape = check_shape(batch, steps, features, units)
    repeats = check_int("repeats", repeats, minimum=1)
    return Timing(
        shape, median_time(numpy_step(*shape), repeats), median_time(keras_step(*shape), repeats)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lstm_course.bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--shape",
        nargs=4,
        type=int,
        metavar=("BATCH", "TIME", "FEATURES", "UNITS"),
        action="append",
        help="shape to time (repeatable); default: 64 100 32 128 and 64 100 64 256",
    )
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per shape, >= 1")
    args = parser.parse_args(argv)
    shapes = args.shape or [(64, 100, 32, 128), (64, 100, 64, 256)]
    try:  # every argument is checked before TensorFlow is even loaded
        check_int("--repeats", args.repeats, minimum=1)
        for shape in shapes:
            check_shape(*shape)
    except (TypeError, ValueError) as err:
        parser.error(str(err))
    import lstm_course

    lstm_course.setup(0)
    for shape in shapes:
        print(compare(*shape, repeats=args.repeats), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
