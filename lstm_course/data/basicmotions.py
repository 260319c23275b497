"""BasicMotions: real smart-watch activity recordings (offline snapshot, sha256-verified).

    x, y, classes = load_basicmotions("train")   # x: (40, 100, 6) float32, y: (40,) int64

Four students wore a smart watch while standing, walking, running and playing badminton; the
watch's 3-D accelerometer and 3-D gyroscope were sampled at 10 Hz for 10 s (UEA multivariate
archive, Bagnall et al. 2018, as shipped in the aeon package, BSD-3-Clause). The archive splits
the 80 recordings 40/40 into train and test.

The snapshot is sktime's ``.ts`` text format, gzip-compressed: ``#`` comment lines, ``@`` header
lines (``@dimensions 6``, ``@seriesLength 100``, ``@classLabel true A B C D``), then after ``@data``
one recording per line, its channels separated by ``:``, values by ``,``, the class last.

What the loader promises, and what it does when a file breaks the promise
(:class:`BasicMotionsDataError`, naming the line and what was expected and found):

- every recording has ``@dimensions`` channels of ``@seriesLength`` finite numbers;
- every class label is one the header declares; classes are numbered in header order;
- arrays are time-major, ``(recordings, steps, channels)``, as a Keras recurrent layer wants.
"""

from __future__ import annotations

import gzip
import os

import numpy as np

from lstm_course._checks import check_choice
from lstm_course.data.registry import DatasetError, dataset_path

FILES = {"train": "basicmotions_train.ts.gz", "test": "basicmotions_test.ts.gz"}
CHANNELS = ("acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z")


class BasicMotionsDataError(DatasetError):
    """A BasicMotions file breaks the loader's promises; the message names where and how."""


def _header(lines: list[str], what: str) -> tuple[dict[str, str], int]:
    """The ``@key value`` header and the index of the line after ``@data``."""
    header: dict[str, str] = {}
    for number, line in enumerate(lines):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if not text.startswith("@"):
            raise BasicMotionsDataError(
                f"{what}: line {number + 1} is data before '@data': {text[:60]!r}"
            )
        key, _, value = text[1:].partition(" ")
        if key.lower() == "data":
            return header, number + 1
        header[key.lower()] = value.strip()
    raise BasicMotionsDataError(f"{what}: no '@data' line; expected a .ts header ending in '@data'")


def _header_int(header: dict[str, str], key: str, what: str) -> int:
    try:
        value = int(header[key.lower()])
    except KeyError:
        raise BasicMotionsDataError(f"{what}: header lacks '@{key}'") from None
    except ValueError:
        raise BasicMotionsDataError(
            f"{what}: '@{key}' must be a positive integer, got {header[key.lower()]!r}"
        ) from None
    if value < 1:
        raise BasicMotionsDataError(f"{what}: '@{key}' must be a positive integer, got {value}")
    return value


def parse_ts(text: str, what: str = "text") -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Parse sktime's ``.ts`` format (equal-length, multivariate, labelled).

    Returns:
        ``(x, y, classes)``: x float32 ``(cases, steps, channels)``, y int64 indices into
        ``classes`` (the header's ``@classLabel`` list, in its order).

    Raises:
        BasicMotionsDataError: malformed header or data line (the message names the line).
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    lines = text.splitlines()
    header, start = _header(lines, what)
    channels = _header_int(header, "dimensions", what)
    steps = _header_int(header, "seriesLength", what)
    label = header.get("classlabel", "").split()
    if len(label) < 3 or label[0].lower() != "true":
        raise BasicMotionsDataError(
            f"{what}: '@classLabel' must be 'true' and at least two class names, "
            f"got {header.get('classlabel')!r}"
        )
    classes = tuple(label[1:])
    xs, ys = [], []
    for number in range(start, len(lines)):
        text_line = lines[number].strip()
        if not text_line:
            continue
        where = f"{what}: line {number + 1}"
        *fields, cls = text_line.split(":")
        if len(fields) != channels:
            raise BasicMotionsDataError(
                f"{where} has {len(fields)} channel(s), expected {channels} (@dimensions)"
            )
        if cls not in classes:
            raise BasicMotionsDataError(f"{where} has class {cls!r}, expected one of {classes}")
        rows = []
        for channel, field in enumerate(fields):
            try:
                values = np.array([float(v) for v in field.split(",")], dtype=np.float64)
            except ValueError:
                raise BasicMotionsDataError(
                    f"{where}, channel {channel}: a value is not a number ({field[:40]!r}...)"
                ) from None
            if values.size != steps:
                raise BasicMotionsDataError(
                    f"{where}, channel {channel} has {values.size} values, expected {steps} "
                    "(@seriesLength)"
                )
            if not np.isfinite(values).all():
                raise BasicMotionsDataError(f"{where}, channel {channel} holds NaN or infinity")
            rows.append(values)
        xs.append(np.stack(rows, axis=1))
        ys.append(classes.index(cls))
    if not xs:
        raise BasicMotionsDataError(f"{what}: no recordings after '@data'")
    return np.stack(xs).astype(np.float32), np.array(ys, dtype=np.int64), classes


def load_basicmotions(
    split: str = "train", root: str | os.PathLike | None = None
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """One split of BasicMotions, verified against the manifest and validated.

    Args:
        split: ``"train"`` or ``"test"`` (40 recordings each).
        root: folder holding ``manifest.json`` and the snapshots; None: the course's datasets.

    Returns:
        ``(x, y, classes)``: x float32 ``(40, 100, 6)`` (channels in :data:`CHANNELS` order),
        y int64 class indices, classes ``("Standing", "Running", "Walking", "Badminton")``.

    Raises:
        DatasetError: the file is unknown, missing, or differs from the manifest's sha256.
        BasicMotionsDataError: the content breaks a promise of this module.
    """
    split = check_choice("split", split, tuple(FILES))
    name = FILES[split]
    path = dataset_path(name, root=root)
    what = f"{name} ({path})"
    try:
        text = gzip.decompress(path.read_bytes()).decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError) as err:
        raise BasicMotionsDataError(
            f"{what} cannot be read as gzip-compressed UTF-8: {err}"
        ) from None
    return parse_ts(text, what)
