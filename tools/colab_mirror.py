"""`make test-colab`: the course on Colab's stack (colab-constraints.txt), in a fresh venv.

Steps, each timed (wall and CPU seconds of the processes it ran):

1. a fresh venv on Python 3.13, as Colab runs (the newest Python found if 3.13 is missing,
   said loudly); Colab's pip, then the packages Colab preinstalls that the course uses, each
   at Colab's version (``-c colab-constraints.txt``);
2. the package installed the way the notebooks' setup cell installs it
   (``pip install "lstm_course @ <this checkout>"``, without our constraints.txt): first a
   ``--dry-run --report``, which must change no pinned package, then the real install, and
   a ``pip freeze`` diff that must agree; then the test tools Colab lacks (hypothesis, nbval),
   which must not move a pin either;
3. the unit tests (``pytest -m "not slow" tests``) minus the few that need our dev tools;
4. every notebook executed top to bottom in a fresh kernel of that venv, from a folder
   outside the checkout (data comes from the installed package, as in Colab); no output
   comparison, but any error (a failed ``assert`` included) fails the step.
   ``--student`` runs the student copies instead: only their check cells may fail (the check
   of tests/test_student.py, on Colab's stack, and every later ``assert`` still holds).

    python -m tools.colab_mirror [--python PY] [--venv .venv-colab] [--reuse-venv]
                                 [--only NN ...] [--student] [--skip-tests] [--skip-notebooks]

A report (versions, times, failures) is written to build/colab/report.json.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PINS = REPO / "colab-constraints.txt"
OUT = REPO / "build" / "colab"
WANTED_PYTHON = (3, 13)
# What Colab preinstalls and the course uses (the package's dependencies, the kernel and the
# notebook tools): the mirror installs these at Colab's versions before the package.
COLAB_PREINSTALLED = [
    "tensorflow", "keras", "numpy", "pandas", "matplotlib", "yfinance", "scipy", "tqdm",
    "threadpoolctl", "pillow", "babel", "ipython", "ipykernel", "jupyter_client", "nbformat",
    "nbclient", "nbconvert", "pytest", "jupytext",
]  # fmt: skip
# The package's own dependencies that Colab lacks: the setup cell's pip adds them.
SETUP_CELL_ADDS = ["av", "sacrebleu", "num2words"]
# Test tools Colab does not have; installed under the Colab pins, after the package.
TEST_TOOLS = ["hypothesis", "nbval"]
# Unit tests left out, and why (they need our dev tools, not Colab's stack):
SKIPPED_TESTS = {
    "tests/test_lab.py": "starts JupyterLab, which Colab does not ship (Colab has its own UI)",
    "tests/test_graders.py": "runs nbgrader/Otter from .venv-grading, not part of Colab",
    "tests/test_project.py::test_wheel_ships_the_learner_package_without_maintainer_tools": (
        "builds a wheel with --no-build-isolation, which needs setuptools>=77 (SPDX license);"
        " Colab has 75.2.0, and pip's isolated build (what the setup cell does) is tested in step 2"
    ),
    "tests/test_registry.py::test_installed_wheel_carries_and_finds_the_datasets": (
        "builds a wheel with --no-build-isolation (setuptools>=77; Colab has 75.2.0);"
        " step 4 runs every notebook on the wheel pip built"
    ),
}


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(path: Path = PINS) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[norm(name)] = version.strip()
    return pins


class Steps:
    """Times each step (wall, and CPU of this process's children) and keeps the report."""

    def __init__(self) -> None:
        self.report: dict = {"steps": {}, "failures": []}

    def run(self, name, func, *args, **kwargs):
        print(f"\n=== {name}", flush=True)
        wall, cpu = time.monotonic(), _children_cpu()
        ok = False
        try:
            result = func(*args, **kwargs)
            ok = True
            return result
        finally:
            entry = {
                "wall_s": round(time.monotonic() - wall, 1),
                "cpu_s": round(_children_cpu() - cpu, 1),
                "ok": ok,
            }
            self.report["steps"][name] = entry
            print(f"--- {name}: {entry['wall_s']} s wall, {entry['cpu_s']} s CPU", flush=True)
            self.save()

    def fail(self, message: str) -> None:
        print(f"FAIL: {message}", flush=True)
        self.report["failures"].append(message)
        self.save()

    def save(self) -> None:
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / "report.json").write_text(json.dumps(self.report, indent=1) + "\n")


def _children_cpu() -> float:
    times = os.times()
    return times.children_user + times.children_system


# pip's notice about a find-links/extra-index folder that a machine's pip.conf names but
# that does not exist (the Makefile's PIP_QUIET drops it too): noise, not news.
PIP_NOISE = "is ignored: it is neither a file nor a directory"


def sh(*cmd) -> None:
    """Run a command, echoing it and its output (less pip's noise); raise if it fails."""
    print("$ " + " ".join(str(c) for c in cmd), flush=True)
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, check=False)
    for line in (proc.stdout + proc.stderr).splitlines():
        if PIP_NOISE not in line:
            print(line, flush=True)
    if proc.returncode != 0:
        raise subprocess.CalledProcessError(proc.returncode, [str(c) for c in cmd])


# ----------------------------------------------------------------------------- Python


def _version(python: str) -> tuple[int, ...] | None:
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print(*sys.version_info[:3])"],
            capture_output=True, text=True, check=True, timeout=30,
        ).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return tuple(int(x) for x in out.split())


def find_python(explicit: str | None) -> tuple[str, tuple[int, ...]]:
    """Python 3.13 (Colab's), else the newest 3.10+ found, with a clear message."""
    if explicit:
        version = _version(explicit)
        if version is None:
            sys.exit(f"colab mirror: {explicit} is not a working Python")
        return explicit, version
    pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = [shutil.which(f"python3.{minor}") for minor in range(20, 9, -1)]
    candidates += sorted(glob.glob(f"{pyenv}/versions/3.*/bin/python3"), reverse=True)
    candidates += [shutil.which("python3"), sys.executable]
    found = {}
    for path in filter(None, candidates):
        version = _version(path)
        if version and version >= (3, 10) and version[:2] not in found:
            found[version[:2]] = (path, version)
    if WANTED_PYTHON in found:
        return found[WANTED_PYTHON]
    if not found:
        sys.exit("colab mirror: no Python 3.10 or newer found")
    newest = found[max(found)]
    print(
        f"\n*** colab mirror: Colab runs Python {'.'.join(map(str, WANTED_PYTHON))}, which is "
        f"not on this machine (looked on PATH and in {pyenv}/versions).\n*** Falling back to "
        f"the newest found, Python {'.'.join(map(str, newest[1]))} ({newest[0]}): pins made "
        "for 3.13 may not install, and a pass here is weaker evidence for Colab.\n"
        "*** Set COLAB_PYTHON=/path/to/python3.13 to choose.\n",
        flush=True,
    )
    return newest


# ----------------------------------------------------------------------------- steps


def freeze(venv: Path) -> dict[str, str]:
    out = subprocess.run(
        [venv / "bin" / "python", "-m", "pip", "freeze", "--all"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    versions = {}
    for line in out.splitlines():
        if "==" in line:
            name, version = line.split("==", 1)
            versions[norm(name)] = version
        elif " @ " in line:
            versions[norm(line.split(" @ ", 1)[0])] = line.split(" @ ", 1)[1]
    return versions


def make_venv(python: str, venv: Path, pins: dict[str, str], steps: Steps) -> None:
    shutil.rmtree(venv, ignore_errors=True)
    sh(python, "-m", "venv", venv)
    pip = [venv / "bin" / "python", "-m", "pip"]
    sh(*pip, "install", "-q", f"pip=={pins['pip']}")
    sh(*pip, "install", "-q", "-c", PINS, *COLAB_PREINSTALLED)
    wrong = {
        name: (version, pins[name])
        for name, version in freeze(venv).items()
        if name in pins and version != pins[name]
    }
    if wrong:
        steps.fail(f"the venv does not hold Colab's versions: {wrong}")


def dry_run(venv: Path, args: list[str], label: str) -> dict[str, str]:
    """``{name: version}`` that ``pip install ARGS`` would install (pip's --dry-run --report)."""
    report = OUT / f"pip-report-{label}.json"
    sh(venv / "bin" / "python", "-m", "pip", "install", "--dry-run", "-q", "--report", report,
       *args)  # fmt: skip
    return {
        norm(item["metadata"]["name"]): item["metadata"]["version"]
        for item in json.loads(report.read_text()).get("install", [])
    }


def pip_would_change(venv: Path, pins: dict[str, str], args: list[str], label: str) -> dict:
    """Dry-run ``pip install ARGS``; returns {'changed': {...}, 'added': {...}}."""
    installs = dry_run(venv, args, label)
    before = freeze(venv)
    changed, added = {}, {}
    for name, version in installs.items():
        if name in pins and version != pins[name]:
            changed[name] = f"{before.get(name, pins[name])} -> {version}"
        elif name not in before and name != "lstm-course":
            added[name] = version
    return {"changed": changed, "added": added}


def preinstall_what_colab_has(venv: Path, pins: dict[str, str], spec: str, steps: Steps) -> None:
    """Install, at Colab's versions, the package's dependencies that Colab preinstalls.

    The venv starts with only COLAB_PREINSTALLED. A dependency of a dependency that Colab also
    has (sacrebleu's regex, tabulate and lxml) is missing here, so pip would fetch its newest
    version, where on Colab pip finds Colab's version already there and keeps it if it fits.
    """
    installed = freeze(venv)
    wanted = [n for n in dry_run(venv, [spec], "package-first") if n in pins and n not in installed]
    steps.report["preinstalled_as_on_colab"] = {name: pins[name] for name in wanted}
    print(f"also preinstalled at Colab's versions (Colab has them): {wanted or 'nothing'}")
    if wanted:
        sh(venv / "bin" / "python", "-m", "pip", "install", "-q", "-c", PINS, *wanted)


def install_package(venv: Path, pins: dict[str, str], steps: Steps) -> None:
    spec = f"lstm_course @ {REPO.as_uri()}"  # the setup cell's form, pointing at this checkout
    preinstall_what_colab_has(venv, pins, spec, steps)
    would = pip_would_change(venv, pins, [spec], "package")
    steps.report["package_install"] = would
    print(f"pip would add (Colab lacks them): {would['added'] or 'nothing'}")
    if would["changed"]:
        steps.fail(f"installing the package would change Colab's packages: {would['changed']}")
    before = freeze(venv)
    sh(venv / "bin" / "python", "-m", "pip", "install", "-q", spec)
    after = freeze(venv)
    moved = {
        name: f"{before[name]} -> {after.get(name, 'removed')}"
        for name in before
        if name in pins and after.get(name) != before[name]
    }
    if moved:
        steps.fail(f"pip changed Colab's packages: {moved}")
    print(f"changed pinned packages: {moved or 'none'}")


def install_test_tools(venv: Path, pins: dict[str, str], steps: Steps) -> None:
    args = ["-c", str(PINS), *TEST_TOOLS]
    would = pip_would_change(venv, pins, args, "test-tools")
    steps.report["test_tools_install"] = would
    if would["changed"]:
        steps.fail(f"the test tools would change Colab's packages: {would['changed']}")
    sh(venv / "bin" / "python", "-m", "pip", "install", "-q", *args)


def unit_tests(venv: Path, steps: Steps, extra: list[str]) -> None:
    ignores = []
    for test in SKIPPED_TESTS:
        ignores += ["--deselect", test] if "::" in test else ["--ignore", test]
    log = OUT / "unit-tests.log"
    cmd = [venv / "bin" / "python", "-m", "pytest", "-m", "not slow", "-q", "-p",
           "no:cacheprovider", *ignores, *extra, "tests"]  # fmt: skip
    with open(log, "w") as out:
        code = subprocess.run([str(c) for c in cmd], cwd=REPO, stdout=out,
                              stderr=subprocess.STDOUT, check=False).returncode  # fmt: skip
    tail = log.read_text().splitlines()[-25:]
    print("\n".join(tail))
    steps.report["unit_tests"] = {"exit": code, "summary": tail[-1] if tail else ""}
    if code != 0:
        steps.fail(f"unit tests failed (exit {code}); see {log.relative_to(REPO)}")


# The notebook runner runs inside the Colab venv (nbclient and the kernel are Colab's).
RUNNER = r"""
import json, sys, time, traceback
from pathlib import Path
import nbformat
from nbclient import NotebookClient

source, target, student = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "1"
nb = nbformat.read(source, as_version=4)
if student:
    from lstm_course.student import strip_solutions
    nb = strip_solutions(nb)
target.parent.mkdir(parents=True, exist_ok=True)
kernel_cpu = [None]


def after_cell(**_):  # the kernel's CPU seconds so far, its share of the runner's CPU
    try:
        import psutil
        times = psutil.Process(client.km.provisioner.pid).cpu_times()
        kernel_cpu[0] = round(sum(times[:4]), 1)
    except Exception:  # no psutil, or another provisioner: leave it unknown
        pass


start = time.monotonic()
client = NotebookClient(nb, kernel_name="python3", timeout=600, allow_errors=True,
                        resources={"metadata": {"path": str(target.parent)}},
                        on_cell_executed=after_cell)
client.execute()
seconds = time.monotonic() - start
nbformat.write(nb, target)
failing = []
for index, cell in enumerate(nb.cells):
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            role = cell.metadata.get("lstm_course", {}).get("role", "other")
            failing.append({"cell": index, "role": role, "error": output.ename,
                            "value": output.evalue[:300]})
print(json.dumps({"seconds": round(seconds, 1), "kernel_cpu_s": kernel_cpu[0], "failing": failing}))
"""


def run_notebooks(venv: Path, steps: Steps, only: list[str], student: bool) -> None:
    notebooks = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if only:
        notebooks = [p for p in notebooks if p.name[:2] in only]
    # Outside the checkout, as in Colab: the kernel's `import lstm_course` and its data
    # come from the installed wheel, not from ./lstm_course.
    run_dir = Path(os.environ.get("COLAB_RUN_DIR", "/tmp/lstm-course-colab"))
    shutil.rmtree(run_dir, ignore_errors=True)
    results = steps.report.setdefault("notebooks", {})
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MPLBACKEND")}
    env["PATH"] = f"{venv / 'bin'}:{env['PATH']}"
    env["LSTM_COURSE_PROGRESS"] = "0"  # the run's log stays readable; bars are for people
    for path in notebooks:
        target = run_dir / ("student" if student else "full") / path.name
        wall, cpu = time.monotonic(), _children_cpu()
        proc = subprocess.run(
            [str(venv / "bin" / "python"), "-c", RUNNER, str(path), str(target),
             "1" if student else "0"],
            capture_output=True, text=True, cwd=run_dir.parent, env=env, check=False,
        )  # fmt: skip
        entry = {"wall_s": round(time.monotonic() - wall, 1),
                 "cpu_s": round(_children_cpu() - cpu, 1)}  # fmt: skip
        try:
            entry.update(json.loads(proc.stdout.strip().splitlines()[-1]))
        except (ValueError, IndexError):
            entry["runner_error"] = (proc.stdout + proc.stderr)[-2000:]
        bad = [f for f in entry.get("failing", []) if not (student and f["role"] == "check")]
        entry["ok"] = "runner_error" not in entry and not bad
        results[path.stem] = entry
        shutil.copy2(target, OUT / path.name) if target.exists() else None
        print(f"{path.stem}: {'ok' if entry['ok'] else 'FAILED'} ({entry['wall_s']} s wall, "
              f"{entry['cpu_s']} s CPU of the runner, {entry.get('kernel_cpu_s')} s of the kernel)",
              flush=True)  # fmt: skip
        for failure in bad:
            print(f"    cell {failure['cell']} ({failure['role']}): {failure['error']}: "
                  f"{failure['value']}")  # fmt: skip
        if "runner_error" in entry:
            print(entry["runner_error"])
        if not entry["ok"]:
            steps.fail(f"notebook {path.stem} did not run to the end cleanly")
        steps.save()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=os.environ.get("COLAB_PYTHON"))
    parser.add_argument("--venv", type=Path, default=REPO / ".venv-colab")
    parser.add_argument("--reuse-venv", action="store_true",
                        help="skip steps 1-2 when the venv exists (for local iteration)")  # fmt: skip
    parser.add_argument("--only", nargs="*", default=[], help="notebook numbers, e.g. 00 05")
    parser.add_argument("--student", action="store_true", help="run the student copies")
    parser.add_argument("--skip-tests", action="store_true")
    parser.add_argument("--skip-notebooks", action="store_true")
    parser.add_argument("--pytest-args", default="", help="extra pytest arguments for step 3")
    args = parser.parse_args(argv)

    OUT.mkdir(parents=True, exist_ok=True)
    pins = read_pins()
    steps = Steps()
    start, cpu = time.monotonic(), _children_cpu()
    python, version = find_python(args.python)
    steps.report["python"] = {"path": python, "version": ".".join(map(str, version))}
    print(f"colab mirror: Python {'.'.join(map(str, version))} ({python}), venv {args.venv}")
    if not (args.reuse_venv and (args.venv / "bin" / "python").exists()):
        steps.run("1 venv + Colab pins", make_venv, python, args.venv, pins, steps)
        steps.run("2 package as the setup cell installs it", install_package, args.venv, pins,
                  steps)  # fmt: skip
        steps.run("2b test tools", install_test_tools, args.venv, pins, steps)
    installed = freeze(args.venv)
    steps.report["versions"] = {
        name: installed.get(norm(name), "not installed")
        for name in [
            "python",
            "pip",
            *COLAB_PREINSTALLED,
            *SETUP_CELL_ADDS,
            *TEST_TOOLS,
            "lstm_course",
        ]
        if name != "python"
    }
    (OUT / "pip-freeze.txt").write_text(
        "".join(
            f"{name} @ {version}\n" if "://" in version else f"{name}=={version}\n"
            for name, version in sorted(installed.items())
        )
    )
    if not args.skip_tests:
        steps.run("3 unit tests", unit_tests, args.venv, steps, args.pytest_args.split())
    if not args.skip_notebooks:
        steps.run("4 notebooks" + (" (student copies)" if args.student else ""),
                  run_notebooks, args.venv, steps, args.only, args.student)  # fmt: skip
    steps.report["total"] = {
        "wall_s": round(time.monotonic() - start, 1),
        # every process this script waited for, the notebook kernels included (jupyter_client
        # reaps each kernel, so the runner's children count it; kernel_cpu_s, read by psutil
        # after each cell, shows each kernel's share)
        "cpu_s": round(_children_cpu() - cpu, 1),
    }
    steps.save()
    print(f"\ncolab mirror: {steps.report['total']['wall_s']} s wall, "
          f"{steps.report['total']['cpu_s']} s CPU; report in build/colab/report.json")  # fmt: skip
    if steps.report["failures"]:
        print("colab mirror FAILED:\n  " + "\n  ".join(steps.report["failures"]))
        return 1
    print("colab mirror: passed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
