"""Notebook 11's verse-pair snapshot, the sentence-pair loader on files the tests write, and
the builder's markup stripping and split rule."""

from __future__ import annotations

import gzip

import pytest

from lstm_course.data.bible import (
    BIBLE_FILE,
    BibleDataError,
    load_bible,
    load_sentence_pairs,
)
from lstm_course.data.registry import DatasetError
from tools import build_bible

# --- the committed snapshot -------------------------------------------------------------------


def test_the_snapshot_holds_short_aligned_verses_split_by_chapter():
    frame = load_bible()
    assert list(frame.columns) == ["ref", "split", "en", "es"]
    assert len(frame) == 11_706
    assert frame["split"].value_counts().to_dict() == {
        "train": 9_244,
        "validation": 1_302,
        "test": 1_160,
    }
    assert frame["ref"].is_unique
    for side in ("en", "es"):
        words = frame[side].str.split().map(len)
        assert words.between(1, build_bible.MAX_WORDS).all()
        assert not frame[side].str.contains("<|>|¶").any()  # markup stripped
    chapters = frame["ref"].str.rsplit(".", n=1).str[0]
    assert (chapters.groupby(chapters).transform(lambda c: c.size) > 0).all()
    assert frame.groupby(chapters)["split"].nunique().max() == 1  # a chapter in one split only
    sample = frame.sample(40, random_state=0)
    for ref, split in zip(sample["ref"], sample["split"], strict=True):
        book, chapter, _ = ref.split(".")
        assert build_bible.split_of(book, int(chapter)) == split
    first = frame.iloc[0]
    assert first["ref"] == "Gen.1.1" and first["en"].startswith("In the beginning God")
    assert first["es"].startswith("EN el principio crió Dios")


def test_words_added_by_the_translators_keep_their_spaces():
    frame = load_bible().set_index("ref")
    assert "hay allí también bdelio" in frame.loc["Gen.2.12", "es"]


# --- the builder's pieces ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "plain"),
    [
        ('<w lemma="strong:G2316">God</w> <w>so</w>, loved', "God so, loved"),
        (
            'hay allí</w><transChange type="added">también</transChange><w>bdelio',
            "hay allí también bdelio",
        ),
        ('Lord<note type="x-strongsMarkup">a <b>note</b></note> said.', "Lord said."),
        ('¶ <q who="Jesus">Fear not</q>  &amp; go', "Fear not & go"),
    ],
)
def test_strip_osis(markup, plain):
    assert build_bible.strip_osis(markup) == plain


def test_the_split_rule_is_a_fixed_hash_of_book_and_chapter():
    splits = [build_bible.split_of("Gen", c) for c in range(1, 51)]
    assert set(splits) <= {"train", "validation", "test"}
    assert splits == [build_bible.split_of("Gen", c) for c in range(1, 51)]
    every = [build_bible.split_of(b, c) for b in ("Gen", "Ps", "Matt") for c in range(1, 29)]
    assert 0.6 < every.count("train") / len(every) < 0.95


def test_select_keeps_short_pairs_and_refuses_tabs():
    rows = [
        ("Gen.1.1", "a b", "c d"),
        ("Gen.1.2", "x " * (build_bible.MAX_WORDS + 1), "y"),
        ("Gen.1.3", "", "z"),
    ]
    kept = build_bible.select(rows)
    assert [r[0] for r in kept] == ["Gen.1.1"]
    with pytest.raises(SystemExit, match="Gen.1.4: a tab"):
        build_bible.select([("Gen.1.4", "a\tb", "c")])


def test_a_deb_with_another_hash_is_refused(tmp_path):
    fake = tmp_path / "sword-text-kjv_14.3-1_all.deb"
    fake.write_bytes(b"not a deb")
    with pytest.raises(SystemExit, match="has sha256 .* expected 9f463f28"):
        build_bible.unpack_module("kjv", fake, tmp_path / "lib")
    with pytest.raises(SystemExit, match="not found"):
        build_bible.unpack_module("kjv", tmp_path / "missing.deb", tmp_path / "lib")


# --- files the tests write --------------------------------------------------------------------

GOOD = ["ref\tsplit\ten\tes", "Gen.1.1\ttrain\tIn the beginning.\tEn el principio.",
        "John.3.16\ttest\tFor God so loved.\tPorque de tal manera."]  # fmt: skip


def _write(folder, lines: list[str] | None = None, raw: bytes | None = None):
    from tools.data_build import record

    path = folder / BIBLE_FILE
    path.write_bytes(raw if raw is not None else gzip.compress(("\n".join(lines) + "\n").encode()))
    record(path, source="test", license="CC0", description="test", rebuild="none")
    return folder


def test_a_small_good_snapshot_loads(tmp_path):
    frame = load_bible(_write(tmp_path, GOOD))
    assert frame["ref"].tolist() == ["Gen.1.1", "John.3.16"]
    assert frame["es"].tolist()[1] == "Porque de tal manera."


@pytest.mark.parametrize(
    ("lines", "match"),
    [
        (["ref\ten\tes", *GOOD[1:]], "header is \\['ref', 'en', 'es'\\]"),
        ([*GOOD, "Gen.1.2\ttrain\tonly english"], "line 4: 3 field\\(s\\), expected 4"),
        ([*GOOD, "Genesis\ttrain\ta\tb"], "line 4: ref is 'Genesis'"),
        ([*GOOD, "Gen.1.2\tdev\ta\tb"], "line 4: split is 'dev'"),
        ([*GOOD, "Gen.1.2\ttrain\ta\t  "], "line 4: the English or Spanish text is blank"),
        (GOOD[:1], "has a header but no rows"),
    ],
)
def test_broken_snapshots_are_refused_naming_the_line(tmp_path, lines, match):
    with pytest.raises(BibleDataError, match=match):
        load_bible(_write(tmp_path, lines))


def test_a_changed_snapshot_fails_its_hash(tmp_path):
    _write(tmp_path, GOOD)
    (tmp_path / BIBLE_FILE).write_bytes(gzip.compress(b"ref\tsplit\ten\tes\n"))
    with pytest.raises(DatasetError, match="sha256"):
        load_bible(tmp_path)


def test_sentence_pair_files_in_the_tatoeba_layout(tmp_path):
    path = tmp_path / "spa.txt"
    path.write_text(
        "Go.\tVe.\tCC-BY 2.0 (France) Attribution: tatoeba.org #2877272\n\n"
        "Hi. \t Hola.\r\nRun!\t¡Corre!\tx\n",
        encoding="utf-8",
    )
    frame = load_sentence_pairs(path)
    assert frame.to_dict("list") == {
        "en": ["Go.", "Hi.", "Run!"],
        "es": ["Ve.", "Hola.", "¡Corre!"],
        "line": [1, 3, 4],
    }
    assert len(load_sentence_pairs(path, limit=2)) == 2
    gz = tmp_path / "deu.txt.gz"
    gz.write_bytes(gzip.compress(b"Hello.\tHallo.\n"))
    assert load_sentence_pairs(gz, columns=("en", "de"))["de"].tolist() == ["Hallo."]


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("Go.\tVe.\nno tab here\n", "line 2: expected 'source<TAB>target', found no tab"),
        ("Go.\tVe.\n\t¡Corre!\n", "line 2: the source text is blank"),
        ("Go.\t \n", "line 1: the target text is blank"),
        ("\n\n", "holds no sentence pair"),
    ],
)
def test_malformed_pair_files_name_the_line(tmp_path, text, match):
    path = tmp_path / "pairs.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BibleDataError, match=match):
        load_sentence_pairs(path)


def test_unreadable_pair_files_and_bad_arguments(tmp_path):
    bad = tmp_path / "latin1.tsv"
    bad.write_bytes("Go.\tVé.\n".encode("latin-1"))
    with pytest.raises(BibleDataError, match="not UTF-8"):
        load_sentence_pairs(bad)
    broken = tmp_path / "broken.tsv.gz"
    broken.write_bytes(b"not gzip")
    with pytest.raises(BibleDataError, match="cannot be read"):
        load_sentence_pairs(broken)
    with pytest.raises(BibleDataError, match="not a file"):
        load_sentence_pairs(tmp_path)
    with pytest.raises(ValueError, match="columns must be two different"):
        load_sentence_pairs(bad, columns=("en", "en"))
    with pytest.raises(ValueError, match="limit"):
        load_sentence_pairs(bad, limit=0)
