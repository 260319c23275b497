"""One call that makes a notebook reproducible and quiet: ``lstm_course.setup()``."""

from __future__ import annotations

import contextlib
import logging
import os
import random
import sys
import warnings
from dataclasses import dataclass

import numpy as np

from lstm_course._checks import check_bool, check_int

MAX_SEED = 2**32 - 1  # NumPy's legacy seed, which Keras also sets, must fit in 32 bits

# Environment variables TensorFlow reads once, at import time. TF_ENABLE_ONEDNN_OPTS is
# deliberately absent: TensorFlow's default (oneDNN on) is kept; see setup()'s docstring.
_TF_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",  # C++ logs: errors only
}
# Plain plots show at this many pixels per inch (an 8 x 3.2 inch figure: 800 x 320 pixels),
# and Jupyter stores them as "retina" PNGs at twice that, sharp on high-density screens.
PLOT_DPI = 100


@dataclass(frozen=True)
class SetupReport:
    """What :func:`setup` set; its repr is the one line a notebook's first cell shows.

    Attributes:
        seed: the seed given to Python's ``random``, NumPy and Keras.
        deterministic_ops: TensorFlow's op determinism as TensorFlow reports it after the
            call (False when TensorFlow was not configured).
        tensorflow_configured: whether this call imported and configured TensorFlow.
    """

    seed: int
    deterministic_ops: bool
    tensorflow_configured: bool

    def __post_init__(self) -> None:
        object.__setattr__(self, "seed", check_int("seed", self.seed, minimum=0, maximum=MAX_SEED))
        for name in ("deterministic_ops", "tensorflow_configured"):
            object.__setattr__(self, name, check_bool(name, getattr(self, name)))

    def __repr__(self) -> str:
        parts = [f"seed {self.seed} (python, numpy, keras)"]
        if self.tensorflow_configured:
            parts.append(
                "deterministic ops on" if self.deterministic_ops else "deterministic ops off"
            )
            parts.append("TensorFlow logs quiet")
        else:
            parts.append("TensorFlow not configured")
        return "lstm_course.setup: " + ", ".join(parts)


@contextlib.contextmanager
def _stderr_silenced():
    """Send file descriptor 2 to /dev/null for the duration (C++ logs bypass Python)."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real fd 2 (some embedded consoles): nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _quiet_python_logs() -> None:
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)
    warnings.filterwarnings(
        "ignore", category=DeprecationWarning, module=r"(tensorflow|keras|jupyter_client)"
    )
    warnings.filterwarnings("ignore", message=r".*np\.object.*")


def _plot_defaults() -> None:
    """Crisp PNG figures of a modest size: 100 dpi, stored at 200 dpi under Jupyter.

    Retina PNGs hold four times the pixels of plain ones and took 3.4 times the bytes in the
    course's notebooks; the heaviest, 03, still weighed 0.91 MB of its 2 MB allowance.
    """
    import matplotlib as mpl

    mpl.rcParams.update(
        {
            "figure.dpi": PLOT_DPI,
            "savefig.dpi": "figure",
            "figure.figsize": (8.0, 3.2),
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


def _retina_inline_figures() -> bool:
    """Ask Jupyter's inline backend for retina PNGs; returns False outside IPython.

    Setting the backend's configuration (rather than calling ``set_matplotlib_formats``
    once) also holds when pyplot is first imported after this call, which is when the
    inline backend reads it.
    """
    try:
        from IPython import get_ipython
        from matplotlib_inline.config import InlineBackend
    except ImportError:  # plain Python: no inline figures to configure
        return False
    shell = get_ipython()
    if shell is None:
        return False
    InlineBackend.instance(parent=shell).figure_formats = {"retina"}
    return True


def _single_thread_blas() -> bool:
    """Run NumPy's BLAS on one thread; returns whether the limit could be set.

    The NumPy LSTM's per-step products are small ((B, H) @ (H, 4H)). On a quiet 2-core
    machine a second thread saves a little (51 ms against 58 ms for the benchmark's smaller
    shape), but OpenBLAS's threads spin while they wait, and on a shared CPU they thrash: with
    other processes using 1.6 of the 2 cores we measured 826 ms on two threads against 192 ms
    on one. One thread is the choice that never hurts much. TensorFlow keeps its own threads.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional: without it NumPy keeps its default threads
        return False
    threadpool_limits(limits=1, user_api="blas")
    return True


def _tensorflow_determinism(tf) -> tuple[bool | None, object | None]:
    """TensorFlow's op-determinism state and its off switch, where this version has them.

    TensorFlow's public API only turns determinism *on*
    (``tf.config.experimental.enable_op_determinism``); the state and the off switch live
    in ``tensorflow.python.framework.config`` (2.9 to 2.21 at least). Returns
    ``(state or None, disable function or None)`` so the caller can report honestly.
    """
    public = tf.config.experimental
    try:
        from tensorflow.python.framework import config as private
    except ImportError:  # a future TensorFlow that moved them
        private = None
    is_enabled = getattr(public, "is_op_determinism_enabled", None) or getattr(
        private, "is_op_determinism_enabled", None
    )
    disable = getattr(public, "disable_op_determinism", None) or getattr(
        private, "disable_op_determinism", None
    )
    return (bool(is_enabled()) if is_enabled else None), disable


def _set_op_determinism(tf, wanted: bool) -> bool:
    """Ask TensorFlow for (or against) deterministic kernels; returns the state now in force."""
    if wanted:
        tf.config.experimental.enable_op_determinism()
        return True
    state, disable = _tensorflow_determinism(tf)
    if state is False:
        return False
    if disable is not None:
        disable()
        state, _ = _tensorflow_determinism(tf)
        return bool(state) if state is not None else False
    warnings.warn(
        "setup(deterministic=False): this TensorFlow cannot turn op determinism off once it "
        "is on; restart the kernel and call setup(deterministic=False) first",
        RuntimeWarning,
        stacklevel=3,
    )
    return True


def setup(seed: int = 42, *, tensorflow: bool = True, deterministic: bool = True) -> SetupReport:
    """Seed everything, make TensorFlow deterministic and quiet, and report what was set.

    Call it in a notebook's first code cell, before anything imports TensorFlow. Every
    argument is checked before anything changes, so a bad call leaves the state as it was.

    Args:
        seed: an int in [0, 2**32 - 1] (NumPy ints accepted) for Python's ``random``,
            NumPy's global generator and Keras.
        tensorflow: import and configure TensorFlow/Keras too (False keeps NumPy-only
            notebooks fast, and leaves TensorFlow untouched).
        deterministic: ask TensorFlow for deterministic kernels, so seeded training
            repeats bit for bit on one machine. ``False`` turns them off again where
            TensorFlow allows it; the report says what is really in force.

    Returns:
        A :class:`SetupReport` describing what was set (shown as one line when it is
        the last expression of a cell).

    ``PYTHONHASHSEED`` is deliberately not set: Python reads it once, when the interpreter
    starts, so setting it here would change nothing. String hashing (the order of a
    ``set`` of strings) therefore varies between runs; sort where order matters.

    TensorFlow's oneDNN kernels are left on, as TensorFlow ships them (this function used to
    set ``TF_ENABLE_ONEDNN_OPTS=0``; set it yourself, before TensorFlow is first imported,
    to turn them off). On the course's 2-core reference CPU they made Keras's LSTM forward +
    gradient 1.8 times faster at batch 64, 100 steps, 32 features, 128 units (41.7 ms ->
    23.5 ms) and 1.3 times at 64 features, 256 units (``python -m lstm_course.bench``; the
    README has the figures), and seeded training still repeats bit for bit on one machine:
    two runs of notebook 04's model gave identical weights, with op determinism on or off.
    What oneDNN changes is the last digits from one kind of CPU to another (it picks kernels
    for the CPU's vector units), and the course never compares those: trained metrics print
    in cells nbval ignores and are asserted with a margin; notebooks 03-05 pass with it on.

    Op determinism stays on by default: it cost nothing measurable in that benchmark
    (23.5 ms against 23.1 ms without), and it makes ``tf.data`` pipelines and multi-threaded
    kernels repeat their order of work.
    """
    seed = check_int("seed", seed, minimum=0, maximum=MAX_SEED)
    tensorflow = check_bool("tensorflow", tensorflow)
    deterministic = check_bool("deterministic", deterministic)

    for key, value in _TF_ENV.items():
        os.environ.setdefault(key, value)
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - learners may use the legacy global generator
    _quiet_python_logs()
    _plot_defaults()
    _retina_inline_figures()
    _single_thread_blas()
    if not tensorflow:
        return SetupReport(seed=seed, deterministic_ops=False, tensorflow_configured=False)

    if "tensorflow" not in sys.modules:
        with _stderr_silenced():
            import tensorflow as tf  # noqa: F401
    import keras
    import tensorflow as tf

    tf.get_logger().setLevel(logging.ERROR)
    keras.utils.set_random_seed(seed)
    in_force = _set_op_determinism(tf, deterministic)
    return SetupReport(seed=seed, deterministic_ops=in_force, tensorflow_configured=True)
