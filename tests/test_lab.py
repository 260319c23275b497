"""`make lab` serves the course: a headless JupyterLab answers and lists the notebooks."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

from tools import notebooks as nt


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_jupyterlab_serves_the_notebooks(tmp_path):
    port, token = free_port(), "course-test"
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        f"--port={port}",
        "--ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--notebook-dir={nt.NOTEBOOKS}",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
    }
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        listing, deadline = None, time.monotonic() + 60
        while listing is None and time.monotonic() < deadline:
            try:
                url = f"http://127.0.0.1:{port}/api/contents?token={token}"
                with urllib.request.urlopen(url, timeout=2) as response:
                    listing = json.load(response)
            except OSError:
                time.sleep(0.5)
        assert listing is not None, "JupyterLab did not answer within 60 s"
        names = {item["name"] for item in listing["content"]}
        assert "00_welcome.ipynb" in names
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/lab?token={token}", timeout=5
        ) as page:
            assert page.status == 200
    finally:
        server.terminate()
        server.wait(timeout=20)
