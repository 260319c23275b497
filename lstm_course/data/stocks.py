"""Daily stock and index prices: a committed offline snapshot, or any ticker from yfinance.

    load_stock("^GSPC")                                  # S&P 500 1999–2018, offline
    load_stock("AAPL", "2015-01-01", "2024-01-01", source="yfinance")   # live, then cached

Both sources return the same shape of table: a ``Date`` index (tz-naive, sorted, unique)
and float columns ``Open, High, Low, Close, Volume``, where ``Close`` is the adjusted
close (splits and dividends folded in, as yfinance's ``auto_adjust=True`` gives it).
``start`` is inclusive and ``end`` exclusive, as in yfinance.

Live downloads are cached under :func:`stock_cache_dir` (outside the repository), written
to a temporary file first and renamed, so a failed or malformed download never replaces a
good cached copy. Every problem raises :class:`StockDataError` (a ``ValueError``) saying
what was expected, what came back, and how to carry on offline.
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
import re
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from lstm_course.data.registry import DatasetError, dataset_path

COLUMNS = ("Open", "High", "Low", "Close", "Volume")
# Yahoo symbol -> (snapshot file, name). Both files come from the arch package (see datasets/).
SNAPSHOTS = {"^GSPC": ("sp500.csv", "S&P 500"), "^IXIC": ("nasdaq.csv", "NASDAQ Composite")}
ALIASES = {"SP500": "^GSPC", "S&P500": "^GSPC", "NASDAQ": "^IXIC"}
CACHE_ENV = "LSTM_COURSE_CACHE"
SOURCES = ("snapshot", "yfinance")
# Letters, digits and . - = (e.g. AAPL, BRK-B, 0700.HK, EURUSD=X), optionally after one ^.
_TICKER = re.compile(r"\^?[A-Z0-9][A-Z0-9.=-]{0,19}")
_SNAPSHOT_HINT = (
    "To work offline, use the committed snapshot: load_stock('^GSPC') or "
    "load_stock('^IXIC') (source='snapshot': S&P 500 and NASDAQ Composite, 1999–2018)."
)


class StockDataError(DatasetError):
    """Stock data could not be loaded: bad arguments, a bad table, or a failed download."""


class DownloadError(StockDataError):
    """yfinance gave nothing usable: no network, a rate limit, or an unknown ticker."""


# --- arguments ------------------------------------------------------------------------------


def normalize_ticker(ticker: str) -> str:
    """Upper-case, alias-resolved Yahoo symbol; raises if it could not be a ticker.

    Checked before the ticker is ever used in a file name: no slashes, dots-only names or
    spaces can reach the cache folder.
    """
    if not isinstance(ticker, str):
        raise StockDataError(f"ticker must be a string like 'AAPL', got {type(ticker).__name__}")
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
        raise StockDataError(
            f"{name} must be a date like '2015-01-31', got {type(value).__name__} {value!r}"
        )
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        stamp = pd.NaT
    if pd.isna(stamp):
        raise StockDataError(f"{name} must be a date like '2015-01-31', got {value!r}")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    return stamp.normalize()


def _check_range(start, end, min_rows: int) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    if not isinstance(min_rows, (int, np.integer)) or min_rows < 2:
        raise StockDataError(f"min_rows must be an int >= 2, got {min_rows!r}")
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
                f"the range {start:%Y-%m-%d}..{end:%Y-%m-%d} has {days} calendar days, too few "
                f"for min_rows={min_rows} trading days; widen the range or lower min_rows"
            )
    return start, end


# --- the table ------------------------------------------------------------------------------


def _clean(frame, what: str, min_rows: int) -> pd.DataFrame:
    """Validate and normalise a price table from any source (see the module docstring)."""
    if not isinstance(frame, pd.DataFrame):
        raise StockDataError(f"{what}: expected a pandas DataFrame, got {type(frame).__name__}")
    frame = frame.copy()
    if isinstance(frame.columns, pd.MultiIndex):  # e.g. an older yfinance: (Price, Ticker)
        for level in range(frame.columns.nlevels):
            if "Close" in frame.columns.get_level_values(level):
                names = frame.columns.get_level_values(level)
                if names.duplicated().any():
                    raise StockDataError(f"{what}: holds several tickers; load one at a time")
                frame.columns = names
                break
    present = [str(c) for c in frame.columns]
    missing = [c for c in COLUMNS if c not in present]
    if missing:
        raise StockDataError(
            f"{what}: missing columns {missing}; expected {list(COLUMNS)}, got {present}"
        )
    if not isinstance(frame.index, pd.DatetimeIndex):
        try:
            frame.index = pd.DatetimeIndex(pd.to_datetime(frame.index, format="ISO8601"))
        except (TypeError, ValueError):
            raise StockDataError(
                f"{what}: the index must hold dates, got values like {list(frame.index[:3])}"
            ) from None
    if frame.index.tz is not None:  # keep the exchange's calendar day, as yfinance does
        frame.index = frame.index.tz_localize(None)
    for column in (*COLUMNS, "Adj Close"):
        if column in frame:
            values = pd.to_numeric(frame[column], errors="coerce")
            if values.isna().sum() > frame[column].isna().sum():
                raise StockDataError(f"{what}: column {column!r} holds values that are not numbers")
            frame[column] = values.astype(np.float64)
    if "Adj Close" in frame:  # fold splits and dividends into every price, like auto_adjust
        factor = frame["Adj Close"] / frame["Close"]
        for column in ("Open", "High", "Low", "Close"):
            frame[column] = frame[column] * factor
    frame = frame.loc[frame["Close"].notna(), list(COLUMNS)]
    frame = frame[~frame.index.duplicated(keep="last")].sort_index()
    frame.index.name = "Date"
    prices = frame[["Open", "High", "Low", "Close"]].to_numpy()
    if (prices[np.isfinite(prices)] <= 0).any():
        raise StockDataError(f"{what}: prices must be positive; found zero or negative values")
    if len(frame) < min_rows:
        span = (
            f"{frame.index[0]:%Y-%m-%d}..{frame.index[-1]:%Y-%m-%d}" if len(frame) else "no dates"
        )
        raise StockDataError(
            f"{what}: {len(frame)} trading day(s) ({span}), fewer than min_rows={min_rows}; "
            "widen the range"
        )
    return frame


# --- the offline snapshot -------------------------------------------------------------------


def _load_snapshot(symbol: str, start, end, min_rows: int) -> pd.DataFrame:
    if symbol not in SNAPSHOTS:
        have = ", ".join(f"{s} ({name})" for s, (_, name) in SNAPSHOTS.items())
        raise StockDataError(
            f"no offline snapshot for {symbol!r}; the snapshot has {have}, 1999-01-04..2018-12-31. "
            "For any other ticker use source='yfinance' (needs internet)."
        )
    file, name = SNAPSHOTS[symbol]
    frame = pd.read_csv(dataset_path(file), index_col="Date")
    frame.index = pd.to_datetime(frame.index, format="%Y-%m-%d")
    first, last = frame.index[0], frame.index[-1]
    frame = frame.loc[(frame.index >= start) if start is not None else slice(None)]
    frame = frame.loc[(frame.index < end) if end is not None else slice(None)]
    covered = f"the {name} snapshot covers {first:%Y-%m-%d}..{last:%Y-%m-%d}"
    return _clean(frame, f"{symbol} from the snapshot ({covered})", min_rows)


# --- yfinance and its cache -----------------------------------------------------------------


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


def _cached_copies(symbol: str) -> list[Path]:
    folder = stock_cache_dir() / "yfinance"
    return sorted(folder.glob(f"{symbol}_*.csv")) if folder.is_dir() else []


def _write_atomically(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    os.close(handle)
    try:
        frame.to_csv(temp, date_format="%Y-%m-%d")
        os.replace(temp, path)  # atomic: readers see the old file or the new one, never half
    finally:
        if os.path.exists(temp):
            os.remove(temp)


class _Captured(logging.Handler):
    """Collects yfinance's log messages: it logs failures instead of raising them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage().strip())


_RATE_LIMIT = re.compile(r"rate.?limit|too many requests|\b429\b", re.I)
_OFFLINE = re.compile(
    r"resolve host|dns|connect|timed? ?out|network|unreachable|curl: \(\d+\)|ssl|proxy", re.I
)


def _download_failed(symbol: str, start, end, reason: str) -> DownloadError:
    span = f"{'the first day' if start is None else f'{start:%Y-%m-%d}'}..{end:%Y-%m-%d}"
    if _RATE_LIMIT.search(reason):
        what = "Yahoo Finance is rate-limiting requests (too many in a short time); wait a few minutes and retry"
    elif _OFFLINE.search(reason):
        what = "could not reach Yahoo Finance: no network, or it is blocked here"
    else:
        what = (
            f"yfinance returned no prices for {symbol!r} in {span}: the ticker may not exist or "
            "be delisted, or the range may hold no trading days"
        )
    message = f"downloading {symbol!r} ({span}) failed — {what}."
    if reason:
        message += f" yfinance said: {reason[:300]}."
    copies = _cached_copies(symbol)
    if copies:
        listed = ", ".join(p.name for p in copies[:5])
        message += (
            f" Cached copies of {symbol} exist in {copies[0].parent} ({listed}): call load_stock "
            "with the same start and end (and refresh=False) to read one without the network."
        )
    return DownloadError(f"{message} {_SNAPSHOT_HINT}")


def _download(symbol: str, start, end) -> pd.DataFrame:
    """One ticker from yfinance, auto-adjusted, single-level columns, no progress bar."""
    try:
        import yfinance as yf
    except ImportError:
        raise StockDataError(
            f"source='yfinance' needs the yfinance package (pip install yfinance). {_SNAPSHOT_HINT}"
        ) from None
    logger, captured = logging.getLogger("yfinance"), _Captured()
    logger.addHandler(captured)
    propagate, logger.propagate = logger.propagate, False  # the error below says it all
    options = {
        "start": None if start is None else f"{start:%Y-%m-%d}",
        "end": f"{end:%Y-%m-%d}",
        "auto_adjust": True,
        "progress": False,
        "multi_level_index": False,
        "threads": False,
    }
    try:
        try:
            frame = yf.download(symbol, **options)
        except TypeError as err:  # yfinance < 0.2.48 has no multi_level_index
            if "multi_level_index" not in str(err):
                raise
            del options["multi_level_index"]  # _clean flattens the (Price, Ticker) columns
            frame = yf.download(symbol, **options)
    except Exception as err:  # yfinance raises its own, requests' or curl's errors
        raise _download_failed(symbol, start, end, f"{type(err).__name__}: {err}") from err
    finally:
        logger.removeHandler(captured)
        logger.propagate = propagate
    if frame is None or not isinstance(frame, pd.DataFrame) or frame.dropna(how="all").empty:
        raise _download_failed(symbol, start, end, " | ".join(captured.messages))
    return frame


def _load_yfinance(symbol: str, start, end, min_rows: int, refresh: bool) -> pd.DataFrame:
    if end is None:  # "up to today": the cache key then changes daily, as it should
        end = pd.Timestamp(_dt.date.today()) + pd.Timedelta(days=1)
    cache = _cache_file(symbol, start, end)
    if cache.is_file() and not refresh:
        try:
            frame = pd.read_csv(cache, index_col="Date")
        except (KeyError, ValueError, pd.errors.ParserError) as err:
            raise StockDataError(
                f"the cached copy {cache} is unreadable ({err}); delete it or pass refresh=True"
            ) from None
        return _clean(frame, f"{symbol} from the cache ({cache})", min_rows)
    frame = _clean(_download(symbol, start, end), f"{symbol} as downloaded by yfinance", min_rows)
    _write_atomically(frame, cache)  # only a table that passed every check replaces the cache
    return frame


# --- the one public loader ------------------------------------------------------------------


def load_stock(
    ticker: str = "^GSPC",
    start=None,
    end=None,
    *,
    source: str = "snapshot",
    refresh: bool = False,
    min_rows: int = 30,
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

    Returns:
        DataFrame (days, 5): index ``Date``; columns Open, High, Low, Close (adjusted),
        Volume, all float64.

    Raises:
        StockDataError: a bad ticker, dates or source; a range that is too short; a table
            with missing or non-numeric columns. DownloadError (a subclass) when yfinance
            returns nothing: it says why (network, rate limit, unknown ticker) and how to
            continue offline (the snapshot, or a cached copy when one exists).
    """
    if source not in SOURCES:
        raise StockDataError(f"source must be one of {SOURCES}, got {source!r}")
    symbol = normalize_ticker(ticker)
    start, end = _check_range(start, end, min_rows)
    if source == "snapshot":
        return _load_snapshot(symbol, start, end, min_rows)
    return _load_yfinance(symbol, start, end, min_rows, refresh)
