"""lstm_course.setup(): seeds, determinism, quiet logs — and a bad call changes nothing."""

import os
import random
import subprocess
import sys

import numpy as np
import pytest

import lstm_course


def draws():
    return random.random(), np.random.rand(3)  # noqa: NPY002 - the global state setup seeds


def test_setup_seeds_python_and_numpy_repeatably():
    lstm_course.setup(7, tensorflow=False)
    first = draws()
    lstm_course.setup(np.int64(7), tensorflow=False)  # NumPy ints are ints
    second = draws()
    assert first[0] == second[0]
    np.testing.assert_array_equal(first[1], second[1])


def test_setup_reports_what_it_set():
    report = lstm_course.setup(3, tensorflow=False)
    assert report.seed == 3 and not report.tensorflow_configured
    assert (
        repr(report)
        == "lstm_course.setup: seed 3 (python, numpy, keras), TensorFlow not configured"
    )


def test_setup_accepts_the_whole_32_bit_seed_range():
    assert lstm_course.setup(2**32 - 1, tensorflow=False).seed == 2**32 - 1


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"seed": -1}, ValueError, r"seed must be an int in \[0, 4294967295\], got -1"),
        ({"seed": 2**32}, ValueError, r"seed must be an int in \[0, 4294967295\]"),
        ({"seed": 1.5}, ValueError, "seed must be an int"),
        ({"seed": "42"}, TypeError, "seed must be an int"),
        ({"seed": True}, TypeError, "seed must be an int"),
        ({"seed": None}, TypeError, "seed must be an int"),
        ({"seed": 1, "tensorflow": "no"}, TypeError, "tensorflow must be True or False"),
        ({"seed": 1, "deterministic": 0}, TypeError, "deterministic must be True or False"),
    ],
)
def test_a_bad_call_is_refused_before_anything_changes(kwargs, error, message):
    lstm_course.setup(5, tensorflow=False)
    random_state, numpy_state = random.getstate(), np.random.get_state()  # noqa: NPY002
    with pytest.raises(error, match=message):
        lstm_course.setup(**kwargs)
    assert random.getstate() == random_state
    after = np.random.get_state()  # noqa: NPY002
    np.testing.assert_array_equal(after[1], numpy_state[1])


def test_setup_does_not_pretend_to_set_pythonhashseed(monkeypatch):
    """Python reads PYTHONHASHSEED at start-up only; setting it later would do nothing."""
    monkeypatch.delenv("PYTHONHASHSEED", raising=False)
    lstm_course.setup(9, tensorflow=False)
    assert "PYTHONHASHSEED" not in os.environ
    assert "PYTHONHASHSEED" in lstm_course.setup.__doc__


def test_setup_with_tensorflow_makes_keras_repeatable():
    report = lstm_course.setup(11)
    import keras

    a = keras.random.normal((4,), seed=None)
    lstm_course.setup(11)
    b = keras.random.normal((4,), seed=None)
    assert report.deterministic_ops and report.tensorflow_configured
    assert repr(report) == (
        "lstm_course.setup: seed 11 (python, numpy, keras), deterministic ops on, "
        "TensorFlow logs quiet"
    )
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_deterministic_false_after_true_reports_what_tensorflow_really_does():
    """TensorFlow keeps determinism once on unless switched off: the report must not lie."""
    probe = (
        "import lstm_course, warnings\n"
        "from tensorflow.python.framework import config\n"
        "lstm_course.setup(1)\n"
        "with warnings.catch_warnings(record=True):\n"
        "    warnings.simplefilter('always')\n"
        "    report = lstm_course.setup(1, deterministic=False)\n"
        "print(report.deterministic_ops, config.is_op_determinism_enabled())\n"
        "print(lstm_course.setup(1).deterministic_ops, config.is_op_determinism_enabled())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    off, on = result.stdout.splitlines()[-2:]
    reported, actual = off.split()
    assert reported == actual, f"setup reported {reported}, TensorFlow has {actual}"
    assert on == "True True"


def test_setup_runs_numpy_blas_on_one_thread():
    """Small per-step products thrash on several BLAS threads (see lstm_course._setup)."""
    from threadpoolctl import threadpool_info

    lstm_course.setup(0, tensorflow=False)
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)


def test_setup_leaves_onednn_at_tensorflows_default(monkeypatch):
    """oneDNN stays on: Keras trains up to twice as fast with it, repeatably (see setup())."""
    monkeypatch.delenv("TF_ENABLE_ONEDNN_OPTS", raising=False)
    lstm_course.setup(0, tensorflow=False)
    assert "TF_ENABLE_ONEDNN_OPTS" not in os.environ
    assert "oneDNN" in lstm_course.setup.__doc__


def test_plots_are_at_least_100_dpi():
    import matplotlib as mpl

    with mpl.rc_context():
        lstm_course.setup(0, tensorflow=False)
        assert mpl.rcParams["figure.dpi"] >= 100


def test_jupyter_stores_retina_figures_even_when_pyplot_came_first():
    """In a real kernel: a PNG of twice the pixels, shown at the figure's size."""
    import base64
    import io

    import nbformat
    from nbclient import NotebookClient
    from PIL import Image

    cells = [
        "import matplotlib.pyplot as plt",  # the inline backend configures itself here
        "import lstm_course\nlstm_course.setup(tensorflow=False)",
        "fig, ax = plt.subplots(figsize=(4, 2))\nax.plot([0, 1])\nprint(fig.dpi)\nplt.show()",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    outputs = notebook.cells[-1].outputs
    (printed,) = [o["text"] for o in outputs if o.get("name") == "stdout"]
    assert float(printed) >= 100
    (output,) = [o for o in outputs if "image/png" in o.get("data", {})]
    width, height = Image.open(io.BytesIO(base64.b64decode(output["data"]["image/png"]))).size
    shown = output["metadata"]["image/png"]
    assert 0 <= width - 2 * shown["width"] <= 1 and 0 <= height - 2 * shown["height"] <= 1
