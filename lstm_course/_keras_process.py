"""Keras timed on the CPU in a Python process of its own, with TensorFlow's default settings.

TensorFlow reads its oneDNN switch and its thread counts once, when it starts, so a
benchmark of "Keras as TensorFlow ships it" or "Keras on one thread" needs a process that
has set nothing else. :func:`time_keras_step` starts one per thread setting on first use
and keeps it for later calls (importing TensorFlow takes seconds); they stop when this
Python exits, or when their stdin closes if it dies first.
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

_REPLY = "lstm_course.bench reply: "  # marks the answers among anything else it prints


def serve(threads: int) -> None:
    """Worker loop (in its own process): time keras_step for each request read from stdin.

    ``threads`` 0 leaves TensorFlow's thread counts at its defaults; n > 0 sets both the
    intra- and the inter-op pool to n threads. Requests and replies are JSON lines.
    """
    import tensorflow as tf

    from lstm_course.bench import keras_step, median_time

    if threads:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    config = {  # what is in force, so the parent (and its tests) can see it
        "threads": threads or cores_available(),
        "intra_op": tf.config.threading.get_intra_op_parallelism_threads(),  # 0: TF's choice
        "onednn_env": os.environ.get("TF_ENABLE_ONEDNN_OPTS"),  # None: TF's default, on
        "deterministic_ops": _determinism_enabled(tf),
    }
    for line in sys.stdin:
        request = json.loads(line)
        try:
            step = keras_step(*request["shape"], seed=request["seed"])
            reply = {"seconds": median_time(step, request["repeats"], warmup=5), **config}
        except Exception as err:  # noqa: BLE001 - reported to the parent, which raises it
            reply = {"error": f"{type(err).__name__}: {err}"}
        print(_REPLY + json.dumps(reply), flush=True)


def _determinism_enabled(tf) -> bool | None:
    from lstm_course._setup import _tensorflow_determinism

    return _tensorflow_determinism(tf)[0]


def cores_available() -> int:
    """The cores this process may run on: TensorFlow's default size for its thread pools."""
    if hasattr(os, "sched_getaffinity"):  # Linux: honours taskset and container limits
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class _KerasProcess:
    """A Python process running :func:`serve`, with TensorFlow's default settings."""

    def __init__(self, threads: int):
        env = dict(os.environ)
        env.pop("TF_ENABLE_ONEDNN_OPTS", None)  # TensorFlow's default: oneDNN on (x86)
        env["TF_CPP_MIN_LOG_LEVEL"] = "3"
        env["CUDA_VISIBLE_DEVICES"] = "-1"  # the CPU, like NumPy, even on a GPU machine (Colab)
        package_root = str(Path(__file__).resolve().parents[1])  # works from a checkout too
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
        self.log = tempfile.TemporaryFile(mode="w+")  # its stderr, shown if it fails
        code = f"from lstm_course._keras_process import serve; serve({threads})"
        self.process = subprocess.Popen(
            [sys.executable, "-c", code],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            env=env,
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    def time(self, shape, repeats: int, seed: int) -> dict:
        request = {"shape": list(shape), "repeats": repeats, "seed": seed}
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # it died: the read below finds out and reports why
        for line in self.process.stdout:
            if line.startswith(_REPLY):
                reply = json.loads(line[len(_REPLY) :])
                if "error" in reply:
                    raise RuntimeError(f"timing keras.layers.LSTM failed: {reply['error']}")
                return reply
        self.log.seek(0)
        raise RuntimeError(
            "the process timing keras.layers.LSTM stopped; its last output:\n"
            + self.log.read()[-2000:]
        )

    def close(self) -> None:
        """End of input tells it to stop; it gets 10 seconds before it is killed."""
        try:
            self.process.stdin.close()
        except OSError:  # already dead: nothing to tell
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        self.log.close()


_PROCESSES: dict[int, _KerasProcess] = {}


@atexit.register
def close_all() -> None:
    """Stop every Keras process this Python started (run at exit)."""
    while _PROCESSES:
        _PROCESSES.popitem()[1].close()


def time_keras_step(threads: int, shape, repeats: int, seed: int) -> dict:
    """Ask the process for ``threads`` (0: TensorFlow's choice) to time keras_step.

    Returns its reply: ``seconds`` (median) and the configuration in force there.
    Arguments are the caller's to check (lstm_course.bench.keras_time does).
    """
    worker = _PROCESSES.get(threads)
    if worker is None or not worker.alive():
        if worker is not None:
            worker.close()
        worker = _PROCESSES[threads] = _KerasProcess(threads)
    return worker.time(shape, repeats, seed)
