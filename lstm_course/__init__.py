"""Companion package of the LSTM course.

The package carries the plumbing (data, windows, baselines, checks, plots); the ideas
live in the notebooks. Every notebook starts with::

    import lstm_course
    lstm_course.setup()
"""

from lstm_course._setup import SetupReport, setup

__version__ = "0.1.0"
__all__ = ["SetupReport", "setup", "__version__"]
