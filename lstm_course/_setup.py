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

# Environment variables TensorFlow reads once, at import time.
_TF_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",  # C++ logs: errors only
    # oneDNN's fused kernels change the order of float additions with the CPU's vector
    # units; turning them off gives the same numbers on every x86 machine.
    "TF_ENABLE_ONEDNN_OPTS": "0",
}


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
    """Small PNG figures: notebooks stay well under 2 MB and render the same everywhere."""
    import matplotlib as mpl

    mpl.rcParams.update(
        {
            "figure.dpi": 72,
            "savefig.dpi": 72,
            "figure.figsize": (8.0, 3.2),
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


def _single_thread_blas() -> bool:
    """Run NumPy's BLAS on one thread; returns whether the limit could be set.

    The NumPy LSTM's per-step products are small ((B, H) @ (H, 4H)): splitting them across
    threads costs more than it saves, and on a shared CPU the threads thrash — we measured
    76 ms on one thread against over a second on two. TensorFlow keeps its own threads.
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
