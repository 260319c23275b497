"""The Colab mirror's pieces: its pins, the "would pip change a Colab package" check, the
choice of Python, and the generator of colab-constraints.txt. (`make test-colab` itself
builds a venv and downloads TensorFlow: CI runs it, these tests do not.)"""

from __future__ import annotations

import json

import pytest

from tools import colab_constraints, colab_mirror

ISSUE_VERSIONS = {  # issue 21: Colab's published runtime freeze, August 2026
    "tensorflow": "2.20.0",
    "keras": "3.13.2",
    "numpy": "2.1.3",
    "pandas": "2.2.3",
    "matplotlib": "3.10.0",
    "yfinance": "0.2.66",
    "pip": "24.1.2",
}


def test_the_pins_hold_the_issues_versions_and_name_their_source(repo):
    pins = colab_mirror.read_pins(repo / "colab-constraints.txt")
    assert {name: pins[name] for name in ISSUE_VERSIONS} == ISSUE_VERSIONS
    header = (repo / "colab-constraints.txt").read_text().split("\n\n")[0]
    assert "Source: https://github.com/googlecolab/backend-info/blob/" in header
    assert "av" not in pins, "Colab does not preinstall av: it must get no invented pin"


def test_every_package_the_mirror_installs_is_pinned(repo):
    pins = colab_mirror.read_pins(repo / "colab-constraints.txt")
    assert [p for p in colab_mirror.COLAB_PREINSTALLED if colab_mirror.norm(p) not in pins] == []


def _fake_pip(monkeypatch, tmp_path, installs, installed):
    monkeypatch.setattr(colab_mirror, "OUT", tmp_path)

    def fake_sh(*cmd):
        report = cmd[cmd.index("--report") + 1]
        items = [{"metadata": {"name": n, "version": v}} for n, v in installs.items()]
        report.write_text(json.dumps({"install": items}))

    monkeypatch.setattr(colab_mirror, "sh", fake_sh)
    monkeypatch.setattr(colab_mirror, "freeze", lambda venv: installed)


def test_a_dry_run_that_moves_a_pin_is_reported(monkeypatch, tmp_path):
    pins = {"numpy": "2.1.3", "keras": "3.13.2"}
    _fake_pip(
        monkeypatch, tmp_path,
        installs={"numpy": "2.4.6", "av": "19.0.2", "lstm_course": "0.1.0"},
        installed={"numpy": "2.1.3", "keras": "3.13.2"},
    )  # fmt: skip
    would = colab_mirror.pip_would_change(tmp_path / "venv", pins, ["."], "t")
    assert would == {"changed": {"numpy": "2.1.3 -> 2.4.6"}, "added": {"av": "19.0.2"}}


def test_a_dry_run_that_only_adds_packages_passes(monkeypatch, tmp_path):
    _fake_pip(monkeypatch, tmp_path, installs={"av": "19.0.2"}, installed={"numpy": "2.1.3"})
    would = colab_mirror.pip_would_change(tmp_path / "venv", {"numpy": "2.1.3"}, ["."], "t")
    assert would == {"changed": {}, "added": {"av": "19.0.2"}}


def test_dependencies_colab_preinstalls_are_installed_at_colabs_versions_first(
    monkeypatch, tmp_path
):
    """sacrebleu needs regex and tabulate, which Colab has: the mirror installs Colab's."""
    pins = {"numpy": "2.1.3", "regex": "2025.11.3", "tabulate": "0.9.0"}
    _fake_pip(
        monkeypatch, tmp_path,
        installs={"sacrebleu": "2.6.0", "regex": "2026.11.15", "tabulate": "0.10.0"},
        installed={"numpy": "2.1.3"},
    )  # fmt: skip
    installed = []
    real_sh = colab_mirror.sh
    monkeypatch.setattr(
        colab_mirror,
        "sh",
        lambda *cmd: installed.extend(cmd) if "--report" not in cmd else real_sh(*cmd),
    )
    steps = colab_mirror.Steps()
    colab_mirror.preinstall_what_colab_has(tmp_path / "venv", pins, "lstm_course @ .", steps)
    assert steps.report["preinstalled_as_on_colab"] == {"regex": "2025.11.3", "tabulate": "0.9.0"}
    assert installed[-4:] == ["-c", colab_mirror.PINS, "regex", "tabulate"]


def test_python_falls_back_to_the_newest_with_a_clear_message(monkeypatch, capsys):
    versions = {"/py/3.11": (3, 11, 7), "/py/3.12": (3, 12, 1), "/py/3.9": (3, 9, 18)}
    monkeypatch.setattr(colab_mirror.shutil, "which", lambda name: None)
    monkeypatch.setattr(colab_mirror.glob, "glob", lambda pattern: list(versions))
    monkeypatch.setattr(colab_mirror.sys, "executable", "/py/3.11")
    monkeypatch.setattr(colab_mirror, "_version", versions.get)
    assert colab_mirror.find_python(None) == ("/py/3.12", (3, 12, 1))
    out = capsys.readouterr().out
    assert "Colab runs Python 3.13" in out and "Falling back" in out and "3.12.1" in out


def test_python_313_is_taken_when_present(monkeypatch, capsys):
    versions = {"/py/3.13": (3, 13, 0), "/py/3.14": (3, 14, 0)}
    monkeypatch.setattr(colab_mirror.shutil, "which", lambda name: None)
    monkeypatch.setattr(colab_mirror.glob, "glob", lambda pattern: list(versions))
    monkeypatch.setattr(colab_mirror.sys, "executable", "/py/3.13")
    monkeypatch.setattr(colab_mirror, "_version", versions.get)
    assert colab_mirror.find_python(None) == ("/py/3.13", (3, 13, 0))
    assert "Falling back" not in capsys.readouterr().out


def test_the_generator_pins_only_what_colab_has(tmp_path, monkeypatch):
    freeze = tmp_path / "pip-freeze.txt"
    freeze.write_text("# a comment\nnumpy==2.1.3\npip==24.1.2\ntorch==2.11.0\nkeras==3.13.2\n")
    ours = tmp_path / "constraints.txt"
    ours.write_text("numpy==2.4.6\nkeras==3.15.1\nav==18.1.0\n")
    monkeypatch.setattr(colab_constraints, "REPO", tmp_path)
    out = tmp_path / "colab-constraints.txt"
    colab_constraints.main([str(freeze), "--source", "https://example.org/f", "--date",
                            "2026-08-19", "--output", str(out)])  # fmt: skip
    text = out.read_text()
    assert colab_mirror.read_pins(out) == {"keras": "3.13.2", "numpy": "2.1.3", "pip": "24.1.2"}
    assert "Source: https://example.org/f" in text and "2026-08-19" in text
    assert "#   av." in text, "a package Colab lacks is named in the header, not pinned"


@pytest.mark.parametrize("line", ["", "# numpy==1.0", "foo @ file:///x"])
def test_read_pins_ignores_comments_and_urls(tmp_path, line):
    path = tmp_path / "pins.txt"
    path.write_text(f"{line}\nNumPy==2.1.3  # Colab\n")
    assert colab_mirror.read_pins(path) == {"numpy": "2.1.3"}
