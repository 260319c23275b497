"""The Jena live loader, offline: a fake server hands out archives the tests write."""

from __future__ import annotations

import hashlib
import io
import urllib.error
import zipfile

import pandas as pd
import pytest

from lstm_course.data import jena
from lstm_course.data.jena import JenaDataError, JenaDownloadError, load_jena

HEADER = "Date Time," + ",".join(jena.COLUMNS)


def _csv(rows: int = 30, *, sentinel: bool = False, duplicate: bool = False, gap: bool = False):
    times = list(pd.date_range("2009-01-01 00:10", periods=rows, freq="10min"))
    if duplicate:
        times.insert(5, times[5])
    if gap:
        del times[12]
    lines = [HEADER]
    for i, t in enumerate(times):
        values = [
            996.5 + i / 10,
            -8.0 + i / 100,
            265.4,
            -8.9,
            93.3,
            3.3,
            3.1,
            0.2,
            1.9,
            3.1,
            1307.8,
            1.03,
            1.75,
            152.3,
        ]
        if sentinel and i == 7:
            values[11] = -9999.0
        lines.append(f"{t:%d.%m.%Y %H:%M:%S}," + ",".join(map(str, values)))
    return ("\n".join(lines) + "\n").encode()


def _zip(csv: bytes, member: str = jena.JENA_MEMBER) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, csv)
    return buffer.getvalue()


class FakeServer:
    """Stands in for urllib.request.urlopen: serves ``payload`` or raises ``error``."""

    def __init__(self, payload: bytes = b"", error: Exception | None = None):
        self.payload, self.error, self.calls = payload, error, 0

    def __call__(self, url, timeout=None):
        self.calls += 1
        if self.error is not None:
            raise self.error
        return io.BytesIO(self.payload)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LSTM_COURSE_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def serve(monkeypatch, payload=b"", error=None) -> FakeServer:
    server = FakeServer(payload, error)
    monkeypatch.setattr(jena.urllib.request, "urlopen", server)
    return server


def pinned(payload: bytes) -> dict:
    return {"sha256": hashlib.sha256(payload).hexdigest(), "size": len(payload)}


def test_a_verified_download_is_cached_and_read_offline_afterwards(monkeypatch, cache):
    payload = _zip(_csv())
    server = serve(monkeypatch, payload)
    frame = load_jena(**pinned(payload))
    assert frame.shape == (30, 14) and list(frame.columns) == list(jena.COLUMNS)
    assert frame.index[0] == pd.Timestamp("2009-01-01 00:10")
    assert jena.jena_cache_path().is_file() and jena.jena_cache_path().is_relative_to(cache)
    serve(monkeypatch, error=urllib.error.URLError("offline"))
    again = load_jena(**pinned(payload))  # from the cache: no network needed
    pd.testing.assert_frame_equal(frame, again)
    assert server.calls == 1


def test_offline_gives_a_clear_error_and_names_the_offline_data(monkeypatch, cache):
    serve(monkeypatch, error=urllib.error.URLError("Temporary failure in name resolution"))
    with pytest.raises(JenaDownloadError, match=r"could not download .*no network.*load_beijing"):
        load_jena()
    assert not list((cache / "jena").glob("*"))  # nothing left behind


def test_a_wrong_sha256_or_size_is_refused_and_not_cached(monkeypatch, cache):
    payload = _zip(_csv())
    serve(monkeypatch, payload)
    with pytest.raises(JenaDataError, match="sha256 .*, expected 0000"):
        load_jena(sha256="0" * 64, size=None)
    with pytest.raises(JenaDataError, match=f"{len(payload):,} bytes, expected size=5"):
        load_jena(sha256=None, size=5)
    assert not jena.jena_cache_path().exists()
    assert not list(jena.jena_cache_path().parent.glob(".jena.*"))  # no temporary file left


def test_an_unpinned_hash_is_announced_with_the_digest(monkeypatch, cache):
    payload = _zip(_csv())
    serve(monkeypatch, payload)
    with pytest.warns(UserWarning, match=hashlib.sha256(payload).hexdigest()):
        load_jena(sha256=None, size=len(payload))


def test_quirks_are_handled_as_documented_and_announced(monkeypatch, cache):
    payload = _zip(_csv(sentinel=True, duplicate=True, gap=True))
    serve(monkeypatch, payload)
    with pytest.warns(
        UserWarning, match=r"1 value\(s\) of -9999 in 'wv \(m/s\)'.*1 repeated.*1 missing"
    ):
        frame = load_jena(**pinned(payload))
    assert frame["wv (m/s)"].isna().sum() == 1 and frame.index.is_unique
    assert frame.attrs == {"missing": {"wv (m/s)": 1}, "duplicates": 1, "gaps": 1}


@pytest.mark.parametrize(
    ("payload", "match"),
    [
        (_zip(_csv(), member="other.csv"), "not jena_climate_2009_2016.csv"),
        (b"this is not a zip", "not a readable zip"),
        (_zip(b"a,b\n1,2\n"), "has columns"),
        (_zip(_csv().replace(b"01.01.2009 00:30:00", b"2009-01-01 00:30")), "expected DD.MM.YYYY"),
        (_zip(_csv().replace(b"996.6,", b"high,", 1)), r"not a number in 'p \(mbar\)'"),
    ],
    ids=["wrong member", "not a zip", "columns", "time format", "text value"],
)
def test_bad_archives_are_refused_and_not_cached(monkeypatch, cache, payload, match):
    serve(monkeypatch, payload)
    with pytest.raises(JenaDataError, match=match):
        load_jena(**pinned(payload))
    assert not jena.jena_cache_path().exists()


def test_a_damaged_cached_copy_is_refused_when_the_hash_is_pinned(monkeypatch, cache):
    payload = _zip(_csv())
    serve(monkeypatch, payload)
    load_jena(**pinned(payload))
    jena.jena_cache_path().write_bytes(payload[:-10])
    with pytest.raises(JenaDataError, match="cached copy .* refresh=True"):
        load_jena(**pinned(payload))
    assert len(load_jena(**pinned(payload), refresh=True)) == 30  # a fresh download mends it


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"sha256": "abc"}, ValueError, "64 hex digits"),
        ({"size": 0}, TypeError, "size must be a positive int"),
        ({"timeout": 0}, ValueError, "timeout"),
        ({"refresh": 1}, TypeError, "refresh"),
        ({"url": ""}, ValueError, "url"),
    ],
)
def test_bad_arguments_are_refused_before_any_download(monkeypatch, cache, kwargs, error, match):
    server = serve(monkeypatch, b"")
    with pytest.raises(error, match=match):
        load_jena(**kwargs)
    assert server.calls == 0
