"""English–Spanish Bible verse pairs for notebook 11, and a loader for any sentence-pair file.

    verses = load_bible()                      # 6,665 short verse pairs: ref, split, en, es
    pairs = load_sentence_pairs("spa.txt")     # any "source<TAB>target[<TAB>...]" file

The snapshot ``bible_en_es.tsv.gz`` (sha256-verified; ``tools/build_bible.py`` rebuilds it
from the Debian packages ``sword-text-kjv`` and ``sword-text-sparv``) pairs the King James
Version (English, 1769 text) with the Reina-Valera 1909 (Spanish), verse by verse — both
public domain and both in the KJV versification. Only verses of at most 16 words on both
sides are kept. The split is by chapter (train / validation / test about 80/10/10 %), so no
test verse shares a chapter with a training verse.

Catches worth knowing: both texts are old (KJV's "thou hast", RV 1909's accent on the
preposition "á" and forms like "fué"); the vocabulary is religious; a verse is not always a
sentence (it may stop mid-sentence, or hold two); the translators did not work from each
other, so a pair is two translations of a third text rather than one of the other.

:func:`load_sentence_pairs` reads the tab-separated format of the Tatoeba / manythings.org
files (``English<TAB>Spanish<TAB>attribution``): each line needs at least two fields and
non-blank text in the first two; a line that breaks this is refused with
:class:`BibleDataError` naming the file, the line number and the problem.
"""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path

import pandas as pd

from lstm_course._checks import check_int, check_path, describe
from lstm_course.data.registry import DatasetError, dataset_path

BIBLE_FILE = "bible_en_es.tsv.gz"
HEADER = ("ref", "split", "en", "es")
SPLITS = ("train", "validation", "test")


class BibleDataError(DatasetError):
    """A sentence-pair file breaks the loader's promises; the message names where and how."""


def _text(path: Path, what: str) -> str:
    """The file's UTF-8 text (gzip-decompressed when the name ends in .gz)."""
    try:
        data = path.read_bytes()
        if path.name.endswith(".gz"):
            data = gzip.decompress(data)
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as err:
        raise BibleDataError(f"{what} cannot be read: {err}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise BibleDataError(f"{what} is not UTF-8 text (byte {err.start})") from None


def _lines(text: str) -> list[str]:
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def load_bible(root: str | os.PathLike | None = None) -> pd.DataFrame:
    """The verified verse pairs: columns ref (e.g. "Gen.1.1"), split, en, es.

    Raises:
        DatasetError: the snapshot is unknown, missing, or differs from the manifest's sha256.
        BibleDataError: a line has the wrong number of fields, a blank side, an unknown split
            or a malformed reference (the message names the line).
    """
    path = dataset_path(BIBLE_FILE, root=root)
    what = f"{BIBLE_FILE} ({path})"
    lines = _lines(_text(path, what))
    if not lines or tuple(lines[0].split("\t")) != HEADER:
        found = lines[0].split("\t") if lines else []
        raise BibleDataError(f"{what}: header is {found}, expected {list(HEADER)}")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        if len(fields) != len(HEADER):
            raise BibleDataError(
                f"{what} line {number}: {len(fields)} field(s), expected {len(HEADER)} "
                f"({', '.join(HEADER)}) separated by tabs: {line[:80]!r}"
            )
        ref, split, en, es = fields
        parts = ref.split(".")
        if len(parts) != 3 or not (parts[1].isdigit() and parts[2].isdigit()):
            raise BibleDataError(f"{what} line {number}: ref is {ref!r}, expected like 'Gen.1.1'")
        if split not in SPLITS:
            raise BibleDataError(
                f"{what} line {number}: split is {split!r}, expected one of {list(SPLITS)}"
            )
        if not en.strip() or not es.strip():
            raise BibleDataError(f"{what} line {number}: the English or Spanish text is blank")
        rows.append(fields)
    if not rows:
        raise BibleDataError(f"{what} has a header but no rows")
    return pd.DataFrame(rows, columns=list(HEADER))


def load_sentence_pairs(
    path: str | os.PathLike, *, limit: int | None = None, columns: tuple[str, str] = ("en", "es")
) -> pd.DataFrame:
    """Sentence pairs from a tab-separated file (Tatoeba / manythings.org layout).

    Each line: ``source<TAB>target`` optionally followed by more fields (an attribution),
    which are ignored. Blank lines are skipped; a ``.gz`` file is decompressed.

    Args:
        path: the file.
        limit: keep only the first ``limit`` pairs (None: all).
        columns: names for the two text columns.

    Returns:
        DataFrame with the two text columns (surrounding white space stripped) and ``line``
        (the 1-based line number in the file).

    Raises:
        BibleDataError: the file cannot be read, is not UTF-8, holds no pair, or a line has
            fewer than two fields or a blank side (the message names the line).
    """
    path = Path(check_path("path", path))
    if limit is not None:
        limit = check_int("limit", limit, minimum=1)
    if (
        not isinstance(columns, tuple)
        or len(columns) != 2
        or not all(isinstance(c, str) and c and c != "line" for c in columns)
        or columns[0] == columns[1]
    ):
        raise ValueError(f"columns must be two different non-empty names, got {describe(columns)}")
    what = str(path)
    if not path.is_file():
        raise BibleDataError(f"path must name a sentence-pair file, got {what!r} (not a file)")
    source, target, numbers = [], [], []
    for number, line in enumerate(_lines(_text(path, what)), start=1):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) < 2:
            raise BibleDataError(
                f"{what} line {number}: expected 'source<TAB>target', found no tab: {line[:80]!r}"
            )
        if not fields[0].strip() or not fields[1].strip():
            side = "source" if not fields[0].strip() else "target"
            raise BibleDataError(f"{what} line {number}: the {side} text is blank: {line[:80]!r}")
        source.append(fields[0].strip())
        target.append(fields[1].strip())
        numbers.append(number)
        if limit is not None and len(source) >= limit:
            break
    if not source:
        raise BibleDataError(f"{what} holds no sentence pair")
    return pd.DataFrame({columns[0]: source, columns[1]: target, "line": numbers})
