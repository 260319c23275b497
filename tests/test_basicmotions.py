"""The BasicMotions loader on the real snapshot and on files the tests write; its builder."""

from __future__ import annotations

import gzip
import io
import json
import zipfile

import numpy as np
import pytest

from lstm_course.data import basicmotions
from lstm_course.data.basicmotions import BasicMotionsDataError, load_basicmotions, parse_ts
from lstm_course.data.registry import DatasetError, sha256_of
from tools import build_basicmotions

CLASSES = ("Standing", "Running", "Walking", "Badminton")


@pytest.mark.parametrize("split", ["train", "test"])
def test_the_snapshot_is_balanced_and_finite(split):
    x, y, classes = load_basicmotions(split)
    assert x.shape == (40, 100, 6) and x.dtype == np.float32
    assert y.dtype == np.int64 and np.bincount(y).tolist() == [10, 10, 10, 10]
    assert classes == CLASSES
    assert np.isfinite(x).all()
    # standing still moves the watch far less than running
    assert x[y == 0].std() < x[y == 1].std() / 3


def test_first_train_value_is_the_file_s():
    x, y, _ = load_basicmotions("train")
    assert x[0, :3, 0].tolist() == pytest.approx([0.079106, 0.079106, -0.903497], abs=1e-6)
    assert y[0] == 0 and y[-1] == 3


# --- text the tests write ---------------------------------------------------------------------


def _ts(cases: int = 4, steps: int = 5, dims: int = 2, classes=("a", "b"), body=None) -> str:
    lines = [
        "# a comment",
        "@problemName toy",
        f"@dimensions {dims}",
        f"@seriesLength {steps}",
        f"@classLabel true {' '.join(classes)}",
        "@data",
    ]
    if body is None:
        body = [
            ":".join(",".join(str(c + d + s / 10) for s in range(steps)) for d in range(dims))
            + f":{classes[c % len(classes)]}"
            for c in range(cases)
        ]
    return "\n".join(lines + body) + "\n"


def test_parse_ts_reads_time_major_arrays():
    x, y, classes = parse_ts(_ts())
    assert x.shape == (4, 5, 2) and classes == ("a", "b")
    assert y.tolist() == [0, 1, 0, 1]
    assert x[1, :, 1].tolist() == pytest.approx([2.0, 2.1, 2.2, 2.3, 2.4])


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("# only a comment\n@dimensions 2\n", "no '@data' line"),
        ("1,2,3:a\n@data\n", "line 1 is data before '@data'"),
        (_ts().replace("@dimensions 2\n", ""), "lacks '@dimensions'"),
        (_ts().replace("@seriesLength 5", "@seriesLength five"), "positive integer, got 'five'"),
        (_ts().replace("@seriesLength 5", "@seriesLength 0"), "positive integer, got 0"),
        (_ts().replace("@classLabel true a b", "@classLabel false"), "'@classLabel' must be"),
        (_ts(body=["1,2,3,4,5:a"]), r"line 7 has 1 channel\(s\), expected 2"),
        (_ts(body=["1,2,3,4,5:1,2,3,4,5:c"]), r"class 'c', expected one of \('a', 'b'\)"),
        (_ts(body=["1,2,3,4,5:1,2,3,4:a"]), "channel 1 has 4 values, expected 5"),
        (_ts(body=["1,2,x,4,5:1,2,3,4,5:a"]), "channel 0: a value is not a number"),
        (_ts(body=["1,2,nan,4,5:1,2,3,4,5:a"]), "channel 0 holds NaN or infinity"),
        (_ts(body=[]), "no recordings after '@data'"),
    ],
)
def test_parse_ts_refuses_broken_text(text, match):
    with pytest.raises(BasicMotionsDataError, match=match):
        parse_ts(text, "toy.ts")


def test_parse_ts_needs_text():
    with pytest.raises(TypeError, match="text must be a str, got bytes"):
        parse_ts(b"@data\n")


def _folder(tmp_path, data: bytes, name: str = "basicmotions_train.ts.gz"):
    (tmp_path / name).write_bytes(data)
    manifest = {"files": {name: {"sha256": sha256_of(tmp_path / name), "bytes": len(data)}}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    return tmp_path


def test_loader_reads_a_folder_the_test_writes(tmp_path):
    root = _folder(tmp_path, gzip.compress(_ts().encode()))
    x, y, classes = load_basicmotions("train", root=root)
    assert x.shape == (4, 5, 2) and classes == ("a", "b")


def test_loader_names_the_file_when_it_is_not_gzip(tmp_path):
    root = _folder(tmp_path, _ts().encode())
    with pytest.raises(BasicMotionsDataError, match=r"basicmotions_train.ts.gz .*gzip"):
        load_basicmotions("train", root=root)


def test_loader_refuses_a_changed_file(tmp_path):
    root = _folder(tmp_path, gzip.compress(_ts().encode()))
    (root / "basicmotions_train.ts.gz").write_bytes(gzip.compress(_ts(cases=3).encode()))
    with pytest.raises(DatasetError, match="sha256"):
        load_basicmotions("train", root=root)


def test_loader_refuses_an_unknown_split():
    with pytest.raises(ValueError, match=r"split must be one of \['train', 'test'\]"):
        load_basicmotions("valid")


# --- the builder, offline, on a fake wheel ------------------------------------------------------


def _fake_wheel(tmp_path, members: dict[str, bytes]):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    path = tmp_path / build_basicmotions.WHEEL
    path.write_bytes(buffer.getvalue())
    return path


def test_builder_refuses_a_wheel_with_another_hash(tmp_path):
    wheel = _fake_wheel(tmp_path, {"x": b"y"})
    with pytest.raises(SystemExit, match="expected d05227086706"):
        build_basicmotions.read_members(wheel)


def test_builder_refuses_a_missing_wheel(tmp_path):
    with pytest.raises(SystemExit, match="wheel not found"):
        build_basicmotions.read_members(tmp_path / "absent.whl")


def test_builder_rebuilds_the_committed_bytes(tmp_path, monkeypatch):
    """A wheel whose members are the snapshots' contents reproduces the snapshots exactly."""
    datasets = basicmotions.dataset_path("basicmotions_train.ts.gz").parent
    members = {
        member: gzip.decompress((datasets / name).read_bytes())
        for member, _, name in build_basicmotions.MEMBERS.values()
    }
    wheel = _fake_wheel(tmp_path, members)
    monkeypatch.setattr(build_basicmotions, "WHEEL_SHA256", sha256_of(wheel))
    out = tmp_path / "out"
    out.mkdir()
    written = build_basicmotions.build(out, wheel=wheel)
    for path in written:
        assert path.read_bytes() == (datasets / path.name).read_bytes()
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(manifest["files"]) == ["basicmotions_test.ts.gz", "basicmotions_train.ts.gz"]
    assert "40 recordings" in manifest["files"]["basicmotions_test.ts.gz"]["description"]
