"""nbval must fail when a stored output no longer matches what the notebook computes."""

import shutil
import subprocess
import sys

import nbformat

from tools import notebooks as nt


def test_changed_stored_output_fails_nbval(repo, tmp_path):
    notebook = tmp_path / "00_welcome.ipynb"
    shutil.copy(nt.NOTEBOOKS / "00_welcome.ipynb", notebook)
    nb = nbformat.read(notebook, as_version=4)
    # Change one compared (not ignored) stdout output: the self-check confirmation.
    cell = next(c for c in nb.cells if c.cell_type == "code" and "check_sigmoid" in c.source)
    stream = next(o for o in cell.outputs if o.output_type == "stream")
    stream.text = stream.text.replace("correct", "TAMPERED")
    nbformat.write(nb, notebook)

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval",
            "--nbval-current-env",
            "-p",
            "no:cacheprovider",
            "--nbval-sanitize-with",
            str(repo / "tests" / "nbval_sanitize.cfg"),
            "--rootdir",
            str(tmp_path),
            str(notebook),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 1, result.stdout[-2000:]
    assert "TAMPERED" in result.stdout, result.stdout[-2000:]  # the diff shows the changed output
