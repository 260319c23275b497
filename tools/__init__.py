"""Maintainer tools: not shipped in the wheel.

Run from the repository root (the Makefile does): ``python -m tools --help``.

- ``tools.notebooks``: build and execute notebooks, the repository URL, set-repo, and the
  notebook structure rules the tests apply;
- ``tools.new_notebook``: the template for the next notebook and its course.py entry;
- ``tools.data_build``: rebuild the dataset snapshots in ``datasets/``.

Learners and instructors need none of this: ``lstm_course`` (what Colab installs) keeps
only what notebooks import, plus the student build (``python -m lstm_course student``).
"""
