"""Sentence polarity for notebook 10: movie-review sentences (MR) and a cross-domain test set.

    mr = load_mr()                  # 10,568 sentences with a label (37 neutral ones dropped)
    parts = mr_splits(mr)           # {"train": ..., "validation": ..., "test": ...}
    cross = load_crossdomain()      # 3,000 sentences: Amazon, Yelp, IMDb (1,000 each)
    load_imdb_live()                # ONLINE only: the IMDB 50k reviews via keras.datasets

Both come from committed, sha256-verified snapshots (``tools/build_sentiment.py`` rebuilds
them from the PyPI sdist of vaderSentiment and the npm package ``sentiment``):

- **MR**: Pang & Lee's Rotten Tomatoes sentences (the "MR" benchmark of Kim 2014), each with
  the mean of >= 20 human ratings on -4..+4 (Hutto & Gilbert 2014). The label is the sign
  of the mean rating (1 positive, 0 negative); the 37 sentences whose mean is exactly 0 have
  no polarity and are dropped unless ``keep_neutral=True`` (then their label is -1). The
  train/validation/test split (about 80/10/10 %) is fixed in the file.
- **Cross-domain**: the UCI "Sentiment Labelled Sentences" (Kotzias et al. 2015, CC BY 4.0),
  500 positive and 500 negative sentences from each of Amazon, Yelp and IMDb reviews.

What the loaders promise, and what they do when a file breaks the promise: the header is
exactly the expected one; every line has its fields; MR ids are 1, 2, 3, ... in order;
ratings are finite numbers in [-4, 4]; splits, domains and labels come from their lists;
no text is blank. A line that breaks one is refused with :class:`SentimentDataError`
naming the file, the line number, the field and the value, never skipped or repaired.
"""

from __future__ import annotations

import gzip
import math
import os
import zlib

import numpy as np
import pandas as pd

from lstm_course._checks import check_bool, check_int, describe
from lstm_course.data.registry import DatasetError, dataset_path

MR_FILE = "mr_sentences.tsv.gz"
CROSS_FILE = "sentiment_crossdomain.tsv.gz"
MR_HEADER = ("id", "rating", "split", "text")
CROSS_HEADER = ("domain", "label", "text")
SPLITS = ("train", "validation", "test")
DOMAINS = ("amazon", "imdb", "yelp")
RATING_RANGE = (-4.0, 4.0)


class SentimentDataError(DatasetError):
    """A sentiment snapshot breaks the loader's promises; the message names where and how."""


def _lines(path, what: str, header: tuple[str, ...]) -> list[list[str]]:
    """The rows of a gzip-compressed, tab-separated UTF-8 file, after checking its header."""
    try:
        with open(path, "rb") as handle:
            text = gzip.decompress(handle.read()).decode("utf-8")
    except (OSError, EOFError, zlib.error) as err:
        raise SentimentDataError(f"{what} cannot be read as a gzip file: {err}") from None
    except UnicodeDecodeError as err:
        raise SentimentDataError(
            f"{what} is not UTF-8 text (byte {err.start} of the decompressed file)"
        ) from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        raise SentimentDataError(f"{what} is empty: expected the header {'<TAB>'.join(header)}")
    found = tuple(lines[0].split("\t"))
    if found != header:
        raise SentimentDataError(f"{what}: header is {list(found)}, expected {list(header)}")
    if len(lines) == 1:
        raise SentimentDataError(f"{what} has a header but no rows")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t", len(header) - 1)
        if len(fields) != len(header):
            raise SentimentDataError(
                f"{what} line {number}: {len(fields)} field(s), expected {len(header)} "
                f"({', '.join(header)}) separated by tabs: {line[:80]!r}"
            )
        if not fields[-1].strip():
            raise SentimentDataError(f"{what} line {number}: the text is blank")
        rows.append(fields)
    return rows


def _bad(what: str, number: int, field: str, value: str, expected: str) -> SentimentDataError:
    return SentimentDataError(f"{what} line {number}: {field} is {value!r}, expected {expected}")


def _parse_mr(rows: list[list[str]], what: str) -> pd.DataFrame:
    ids, ratings, splits, texts = [], [], [], []
    low, high = RATING_RANGE
    for number, (sid, rating, split, text) in enumerate(rows, start=2):
        if not sid.isdigit() or int(sid) != number - 1:
            raise _bad(what, number, "id", sid, f"{number - 1} (ids count 1, 2, 3, ... in order)")
        try:
            value = float(rating)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and low <= value <= high):
            raise _bad(what, number, "rating", rating, f"a number in [{low:g}, {high:g}]")
        if split not in SPLITS:
            raise _bad(what, number, "split", split, f"one of {list(SPLITS)}")
        ids.append(int(sid))
        ratings.append(value)
        splits.append(split)
        texts.append(text)
    frame = pd.DataFrame({"id": ids, "rating": ratings, "split": splits, "text": texts})
    frame["label"] = (frame["rating"] > 0).astype("int64") - (frame["rating"] == 0).astype("int64")
    return frame[["id", "text", "rating", "label", "split"]]


def load_mr(root: str | os.PathLike | None = None, *, keep_neutral: bool = False) -> pd.DataFrame:
    """Pang & Lee's movie-review sentences with their polarity, verified and validated.

    Args:
        root: folder holding ``manifest.json`` and the snapshot; None: the course's datasets.
        keep_neutral: keep the sentences whose mean rating is exactly 0 (label -1).

    Returns:
        DataFrame with columns id (1..10,605), text, rating (mean human rating, -4..+4),
        label (1 positive, 0 negative, -1 neutral) and split ("train", "validation",
        "test"), in id order. ``attrs["neutral"]`` counts the neutral sentences in the file.

    Raises:
        DatasetError: the file is unknown, missing, or differs from the manifest's sha256.
        SentimentDataError: the content breaks a promise of this module (see its docstring).
    """
    keep_neutral = check_bool("keep_neutral", keep_neutral)
    path = dataset_path(MR_FILE, root=root)
    frame = _parse_mr(_lines(path, f"{MR_FILE} ({path})", MR_HEADER), f"{MR_FILE} ({path})")
    neutral = int((frame["label"] == -1).sum())
    if not keep_neutral:
        frame = frame[frame["label"] >= 0].reset_index(drop=True)
    frame.attrs["neutral"] = neutral
    return frame


def load_crossdomain(root: str | os.PathLike | None = None) -> pd.DataFrame:
    """The UCI labelled sentences from Amazon, Yelp and IMDb reviews, verified and validated.

    Args:
        root: folder holding ``manifest.json`` and the snapshot; None: the course's datasets.

    Returns:
        DataFrame with columns domain (one of DOMAINS), text and label (1 positive, 0
        negative), in the file's order (3,000 rows in the committed snapshot).

    Raises:
        DatasetError: the file is unknown, missing, or differs from the manifest's sha256.
        SentimentDataError: the content breaks a promise of this module (see its docstring).
    """
    path = dataset_path(CROSS_FILE, root=root)
    what = f"{CROSS_FILE} ({path})"
    domains, labels, texts = [], [], []
    for number, (domain, label, text) in enumerate(_lines(path, what, CROSS_HEADER), start=2):
        if domain not in DOMAINS:
            raise _bad(what, number, "domain", domain, f"one of {list(DOMAINS)}")
        if label not in ("0", "1"):
            raise _bad(what, number, "label", label, "0 (negative) or 1 (positive)")
        domains.append(domain)
        labels.append(int(label))
        texts.append(text)
    return pd.DataFrame({"domain": domains, "text": texts, "label": labels})


def mr_splits(frame) -> dict[str, pd.DataFrame]:
    """{"train", "validation", "test": the rows of that split} of a table from :func:`load_mr`.

    Raises:
        TypeError: ``frame`` is not a DataFrame with a ``split`` column.
        SentimentDataError: a split is empty or holds an unknown name.
    """
    if not isinstance(frame, pd.DataFrame) or "split" not in frame.columns:
        raise TypeError(f"frame must be a DataFrame from load_mr(), got {describe(frame)}")
    unknown = sorted(set(map(str, frame["split"].unique())) - set(SPLITS))
    if unknown:
        raise SentimentDataError(f"frame has unknown split name(s) {unknown}; expected {SPLITS}")
    parts = {}
    for part in SPLITS:
        rows = frame[frame["split"] == part].reset_index(drop=True)
        if rows.empty:
            raise SentimentDataError(f"frame has no {part!r} rows; each split needs some")
        parts[part] = rows
    return parts


IMDB_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz"


def load_imdb_live(*, num_words: int = 10_000, maxlen: int = 200):
    """The IMDB 50k movie reviews (Maas et al. 2011) through ``keras.datasets.imdb`` — ONLINE.

    Not part of the offline course: Keras downloads ``imdb.npz`` (about 17 MB) from
    ``IMDB_URL`` into ``~/.keras/datasets/`` on first use, and reads that copy afterwards.
    No PyPI or Debian package carries it, so the notebook calls this only behind a flag.

    Args:
        num_words: keep the most frequent words (ids 1..num_words-1; rarer ones become 2).
        maxlen: cut each review to its first ``maxlen`` tokens and right-pad with 0.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``: (25000, maxlen) int64 word ids (0 =
        padding, 1 = start mark, 2 = unknown) and (25000,) int64 labels (1 positive).

    Raises:
        SentimentDataError: the download failed (offline, or the URL unreachable); the
            message says what to do.
    """
    num_words = check_int("num_words", num_words, minimum=3, maximum=100_000)
    maxlen = check_int("maxlen", maxlen, minimum=1, maximum=5_000)
    import keras  # only here: the offline loaders above need no TensorFlow

    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.imdb.load_data(num_words=num_words)
    except Exception as error:  # Keras raises a bare Exception for a failed download
        raise SentimentDataError(
            f"could not get the IMDB reviews ({IMDB_URL}): {type(error).__name__}: {error}. "
            "load_imdb_live needs the internet on first use (Keras then keeps a copy in "
            "~/.keras/datasets/imdb.npz); the rest of the course runs offline without it"
        ) from error

    def pad(reviews) -> np.ndarray:
        out = np.zeros((len(reviews), maxlen), dtype=np.int64)
        for row, review in enumerate(reviews):
            review = review[:maxlen]
            out[row, : len(review)] = review
        return out

    labels = (np.asarray(y_train, np.int64), np.asarray(y_test, np.int64))
    return (pad(x_train), labels[0]), (pad(x_test), labels[1])
