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

# Environment variables TensorFlow reads once, at import time.
_TF_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",  # C++ logs: errors only
    # oneDNN's fused kernels change the order of float additions with the CPU's vector
    # units; turning them off gives the same numbers on every x86 machine.
    "TF_ENABLE_ONEDNN_OPTS": "0",
}


@dataclass(frozen=True)
class SetupReport:
    """What :func:`setup` set; its repr is the one line a notebook's first cell shows."""

    seed: int
    deterministic_ops: bool
    tensorflow_imported: bool

    def __repr__(self) -> str:
        parts = [f"seed {self.seed} (python, numpy, keras)"]
        if self.tensorflow_imported:
            parts.append(
                "deterministic ops on" if self.deterministic_ops else "deterministic ops off"
            )
            parts.append("TensorFlow logs quiet")
        else:
            parts.append("TensorFlow not loaded")
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


def setup(seed: int = 42, *, tensorflow: bool = True, deterministic: bool = True) -> SetupReport:
    """Seed everything, make TensorFlow deterministic and quiet, and report what was set.

    Call it in a notebook's first code cell, before anything imports TensorFlow.

    Args:
        seed: seed for Python's ``random``, NumPy's global generator and Keras.
        tensorflow: import and configure TensorFlow/Keras too (False keeps NumPy-only
            notebooks fast).
        deterministic: ask TensorFlow for deterministic kernels, so seeded training
            repeats bit for bit on one machine.

    Returns:
        A :class:`SetupReport` describing what was set (shown as one line when it is
        the last expression of a cell).
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    for key, value in _TF_ENV.items():
        os.environ.setdefault(key, value)
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - learners may use the legacy global generator
    _quiet_python_logs()
    _plot_defaults()
    _single_thread_blas()

    tf_loaded = False
    if tensorflow:
        already = "tensorflow" in sys.modules
        if not already:
            with _stderr_silenced():
                import tensorflow as tf  # noqa: F401
        import keras
        import tensorflow as tf

        tf.get_logger().setLevel(logging.ERROR)
        keras.utils.set_random_seed(seed)
        if deterministic:
            tf.config.experimental.enable_op_determinism()
        tf_loaded = True
    return SetupReport(
        seed=seed,
        deterministic_ops=bool(tensorflow and deterministic),
        tensorflow_imported=tf_loaded,
    )
