"""The project's promises to users: install files agree, README's map is current, URLs agree."""

import re
import shutil
import subprocess
import sys

import yaml

from lstm_course import notebook_tools as nt
from lstm_course.course import course_map_markdown


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
    assert course_map_markdown(nt.repository(), link_prefix="notebooks/") in readme, (
        "README's course map is stale: paste `python -m lstm_course course-map` into it"
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


def test_set_repo_rewrites_every_badge_and_install_cell(repo, tmp_path):
    copy = tmp_path / "repo"
    (copy / "notebooks").mkdir(parents=True)
    shutil.copy(repo / "pyproject.toml", copy)
    shutil.copy(repo / "README.md", copy)
    shutil.copytree(nt.SOURCES, copy / "notebooks" / "src")
    for path in nt.NOTEBOOKS.glob("*.ipynb"):
        shutil.copy(path, copy / "notebooks")
    old = nt.repository()
    changed = nt.set_repository("https://github.com/someone/fork", root=copy)
    assert nt.repository(copy) == "someone/fork"
    assert len(changed) >= 3
    for path in [copy / "README.md", *copy.rglob("*.ipynb"), *copy.rglob("*.py")]:
        assert old not in path.read_text(encoding="utf-8"), path


def test_set_repo_rejects_a_non_github_name(repo):
    result = subprocess.run(
        [sys.executable, "-m", "lstm_course", "set-repo", "not a repo"],
        capture_output=True,
        text=True,
        cwd=repo,
    )
    assert (
        result.returncode == 2 and "expected a GitHub repository as 'owner/name'" in result.stderr
    )
