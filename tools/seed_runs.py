"""Re-run a notebook's own code with other seeds and store its headline metrics.

    python -m tools.seed_runs 06 --seeds 1 2 3 4 5     # writes datasets/weather_seed_runs.json

A trained model's score depends on its random seed; a notebook that fits its CPU budget can
train each model only once. This tool gives the distribution behind that one run: it reads
``notebooks/src/NN_slug.py``, replaces the notebook's ``SEED = <int>`` line with each seed in
turn, executes the code cells top to bottom in a fresh namespace (matplotlib without a
display) until a cell defines ``seed_metrics`` — a dict of plain numbers and lists the
notebook builds from its results — and stores ``{seed: seed_metrics}`` as JSON in
``datasets/``, recorded in the manifest. The notebook then reads that file and says which
results hold for every seed. Nothing in the notebook is copied here, so the stored run
cannot drift from the notebook's code: change the notebook, re-run this command.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import time
from pathlib import Path

from tools.data_build import REPO_DATASETS, manifest_lock, record
from tools.notebooks import lesson_for, source_files

SEED_LINE = re.compile(r"^SEED = \d+\b.*$", re.M)
OUTPUT = "{slug}_seed_runs.json"
COMMAND = "python -m tools.seed_runs"


def code_cells(source: Path, seed: int) -> list[str]:
    """The notebook's code cells, with its ``SEED = ...`` line set to ``seed``."""
    import jupytext

    cells = [c.source for c in jupytext.read(source).cells if c.cell_type == "code"]
    found = [i for i, text in enumerate(cells) if SEED_LINE.search(text)]
    if len(found) != 1:
        raise SystemExit(
            f"{source.name} must have exactly one line 'SEED = <int>' in a code cell, "
            f"found {len(found)}"
        )
    cells[found[0]] = SEED_LINE.sub(f"SEED = {seed}", cells[found[0]], count=1)
    return cells


def run_once(source: Path, seed: int) -> dict:
    """Execute the notebook's cells with ``seed`` until ``seed_metrics`` exists; return it."""
    # No windows while the cells run; restored afterwards, because kernels started later by
    # the same process (nbval, tests) inherit the environment and would show no figures.
    previous_backend = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "Agg"
    namespace: dict = {"__name__": "__main__"}
    here = Path.cwd()
    os.chdir(source.parent.parent)  # where the notebook runs: notebooks/
    try:
        for index, text in enumerate(code_cells(source, seed)):
            exec(compile(text, f"{source.name}[cell {index}]", "exec"), namespace)  # noqa: S102
            if "seed_metrics" in namespace:
                break
        else:
            raise SystemExit(f"{source.name} never defines seed_metrics")
    finally:
        os.chdir(here)
        if previous_backend is None:
            os.environ.pop("MPLBACKEND", None)
        else:
            os.environ["MPLBACKEND"] = previous_backend
        import matplotlib.pyplot as plt

        plt.close("all")
        if "keras" in sys.modules:  # free the models before the next seed
            sys.modules["keras"].backend.clear_session()
    return json.loads(json.dumps(namespace["seed_metrics"]))  # plain JSON types only


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=COMMAND, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("notebook", help="notebook number, e.g. 06")
    parser.add_argument("--seeds", type=int, nargs="+", required=True, help="seeds to run")
    parser.add_argument("--out-dir", type=Path, default=REPO_DATASETS)
    args = parser.parse_args(argv)
    (source,) = source_files([args.notebook])
    lesson = lesson_for(source)
    runs, started = {}, time.perf_counter()
    for seed in args.seeds:
        began = time.perf_counter()
        runs[str(seed)] = run_once(source, seed)
        print(f"seed {seed}: {time.perf_counter() - began:.0f} s", flush=True)
    out = args.out_dir / OUTPUT.format(slug=lesson.slug)
    payload = {
        "notebook": source.name,
        "command": f"{COMMAND} {args.notebook} --seeds {' '.join(map(str, args.seeds))}",
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}",
        "python": platform.python_version(),
        "seconds": round(time.perf_counter() - started),
        "runs": runs,
    }
    out.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    with manifest_lock():
        record(
            out,
            source=f"computed: notebook {source.name} re-run by `{payload['command']}`",
            license="MIT (the course's own results)",
            description=f"headline metrics of notebook {lesson.number:02d} for seeds "
            f"{', '.join(map(str, args.seeds))} (one JSON object per seed)",
            rebuild=payload["command"],
        )
    print(f"wrote {out} ({out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
