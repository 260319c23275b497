"""Headless Chromium through Selenium, shared by the browser checks (test_site, test_lab_browser).

Debian's ``chromium`` and ``chromium-driver`` (`make browser`), driven by Selenium from
.venv-site. Where a tool is missing the checks skip, unless SITE_CHECK_REQUIRED=1 (set by
`make site-check` and `make lab-check`), where they fail and say what to install.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
REQUIRED = os.environ.get("SITE_CHECK_REQUIRED") == "1"
# Flags for a closed network: without the background-networking ones Chromium keeps
# trying to reach Google's services and logs each refused connection.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,1000",
)


def skip_or_fail(reason: str):
    if REQUIRED:
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@contextlib.contextmanager
def chromium(make_target: str, *, extra_flags=(), page_load_timeout: int = 60):
    """A Selenium driver of headless Chromium with a throwaway profile; console logs kept.

    make_target names the make target that provides Selenium, for the skip message.
    """
    try:
        from selenium import webdriver
    except ImportError:
        skip_or_fail(f"selenium is not installed: `make {make_target}` runs in .venv-site")
    for tool in (CHROMIUM, CHROMEDRIVER):
        if not Path(tool).is_file():
            skip_or_fail(f"{tool} missing: apt-get install chromium chromium-driver")
    profile = tempfile.mkdtemp(prefix=f"{make_target}-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, *extra_flags, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(
        options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER)
    )
    driver.set_page_load_timeout(page_load_timeout)
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
