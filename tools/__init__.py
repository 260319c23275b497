"""Maintainer tools: not shipped in the wheel.

Run from the repository root (the Makefile does): ``python -m tools --help``.

- ``tools.notebooks``: build and execute notebooks, the repository URL, set-repo, and the
  notebook structure rules the tests apply;
- ``tools.new_notebook``: the template for the next notebook and its course.py entry;
- ``tools.data_build``: rebuild the dataset snapshots in ``datasets/`` (and ``record``, which
  writes a snapshot's sha256 and provenance into the manifest); ``tools.build_beijing`` and
  ``tools.build_chorales`` rebuild notebook 06's and 07's snapshots;
- ``tools.train_chorales`` and ``tools.seed_runs``: the documented commands behind stored
  checkpoints and stored several-seed runs;
- ``tools.instructors``: INSTRUCTORS.md's exercise tables, from the exercise registry.

Learners and instructors need none of this: ``lstm_course`` (what Colab installs) keeps
only what notebooks import, plus the student build (``python -m lstm_course student``).
"""
