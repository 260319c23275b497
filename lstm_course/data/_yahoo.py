"""yfinance as a transport for :mod:`lstm_course.data.stocks`: one call with a time limit.

yfinance logs most failures instead of raising them, retries for minutes on a network
that accepts connections but never answers, and keeps a cache of its own. Here a download
runs in a worker thread with a deadline, yfinance's log is captured, and every failure
becomes a :class:`YahooFailure` whose message says what happened — no answer in time, no
network, a rate limit, an unknown ticker, or an internal error (never "the ticker may not
exist" for a bug). The table that comes back is checked by ``stocks``, not here.
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

import pandas as pd

SNAPSHOT_HINT = (
    "To work offline, use the committed snapshot: load_stock('^GSPC') or "
    "load_stock('^IXIC') (source='snapshot': S&P 500 and NASDAQ Composite, 1999–2018)."
)
_RATE_LIMIT = re.compile(r"rate.?limit|too many requests|\b429\b", re.I)
_OFFLINE = re.compile(
    r"resolve host|dns|connect|timed? ?out|network|unreachable|curl: \(\d+\)|ssl|proxy", re.I
)
_NOT_FOUND = re.compile(
    r"delisted|no (price |timezone )?data found|no timezone found|not found|YF\w*Missing"
    r"|invalid (period|ticker|symbol)",
    re.I,
)
# Where yfinance's own cache was last pointed, so it is moved only when the folder changes
# (moving it closes yfinance's open database).
_POINTED = {"folder": None}


class YahooFailure(Exception):
    """A download gave nothing usable; the message says why, the cause (if any) is chained."""


class _Late(Exception):
    """The worker thread did not finish within the deadline."""


class _Captured(logging.Handler):
    """Collects yfinance's log messages: it logs failures instead of raising them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage().strip())


def _call_with_deadline(function, seconds: float):
    """``function()`` in a daemon thread; raises :class:`_Late` after ``seconds``.

    A thread, because yfinance's own ``timeout`` covers one HTTP request, not its cookie
    requests and retries. A late call is abandoned (daemon: it cannot keep Python alive).
    """
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = function()
        except Exception as err:  # noqa: BLE001 - handed to the caller's thread below
            outcome["error"] = err

    worker = threading.Thread(target=run, name="lstm_course-yfinance", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise _Late
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _point_cache(yf, folder: Path) -> None:
    """Keep yfinance's time-zone/cookie cache inside the course's cache folder."""
    target = str(folder / "py-yfinance")
    if _POINTED["folder"] != target:
        yf.set_tz_cache_location(target)
        _POINTED["folder"] = target


def _what_happened(symbol: str, span: str, reason: str, error: Exception | None) -> str:
    name = type(error).__name__ if error is not None else ""
    if "RateLimit" in name or _RATE_LIMIT.search(reason):
        return (
            "Yahoo Finance is rate-limiting requests (too many in a short time); "
            "wait a few minutes and retry"
        )
    if isinstance(error, (ConnectionError, TimeoutError)) or _OFFLINE.search(reason):
        return "could not reach Yahoo Finance: no network, or it is blocked here"
    if (error is None and not reason) or _NOT_FOUND.search(f"{name} {reason}"):
        return (
            f"yfinance returned no prices for {symbol!r} in {span}: the ticker may not exist or "
            "be delisted, or the range may hold no trading days"
        )
    return (
        "yfinance failed with an internal error, which says nothing about the ticker: a bug "
        "in yfinance or a change on Yahoo's side. Upgrading yfinance (pip install -U "
        "yfinance) often helps"
    )


def _failure(symbol: str, span: str, reason: str, error: Exception | None) -> YahooFailure:
    message = (
        f"downloading {symbol!r} ({span}) failed — {_what_happened(symbol, span, reason, error)}."
    )
    if reason:
        message += f" yfinance said: {reason[:300]}."
    return YahooFailure(message)


def download(yf, symbol: str, start, end, *, timeout: float, cache_dir: Path | None):
    """One ticker from the ``yfinance`` module ``yf``: auto-adjusted, one column level.

    Args:
        start, end: ``pd.Timestamp`` (start may be None), end exclusive.
        timeout: seconds for the whole call, retries included.
        cache_dir: where yfinance's own cache goes; None leaves yfinance's default.

    Returns:
        What ``yf.download`` returned, unchecked except that it holds some rows.
    """
    if cache_dir is not None:
        _point_cache(yf, cache_dir)
    span = f"{'the first day' if start is None else f'{start:%Y-%m-%d}'}..{end:%Y-%m-%d}"
    options = {
        "start": None if start is None else f"{start:%Y-%m-%d}",
        "end": f"{end:%Y-%m-%d}",
        "auto_adjust": True,
        "progress": False,
        "multi_level_index": False,
        "threads": False,
        "timeout": timeout,
    }
    logger, captured = logging.getLogger("yfinance"), _Captured()
    logger.addHandler(captured)
    propagate, logger.propagate = logger.propagate, False  # the error below says it all
    try:
        frame = _call_with_deadline(lambda: yf.download(symbol, **options), timeout)
    except _Late:
        raise YahooFailure(
            f"downloading {symbol!r} ({span}) failed — Yahoo Finance did not answer within "
            f"{timeout:g} s: the network may be down, filtered or very slow. Retry later, or "
            "pass a larger timeout=."
        ) from None
    except Exception as err:  # yfinance raises its own, requests' or curl's errors
        raise _failure(symbol, span, f"{type(err).__name__}: {err}", err) from err
    finally:
        logger.removeHandler(captured)
        logger.propagate = propagate
    if frame is None or (isinstance(frame, pd.DataFrame) and frame.dropna(how="all").empty):
        raise _failure(symbol, span, " | ".join(captured.messages), None)
    return frame
