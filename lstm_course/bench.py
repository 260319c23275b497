"""Time the NumPy LSTM against keras.layers.LSTM, honestly, and against the CPU's own limit.

    python -m lstm_course.bench                 # shapes 64 100 32 128 and 64 100 64 256
    python -m lstm_course.bench --shape 128 200 64 256 --repeats 9

At each shape (batch, time, features, units) it prints the median of ``--repeats`` timed
runs, after warm-up, of:

- **NumPy**: ``lstm_forward`` + ``lstm_backward`` in float32 on one BLAS thread (what
  ``lstm_course.setup()`` sets);
- **Keras, TensorFlow's defaults**: a compiled (``tf.function``) forward + gradient of
  ``keras.layers.LSTM`` as a user gets it without asking: oneDNN on, op determinism off,
  one thread per core;
- **Keras, 1 thread**: the same with TensorFlow's intra- and inter-op threads set to 1,
  the thread count NumPy uses.

Both run in float32 on the CPU (Keras's process is shown no GPU). Each Keras configuration
runs in a Python process of its own (TensorFlow reads these settings once, when it starts),
which this module starts on first use and keeps for the next call.

The printout also gives the NumPy LSTM's rate in GFLOP/s (its matrix products are
3 · 2·B·T·4H·(D + H) floating-point operations) against the rate of one large float32
matrix product (sgemm) on one thread of the same machine, the most NumPy's BLAS can give,
and names the BLAS's kernels: OpenBLAS's AVX2 kernels do half the work per cycle of its
AVX-512 ones, which TensorFlow's oneDNN uses where the CPU has them.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lstm_course import _keras_process
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
DEFAULT_SHAPES = ((64, 100, 32, 128), (64, 100, 64, 256))


@dataclass(frozen=True)
class Timing:
    """Median seconds of the NumPy and the Keras step at one shape.

    Attributes:
        shape: (batch, steps, features, units).
        numpy_s: NumPy forward + backward, float32, one BLAS thread.
        keras_s: Keras forward + gradient in TensorFlow's default configuration.
        keras_1thread_s: the same Keras step on one thread (None: not timed).
        keras_threads: the threads TensorFlow's default configuration used (None: unknown).
        sgemm_gflops: one-thread float32 matrix-product rate of this machine (None: not
            measured), the yardstick for the NumPy LSTM's own rate.
    """

    shape: tuple[int, int, int, int]  # batch, time, features, units
    numpy_s: float
    keras_s: float
    keras_1thread_s: float | None = None
    keras_threads: int | None = None
    sgemm_gflops: float | None = None

    def __post_init__(self):
        if not isinstance(self.shape, (tuple, list)) or len(self.shape) != 4:
            raise TypeError(
                f"shape must be a tuple (batch, steps, features, units), got {describe(self.shape)}"
            )
        object.__setattr__(self, "shape", check_shape(*self.shape))
        for name in ("numpy_s", "keras_s", "keras_1thread_s", "sgemm_gflops"):
            value = getattr(self, name)
            if value is not None or name in ("numpy_s", "keras_s"):
                value = check_number(name, value, minimum=0.0, exclusive_minimum=True)
            object.__setattr__(self, name, value)
        if self.keras_threads is not None:
            object.__setattr__(
                self, "keras_threads", check_int("keras_threads", self.keras_threads, minimum=1)
            )

    @property
    def ratio(self) -> float:
        """NumPy's time over Keras's in TensorFlow's default configuration (> 1: Keras faster)."""
        return self.numpy_s / self.keras_s

    @property
    def ratio_1thread(self) -> float | None:
        """NumPy's time over Keras's on one thread each (None when Keras was not timed so)."""
        return None if self.keras_1thread_s is None else self.numpy_s / self.keras_1thread_s

    @property
    def numpy_gflops(self) -> float:
        """The NumPy LSTM's matrix-product rate, in 10**9 floating-point operations per second."""
        return lstm_flops(*self.shape) / self.numpy_s / 1e9

    def __str__(self) -> str:
        B, T, D, H = self.shape
        rate = f"{self.numpy_gflops:.1f} GFLOP/s"
        if self.sgemm_gflops:
            share = self.numpy_gflops / self.sgemm_gflops
            rate += f" = {share:.0%} of one-thread sgemm ({self.sgemm_gflops:.0f} GFLOP/s)"
        threads = f"{self.keras_threads} threads" if self.keras_threads else "its threads"
        rows = [
            ("NumPy, 1 BLAS thread", self.numpy_s, rate),
            (
                f"Keras, TensorFlow defaults ({threads})",
                self.keras_s,
                f"NumPy/Keras = {self.ratio:.2f}",
            ),
        ]
        if self.keras_1thread_s is not None:
            rows.append(
                (
                    "Keras, 1 thread (as NumPy)",
                    self.keras_1thread_s,
                    f"NumPy/Keras = {self.ratio_1thread:.2f}",
                )
            )
        header = (
            f"batch {B}, time {T}, features {D}, units {H} "
            f"({lstm_flops(*self.shape) / 1e9:.2f} GFLOP per forward + backward):"
        )
        return "\n".join([header] + [f"  {a:38s} {t * 1e3:7.1f} ms   {b}" for a, t, b in rows])


def check_shape(batch, steps, features, units) -> tuple[int, int, int, int]:
    """Validate a benchmark shape up front (a zero size crashes TensorFlow's C++ kernels)."""
    shape = tuple(
        check_int(name, value, minimum=1, maximum=MAX_UNITS if name == "units" else None)
        for name, value in zip(SHAPE_NAMES, (batch, steps, features, units), strict=True)
    )
    B, T, D, H = shape
    check_size(f"a benchmark of shape {shape}", B * T * (D + 14 * H))  # x and BPTT's buffers
    return shape


def _check_shapes(shapes) -> list[tuple[int, int, int, int]]:
    """A non-empty list of (batch, steps, features, units); the error names the bad entry."""
    expected = "shapes must be a non-empty list of (batch, steps, features, units)"
    if isinstance(shapes, (str, bytes, dict)) or not isinstance(shapes, (list, tuple, np.ndarray)):
        raise TypeError(f"{expected}, got {describe(shapes)}")
    if len(shapes) == 0:
        raise ValueError(f"{expected}, got an empty {type(shapes).__name__}")
    checked = []
    for k, shape in enumerate(shapes):
        if isinstance(shape, (str, bytes)) or not isinstance(shape, (list, tuple, np.ndarray)):
            raise TypeError(f"{expected}, got {describe(shape)} as shapes[{k}]")
        if len(shape) != 4:
            raise ValueError(f"{expected}, got {len(shape)} numbers as shapes[{k}]")
        try:
            checked.append(check_shape(*shape))
        except (TypeError, ValueError) as err:
            raise type(err)(f"shapes[{k}]: {err}") from None
    return checked


def lstm_flops(batch: int, steps: int, features: int, units: int) -> int:
    """Floating-point operations in the matrix products of one LSTM forward + backward pass.

    Forward: ``[x_t, h_{t-1}] @ W.T`` at every step, 2·B·T·4H·(D + H). Backward: two products
    of the same size, one for dW and one for d[x_t, h_{t-1}]. The gates' elementwise work
    (a few operations per element of a (B, T, 4H) array) is left out: it is under 1 % here.
    """
    B, T, D, H = check_shape(batch, steps, features, units)
    return 3 * 2 * B * T * 4 * H * (D + H)


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


def blas_description() -> str:
    """NumPy's BLAS library, version and kernels, e.g. "openblas 0.3.31, Haswell kernels".

    The kernels matter: OpenBLAS picks them for the CPU (AVX2 kernels do half the work per
    cycle of AVX-512 ones) unless ``OPENBLAS_CORETYPE`` in the environment names others.
    """
    from threadpoolctl import threadpool_info

    pools = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    if not pools:
        return "unknown"
    pool = pools[0]
    text = f"{pool['internal_api']} {pool.get('version') or ''}".strip()
    if pool.get("architecture"):
        text += f", {pool['architecture']} kernels"
    if os.environ.get("OPENBLAS_CORETYPE"):
        text += f" (OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']} is set)"
    return text


def sgemm_gflops(size: int = 1024, repeats: int = 7) -> float:
    """GFLOP/s of a (size, size) @ (size, size) float32 product on one BLAS thread (median).

    At this size the BLAS's kernels run at their peak (on the reference CPU 1024, 1536 and
    2048 gave the same rate), the ceiling for a NumPy program whose work is matrix products
    on one thread.
    """
    size = check_int("size", size, minimum=64, maximum=8192)
    repeats = check_int("repeats", repeats, minimum=1)
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal((size, size), dtype=np.float32) for _ in range(2))
    out = np.empty((size, size), np.float32)
    with threadpool_limits(limits=1, user_api="blas"):
        seconds = median_time(lambda: np.matmul(a, b, out=out), repeats)
    return 2 * size**3 / seconds / 1e9


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
    """A closure running a compiled forward + gradient of keras.layers.LSTM on the same shapes.

    It runs in this process, with whatever TensorFlow configuration this process has;
    :func:`keras_time` runs it in a process with TensorFlow's defaults.
    """
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


def keras_time(
    batch: int, steps: int, features: int, units: int, repeats: int = 5, *, threads=None, seed=0
) -> tuple[float, int]:
    """Median seconds of :func:`keras_step` in a process with TensorFlow's default settings.

    Args:
        batch, steps, features, units: the shape.
        repeats: timed runs (>= 1), after five warm-up runs (the first traces the graph).
        threads: None keeps TensorFlow's thread counts (one per core); an int n >= 1 sets its
            intra- and inter-op pools to n threads.
        seed: seed of the random inputs.

    Returns:
        ``(seconds, threads used)``. The process starts on first use (a few seconds, to
        import TensorFlow) and is kept for later calls until this Python exits.
    """
    shape = check_shape(batch, steps, features, units)
    repeats = check_int("repeats", repeats, minimum=1)
    threads = 0 if threads is None else check_int("threads", threads, minimum=1, maximum=1024)
    seed = check_int("seed", seed, minimum=0, maximum=2**32 - 1)
    reply = _keras_process.time_keras_step(threads, shape, repeats, seed)
    return reply["seconds"], reply["threads"]


def compare_shapes(shapes=DEFAULT_SHAPES, repeats: int = 5) -> list[Timing]:
    """Time NumPy and Keras (TensorFlow's defaults, and on one thread) at each shape.

    Args:
        shapes: a list of (batch, steps, features, units).
        repeats: timed runs (>= 1) per implementation and shape; each time is their median.

    Returns:
        One :class:`Timing` per shape; print them to read them.
    """
    shapes = _check_shapes(shapes)
    repeats = check_int("repeats", repeats, minimum=1)
    peak = sgemm_gflops()
    timings = []
    for shape in shapes:  # interleaved, so a change in the machine's load hits all three alike
        numpy_s = median_time(numpy_step(*shape), repeats, warmup=2)
        keras_s, threads = keras_time(*shape, repeats)
        keras_1thread_s, _ = keras_time(*shape, repeats, threads=1)
        timings.append(Timing(shape, numpy_s, keras_s, keras_1thread_s, threads, peak))
    return timings


def compare(batch=64, steps=100, features=32, units=128, repeats=5) -> Timing:
    """:func:`compare_shapes` at one shape."""
    shape = check_shape(batch, steps, features, units)
    return compare_shapes([shape], check_int("repeats", repeats, minimum=1))[0]


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
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per shape, >= 1")
    args = parser.parse_args(argv)
    shapes = args.shape or DEFAULT_SHAPES
    try:  # every argument is checked before anything is timed
        check_int("--repeats", args.repeats, minimum=1)
        _check_shapes(shapes)
    except (TypeError, ValueError) as err:
        parser.error(str(err))
    import lstm_course

    lstm_course.setup(0, tensorflow=False)  # NumPy on one BLAS thread; Keras runs elsewhere
    cores = _keras_process.cores_available()
    print(f"median of {args.repeats} runs each, float32, {cores} CPU cores", flush=True)
    print(f"NumPy's BLAS: {blas_description()}", flush=True)
    print(
        "Keras, in processes of its own: TensorFlow's defaults (oneDNN on, op determinism "
        "off, one thread per core), and on 1 thread",
        flush=True,
    )
    for shape in shapes:
        print(compare_shapes([shape], repeats=args.repeats)[0], flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
