"""pytest configuration shared by unit tests and nbval.

nbval compares every stored output with a fresh run. Text written to stderr (library
warnings, TensorFlow notices) varies between machines and versions and is never a
result, so it is dropped before comparison; stdout, rich outputs and errors still count.

Progress bars (lstm_course.progress) are turned off for every kernel the tests start (nbval,
the student notebooks): their timings would differ from the stored outputs on every run.
"""

from __future__ import annotations

import os

os.environ["LSTM_COURSE_PROGRESS"] = "0"  # read by lstm_course.progress in each kernel


def _without_stderr(outputs):
    return [
        o for o in outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
    ]


def pytest_configure(config):
    try:
        from nbval.plugin import IPyNbCell
    except ImportError:  # nbval not installed: unit tests still run
        return
    if getattr(IPyNbCell.compare_outputs, "_drops_stderr", False):
        return
    original = IPyNbCell.compare_outputs

    def compare_outputs(self, test, ref, skip_compare=None):
        return original(self, _without_stderr(test), _without_stderr(ref), skip_compare)

    compare_outputs._drops_stderr = True
    IPyNbCell.compare_outputs = compare_outputs
