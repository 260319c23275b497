"""The Jena climate record, 2009–2016 (live only): downloaded once, verified, cached.

    frame = load_jena()          # needs internet the first time; then read from the cache

14 variables every 10 minutes at the Max Planck Institute for Biogeochemistry's weather
station in Jena, as prepared by François Chollet for *Deep Learning with Python* and used by
the TensorFlow time-series tutorial. It is too large (13.6 MB zipped, 43 MB unzipped) to ship
with the course, so it is the notebooks' optional live source; nothing in the course's tests
downloads it.

The download is checked before it is kept: its size, its SHA-256 (when pinned: see
``JENA_SHA256``), the zip's member and the CSV's columns and timestamps. It is written to the
cache folder through a temporary file, so an interrupted or wrong download never replaces a
good copy. Offline, :class:`JenaDownloadError` says so and names the offline alternative.

Known quirks of the file, handled as documented rather than silently: a few wind speeds are
recorded as -9999 (they become NaN, counted in ``attrs["missing"]``); repeated timestamps
keep their first row and missing 10-minute steps are counted (``attrs["duplicates"]``,
``attrs["gaps"]``); each is announced with a :class:`UserWarning`.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.error
import urllib.request
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from lstm_course._checks import check_bool, check_number, check_text, describe
from lstm_course.data.registry import READ_CSV_EXACT, DatasetError
from lstm_course.data.stocks import stock_cache_dir

JENA_URL = (
    "https://storage.googleapis.com/tensorflow/tf-keras-datasets/jena_climate_2009_2016.csv.zip"
)
JENA_MEMBER = "jena_climate_2009_2016.csv"
JENA_BYTES = 13_568_290  # the archive's size, as Keras reports it when downloading
# The archive's SHA-256. Not pinned yet: this course is built on machines without access to
# the host. Until a maintainer pins it, the size and layout are checked, and the digest of
# what was downloaded is shown so that it can be pinned (and compared with a colleague's).
JENA_SHA256: str | None = None
COLUMNS = (
    "p (mbar)",
    "T (degC)",
    "Tpot (K)",
    "Tdew (degC)",
    "rh (%)",
    "VPmax (mbar)",
    "VPact (mbar)",
    "VPdef (mbar)",
    "sh (g/kg)",
    "H2OC (mmol/mol)",
    "rho (g/m**3)",
    "wv (m/s)",
    "max. wv (m/s)",
    "wd (deg)",
)
SENTINEL = -9999.0  # the file's "no measurement" for wind speeds
MAX_DOWNLOAD = 64 * 1024 * 1024  # bytes: far above the real file, a guard against a wrong URL
MAX_UNZIPPED = 256 * 1024 * 1024  # bytes: a guard against a zip bomb


class JenaDataError(DatasetError):
    """The Jena file could not be used: a failed check of the download or of its content."""


class JenaDownloadError(JenaDataError):
    """The download failed (no network, a timeout, an HTTP error); the cause is chained."""


def jena_cache_path() -> Path:
    """Where the verified archive is kept: ``<course cache>/jena/<file name>``."""
    return stock_cache_dir() / "jena" / f"{JENA_MEMBER}.zip"


def _download(url: str, timeout: float, folder: Path) -> tuple[Path, str, int]:
    """Stream ``url`` into a temporary file in ``folder``; returns (path, sha256, bytes)."""
    folder.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=folder, prefix=".jena.", suffix=".part")
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(handle, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as answer:
            while chunk := answer.read(1 << 20):
                size += len(chunk)
                if size > MAX_DOWNLOAD:
                    raise JenaDataError(
                        f"the download from {url} is larger than {MAX_DOWNLOAD:,} bytes: not the "
                        "Jena archive (about 13.6 MB); check the url"
                    )
                digest.update(chunk)
                out.write(chunk)
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        os.remove(temp)
        reason = getattr(err, "reason", err)
        raise JenaDownloadError(
            f"could not download the Jena climate archive from {url} ({type(err).__name__}: "
            f"{reason}): no network, a timeout after {timeout:g} s, or the address moved. "
            "This data set has no offline copy; the course's offline weather data is "
            "lstm_course.data.beijing.load_beijing()."
        ) from err
    except BaseException:
        os.remove(temp)
        raise
    return Path(temp), digest.hexdigest(), size


def _verify(path: Path, digest: str, size: int, sha256: str | None, expected_size: int | None):
    problems = []
    if expected_size is not None and size != expected_size:
        problems.append(f"{size:,} bytes, expected size={expected_size:,}")
    if sha256 is not None and digest != sha256.lower():
        problems.append(f"sha256 {digest}, expected {sha256.lower()}")
    if problems:
        path.unlink()
        raise JenaDataError(
            f"the downloaded Jena archive has {' and '.join(problems)}: a changed or damaged "
            "file, not kept. Retry later; if it persists the source changed."
        )
    if sha256 is None:
        warnings.warn(
            f"the Jena archive's sha256 is not pinned in this course version; the download "
            f"has sha256 {digest} and the expected size. Pin it with load_jena(sha256=...).",
            UserWarning,
            stacklevel=4,
        )


def _read_archive(path: Path) -> pd.DataFrame:
    """The CSV inside the zip, read by member name (nothing is extracted to disk)."""
    try:
        with zipfile.ZipFile(path) as archive:
            try:
                info = archive.getinfo(JENA_MEMBER)
            except KeyError:
                raise JenaDataError(
                    f"{path} holds {archive.namelist()[:5]}, not {JENA_MEMBER}"
                ) from None
            if info.file_size > MAX_UNZIPPED:
                raise JenaDataError(
                    f"{JENA_MEMBER} in {path} unpacks to {info.file_size:,} bytes, more than "
                    f"{MAX_UNZIPPED:,}: refused"
                )
            with archive.open(info) as member:
                return pd.read_csv(member, **READ_CSV_EXACT)
    except (zipfile.BadZipFile, OSError, UnicodeDecodeError, pd.errors.ParserError) as err:
        raise JenaDataError(f"{path} is not a readable zip of a CSV: {err}") from None
    except pd.errors.EmptyDataError:
        raise JenaDataError(f"{JENA_MEMBER} in {path} is empty") from None


def _validated(raw: pd.DataFrame, what: str) -> pd.DataFrame:
    expected = ["Date Time", *COLUMNS]
    if list(raw.columns) != expected:
        raise JenaDataError(f"{what} has columns {list(raw.columns)}, expected {expected}")
    if raw.empty:
        raise JenaDataError(f"{what} holds no rows")
    times = pd.to_datetime(raw["Date Time"], format="%d.%m.%Y %H:%M:%S", errors="coerce")
    if times.isna().any():
        row = int(times.isna().to_numpy().argmax())
        raise JenaDataError(
            f"{what}: line {row + 2} has the time {raw['Date Time'].iloc[row]!r}, expected "
            "DD.MM.YYYY HH:MM:SS"
        )
    values = raw[list(COLUMNS)].apply(pd.to_numeric, errors="coerce").astype(np.float64)
    text = values.isna() & raw[list(COLUMNS)].notna()
    blank = ~np.isfinite(values) & ~text
    for bad, problem in ((text, "a value that is not a number"), (blank, "a blank value")):
        if bad.to_numpy().any():
            row = int(bad.any(axis=1).to_numpy().argmax())
            column = bad.columns[bad.iloc[row].to_numpy().argmax()]
            raise JenaDataError(f"{what}: {problem} in {column!r} on line {row + 2}")
    frame = values.set_axis(pd.DatetimeIndex(times, name="time"))
    if not frame.index.is_monotonic_increasing:
        row = int(np.argmax(frame.index[1:] < frame.index[:-1])) + 1
        raise JenaDataError(f"{what}: times are not in increasing order at line {row + 2}")
    return frame


def _quirks(frame: pd.DataFrame) -> pd.DataFrame:
    """Sentinels to NaN, repeated times dropped, gaps counted — each one announced."""
    duplicated = frame.index.duplicated()
    frame = frame[~duplicated].copy()
    sentinel = frame == SENTINEL
    frame[sentinel] = np.nan
    gaps = len(pd.date_range(frame.index[0], frame.index[-1], freq="10min").difference(frame.index))
    frame.attrs.update(
        missing={c: int(n) for c, n in sentinel.sum().items() if n},
        duplicates=int(duplicated.sum()),
        gaps=gaps,
    )
    notes = [
        f"{n} value(s) of {SENTINEL:g} in {c!r} set to NaN"
        for c, n in frame.attrs["missing"].items()
    ]
    if frame.attrs["duplicates"]:
        notes.append(f"{frame.attrs['duplicates']} repeated time(s) dropped (first row kept)")
    if gaps:
        notes.append(f"{gaps} missing 10-minute step(s) (not filled)")
    if notes:
        warnings.warn("Jena climate data: " + "; ".join(notes), UserWarning, stacklevel=3)
    return frame


def load_jena(
    *,
    url: str = JENA_URL,
    sha256: str | None = JENA_SHA256,
    size: int | None = JENA_BYTES,
    timeout: float = 60.0,
    refresh: bool = False,
) -> pd.DataFrame:
    """The Jena climate record (10-minute steps, 2009–2016), downloaded once, then cached.

    Args:
        url: where the zip archive lives.
        sha256: the archive's expected SHA-256 (64 hex digits), or None to check only the
            size and layout (and be shown the digest, to pin it).
        size: the archive's expected size in bytes, or None not to check it.
        timeout: seconds to wait for the server, in (0, 3600].
        refresh: download again even when a verified copy is cached.

    Returns:
        DataFrame indexed by time (``time``) with the 14 float columns of ``COLUMNS``;
        ``attrs`` counts what was set to NaN, dropped or found missing (module docstring).

    Raises:
        JenaDownloadError: the download failed (offline, timeout, HTTP error).
        JenaDataError: the download or the cached copy fails a check (size, sha256, zip
            member, columns, times, values); a failed download is never cached.
    """
    check_text("url", url)
    if sha256 is not None:
        check_text("sha256", sha256)
        if len(sha256) != 64 or any(c not in "0123456789abcdefABCDEF" for c in sha256):
            raise ValueError(f"sha256 must be 64 hex digits or None, got {sha256!r}")
    if size is not None and (
        isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1
    ):
        raise TypeError(f"size must be a positive int (bytes) or None, got {describe(size)}")
    timeout = check_number("timeout", timeout, minimum=0, exclusive_minimum=True, maximum=3600)
    refresh = check_bool("refresh", refresh)
    cached = jena_cache_path()
    if refresh or not cached.is_file():
        temp, digest, got = _download(url, timeout, cached.parent)
        _verify(temp, digest, got, sha256, size)
        try:
            frame = _validated(_read_archive(temp), f"{JENA_MEMBER} from {url}")
        except JenaDataError:
            temp.unlink()
            raise
        os.replace(temp, cached)  # only a download that passed every check is kept
        return _quirks(frame)
    if sha256 is not None:
        digest = hashlib.sha256(cached.read_bytes()).hexdigest()
        if digest != sha256.lower():
            raise JenaDataError(
                f"the cached copy {cached} has sha256 {digest}, expected {sha256.lower()}: "
                "delete it or pass refresh=True to download again"
            )
    return _quirks(_validated(_read_archive(cached), f"{JENA_MEMBER} in {cached}"))
