"""The project's promises to users: install files agree, README's map is current, URLs agree."""

import re
import shutil
import subprocess
import sys
import zipfile

import pytest
import yaml

from lstm_course.course import course_map_markdown
from tools import notebooks as nt


def pyproject(repo):
    return (repo / "pyproject.toml").read_text(encoding="utf-8")


def test_environment_yml_installs_the_package_through_pip(repo):
    env = yaml.safe_load((repo / "environment.yml").read_text(encoding="utf-8"))
    deps = env["dependencies"]
    python = next(d for d in deps if isinstance(d, str) and d.startswith("python"))
    minimum = re.search(r'requires-python = ">=(\d+)\.(\d+)"', pyproject(repo)).groups()
    assert tuple(int(x) for x in python.split("=")[1].split(".")[:2]) >= tuple(
        int(x) for x in minimum
    )
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict))
    assert "-e .[dev]" in pip_section and "-c constraints.txt" in pip_section
    # pyproject stays the one source of dependencies: nothing else is listed
    assert [d for d in deps if isinstance(d, str)] == [python, "pip"]


def test_constraints_pin_every_declared_dependency(repo):
    pins = {}
    for line in (repo / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name.lower())] = version
    declared = re.findall(r'^\s+"([A-Za-z0-9_.-]+)[<>=!~;\[ ]', pyproject(repo), re.M)
    for name in declared:
        assert re.sub(r"[-_.]+", "-", name.lower()) in pins or name == "setuptools", (
            f"{name} not pinned"
        )
    assert pins["keras"].startswith("3."), "the course targets Keras 3"


def test_readme_has_the_commands_and_the_current_course_map(repo):
    readme = (repo / "README.md").read_text(encoding="utf-8")
    assert "make lab" in readme and "make test" in readme
    for moved in ("lstm_course build", "lstm_course set-repo", "lstm_course course-map"):
        assert f"python -m {moved}" not in readme, f"{moved} is now `python -m tools ...`"
    for command in (
        "python -m tools build",
        "python -m tools set-repo",
        "python -m tools course-map",
    ):
        assert command in readme, f"README should document {command!r}"
    assert course_map_markdown(nt.repository(), link_prefix="notebooks/") in readme, (
        "README's course map is stale: paste `python -m tools course-map` into it"
    )


def test_ci_runs_the_readme_test_command(repo):
    assert "make test" in (repo / ".ci" / "run").read_text(encoding="utf-8")


def test_every_repository_url_agrees_with_pyproject(repo):
    owner_repo = nt.repository()
    files = [repo / "README.md", *nt.NOTEBOOKS.glob("*.ipynb"), *nt.SOURCES.glob("*.py")]
    for path in files:
        text = path.read_text(encoding="utf-8")
        for found in re.findall(r"github\.com/([\w.-]+/[\w.-]+?)(?:/|\"|\)|\s|$)", text):
            assert found == owner_repo, f"{path.name} points at {found}, pyproject at {owner_repo}"
        for found in re.findall(r"colab\.research\.google\.com/github/([\w.-]+/[\w.-]+)/", text):
            assert found == owner_repo, f"{path.name}'s badge points at {found}"


@pytest.fixture
def repo_copy(repo, tmp_path):
    """What set-repo touches, plus tools/, in a scratch folder: tests never edit the checkout."""
    copy = tmp_path / "repo"
    (copy / "notebooks").mkdir(parents=True)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(repo / name, copy)
    shutil.copytree(nt.SOURCES, copy / "notebooks" / "src")
    shutil.copytree(repo / "tools", copy / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    for path in nt.NOTEBOOKS.glob("*.ipynb"):
        shutil.copy(path, copy / "notebooks")
    return copy


def snapshot(folder):
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_set_repo_rewrites_every_badge_and_install_cell(repo_copy):
    old = nt.repository()
    changed = nt.set_repository("https://github.com/someone/fork", root=repo_copy)
    assert nt.repository(repo_copy) == "someone/fork"
    assert len(changed) >= 3
    for path in [repo_copy / "README.md", *repo_copy.rglob("*.ipynb"), *repo_copy.rglob("*.py")]:
        assert old not in path.read_text(encoding="utf-8"), path


@pytest.mark.parametrize("name", ["not a repo", "../..", "a/..", "owner/", "-x/y", "a/b/c", ""])
def test_set_repo_refuses_what_github_would_not_accept_and_changes_nothing(repo_copy, name):
    before = snapshot(repo_copy)
    result = subprocess.run(
        [sys.executable, "-m", "tools", "set-repo", "--", name],
        capture_output=True,
        text=True,
        cwd=repo_copy,  # `python -m tools` from the copy: its REPO_ROOT is the copy
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "GitHub repository as 'owner/name'" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(repo_copy) == before


def test_wheel_ships_the_learner_package_without_maintainer_tools(repo, tmp_path):
    """Colab installs the wheel: notebook building, set-repo and data rebuilds stay out."""
    source = tmp_path / "source"  # a clean tree: no stale build/lib from earlier builds
    skip = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    for name in ("lstm_course", "datasets", "tools"):
        shutil.copytree(repo / name, source / name, ignore=skip)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(repo / name, source)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path / "wheel"), str(source)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    with zipfile.ZipFile(next((tmp_path / "wheel").glob("lstm_course-*.whl"))) as archive:
        names = set(archive.namelist())
    assert not [n for n in names if n.startswith("tools/")], "tools/ must not ship"
    assert "lstm_course/notebook_tools.py" not in names
    assert "lstm_course/data/build.py" not in names
    for module in ("cli.py", "course.py", "student.py", "_setup.py", "__main__.py"):
        assert f"lstm_course/{module}" in names


def test_maintainer_modules_left_the_package():
    import importlib

    for gone in ("lstm_course.notebook_tools", "lstm_course.data.build"):
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module(gone)
