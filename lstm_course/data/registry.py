"""Find and verify the committed dataset snapshots listed in ``datasets/manifest.json``.

The same call works from a git checkout (files in ``<repo>/datasets``) and from an
installed wheel, where the files ship as package data under ``lstm_course/_datasets``.

The manifest is checked as strictly as the data: every entry must be a plain file name
inside the datasets folder with a 64-hex-digit sha256, so a damaged or hand-edited
manifest gets a :class:`DatasetError` naming the file and the problem, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from lstm_course._checks import check_bool, check_int, check_path, describe

MANIFEST = "manifest.json"
# ``pd.read_csv(..., **READ_CSV_EXACT)`` reads every float back exactly as it was written.
# pandas 3 does so by default (and deprecates the argument); pandas 2's default parser can
# be one unit off in the last digit (234 of 2,000 prices in a test), so on Colab's pandas
# 2.2 a cached download read back differed from the download, and a snapshot could read to
# other last digits than in CI.
READ_CSV_EXACT: dict[str, str] = (
    {"float_precision": "round_trip"} if int(pd.__version__.split(".")[0]) < 3 else {}
)
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # .../lstm_course
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
# Where a snapshot comes from is maintainer business: the rebuild tool lives in the
# repository (tools/), not in the installed package.
_REBUILD_HINT = "python -m tools.data_build {stem}"


class DatasetError(ValueError):
    """A dataset is unknown, missing, or its bytes differ from the manifest."""


# --- where the files are --------------------------------------------------------------------


def datasets_dir() -> Path:
    """The folder holding the snapshots and manifest.

    A checkout's top-level ``datasets/`` wins (so edits are seen at once); otherwise
    the copy shipped inside the installed package.
    """
    candidates = [_PACKAGE_ROOT.parent / "datasets", _PACKAGE_ROOT / "_datasets"]
    for folder in candidates:
        if (folder / MANIFEST).is_file():
            return folder
    raise DatasetError(
        "cannot find the course's datasets: looked for "
        + " and ".join(str(c / MANIFEST) for c in candidates)
        + ". Reinstall the package (pip install lstm_course) or run from a full checkout."
    )


def _as_root(root) -> Path:
    """``root`` as a folder path; None means :func:`datasets_dir`."""
    if root is None:
        return datasets_dir()
    path = Path(check_path("root", root))
    if not path.is_dir() or not (path / MANIFEST).exists():
        problem = "not a folder" if not path.is_dir() else f"no {MANIFEST} in it"
        raise DatasetError(
            f"root must be a folder holding {MANIFEST}, got {str(root)!r} ({problem})"
        )
    return path


def _check_file_name(name, where: str) -> str:
    """A plain file name: no folder part, so nothing outside the datasets folder is read."""
    if not isinstance(name, str):
        raise TypeError(f"{where} must be a file name (str), got {describe(name)}")
    plain = name not in ("", ".", "..") and "/" not in name and "\\" not in name
    if not plain or Path(name).name != name or ":" in name or "\x00" in name:
        raise DatasetError(
            f"{where} must be a plain file name inside the datasets folder, like "
            f"'sp500.csv', got {name!r}"
        )
    return name


# --- the manifest ---------------------------------------------------------------------------


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    keys = [key for key, _ in pairs]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:  # json.loads would silently keep the last copy
        raise DatasetError(f"duplicate key(s) {repeated}")
    return dict(pairs)


def _read_manifest(path: Path) -> object:
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise DatasetError(f"manifest not found: {path}") from None
    except OSError as err:
        raise DatasetError(f"cannot read the manifest {path}: {err}") from None
    except UnicodeDecodeError as err:
        raise DatasetError(
            f"manifest {path} is not UTF-8 text (byte {err.start} is {err.object[err.start]:#04x})"
        ) from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as err:
        raise DatasetError(f"manifest {path} is not valid JSON: {err}") from None
    except DatasetError as err:
        raise DatasetError(f"manifest {path} has {err}") from None


def _check_entry(path: Path, name: str, entry) -> dict:
    where = f"manifest {path}: entry {name!r}"
    try:
        _check_file_name(name, "each name in its 'files' table")
    except (TypeError, DatasetError) as err:
        raise DatasetError(f"{where}: {err}") from None
    if not isinstance(entry, dict):
        raise DatasetError(f"{where} must be a JSON object with a 'sha256', got {describe(entry)}")
    digest = entry.get("sha256")
    if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
        raise DatasetError(f"{where} needs 'sha256': 64 hex digits, got {describe(digest)}")
    return entry


def load_manifest(root: str | os.PathLike | None = None) -> dict[str, dict]:
    """The manifest's ``files`` table: name -> {sha256, bytes, source, license, ...}.

    Raises:
        DatasetError: the manifest is missing, unreadable, not UTF-8, not JSON, has no
            ``files`` table, or an entry is not a plain file name with a sha256.
    """
    path = _as_root(root) / MANIFEST
    manifest = _read_manifest(path)
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict):
        raise DatasetError(
            f"manifest {path} must be a JSON object with a 'files' table, got {describe(manifest)}"
        )
    return {name: _check_entry(path, name, entry) for name, entry in files.items()}


def list_datasets(root: str | os.PathLike | None = None) -> list[str]:
    """Names of every snapshot in the manifest, sorted."""
    return sorted(load_manifest(root))


# --- verifying files ------------------------------------------------------------------------


def sha256_of(path: str | os.PathLike, chunk_size: int = 1 << 20) -> str:
    """Hex sha256 (lower case) of a file, read in chunks of ``chunk_size`` bytes."""
    check_path("path", path)
    chunk_size = check_int("chunk_size", chunk_size, minimum=1)
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(chunk_size):
                digest.update(chunk)
    except OSError as err:
        raise DatasetError(f"path {str(path)!r} cannot be read: {err}") from None
    return digest.hexdigest()


def _verified_path(root: Path, files: dict[str, dict], name: str, verify: bool) -> Path:
    if name not in files:
        raise DatasetError(f"unknown dataset name {name!r}; the manifest lists {sorted(files)}")
    path = root / name
    if not path.is_file():
        raise DatasetError(f"dataset file missing: {path} (listed in {root / MANIFEST})")
    if verify:
        expected = files[name]["sha256"].lower()  # hex digits: case carries no meaning
        actual = sha256_of(path)
        if actual != expected:
            rebuild = files[name].get("rebuild") or _REBUILD_HINT.format(stem=Path(name).stem)
            raise DatasetError(
                f"dataset {name!r} at {path} does not match the manifest: "
                f"expected sha256 {expected}, got {actual}. The file was changed or "
                "corrupted; restore it with `git checkout -- datasets/` (or reinstall the "
                f"package), or rebuild it from a checkout with `{rebuild}`."
            )
    return path


def dataset_path(name: str, *, verify: bool = True, root: str | os.PathLike | None = None) -> Path:
    """Path of a committed snapshot, checked against its sha256 in the manifest.

    Args:
        name: file name as listed in the manifest, e.g. ``"seattle_weather.csv"``.
        verify: compare the file's sha256 with the manifest (fast: files are small).
        root: folder holding ``manifest.json``; defaults to :func:`datasets_dir`.

    Raises:
        DatasetError: unknown name, missing file, or a hash mismatch; the message names
            the file, the expected and the actual hash.
    """
    name = _check_file_name(name, "name")
    verify = check_bool("verify", verify)
    folder = _as_root(root)
    return _verified_path(folder, load_manifest(folder), name, verify)


def verify_all(root: str | os.PathLike | None = None) -> dict[str, str]:
    """Verify every snapshot; returns name -> sha256. Raises on the first problem."""
    folder = _as_root(root)
    files = load_manifest(folder)
    verified = {}
    for name in sorted(files):
        _verified_path(folder, files, name, verify=True)
        verified[name] = files[name]["sha256"].lower()
    return verified


# --- content checks shared by the loaders ---------------------------------------------------


def _check_dates(index: pd.DatetimeIndex, what: str, error: type[DatasetError]) -> None:
    """Dates strictly increasing: a duplicate or an unsorted row is named, never dropped."""
    repeated = index[index.duplicated()]
    if len(repeated):
        raise error(
            f"{what}: the date {repeated[0]:%Y-%m-%d} appears more than once "
            f"({len(repeated)} repeated row(s)); each day must have exactly one row"
        )
    if not index.is_monotonic_increasing:
        position = int(np.argmax(index[1:] < index[:-1])) + 1
        raise error(
            f"{what}: dates are not in increasing order ({index[position - 1]:%Y-%m-%d} is "
            f"followed by {index[position]:%Y-%m-%d}, row {position + 1})"
        )


def _first_bad(frame: pd.DataFrame, bad: pd.DataFrame) -> str:
    """'column on date (and N more)' for a boolean frame of bad cells."""
    rows = bad.any(axis=1)
    first_row = bad[rows].iloc[0]
    column = first_row.index[first_row.to_numpy().argmax()]
    more = int(bad.to_numpy().sum()) - 1
    date = frame.index[rows.to_numpy().argmax()]
    return f"{column!r} on {date:%Y-%m-%d}" + (f" (and {more} more cell(s))" if more else "")
