import shutil
import subprocess
import sys
import zipfile

import pytest

from lstm_course import data
from lstm_course.data.registry import DatasetError, dataset_path, record, sha256_of, verify_all


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
    with pytest.raises(DatasetError, match="unknown dataset 'nope.csv'.*manifest lists"):
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
