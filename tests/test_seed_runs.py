"""tools.seed_runs: re-run a notebook's own cells with another SEED and collect its metrics."""

from __future__ import annotations

import json
import os

import pytest

from tools import seed_runs

SOURCE = """# %% [markdown]
# # 99 · A tiny notebook

# %%
import numpy as np

SEED = 1  # the line the tool rewrites

# %%
rng = np.random.default_rng(SEED)
score = float(rng.normal())

# %%
seed_metrics = {"seed": SEED, "score": round(score, 6)}

# %%
raise RuntimeError("cells after seed_metrics are not run")
"""


@pytest.fixture
def notebook(tmp_path):
    path = tmp_path / "notebooks" / "src" / "99_tiny.py"
    path.parent.mkdir(parents=True)
    path.write_text(SOURCE, encoding="utf-8")
    return path


def test_the_seed_line_is_replaced_and_nothing_else(notebook):
    cells = seed_runs.code_cells(notebook, 7)
    assert cells[0].endswith("\nSEED = 7") and "SEED = 1" not in "".join(cells)
    assert cells[1] == "rng = np.random.default_rng(SEED)\nscore = float(rng.normal())"


def test_run_once_stops_at_seed_metrics_and_returns_plain_json(notebook):
    import numpy as np

    first, again, other = (seed_runs.run_once(notebook, s) for s in (3, 3, 4))
    assert (
        first == again == {"seed": 3, "score": round(float(np.random.default_rng(3).normal()), 6)}
    )
    assert other["seed"] == 4 and other["score"] != first["score"]
    assert json.loads(json.dumps(first)) == first


def test_a_notebook_without_one_seed_line_is_refused(notebook):
    notebook.write_text(SOURCE.replace("SEED = 1", "seed = 1"), encoding="utf-8")
    with pytest.raises(SystemExit, match="exactly one line 'SEED = <int>'"):
        seed_runs.code_cells(notebook, 2)


def test_a_notebook_that_never_defines_seed_metrics_is_refused(notebook):
    notebook.write_text(SOURCE.split("# %%\nseed_metrics")[0], encoding="utf-8")
    with pytest.raises(SystemExit, match="never defines seed_metrics"):
        seed_runs.run_once(notebook, 2)


def test_the_stored_weather_run_matches_the_notebook_it_came_from():
    """The stored file names the command, and every seed ran the notebook's code."""
    from lstm_course.data import dataset_path, load_manifest

    stored = json.loads(dataset_path("weather_seed_runs.json").read_text(encoding="utf-8"))
    assert stored["notebook"] == "06_weather.py"
    assert stored["command"].startswith("python -m tools.seed_runs 06 --seeds")
    assert load_manifest()["weather_seed_runs.json"]["rebuild"] == stored["command"]
    seeds = stored["command"].split("--seeds ")[1].split()
    assert sorted(stored["runs"]) == sorted(seeds) and len(seeds) >= 3
    for run in stored["runs"].values():
        assert set(run) >= {"mae", "pm_rmse", "coverage_80", "tutorial_rmse"}
        assert all(len(v) == 24 for v in run["mae"].values())


def test_run_once_leaves_the_environment_as_it_was(notebook, monkeypatch):
    """Kernels started later by the same process inherit os.environ: no Agg may leak."""
    monkeypatch.delenv("MPLBACKEND", raising=False)
    seed_runs.run_once(notebook, 3)
    assert "MPLBACKEND" not in os.environ
