"""Notebook 10's sentiment loaders on the real snapshots and on files the tests write; the builder."""

from __future__ import annotations

import gzip
import io
import json
import tarfile

import pandas as pd
import pytest

from lstm_course.data import sentiment
from lstm_course.data.registry import DatasetError, sha256_of
from lstm_course.data.sentiment import (
    SentimentDataError,
    load_crossdomain,
    load_mr,
    mr_splits,
)
from tools import build_sentiment, data_build

# --- the committed snapshots ------------------------------------------------------------------


def test_the_mr_snapshot_has_every_sentence_and_a_fixed_split():
    frame = load_mr()
    assert len(frame) == 10_568 and frame.attrs["neutral"] == 37
    assert list(frame.columns) == ["id", "text", "rating", "label", "split"]
    assert frame["label"].value_counts().to_dict() == {0: 5_326, 1: 5_242}
    assert frame["rating"].between(-4, 4).all() and (frame["rating"] != 0).all()
    assert ((frame["rating"] > 0) == (frame["label"] == 1)).all()
    parts = mr_splits(frame)
    assert {k: len(v) for k, v in parts.items()} == {
        "train": 8_430,
        "validation": 1_074,
        "test": 1_064,
    }
    # the split is the builder's hash rule, so it never depends on a seed or library version
    sample = frame.sample(50, random_state=0)
    assert all(
        build_sentiment.split_of(i) == s for i, s in zip(sample["id"], sample["split"], strict=True)
    )
    assert frame["text"].iloc[0].startswith("The Rock is destined")


def test_neutral_sentences_can_be_kept():
    frame = load_mr(keep_neutral=True)
    assert len(frame) == 10_605 and (frame["label"] == -1).sum() == 37
    assert frame["id"].tolist() == list(range(1, 10_606))


def test_the_crossdomain_snapshot_is_balanced_per_domain():
    frame = load_crossdomain()
    assert list(frame.columns) == ["domain", "text", "label"]
    counts = frame.groupby("domain")["label"].agg(["size", "sum"])
    assert counts["size"].to_dict() == {"amazon": 1_000, "imdb": 1_000, "yelp": 1_000}
    assert counts["sum"].to_dict() == {"amazon": 500, "imdb": 500, "yelp": 500}
    assert (frame["text"] == frame["text"].str.strip()).all()


# --- files the tests write --------------------------------------------------------------------

MR_GOOD = [
    "id\trating\tsplit\ttext",
    "1\t2.5\ttrain\tA good film.",
    "2\t-1.25\tvalidation\tNot a good film.",
    "3\t0\ttest\tA film.",
    "4\t-3\ttest\tAwful, but short.",
    "5\t4\ttrain\tBrilliant.",
]
CROSS_GOOD = [
    "domain\tlabel\ttext",
    "amazon\t1\tGreat phone.",
    "yelp\t0\tCold food.",
    "imdb\t1\tLoved it.",
]


def _write(folder, name: str, lines: list[str] | None = None, raw: bytes | None = None):
    """A snapshot + manifest in ``folder`` (written through the real record())."""
    from tools.data_build import record

    path = folder / name
    data = raw if raw is not None else gzip.compress(("\n".join(lines) + "\n").encode())
    path.write_bytes(data)
    record(path, source="test", license="CC0", description="test", rebuild="none")
    return folder


def test_small_good_files_load(tmp_path):
    _write(tmp_path, sentiment.MR_FILE, MR_GOOD)
    frame = load_mr(tmp_path)
    assert frame["id"].tolist() == [1, 2, 4, 5] and frame.attrs["neutral"] == 1
    assert frame["label"].tolist() == [1, 0, 0, 1]
    assert frame["text"].tolist()[-1] == "Brilliant."
    parts = mr_splits(frame)
    assert [len(p) for p in parts.values()] == [2, 1, 1]
    _write(tmp_path, sentiment.CROSS_FILE, CROSS_GOOD)
    cross = load_crossdomain(tmp_path)
    assert cross["label"].tolist() == [1, 0, 1] and cross["domain"].tolist()[1] == "yelp"


def _edited(lines: list[str], row: int, line: str) -> list[str]:
    out = list(lines)
    out[row] = line
    return out


MR_BROKEN = [
    (_edited(MR_GOOD, 0, "id\trating\ttext"), "header is \\['id', 'rating', 'text'\\]"),
    (_edited(MR_GOOD, 2, "2\t-1.25\tvalidation"), "line 3: 3 field\\(s\\), expected 4"),
    (_edited(MR_GOOD, 2, "7\t-1.25\tvalidation\tx"), "line 3: id is '7', expected 2"),
    (_edited(MR_GOOD, 2, "two\t-1.25\tvalidation\tx"), "line 3: id is 'two'"),
    (_edited(MR_GOOD, 2, "2\tbad\tvalidation\tx"), "line 3: rating is 'bad', expected a number"),
    (_edited(MR_GOOD, 2, "2\t4.5\tvalidation\tx"), "line 3: rating is '4.5'"),
    (_edited(MR_GOOD, 2, "2\tnan\tvalidation\tx"), "line 3: rating is 'nan'"),
    (_edited(MR_GOOD, 2, "2\t-1\tdev\tx"), "line 3: split is 'dev', expected one of"),
    (_edited(MR_GOOD, 2, "2\t-1\ttrain\t   "), "line 3: the text is blank"),
    (MR_GOOD[:1], "has a header but no rows"),
]


@pytest.mark.parametrize(("lines", "match"), MR_BROKEN, ids=[m for _, m in MR_BROKEN])
def test_broken_mr_files_are_refused_naming_where(tmp_path, lines, match):
    _write(tmp_path, sentiment.MR_FILE, lines)
    with pytest.raises(SentimentDataError, match=match):
        load_mr(tmp_path)


CROSS_BROKEN = [
    (_edited(CROSS_GOOD, 0, "domain\ttext"), "header is"),
    (_edited(CROSS_GOOD, 1, "twitter\t1\tok"), "line 2: domain is 'twitter'"),
    (_edited(CROSS_GOOD, 1, "amazon\t2\tok"), "line 2: label is '2', expected 0"),
    (_edited(CROSS_GOOD, 1, "amazon\t1"), "line 2: 2 field\\(s\\), expected 3"),
]


@pytest.mark.parametrize(("lines", "match"), CROSS_BROKEN, ids=[m for _, m in CROSS_BROKEN])
def test_broken_crossdomain_files_are_refused(tmp_path, lines, match):
    _write(tmp_path, sentiment.CROSS_FILE, lines)
    with pytest.raises(SentimentDataError, match=match):
        load_crossdomain(tmp_path)


@pytest.mark.parametrize(
    ("raw", "match"),
    [
        (b"not gzip", "cannot be read as a gzip file"),
        (gzip.compress(b""), "is empty"),
        (gzip.compress(b"id\trating\tsplit\ttext\n1\t1\ttrain\t\xff\n"), "is not UTF-8"),
    ],
)
def test_unreadable_files_are_refused(tmp_path, raw, match):
    _write(tmp_path, sentiment.MR_FILE, raw=raw)
    with pytest.raises(SentimentDataError, match=match):
        load_mr(tmp_path)


def test_a_changed_snapshot_fails_its_hash(tmp_path):
    _write(tmp_path, sentiment.MR_FILE, MR_GOOD)
    (tmp_path / sentiment.MR_FILE).write_bytes(gzip.compress(b"id\trating\tsplit\ttext\n"))
    with pytest.raises(DatasetError, match="sha256"):
        load_mr(tmp_path)


def test_bad_arguments_are_refused():
    with pytest.raises(TypeError, match="keep_neutral"):
        load_mr(keep_neutral="yes")
    with pytest.raises(TypeError, match="frame must be a DataFrame from load_mr"):
        mr_splits([1, 2])
    with pytest.raises(SentimentDataError, match="unknown split name"):
        mr_splits(pd.DataFrame({"split": ["train", "dev"]}))
    with pytest.raises(SentimentDataError, match="no 'test' rows"):
        mr_splits(pd.DataFrame({"split": ["train", "validation"]}))


# --- the builder, on archives the tests write ---------------------------------------------------


def _tar(members: dict[str, bytes], links: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name in links:
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
            archive.addfile(info)
    return buffer.getvalue()


MR_RAW = b"1\t2.5\tGood.\r\n2\t-1.5\tBad. \r\n3\t0\tMeh."


def _fake_sources(tmp_path, monkeypatch, mr_raw: bytes = MR_RAW, links=()):
    inner = _tar({build_sentiment.MR_MEMBER: mr_raw}, links)
    sdist = tmp_path / build_sentiment.SDIST
    sdist.write_bytes(_tar({build_sentiment.INNER_ARCHIVE: inner}))
    fixtures = {
        d: json.dumps(
            [
                {"text": f" {d} fine ", "class": 1},
                {"text": "x", "class": None},
                {"text": f"{d} bad", "class": 0},
            ]
        ).encode()
        for d in build_sentiment.FIXTURES
    }
    npm = tmp_path / build_sentiment.NPM_TGZ
    npm.write_bytes(_tar({f"package/test/fixtures/{d}.json": b for d, b in fixtures.items()}))
    monkeypatch.setattr(build_sentiment, "SDIST_SHA256", sha256_of(sdist))
    monkeypatch.setattr(build_sentiment, "MR_SHA256", data_build.sha256_bytes(mr_raw))
    monkeypatch.setattr(build_sentiment, "NPM_SHA256", sha256_of(npm))
    monkeypatch.setattr(
        build_sentiment, "FIXTURES", {d: data_build.sha256_bytes(b) for d, b in fixtures.items()}
    )
    monkeypatch.setattr(data_build, "LOCK_FILE", tmp_path / "manifest.lock")
    return sdist, npm


def test_build_writes_reproducible_snapshots_the_loaders_accept(tmp_path, monkeypatch):
    sdist, npm = _fake_sources(tmp_path, monkeypatch)
    out = tmp_path / "out"
    out.mkdir()
    paths = build_sentiment.build(out, sdist=sdist, npm=npm)
    first = [p.read_bytes() for p in paths]
    build_sentiment.build(out, sdist=sdist, npm=npm)
    assert [p.read_bytes() for p in paths] == first  # gzip mtime 0: same bytes every time
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["files"]) == {sentiment.MR_FILE, sentiment.CROSS_FILE}
    mr = load_mr(out, keep_neutral=True)
    assert mr["text"].tolist() == ["Good.", "Bad.", "Meh."]
    assert mr["label"].tolist() == [1, 0, -1]
    assert mr["split"].tolist() == [build_sentiment.split_of(i) for i in (1, 2, 3)]
    cross = load_crossdomain(out)
    assert len(cross) == 6 and cross["text"].iloc[0] == "amazon fine"  # classless dropped


def test_build_refuses_changed_inputs_and_links(tmp_path, monkeypatch):
    sdist, npm = _fake_sources(tmp_path, monkeypatch)
    monkeypatch.setattr(build_sentiment, "MR_SHA256", "0" * 64)
    with pytest.raises(SystemExit, match="movieReviewSnippets_GroundTruth.txt in .* has sha256"):
        build_sentiment.build(tmp_path, sdist=sdist, npm=npm)
    monkeypatch.setattr(build_sentiment, "NPM_SHA256", "1" * 64)
    with pytest.raises(SystemExit, match="expected 1111"):
        build_sentiment.read_fixtures(npm)
    with tarfile.open(fileobj=io.BytesIO(_tar({}, links=("evil",)))) as archive:
        with pytest.raises(SystemExit, match="not a regular file"):
            build_sentiment.read_member(archive, "evil", "test archive")
        with pytest.raises(SystemExit, match="has no member absent"):
            build_sentiment.read_member(archive, "absent", "test archive")


def test_build_refuses_a_malformed_mr_file(tmp_path, monkeypatch):
    sdist, npm = _fake_sources(tmp_path, monkeypatch, mr_raw=b"1\t2.5\tGood.\r\n5\t1\tJump.")
    with pytest.raises(SystemExit, match="line 2: expected '<2>"):
        build_sentiment.build(tmp_path, sdist=sdist, npm=npm)


def test_build_offline_says_how_to_rebuild(tmp_path, monkeypatch):
    monkeypatch.setattr(build_sentiment.sys, "executable", "/nonexistent/python")
    with pytest.raises(SystemExit, match="Offline\\? pass a copy of vaderSentiment-3.3.2.tar.gz"):
        build_sentiment.download_sdist(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))  # no npm to be found
    with pytest.raises(SystemExit, match="--npm PATH"):
        build_sentiment.download_npm(tmp_path)


def test_split_of_is_about_80_10_10():
    counts = pd.Series([build_sentiment.split_of(i) for i in range(1, 5001)]).value_counts()
    assert 0.77 < counts["train"] / 5000 < 0.83
    assert 0.08 < counts["validation"] / 5000 < 0.12 and 0.08 < counts["test"] / 5000 < 0.12


# --- the live IMDB option: offline it must fail clearly, without the network -----------------


def test_imdb_live_offline_raises_a_clear_error(monkeypatch):
    import keras.src.datasets.imdb as keras_imdb

    def offline(*args, **kwargs):  # what keras.utils.get_file does without a network
        raise Exception("URL fetch failure on https://storage.googleapis.com/...: None")

    monkeypatch.setattr(keras_imdb, "get_file", offline)
    with pytest.raises(sentiment.SentimentDataError, match="needs the internet") as caught:
        sentiment.load_imdb_live()
    assert sentiment.IMDB_URL in str(caught.value)


def test_imdb_live_pads_and_cuts_a_downloaded_copy(monkeypatch, tmp_path):
    import keras.src.datasets.imdb as keras_imdb
    import numpy as np

    def ragged(*rows):
        out = np.empty(len(rows), dtype=object)
        out[:] = [list(r) for r in rows]
        return out

    path = tmp_path / "imdb.npz"
    np.savez(
        path,
        x_train=ragged([1, 2, 3, 4, 5, 6], [7]),
        y_train=np.array([1, 0]),
        x_test=ragged([2, 2]),
        y_test=np.array([1]),
    )
    monkeypatch.setattr(keras_imdb, "get_file", lambda *a, **k: str(path))
    (x_train, y_train), (x_test, y_test) = sentiment.load_imdb_live(num_words=8, maxlen=4)
    assert x_train.shape == (2, 4) and x_test.shape == (1, 4) and x_train.dtype == np.int64
    assert sorted(y_train.tolist()) == [0, 1] and y_test.tolist() == [1]
    assert x_test.tolist() == [[1, 5, 5, 0]]  # start mark 1, ids shifted by 3, padded with 0
    assert (x_train < 8).all() and sorted(x_train[:, 0]) == [1, 1]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"num_words": 2}, "num_words"), ({"maxlen": 0}, "maxlen"), ({"maxlen": "200"}, "maxlen")],
)
def test_imdb_live_checks_its_arguments_before_any_download(kwargs, match):
    with pytest.raises((TypeError, ValueError), match=match):
        sentiment.load_imdb_live(**kwargs)
