"""Daily stock and index prices: a committed offline snapshot, or any ticker from yfinance.

    load_stock("^GSPC")                                  # S&P 500 1999–2018, offline
    load_stock("AAPL", "2015-01-01", "2024-01-01", source="yfinance")   # live, then cached

Both sources return the same shape of table: a ``Date`` index (tz-naive, sorted, unique)
and float columns ``Open, High, Low, Close, Volume``, where ``Close`` is the adjusted
close (splits and dividends folded in, as yfinance's ``auto_adjust=True`` gives it).
``start`` is inclusive and ``end`` exclusive, as in yfinance.

Every table, from any source, is checked before use (finite prices > 0, High >= Low,
volume >= 0, one row per date in increasing order, only dates in the requested range); a
problem raises :class:`StockDataError` (a ``ValueError``) naming the date and column, and
how to carry on offline. Nothing is repaired silently. Live downloads have a time limit
and are cached under :func:`stock_cache_dir` (outside the repository) with an end marker,
via a temporary file: a bad download never replaces a good copy, a cut-off copy is refused.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import io
import os
import re
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from lstm_course._checks import check_bool, check_choice, check_int, check_number, describe
from lstm_course.data import _yahoo
from lstm_course.data.registry import (
    READ_CSV_EXACT,
    DatasetError,
    _check_dates,
    _first_bad,
    dataset_path,
)

COLUMNS = ("Open", "High", "Low", "Close", "Volume")
# Yahoo symbol -> (snapshot file, name). Both files come from the arch package (see datasets/).
SNAPSHOTS = {"^GSPC": ("sp500.csv", "S&P 500"), "^IXIC": ("nasdaq.csv", "NASDAQ Composite")}
ALIASES = {"SP500": "^GSPC", "S&P500": "^GSPC", "NASDAQ": "^IXIC"}
CACHE_ENV = "LSTM_COURSE_CACHE"
SOURCES = ("snapshot", "yfinance")
DOWNLOAD_TIMEOUT = 30.0  # seconds for a whole download; yfinance itself may retry for minutes
# Letters, digits and . - = (e.g. AAPL, BRK-B, 0700.HK, EURUSD=X), optionally after one ^.
_TICKER = re.compile(r"\^?[A-Z0-9][A-Z0-9.=-]{0,19}")
# The last line of a cache file: the row count and the sha256 of everything above it.
_END_MARKER = re.compile(r"# (\d+) rows, sha256 ([0-9a-f]{64})")


class StockDataError(DatasetError):
    """Stock data could not be loaded: bad arguments, a bad table, or a failed download."""


class DownloadError(StockDataError):
    """yfinance gave nothing usable: no answer in time, no network, a rate limit, an
    unknown ticker, or an internal error of yfinance (chained as ``__cause__``)."""


# --- arguments ------------------------------------------------------------------------------


def normalize_ticker(ticker: str) -> str:
    """Upper-case, alias-resolved Yahoo symbol; raises if it could not be a ticker.

    Checked before the ticker is ever used in a file name: no slashes, dots-only names or
    spaces can reach the cache folder.
    """
    if not isinstance(ticker, str):
        raise TypeError(f"ticker must be a string like 'AAPL', got {describe(ticker)}")
    symbol = ticker.strip().upper()
    symbol = ALIASES.get(symbol, symbol)
    if not _TICKER.fullmatch(symbol) or ".." in symbol:
        raise StockDataError(
            f"invalid ticker {ticker!r}: expected 1–20 letters, digits, '.', '-' or '=', "
            "optionally after one '^', like 'AAPL', '^GSPC', 'BRK-B' or 'EURUSD=X'"
        )
    return symbol


def _as_date(value, name: str) -> pd.Timestamp | None:
    if value is None:
        return None
    if not isinstance(value, (str, _dt.date, np.datetime64)):  # Timestamp is a date, too
        raise TypeError(
            f"{name} must be a date like '2015-01-31' (str, datetime.date, pandas.Timestamp "
            f"or numpy.datetime64) or None, got {describe(value)}"
        )
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):  # OutOfBoundsDatetime is a ValueError
        stamp = pd.NaT
    if pd.isna(stamp):
        raise StockDataError(f"{name} must be a date like '2015-01-31', got {value!r}")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    return stamp.normalize()


def _check_range(start, end, min_rows: int) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    start, end = _as_date(start, "start"), _as_date(end, "end")
    if start is not None and end is not None:
        if start >= end:
            raise StockDataError(
                f"start ({start:%Y-%m-%d}) must be before end ({end:%Y-%m-%d}); "
                "end is exclusive, as in yfinance"
            )
        days = (end - start).days
        if days < min_rows:
            raise StockDataError(
                f"the range start..end = {start:%Y-%m-%d}..{end:%Y-%m-%d} has {days} calendar "
                f"days, too few for min_rows={min_rows} trading days; widen the range or "
                "lower min_rows"
            )
    return start, end


# --- the table ------------------------------------------------------------------------------


def _as_price_table(frame, what: str) -> pd.DataFrame:
    """The five columns as float64 on a tz-naive date index; Adj Close folded in."""
    if not isinstance(frame, pd.DataFrame):
        raise StockDataError(f"{what}: expected a pandas DataFrame, got {type(frame).__name__}")
    if isinstance(frame.columns, pd.MultiIndex):  # yfinance >= 0.2.48 never sends these
        raise StockDataError(
            f"{what}: expected one level of column names {list(COLUMNS)}, got several "
            f"(e.g. {list(frame.columns[:2])}); load one ticker at a time"
        )
    present = [str(c) for c in frame.columns]
    missing = [c for c in COLUMNS if c not in present]
    if missing:
        raise StockDataError(
            f"{what}: missing columns {missing}; expected {list(COLUMNS)}, got {present}"
        )
    frame = frame.copy()
    if not isinstance(frame.index, pd.DatetimeIndex):
        try:
            frame.index = pd.DatetimeIndex(pd.to_datetime(frame.index, format="ISO8601"))
        except (TypeError, ValueError):
            raise StockDataError(
                f"{what}: the index must hold dates, got values like {list(frame.index[:3])}"
            ) from None
    if frame.index.tz is not None:  # keep the exchange's calendar day, as yfinance does
        frame.index = frame.index.tz_localize(None)
    frame.index.name = "Date"
    numeric = [c for c in (*COLUMNS, "Adj Close") if c in frame]
    values = frame[numeric].apply(pd.to_numeric, errors="coerce").astype(np.float64)
    text = values.isna() & frame[numeric].notna()
    if text.to_numpy().any():
        raise StockDataError(f"{what}: a value that is not a number in {_first_bad(frame, text)}")
    blank = ~np.isfinite(values)
    if blank.to_numpy().any():
        raise StockDataError(
            f"{what}: a blank, NaN or infinite value in {_first_bad(frame, blank)}; "
            "prices with gaps are refused rather than filled or dropped silently"
        )
    if "Adj Close" in values:  # fold splits and dividends into every price, like auto_adjust
        factor = values["Adj Close"] / values["Close"]
        for column in ("Open", "High", "Low", "Close"):
            values[column] = values[column] * factor
    return values[list(COLUMNS)]


def _in_range(index: pd.DatetimeIndex, start, end) -> np.ndarray:
    """Boolean mask of the dates in [start, end); None leaves that side open."""
    inside = np.ones(len(index), dtype=bool)
    if start is not None:
        inside &= index >= start
    if end is not None:
        inside &= index < end
    return inside


def _check_prices(frame: pd.DataFrame, what: str, start, end, min_rows: int) -> pd.DataFrame:
    """Refuse a table that breaks the module's promises; the message names date and column."""
    _check_dates(frame.index, what, StockDataError)
    outside = ~_in_range(frame.index, start, end)
    if outside.any():
        first = "the first day" if start is None else f"{start:%Y-%m-%d}"
        last = "the latest day" if end is None else f"{end:%Y-%m-%d}"
        raise StockDataError(
            f"{what}: {int(outside.sum())} row(s) outside the requested range {first}..{last} "
            f"(end exclusive), first {frame.index[outside.argmax()]:%Y-%m-%d}"
        )
    problems = {
        "prices must be positive": frame[["Open", "High", "Low", "Close"]] <= 0,
        "High must be >= Low": pd.DataFrame({"High": frame["High"] < frame["Low"]}),
        "Volume must be >= 0": frame[["Volume"]] < 0,
    }
    for rule, bad in problems.items():
        if bad.to_numpy().any():
            raise StockDataError(f"{what}: {rule}; broken in {_first_bad(frame, bad)}")
    if len(frame) < min_rows:
        found = f"{frame.index[0]:%Y-%m-%d}..{frame.index[-1]:%Y-%m-%d}" if len(frame) else "none"
        raise StockDataError(
            f"{what}: {len(frame)} trading day(s) (dates: {found}), fewer than "
            f"min_rows={min_rows}; widen the range"
        )
    return frame


def _clean(frame, what: str, start, end, min_rows: int) -> pd.DataFrame:
    return _check_prices(_as_price_table(frame, what), what, start, end, min_rows)


# --- the offline snapshot -------------------------------------------------------------------


def _load_snapshot(symbol: str, start, end, min_rows: int) -> pd.DataFrame:
    if symbol not in SNAPSHOTS:
        have = ", ".join(f"{s} ({name})" for s, (_, name) in SNAPSHOTS.items())
        raise StockDataError(
            f"no offline snapshot for {symbol!r}; the snapshot has {have}, 1999-01-04..2018-12-31. "
            "For any other ticker use source='yfinance' (needs internet)."
        )
    file, name = SNAPSHOTS[symbol]
    frame = _as_price_table(
        pd.read_csv(dataset_path(file), index_col="Date", **READ_CSV_EXACT), file
    )
    _check_dates(frame.index, file, StockDataError)
    first, last = frame.index[0], frame.index[-1]
    keep = _in_range(frame.index, start, end)
    covered = f"the {name} snapshot covers {first:%Y-%m-%d}..{last:%Y-%m-%d}"
    return _check_prices(
        frame[keep], f"{symbol} from the snapshot ({covered})", start, end, min_rows
    )


# --- the cache ------------------------------------------------------------------------------


def stock_cache_dir() -> Path:
    """Folder for downloaded prices: $LSTM_COURSE_CACHE, else the user's cache folder.

    That is $XDG_CACHE_HOME/lstm_course or ~/.cache/lstm_course (on Windows
    %LOCALAPPDATA%/lstm_course) — never inside the repository.
    """
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "lstm_course"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "lstm_course"


def _cache_file(symbol: str, start, end) -> Path:
    first = "first" if start is None else f"{start:%Y-%m-%d}"
    return stock_cache_dir() / "yfinance" / f"{symbol}_{first}_{end:%Y-%m-%d}.csv"


def _is_cached(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # e.g. a folder without search permission: download, then warn on write
        return False


def _write_cache(frame: pd.DataFrame, path: Path) -> None:
    """CSV plus an end marker, via a temporary file: readers see the old file or the new one."""
    body = frame.to_csv(date_format="%Y-%m-%d", lineterminator="\n")
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(f"{body}# {len(frame)} rows, sha256 {digest}\n")
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.remove(temp)


def _read_cache(path: Path) -> pd.DataFrame:
    """The table in a cache file, refused if the end marker is absent or does not match."""
    recover = "delete it or pass refresh=True to download again"
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise StockDataError(f"the cached copy {path} is unreadable ({err}); {recover}") from None
    body, _, last = text.removesuffix("\n").rpartition("\n")
    marker = _END_MARKER.fullmatch(last)
    if not marker or hashlib.sha256(f"{body}\n".encode()).hexdigest() != marker[2]:
        raise StockDataError(
            f"the cached copy {path} is incomplete or altered (its end marker is missing or "
            f"does not match: cut off mid-write, or written by an older version); {recover}"
        )
    try:
        frame = pd.read_csv(io.StringIO(body), index_col="Date", **READ_CSV_EXACT)
    except (KeyError, ValueError, pd.errors.ParserError) as err:
        raise StockDataError(f"the cached copy {path} is unreadable ({err}); {recover}") from None
    return frame  # the digest matched, so no row is missing


def _keep_in_cache(frame: pd.DataFrame, path: Path) -> None:
    try:
        _write_cache(frame, path)
    except OSError as err:  # the download is good: don't lose it for a full or locked disk
        warnings.warn(
            f"could not write the cache file {path} ({err}); the downloaded prices are "
            f"returned but not kept. Set {CACHE_ENV} to a writable folder to cache them.",
            RuntimeWarning,
            stacklevel=4,
        )


def _load_yfinance(symbol, start, end, min_rows, refresh, timeout) -> pd.DataFrame:
    if end is None:  # "up to today": the cache key then changes daily, as it should.
        # Two days ahead: an exchange east of here may already be trading "tomorrow".
        end = pd.Timestamp(_dt.date.today()) + pd.Timedelta(days=2)
    cache = _cache_file(symbol, start, end)
    if not refresh and _is_cached(cache):
        return _clean(
            _read_cache(cache), f"{symbol} from the cache ({cache})", start, end, min_rows
        )
    try:
        import yfinance as yf
    except ImportError:
        raise StockDataError(
            f"source='yfinance' needs the yfinance package (pip install yfinance). "
            f"{_yahoo.SNAPSHOT_HINT}"
        ) from None
    own_cache = stock_cache_dir() if os.environ.get(CACHE_ENV) else None  # else yfinance's
    try:
        raw = _yahoo.download(yf, symbol, start, end, timeout=timeout, cache_dir=own_cache)
    except _yahoo.YahooFailure as err:
        hints = f"{_cache_hint(symbol)} {_yahoo.SNAPSHOT_HINT}"
        raise DownloadError(f"{err}{hints}") from err.__cause__
    frame = _clean(raw, f"{symbol} as downloaded by yfinance", start, end, min_rows)
    _keep_in_cache(frame, cache)  # only a table that passed every check replaces the cache
    return frame


def _cache_hint(symbol: str) -> str:
    """Where to find cached copies of ``symbol`` when a download failed ("" if none)."""
    folder = stock_cache_dir() / "yfinance"
    try:
        copies = sorted(folder.glob(f"{symbol}_*.csv")) if folder.is_dir() else []
    except OSError:  # an unreadable cache folder: nothing to point to
        copies = []
    if not copies:
        return ""
    listed = ", ".join(p.name for p in copies[:5])
    return (
        f" Cached copies of {symbol} exist in {copies[0].parent} ({listed}): call load_stock "
        "with the same start and end (and refresh=False) to read one without the network."
    )


# --- the one public loader ------------------------------------------------------------------


def load_stock(
    ticker: str = "^GSPC",
    start=None,
    end=None,
    *,
    source: str = "snapshot",
    refresh: bool = False,
    min_rows: int = 30,
    timeout: float = DOWNLOAD_TIMEOUT,
) -> pd.DataFrame:
    """Daily prices of one ticker, from the offline snapshot (default) or from yfinance.

    Args:
        ticker: Yahoo symbol. The snapshot has "^GSPC" (S&P 500; alias "sp500") and "^IXIC"
            (NASDAQ Composite; alias "nasdaq"); yfinance takes any symbol.
        start: first date (inclusive), e.g. "2010-01-01"; None: from the first available.
        end: last date (exclusive), as in yfinance; None: up to the latest available.
        source: "snapshot" (offline, sha256-verified) or "yfinance" (internet, then cached
            in :func:`stock_cache_dir`).
        refresh: yfinance only — download again even when a cached copy exists. The cached
            copy is replaced only if the new download is good.
        min_rows: fewer trading days than this is an error (a window needs history).
        timeout: yfinance only — seconds to wait for the whole download (retries included),
            in (0, 3600].

    Returns:
        DataFrame (days, 5): index ``Date``; columns Open, High, Low, Close (adjusted),
        Volume, all float64.

    Raises:
        TypeError: an argument of the wrong kind (e.g. a number for ``ticker``).
        ValueError: a bad ``source``, ``refresh``, ``min_rows`` or ``timeout`` value.
        StockDataError: a bad ticker or dates; a range that is too short; a table with
            missing, blank or non-numeric values, repeated dates or impossible prices.
            DownloadError (a subclass) when yfinance gives nothing usable: it says why (no
            answer in time, network, rate limit, unknown ticker, internal error) and how to
            continue offline (the snapshot, or a cached copy when one exists).

    Warns:
        RuntimeWarning: a good download could not be written to the cache (a read-only or
            full disk); the prices are returned all the same.
    """
    check_choice("source", source, SOURCES)
    refresh = check_bool("refresh", refresh)
    min_rows = check_int("min_rows", min_rows, minimum=2)
    timeout = check_number("timeout", timeout, minimum=0, exclusive_minimum=True, maximum=3600)
    symbol = normalize_ticker(ticker)
    start, end = _check_range(start, end, min_rows)
    if source == "snapshot":
        return _load_snapshot(symbol, start, end, min_rows)
    return _load_yfinance(symbol, start, end, min_rows, refresh, timeout)
