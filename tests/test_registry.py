import importlib
import json
import re
import shutil
import subprocess
import sys
import zipfile

import pytest

from lstm_course import data
from lstm_course.data import weather
from lstm_course.data.registry import DatasetError, dataset_path, sha256_of, verify_all
from tools import data_build
from tools.data_build import record


def test_every_committed_snapshot_matches_the_manifest():
    verified = verify_all()
    assert verified, "the manifest lists no dataset"
    for name, digest in verified.items():
        assert data.load_manifest()[name]["sha256"] == digest


def test_manifest_entries_document_provenance(repo):
    readme = (repo / "datasets" / "README.md").read_text(encoding="utf-8")
    for name, entry in data.load_manifest().items():
        for key in ("sha256", "bytes", "source", "license", "description", "rebuild"):
            assert entry.get(key), f"{name}: manifest entry lacks {key!r}"
        assert name in readme, f"datasets/README.md does not document {name}"
        assert entry["bytes"] <= 5 * 1024 * 1024, f"{name} is over 5 MB; snapshots stay small"


@pytest.fixture
def copied_datasets(tmp_path):
    root = tmp_path / "datasets"
    shutil.copytree(data.datasets_dir(), root)
    return root


def test_tampered_file_raises_naming_file_and_both_hashes(copied_datasets):
    name = data.list_datasets(copied_datasets)[0]
    path = copied_datasets / name
    expected = data.load_manifest(copied_datasets)[name]["sha256"]
    path.write_bytes(path.read_bytes().replace(b"1", b"2", 1))
    with pytest.raises(DatasetError) as info:
        dataset_path(name, root=copied_datasets)
    message = str(info.value)
    assert name in message and expected in message and sha256_of(path) in message


def test_missing_and_unknown_files_get_clear_errors(copied_datasets):
    name = data.list_datasets(copied_datasets)[0]
    with pytest.raises(DatasetError, match="unknown dataset name 'nope.csv'.*manifest lists"):
        dataset_path("nope.csv", root=copied_datasets)
    (copied_datasets / name).unlink()
    with pytest.raises(DatasetError, match=f"dataset file missing: .*{name}"):
        dataset_path(name, root=copied_datasets)


def test_broken_manifest_is_reported(tmp_path):
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(DatasetError, match="not valid JSON"):
        data.list_datasets(tmp_path)


def test_record_adds_an_entry_that_then_verifies(tmp_path):
    path = tmp_path / "tiny.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    entry = record(path, source="test", license="CC0", description="tiny", rebuild="none")
    assert entry["bytes"] == 8
    assert dataset_path("tiny.csv", root=tmp_path) == path


def test_manifest_rebuild_commands_name_the_maintainer_tool(repo):
    readme = (repo / "datasets" / "README.md").read_text(encoding="utf-8")
    for name, entry in data.load_manifest().items():
        command = entry["rebuild"]
        module = re.match(r"python -m (tools\.\w+)", command)
        assert module, f"{name}: rebuild command {command!r} is not a `python -m tools.…` tool"
        importlib.import_module(module.group(1))  # the tool exists in the checkout
        if module.group(1) == "tools.data_build":
            stem = name.removesuffix(".csv")
            assert command == f"python -m tools.data_build {stem}" and stem in data_build.BUILDERS
        assert f"`{command}`" in readme or module.group(1).split(".")[1] in readme, name
    assert "lstm_course.data.build" not in readme
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("lstm_course.data.build")


def test_the_rebuild_tool_runs_as_a_module_from_the_repository_root(repo):
    result = subprocess.run(
        [sys.executable, "-m", "tools.data_build", "--help"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and "python -m tools.data_build" in result.stdout
    with pytest.raises(SystemExit):
        data_build.main(["no_such_dataset"])


def test_a_mismatch_says_how_to_rebuild(copied_datasets):
    path = copied_datasets / "sp500.csv"
    path.write_bytes(path.read_bytes() + b"\n")
    with pytest.raises(DatasetError, match="`python -m tools.data_build sp500`"):
        dataset_path("sp500.csv", root=copied_datasets)


# --- issue 11: a damaged manifest gets a DatasetError naming the file and the problem ------


def write_manifest(root, content) -> None:
    text = content if isinstance(content, (str, bytes)) else json.dumps(content)
    path = root / "manifest.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))


GOOD_SHA = "a" * 64


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("null", "must be a JSON object with a 'files' table, got NoneType"),
        ("[]", "must be a JSON object with a 'files' table, got list"),
        ({"files": []}, "'files' table, got dict"),
        ({"files": {"a.csv": "deadbeef"}}, "entry 'a.csv' must be a JSON object"),
        ({"files": {"a.csv": None}}, "entry 'a.csv' must be a JSON object"),
        ({"files": {"a.csv": {"bytes": 3}}}, "entry 'a.csv' needs 'sha256': 64 hex digits"),
        ({"files": {"a.csv": {"sha256": "xyz"}}}, "needs 'sha256': 64 hex digits, got str 'xyz'"),
        ({"files": {"a.csv": {"sha256": 7}}}, "needs 'sha256'"),
        ({"files": {"../pyproject.toml": {"sha256": GOOD_SHA}}}, "plain file name inside"),
        ({"files": {"sub/a.csv": {"sha256": GOOD_SHA}}}, "plain file name inside"),
        ({"files": {"..": {"sha256": GOOD_SHA}}}, "plain file name inside"),
        ({"files": {"/etc/passwd": {"sha256": GOOD_SHA}}}, "plain file name inside"),
        ("\xef\xbb{", "not valid JSON"),
        (b'{"files": {"caf\xe9.csv": {}}}', r"is not UTF-8 text \(byte 15 is 0xe9\)"),
        ('{"files": {}, "files": {}}', r"duplicate key\(s\) \['files'\]"),
    ],
    ids=[
        "null",
        "list",
        "files-list",
        "string-entry",
        "null-entry",
        "no-sha",
        "bad-sha",
        "int-sha",
        "parent",
        "subfolder",
        "dotdot",
        "absolute",
        "not-json",
        "latin-1",
        "duplicate",
    ],
)
def test_a_damaged_manifest_is_a_dataset_error_naming_it(tmp_path, content, match):
    write_manifest(tmp_path, content)
    for call in (data.verify_all, data.list_datasets, data.load_manifest):
        with pytest.raises(DatasetError, match=match) as info:
            call(tmp_path)
        assert str(tmp_path / "manifest.json") in str(info.value)


def test_entries_never_reach_outside_the_datasets_folder(copied_datasets):
    (copied_datasets.parent / "secret.txt").write_text("not a dataset")
    manifest = json.loads((copied_datasets / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["../secret.txt"] = {
        "sha256": sha256_of(copied_datasets.parent / "secret.txt")
    }
    write_manifest(copied_datasets, manifest)
    with pytest.raises(DatasetError, match="'../secret.txt'.*plain file name"):
        verify_all(copied_datasets)
    with pytest.raises(DatasetError, match="name must be a plain file name"):
        dataset_path("../secret.txt", root=copied_datasets)


def test_digests_are_compared_case_insensitively(copied_datasets):
    manifest = json.loads((copied_datasets / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"].values():
        entry["sha256"] = entry["sha256"].upper()
    write_manifest(copied_datasets, manifest)
    verified = verify_all(copied_datasets)
    assert verified == verify_all() and all(d == d.lower() for d in verified.values())


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"name": 3}, TypeError, "name must be a file name"),
        ({"name": b"sp500.csv"}, TypeError, "name must be a file name"),
        ({"name": ""}, DatasetError, "name must be a plain file name"),
        ({"name": "sp500.csv", "verify": 1}, TypeError, "verify must be True or False"),
        ({"name": "sp500.csv", "root": 3}, TypeError, "root must be a non-empty path"),
        ({"name": "sp500.csv", "root": "/no/such/folder"}, DatasetError, "root must be a folder"),
    ],
)
def test_dataset_path_arguments_are_checked(kwargs, error, match):
    with pytest.raises(error, match=match):
        dataset_path(**kwargs)


def test_sha256_of_checks_its_arguments(tmp_path):
    with pytest.raises(TypeError, match="path must be a non-empty path"):
        sha256_of(None)
    with pytest.raises(DatasetError, match="path .*cannot be read"):
        sha256_of(tmp_path / "absent.csv")
    with pytest.raises(ValueError, match="chunk_size must be an int >= 1"):
        sha256_of(tmp_path, chunk_size=0)


# --- the weather snapshot -------------------------------------------------------------------


def test_load_seattle_weather_is_daily_and_complete():
    frame = data.load_seattle_weather()
    assert len(frame) == 1461 and frame.index.is_monotonic_increasing
    assert frame.index.freqstr == "D"
    assert not frame[["precipitation", "temp_max", "temp_min", "wind"]].isna().any().any()
    assert (frame["temp_max"] >= frame["temp_min"]).all()


def test_installed_wheel_carries_and_finds_the_datasets(repo, tmp_path):
    """A pip install (e.g. in Colab) has no checkout: the snapshots must ship inside."""
    wheel_dir, target = tmp_path / "wheel", tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheel_dir),
            str(repo),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(wheel_dir.glob("lstm_course-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for name in ["manifest.json", *data.list_datasets()]:
        assert f"lstm_course/_datasets/{name}" in names
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    probe = (
        "import lstm_course.data as d; p = d.datasets_dir(); assert p.name == '_datasets', p; "
        "print(len(d.verify_all()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == len(data.list_datasets())


@pytest.fixture
def fake_weather(monkeypatch, tmp_path):
    """Point load_seattle_weather at an edited copy of the first 40 days of the snapshot."""
    lines = (data.datasets_dir() / "seattle_weather.csv").read_text().splitlines()[:41]
    path = tmp_path / "seattle_weather.csv"

    def write(edit):
        path.write_text("\n".join(edit(list(lines))) + "\n")
        monkeypatch.setattr(weather, "dataset_path", lambda name: path)

    return write


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (
            lambda rows: rows[:5] + rows[35:],
            r"30 day\(s\) missing between 2012-01-01 and .*2012-01-05",
        ),
        (lambda rows: [*rows, rows[-1]], "the date 2012-02-09 appears more than once"),
        (lambda rows: [rows[0], rows[2], rows[1], *rows[3:]], "not in increasing order"),
        (
            lambda rows: [rows[0], rows[1].replace(",12.8,", ",,"), *rows[2:]],
            "blank or non-numeric value in 'temp_max' on 2012-01-01",
        ),
        (
            lambda rows: [rows[0], rows[1], rows[2].replace(",4.5,", ",n/a,"), *rows[3:]],
            "'wind' on 2012-01-02",
        ),
        (lambda rows: [rows[0], rows[1].replace(",drizzle", ","), *rows[2:]], "blank 'weather'"),
        (lambda rows: [rows[0], "2012/01/01" + rows[1][10:], *rows[2:]], "line 2 has the date"),
        (lambda rows: [rows[0].replace("wind", "gust"), *rows[1:]], r"lacks columns \['wind'\]"),
    ],
    ids=["gap", "duplicate", "unsorted", "blank", "text", "no-label", "bad-date", "column"],
)
def test_weather_content_problems_are_named(fake_weather, edit, match):
    fake_weather(edit)
    with pytest.raises(DatasetError, match=match) as info:
        data.load_seattle_weather()
    assert "seattle_weather.csv" in str(info.value)
