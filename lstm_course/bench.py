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


@dataclass(frozen=True)
class Timing:
    shape: tuple[int, int, int, int]  # batch, time, features, units
    numpy_s: float
    keras_s: float

    @property
    def ratio(self) -> float:
        return self.numpy_s / self.keras_s

    def __str__(self) -> str:
        B, T, D, H = self.shape
        return (
            f"batch {B}, time {T}, features {D}, units {H}: numpy {self.numpy_s * 1e3:7.1f} ms, "
            f"keras {self.keras_s * 1e3:7.1f} ms, numpy/keras = {self.ratio:.2f}"
        )


def median_time(fn: Callable[[], object], repeats: int, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` over ``repeats`` runs, after ``warmup`` untimed runs."""
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

    rng = np.random.default_rng(seed)
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
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(seed)
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
    shape = (batch, steps, features, units)
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
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    import lstm_course

    lstm_course.setup(0)
    for shape in args.shape or [(64, 100, 32, 128), (64, 100, 64, 256)]:
        if min(shape) < 1:
            parser.error(f"every size must be >= 1, got {shape}")
        print(compare(*shape, repeats=args.repeats), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
