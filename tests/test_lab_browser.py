"""`make lab`'s JupyterLab in a real browser: notebook 00 run through the UI, no error.

Starts JupyterLab as `make lab` does (the `.venv`'s `jupyter lab`, or $LAB_JUPYTER) on a
free loopback port with a known token, on a COPY of notebook 00 (so the stored outputs in
notebooks/ are never overwritten by autosave), opens it in headless Chromium (Selenium +
/usr/bin/chromedriver), clicks Run → Run All Cells, waits for every code cell to get its
execution count, and asserts that the last code cell's output (a figure) is shown and that
no cell has an error output. Run by `make lab-check` in .venv-site (Selenium); skipped
where Selenium, Chromium or JupyterLab is missing, unless SITE_CHECK_REQUIRED=1.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from chromium import chromium, skip_or_fail

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path(os.environ.get("LAB_NOTEBOOK", ROOT / "notebooks" / "00_welcome.ipynb"))
NOTEBOOK = SOURCE.name
JUPYTER = os.environ.get("LAB_JUPYTER", str(ROOT / ".venv" / "bin" / "jupyter"))
SHOTS = Path(os.environ.get("SITE_SCREENSHOTS", ROOT / "build" / "site-check"))
RUN_TIMEOUT_S = 300
TOKEN = "course-browser-test"
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def lab(tmp_path):
    """(base URL, notebook folder) of a JupyterLab serving a copy of notebook 00."""
    if not Path(JUPYTER).is_file():
        skip_or_fail(f"{JUPYTER} missing: `make setup` creates .venv with JupyterLab")
    work = tmp_path / "notebooks"
    work.mkdir()
    shutil.copy2(SOURCE, work / NOTEBOOK)
    # No "official Jupyter news?" toast (and no request for the news feed).
    settings = tmp_path / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    port = free_port()
    command = [
        JUPYTER,
        "lab",
        f"--notebook-dir={work}",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={TOKEN}",
        "--LabApp.expose_app_in_browser=True",  # lets the test read the notebook model
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}",
        f"--LabApp.user_settings_dir={tmp_path / 'settings'}",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    env = {
        **{k: v for k, v in os.environ.items() if k != "LSTM_COURSE_PROGRESS"},  # a learner's
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
    }
    log = open(tmp_path / "lab.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                url = f"{base}api/contents?token={TOKEN}"
                with urllib.request.urlopen(url, timeout=2) as response:
                    json.load(response)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    tail = (tmp_path / "lab.log").read_text()[-2000:]
                    pytest.fail(f"JupyterLab did not start:\n{tail}")
                time.sleep(0.5)
        yield base, work
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture()
def browser():
    with chromium("lab-check", page_load_timeout=90) as driver:
        yield driver


def wait_for(driver, script: str, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.5)
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / "lab-timeout.png"))
    pytest.fail(f"JupyterLab: {what} within {timeout:.0f} s (screenshot lab-timeout.png)")


# The notebook panel's state, read from JupyterLab's own model (expose_app_in_browser).
STATE = """
const app = window.jupyterapp;
const panel = app && app.shell.currentWidget;
if (!panel || !panel.content || !panel.content.model) return null;
const cells = [...panel.content.model.cells].filter(c => c.type === 'code');
const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
return {
  kernel: kernel ? kernel.status : null,
  count: cells.length,
  executed: cells.filter(c => c.executionCount !== null).length,
  errors: cells.flatMap((c, i) => c.outputs.toJSON()
    .filter(o => o.output_type === 'error').map(o => `cell ${i + 1}: ${o.ename}: ${o.evalue}`)),
};
"""


def test_notebook_00_runs_all_cells_in_jupyterlab(browser, lab):  # browser first: skip early
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    base, _ = lab
    started = time.monotonic()
    browser.get(f"{base}lab/tree/{NOTEBOOK}?token={TOKEN}")
    state = wait_for(
        browser,
        f"const s = (() => {{ {STATE} }})(); return s && s.kernel === 'idle' && s;",
        120,
        "the notebook did not open with an idle kernel",
    )
    assert state["executed"] == 0 or state["count"] > 0
    # Clear the stored outputs first, so what we check below comes from this run.
    browser.execute_script("window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs');")
    wait_for(
        browser,
        "return [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')].length === 0",
        30,
        "Edit → Clear Outputs of All Cells did not clear",
    )
    # Run → Run All Cells, through the menu bar as a learner would.
    run_menu = next(
        item
        for item in browser.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-item")
        if item.text.strip() == "Run"
    )
    ActionChains(browser).click(run_menu).perform()
    entry = wait_for(
        browser,
        "return [...document.querySelectorAll('.lm-Menu-item')]"
        ".find(i => i.querySelector('.lm-Menu-itemLabel')"
        ".textContent.trim() === 'Run All Cells')",
        10,
        "no 'Run All Cells' in the Run menu",
    )
    ActionChains(browser).click(entry).perform()
    state = wait_for(
        browser,
        f"const s = (() => {{ {STATE} }})();"
        "return s && (s.executed === s.count || s.errors.length) && s.kernel === 'idle' && s;",
        RUN_TIMEOUT_S,
        "Run All Cells did not finish",
    )
    seconds = time.monotonic() - started
    assert state["errors"] == [], state["errors"]
    # What the learner sees: every code cell numbered, the last one's figure shown, no
    # traceback anywhere in the page.
    seen = browser.execute_script(
        """
        const cells = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')];
        const last = cells[cells.length - 1];
        const prompts = cells.map(c => c.querySelector('.jp-InputPrompt').textContent.trim());
        return {
          prompts: prompts,
          lastImages: [...last.querySelectorAll('.jp-OutputArea-output img')]
            .filter(i => i.complete && i.naturalWidth > 0).length,
          tracebacks: [...document.querySelectorAll('.jp-OutputArea-output')]
            .map(o => o.textContent).filter(t => /Traceback/.test(t)).length,
        };
        """
    )
    last_prompt = f"[{state['count']}]:"
    assert seen["prompts"] == [f"[{n}]:" for n in range(1, state["count"] + 1)], (
        seen["prompts"],
        last_prompt,
    )
    assert seen["lastImages"] >= 1, "the last cell's figure is not shown"
    assert seen["tracebacks"] == 0, "an output shows a traceback"
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.execute_script(
        "const c = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')].pop();"
        "c.scrollIntoView({block: 'center'});"
    )
    browser.save_screenshot(str(SHOTS / "lab-00-last-cell.png"))
    print(f"notebook 00: {state['count']} code cells run in JupyterLab, {seconds:.1f} s")


def test_a_progress_bar_redraws_one_line_in_jupyterlab(browser, lab):
    """lstm_course.progress in a learner's JupyterLab: one line that fills up, not a line per
    update (the bar ends each redraw with a carriage return, which JupyterLab honours)."""
    import nbformat

    base, work = lab
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import time\n"
            "from lstm_course import progress\n"
            "for _ in progress.bar(range(6), 'six steps', unit='step'):\n"
            "    time.sleep(0.4)"
        )
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, work / "progress.ipynb")
    browser.get(f"{base}lab/tree/progress.ipynb?token={TOKEN}")
    wait_for(
        browser,
        f"const s = (() => {{ {STATE} }})(); return s && s.kernel === 'idle' && s;",
        120,
        "the notebook did not open with an idle kernel",
    )
    browser.execute_script("window.jupyterapp.commands.execute('notebook:run-all-cells');")
    state = wait_for(
        browser,
        f"const s = (() => {{ {STATE} }})();"
        "return s && s.executed === s.count && s.kernel === 'idle' && s;",
        120,
        "the cell did not finish",
    )
    assert state["errors"] == [], state["errors"]
    shown = browser.execute_script(
        "return [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')]"
        ".map(o => o.textContent).join('');"
    )
    assert shown.count("six steps:") == 1, f"one bar line expected, the page shows {shown!r}"
    assert "100%" in shown and "6/6" in shown, shown
