from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parent.parent

# Hypothesis profiles. "ci": the same examples on every run (derandomize) and no example
# database, so a CI failure is reproducible and never depends on an earlier run. "dev":
# fresh random examples each run, failures remembered in .hypothesis/ and replayed first.
# Neither has a deadline: timings on a shared 2-core machine are noise, not failures.
# CI is detected by the CI environment variable; HYPOTHESIS_PROFILE overrides both.
settings.register_profile("ci", derandomize=True, database=None, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def python() -> str:
    return sys.executable
