"""The stock loader: the offline snapshot, and every way a live download can go wrong.

No test touches the network: yfinance.download is replaced by fakes, and an autouse
fixture makes any real socket connection fail loudly.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
import warnings

import numpy as np
import pandas as pd
import pytest

from lstm_course import data
from lstm_course.data import _yahoo, stocks
from lstm_course.data.registry import DatasetError
from lstm_course.data.stocks import DownloadError, StockDataError, load_stock
from tools.data_build import BUILDERS

yfinance = pytest.importorskip("yfinance")


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(stocks.CACHE_ENV, str(folder))
    return folder / "yfinance"


def yahoo_frame(days: int = 60, start: str = "2020-01-02", seed: int = 0) -> pd.DataFrame:
    """What yf.download(..., auto_adjust=True, multi_level_index=False) returns."""
    rng = np.random.default_rng(seed)
    index = pd.bdate_range(start, periods=days, name="Date")
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, days)))
    return pd.DataFrame(
        {
            "Close": close,
            "High": close * 1.01,
            "Low": close * 0.99,
            "Open": close * 1.001,
            "Volume": rng.integers(1_000, 5_000, days).astype(float),
        },
        index=index,
    )


def fake_download(result=None, *, raises=None, log=None, calls=None):
    def download(tickers, **kwargs):
        if calls is not None:
            calls.append((tickers, kwargs))
        if log:
            logging.getLogger("yfinance").error(log)
        if raises is not None:
            raise raises
        return result() if callable(result) else result

    return download


# --- the snapshot ---------------------------------------------------------------------------


def test_snapshot_sp500_is_complete_and_clean():
    frame = load_stock()
    assert list(frame.columns) == list(stocks.COLUMNS)
    assert len(frame) == 5031 and frame.index.name == "Date"
    assert frame.index[0] == pd.Timestamp("1999-01-04")
    assert frame.index[-1] == pd.Timestamp("2018-12-31")
    assert frame.index.is_monotonic_increasing and frame.index.is_unique
    assert frame.dtypes.eq(np.float64).all()
    assert (frame["High"] >= frame[["Open", "Close"]].max(axis=1)).all()
    assert (frame["Low"] <= frame[["Open", "Close"]].min(axis=1)).all()
    assert frame.loc["2008-10-13", "Close"] == pytest.approx(1003.35)  # a famous +11.6 % day


def test_snapshot_nasdaq_and_aliases():
    assert load_stock("nasdaq").equals(load_stock("^IXIC"))
    assert load_stock("sp500").equals(load_stock("^gspc"))
    assert len(load_stock("^IXIC")) == 5031


def test_snapshot_date_range_is_start_inclusive_end_exclusive():
    frame = load_stock("^GSPC", "2010-01-04", "2011-01-03")
    assert frame.index[0] == pd.Timestamp("2010-01-04")
    assert frame.index[-1] == pd.Timestamp("2010-12-31")
    assert len(frame) == 252


def test_snapshot_never_touches_yfinance(monkeypatch):
    monkeypatch.setattr(yfinance, "download", fake_download(raises=AssertionError("network")))
    assert len(load_stock("^GSPC", start="2018-01-01")) == 251


def test_unknown_snapshot_ticker_names_what_exists():
    with pytest.raises(StockDataError, match=r"no offline snapshot for 'AAPL'.*\^GSPC.*yfinance"):
        load_stock("AAPL")


def test_snapshot_builders_are_registered():
    assert {"sp500", "nasdaq"} <= set(BUILDERS)
    for name in ("sp500.csv", "nasdaq.csv"):
        entry = data.load_manifest()[name]
        assert "arch" in entry["source"] and "NCSA" in entry["license"]


# --- bad arguments --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ticker", ["", "  ", "../etc/passwd", "a/b", "AA PL", "..", "^", "A" * 21, "x;rm", "C:\\x"]
)
def test_invalid_ticker_is_rejected_before_any_file_name(ticker, cache):
    with pytest.raises(StockDataError, match="invalid ticker"):
        load_stock(ticker, source="yfinance")
    assert not cache.parent.exists()


@pytest.mark.parametrize("ticker", [None, 42, ["AAPL"], b"AAPL"])
def test_ticker_must_be_a_string(ticker):
    with pytest.raises(TypeError, match="ticker must be a string"):
        load_stock(ticker)


@pytest.mark.parametrize("ticker", ["aapl", "BRK-B", "^GSPC", "EURUSD=X", "0700.HK", "BTC-USD"])
def test_real_ticker_shapes_are_accepted(ticker):
    assert stocks.normalize_ticker(ticker) == ticker.upper()


def test_start_after_end_is_an_error():
    with pytest.raises(StockDataError, match=r"start \(2015-01-01\) must be before end"):
        load_stock("^GSPC", "2015-01-01", "2014-01-01")
    with pytest.raises(StockDataError, match="must be before end"):
        load_stock("^GSPC", "2015-01-01", "2015-01-01")


def test_too_short_ranges_are_errors(monkeypatch):
    monkeypatch.setattr(yfinance, "download", fake_download(raises=AssertionError("no call")))
    with pytest.raises(StockDataError, match="10 calendar days, too few for min_rows=30"):
        load_stock("AAPL", "2020-01-01", "2020-01-11", source="yfinance")
    with pytest.raises(StockDataError, match=r"24 trading day\(s\).*fewer than min_rows=30"):
        load_stock("^GSPC", "2018-01-01", "2018-02-06", min_rows=30)
    assert len(load_stock("^GSPC", "2018-01-01", "2018-02-06", min_rows=10)) == 24


def test_range_outside_the_snapshot_says_what_it_covers():
    with pytest.raises(StockDataError, match=r"covers 1999-01-04\.\.2018-12-31.*0 trading day"):
        load_stock("^GSPC", start="2020-01-01")


@pytest.mark.parametrize("value", ["yesterday", "2020-13-45", "2021-02-30", np.datetime64("NaT")])
def test_bad_dates_are_named(value):
    with pytest.raises(StockDataError, match="start must be a date like"):
        load_stock("^GSPC", start=value)


@pytest.mark.parametrize("value", [3.5, 20200101, b"2020-01-01", ["2020-01-01"]])
def test_dates_of_the_wrong_kind_are_type_errors(value):
    with pytest.raises(TypeError, match="end must be a date like"):
        load_stock("^GSPC", end=value)


def test_dates_of_every_kind_agree():
    expected = load_stock("^GSPC", "2010-01-04", "2010-03-01")
    for start in (
        pd.Timestamp("2010-01-04"),
        np.datetime64("2010-01-04"),
        pd.Timestamp("2010-01-04 15:30", tz="America/New_York").to_pydatetime(),
    ):
        pd.testing.assert_frame_equal(load_stock("^GSPC", start, "2010-03-01"), expected)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"source": "web"}, ValueError, r"source must be one of \['snapshot', 'yfinance'\]"),
        ({"min_rows": 0}, ValueError, "min_rows must be an int >= 2"),
        ({"min_rows": 2.5}, ValueError, "min_rows must be an int"),
        ({"refresh": "yes"}, TypeError, "refresh must be True or False"),
        ({"timeout": 0}, ValueError, r"timeout must be a finite number in \(0, 3600\]"),
        ({"timeout": float("nan")}, ValueError, "timeout must be"),
        ({"timeout": "10"}, TypeError, "timeout must be"),
    ],
)
def test_bad_options_are_refused_even_for_the_snapshot(kwargs, error, match):
    with pytest.raises(error, match=match):
        load_stock(**kwargs)


def test_errors_are_value_errors():
    assert issubclass(DownloadError, StockDataError)
    assert issubclass(StockDataError, DatasetError) and issubclass(StockDataError, ValueError)


# --- yfinance: success and the cache --------------------------------------------------------


def test_download_uses_the_documented_arguments_and_caches(monkeypatch, cache):
    calls = []
    monkeypatch.setattr(yfinance, "download", fake_download(yahoo_frame, calls=calls))
    frame = load_stock("aapl", "2020-01-01", "2020-06-01", source="yfinance")
    assert list(frame.columns) == list(stocks.COLUMNS) and len(frame) == 60
    ((ticker, kwargs),) = calls
    assert ticker == "AAPL"
    assert kwargs["auto_adjust"] is True and kwargs["progress"] is False
    assert kwargs["multi_level_index"] is False and kwargs["timeout"] == stocks.DOWNLOAD_TIMEOUT
    assert (kwargs["start"], kwargs["end"]) == ("2020-01-01", "2020-06-01")
    cached = cache / "AAPL_2020-01-01_2020-06-01.csv"
    assert cached.is_file() and not list(cache.glob("*.tmp"))

    # The second call reads the cache: no download, the same table.
    monkeypatch.setattr(yfinance, "download", fake_download(raises=AssertionError("cached!")))
    again = load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance")
    pd.testing.assert_frame_equal(again, frame, check_freq=False)


def test_cache_dir_is_outside_the_repository_and_overridable(monkeypatch, repo, tmp_path):
    monkeypatch.delenv(stocks.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert data.stock_cache_dir() == tmp_path / "xdg" / "lstm_course"
    monkeypatch.delenv("XDG_CACHE_HOME")
    default = data.stock_cache_dir()
    assert default.name == "lstm_course" and repo not in default.parents
    monkeypatch.setenv(stocks.CACHE_ENV, str(tmp_path / "mine"))
    assert data.stock_cache_dir() == tmp_path / "mine"


def test_adj_close_is_folded_into_every_price(monkeypatch, cache):
    def with_adj_close():  # the snapshot's (Yahoo CSV) layout: raw prices and Adj Close
        frame = yahoo_frame()
        frame["Adj Close"] = frame["Close"] / 2  # e.g. a 2:1 split after these days
        return frame

    monkeypatch.setattr(yfinance, "download", fake_download(with_adj_close))
    frame = load_stock("MSFT", "2020-01-01", "2020-06-01", source="yfinance")
    raw = yahoo_frame()
    np.testing.assert_allclose(frame["Close"], raw["Close"] / 2)
    np.testing.assert_allclose(frame["Open"], raw["Open"] / 2)
    np.testing.assert_allclose(frame["Volume"], raw["Volume"])


def test_multiindex_columns_are_refused_not_guessed(monkeypatch, cache):
    def two_levels():  # what multi_level_index=True (not what load_stock asks for) gives
        frame = yahoo_frame()
        frame.columns = pd.MultiIndex.from_product([frame.columns, ["MSFT"]])
        return frame

    monkeypatch.setattr(yfinance, "download", fake_download(two_levels))
    with pytest.raises(StockDataError, match="one level of column names.*one ticker at a time"):
        load_stock("MSFT", "2020-01-01", "2020-06-01", source="yfinance")


def test_timezone_aware_index_becomes_naive(monkeypatch, cache):
    def with_tz():
        frame = yahoo_frame()
        frame.index = frame.index.tz_localize("America/New_York")
        return frame

    monkeypatch.setattr(yfinance, "download", fake_download(with_tz))
    frame = load_stock("SPY", "2020-01-01", "2020-06-01", source="yfinance")
    assert frame.index.tz is None and frame.index[0] == pd.Timestamp("2020-01-02")


# --- yfinance: failures ---------------------------------------------------------------------


def test_offline_is_explained_with_the_snapshot_fallback(monkeypatch, cache):
    log = "['AAPL']: DNSError('Failed to perform, curl: (6) Could not resolve host: query2')"
    empty = pd.DataFrame(columns=["Adj Close", "Close", "High", "Low", "Open", "Volume"])
    monkeypatch.setattr(yfinance, "download", fake_download(empty, log=log))
    with pytest.raises(DownloadError) as info:
        load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance")
    message = str(info.value)
    assert "could not reach Yahoo Finance" in message and "Could not resolve host" in message
    assert "load_stock('^GSPC')" in message and "source='snapshot'" in message
    assert not cache.exists() or not list(cache.iterdir())


def test_network_exception_is_wrapped(monkeypatch, cache):
    monkeypatch.setattr(
        yfinance, "download", fake_download(raises=ConnectionError("Connection refused"))
    )
    with pytest.raises(DownloadError, match="could not reach Yahoo Finance.*ConnectionError"):
        load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance")


def test_rate_limit_is_explained(monkeypatch, cache):
    from yfinance.exceptions import YFRateLimitError

    monkeypatch.setattr(yfinance, "download", fake_download(raises=YFRateLimitError()))
    with pytest.raises(DownloadError, match="rate-limiting.*wait a few minutes"):
        load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance")


def test_empty_result_suggests_a_wrong_ticker(monkeypatch, cache):
    log = "['NOPE']: YFPricesMissingError('possibly delisted; no price data found')"
    monkeypatch.setattr(yfinance, "download", fake_download(pd.DataFrame(), log=log))
    with pytest.raises(DownloadError, match="no prices for 'NOPE'.*may not exist or be delisted"):
        load_stock("NOPE", "2020-01-01", "2020-06-01", source="yfinance")
    monkeypatch.setattr(yfinance, "download", fake_download(None))
    with pytest.raises(DownloadError, match="no prices for 'NOPE'"):
        load_stock("NOPE", "2020-01-01", "2020-06-01", source="yfinance")


def test_yfinance_log_is_not_printed_twice(monkeypatch, cache, capsys):
    monkeypatch.setattr(yfinance, "download", fake_download(pd.DataFrame(), log="boom"))
    with pytest.raises(DownloadError, match="yfinance said: boom"):
        load_stock("NOPE", "2020-01-01", "2020-06-01", source="yfinance")
    assert "boom" not in capsys.readouterr().err
    assert logging.getLogger("yfinance").propagate  # restored


@pytest.mark.parametrize(
    ("mangle", "match"),
    [
        (lambda f: f.drop(columns=["Close", "Volume"]), r"missing columns \['Close', 'Volume'\]"),
        (lambda f: f.assign(Close="n/a"), "not a number in 'Close' on 2020-01-02"),
        (lambda f: f.assign(Low=-f["Low"]), "prices must be positive"),
        (lambda f: f.reset_index(drop=True).set_axis(list("abcdefghij") * 6), "must hold dates"),
        (lambda f: f.iloc[:5], r"5 trading day\(s\).*fewer than min_rows=30"),
    ],
    ids=["missing-columns", "not-numbers", "negative", "no-dates", "too-few-rows"],
)
def test_malformed_downloads_are_rejected_and_never_cached(monkeypatch, cache, mangle, match):
    monkeypatch.setattr(yfinance, "download", fake_download(lambda: mangle(yahoo_frame())))
    with pytest.raises(StockDataError, match=match):
        load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance")
    assert not cache.exists() or not list(cache.iterdir())


def test_several_tickers_at_once_are_refused(monkeypatch, cache):
    def two_tickers():
        frame = yahoo_frame()
        return pd.concat({"AAPL": frame, "MSFT": frame}, axis=1).swaplevel(0, 1, axis=1)

    monkeypatch.setattr(yfinance, "download", fake_download(two_tickers))
    with pytest.raises(StockDataError, match="one ticker at a time"):
        load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance")


def test_a_failed_refresh_keeps_the_good_cache_and_points_to_it(monkeypatch, cache):
    monkeypatch.setattr(yfinance, "download", fake_download(yahoo_frame))
    good = load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance")
    cached = cache / "AAPL_2020-01-01_2020-06-01.csv"
    before = cached.read_bytes()

    monkeypatch.setattr(yfinance, "download", fake_download(lambda: yahoo_frame().iloc[:3]))
    with pytest.raises(StockDataError, match="fewer than min_rows"):
        load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance", refresh=True)
    monkeypatch.setattr(
        yfinance, "download", fake_download(raises=ConnectionError("Network is unreachable"))
    )
    with pytest.raises(DownloadError) as info:
        load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance", refresh=True)
    assert cached.name in str(info.value) and "without the network" in str(info.value)
    assert cached.read_bytes() == before and not list(cache.glob("*.tmp"))
    again = load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance")
    pd.testing.assert_frame_equal(again, good, check_freq=False)


def test_a_successful_refresh_replaces_the_cache(monkeypatch, cache):
    monkeypatch.setattr(yfinance, "download", fake_download(yahoo_frame))
    load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance")
    monkeypatch.setattr(yfinance, "download", fake_download(lambda: yahoo_frame(seed=1)))
    fresh = load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance", refresh=True)
    np.testing.assert_allclose(fresh["Close"], yahoo_frame(seed=1)["Close"])
    again = load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance")
    np.testing.assert_allclose(again["Close"], fresh["Close"])


def test_a_corrupt_cache_file_says_how_to_recover(monkeypatch, cache):
    cache.mkdir(parents=True)
    (cache / "AAPL_2020-01-01_2020-06-01.csv").write_text("Date,Close\nnot,a,table\n")
    with pytest.raises(StockDataError, match="refresh=True|missing columns"):
        load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance")


def test_open_ended_ranges_get_a_dated_cache_key(monkeypatch, cache):
    calls = []
    monkeypatch.setattr(yfinance, "download", fake_download(yahoo_frame, calls=calls))
    load_stock("AAPL", source="yfinance")
    ((_, kwargs),) = calls
    today = pd.Timestamp.today().normalize()
    assert kwargs["start"] is None and pd.Timestamp(kwargs["end"]) > today
    (file,) = cache.iterdir()
    assert file.name.startswith("AAPL_first_")


def test_missing_yfinance_is_explained(monkeypatch, cache):
    import builtins

    real_import = builtins.__import__

    def no_yfinance(name, *args, **kwargs):
        if name == "yfinance":
            raise ImportError("No module named 'yfinance'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_yfinance)
    with pytest.raises(StockDataError, match="needs the yfinance package.*snapshot"):
        load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance")


# --- issue 11: every downloaded table is checked before it may replace the cache ------------


def good_cache(monkeypatch, cache) -> bytes:
    """Download a good table once, so that a bad refresh has something to destroy."""
    monkeypatch.setattr(yfinance, "download", fake_download(yahoo_frame))
    load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance")
    return (cache / "AAPL_2020-01-01_2020-06-01.csv").read_bytes()


def with_cell(column: str, row: int, value):
    def mangle(frame):
        frame.iloc[row, frame.columns.get_loc(column)] = value
        return frame

    return mangle


@pytest.mark.parametrize(
    ("mangle", "match"),
    [
        (with_cell("Open", 3, np.nan), r"blank, NaN or infinite value in 'Open' on 2020-01-07"),
        (with_cell("Volume", 0, np.nan), r"'Volume' on 2020-01-02"),
        (with_cell("Close", 5, np.inf), r"infinite value in 'Close' on 2020-01-09"),
        (with_cell("Low", 2, 1e6), r"High must be >= Low; broken in 'High' on 2020-01-06"),
        (with_cell("Volume", 4, -5.0), r"Volume must be >= 0; broken in 'Volume' on 2020-01-08"),
        (
            lambda f: f.set_axis(f.index - pd.Timedelta(days=10)),
            r"row\(s\) outside the requested range 2020-01-01\.\.2020-06-01.*2019-12-23",
        ),
        (
            lambda f: f.rename(index={f.index[-1]: pd.Timestamp("2020-06-01")}),
            r"1 row\(s\) outside the requested range.*\(end exclusive\), first 2020-06-01",
        ),
        (lambda f: pd.concat([f, f.iloc[[7]]]), "the date 2020-01-13 appears more than once"),
        (lambda f: f.iloc[::-1], r"not in increasing order \(2020-03-25 is followed by 2020-03-24"),
        (with_cell("High", 9, None), r"'High' on 2020-01-15"),
    ],
    ids=[
        "nan-open",
        "nan-volume",
        "inf-close",
        "high-below-low",
        "negative-volume",
        "before-start",
        "at-end",
        "duplicate-date",
        "unsorted",
        "blank-price",
    ],
)
def test_bad_downloads_are_refused_and_keep_the_good_cache(monkeypatch, cache, mangle, match):
    before = good_cache(monkeypatch, cache)
    monkeypatch.setattr(yfinance, "download", fake_download(lambda: mangle(yahoo_frame())))
    with pytest.raises(StockDataError, match=match) as info:
        load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance", refresh=True)
    assert "AAPL as downloaded by yfinance" in str(info.value)
    assert (cache / "AAPL_2020-01-01_2020-06-01.csv").read_bytes() == before
    assert len(list(cache.iterdir())) == 1  # no temporary file left behind


def test_a_download_that_never_answers_times_out(monkeypatch, cache):
    release = threading.Event()

    def hangs(tickers, **kwargs):  # a network that accepts and never answers
        release.wait(30)
        return yahoo_frame()

    monkeypatch.setattr(yfinance, "download", hangs)
    began = time.monotonic()
    try:
        with pytest.raises(DownloadError, match=r"did not answer within 0\.2 s.*timeout="):
            load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance", timeout=0.2)
    finally:
        release.set()
    assert time.monotonic() - began < 5
    assert not cache.exists() or not list(cache.iterdir())


def test_the_timeout_also_reaches_yfinance(monkeypatch, cache):
    calls = []
    monkeypatch.setattr(yfinance, "download", fake_download(yahoo_frame, calls=calls))
    load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance", timeout=np.float32(7))
    assert calls[0][1]["timeout"] == 7.0


def test_an_unwritable_cache_keeps_the_download_with_a_warning(monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv(stocks.CACHE_ENV, str(blocker))
    monkeypatch.setattr(yfinance, "set_tz_cache_location", lambda folder: None)
    monkeypatch.setattr(yfinance, "download", fake_download(yahoo_frame))
    with pytest.warns(RuntimeWarning, match="could not write the cache file.*not kept"):
        frame = load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance")
    assert len(frame) == 60


@pytest.mark.parametrize(
    "error", [KeyError("chart"), TypeError("'NoneType' object is not subscriptable")]
)
def test_internal_errors_are_reported_as_such_and_chained(monkeypatch, cache, error):
    monkeypatch.setattr(yfinance, "download", fake_download(raises=error))
    with pytest.raises(DownloadError, match="internal error") as info:
        load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance")
    assert "may not exist" not in str(info.value) and type(error).__name__ in str(info.value)
    assert info.value.__cause__ is error


def test_logged_internal_errors_are_not_blamed_on_the_ticker(monkeypatch, cache):
    log = "['AAPL']: KeyError('chart')"
    monkeypatch.setattr(yfinance, "download", fake_download(pd.DataFrame(), log=log))
    with pytest.raises(DownloadError, match="internal error.*KeyError") as info:
        load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance")
    assert "may not exist" not in str(info.value)


def test_yfinance_cache_follows_the_course_cache(monkeypatch, cache):
    pointed = []
    monkeypatch.setitem(_yahoo._POINTED, "folder", None)
    monkeypatch.setattr(yfinance, "set_tz_cache_location", pointed.append)
    monkeypatch.setattr(yfinance, "download", fake_download(yahoo_frame))
    load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance")
    load_stock("AAPL", "2020-01-01", "2020-07-01", source="yfinance")
    assert pointed == [str(cache.parent / "py-yfinance")]  # once: moving it closes its database


def test_without_the_variable_yfinance_keeps_its_own_cache(monkeypatch, tmp_path):
    monkeypatch.delenv(stocks.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(yfinance, "set_tz_cache_location", pytest.fail)
    monkeypatch.setattr(yfinance, "download", fake_download(yahoo_frame))
    load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance")
    assert (tmp_path / "lstm_course" / "yfinance" / "AAPL_2020-01-01_2020-06-01.csv").is_file()


# --- issue 11: a damaged cache or snapshot is reported, never read short --------------------


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut mid-line
        lambda data: b"".join(data.splitlines(keepends=True)[:-10]),  # cut at a line end
        lambda data: b"".join(data.splitlines(keepends=True)[:-1]),  # an older version's file
        lambda data: data.replace(b"2020-01-03", b"2020-01-04", 1),  # edited
        lambda data: b"\xff\xfe" + data,  # not UTF-8
    ],
    ids=["mid-line", "line-end", "no-marker", "edited", "binary"],
)
def test_a_damaged_cache_is_refused_with_a_way_out(monkeypatch, cache, damage):
    good_cache(monkeypatch, cache)
    path = cache / "AAPL_2020-01-01_2020-06-01.csv"
    path.write_bytes(damage(path.read_bytes()))
    monkeypatch.setattr(yfinance, "download", fake_download(raises=AssertionError("cached!")))
    with pytest.raises(StockDataError, match="refresh=True") as info:
        load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance")
    assert str(path) in str(info.value)
    monkeypatch.setattr(yfinance, "download", fake_download(yahoo_frame))
    assert len(load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance", refresh=True))


def test_the_cache_round_trips_exactly(monkeypatch, cache):
    monkeypatch.setattr(yfinance, "download", fake_download(yahoo_frame))
    fresh = load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance")
    monkeypatch.setattr(yfinance, "download", fake_download(raises=AssertionError("cached!")))
    cached = load_stock("AAPL", "2020-01-01", "2020-06-01", source="yfinance")
    pd.testing.assert_frame_equal(cached, fresh, check_freq=False, check_exact=True)


@pytest.fixture
def fake_snapshot(monkeypatch, tmp_path):
    """Point the ^GSPC snapshot at an edited copy of the first rows of sp500.csv."""
    lines = (data.datasets_dir() / "sp500.csv").read_text().splitlines()[:41]
    path = tmp_path / "sp500.csv"

    def write(edit):
        path.write_text("\n".join(edit(list(lines))) + "\n")
        monkeypatch.setattr(stocks, "dataset_path", lambda name: path)

    return write


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (lambda rows: [*rows, rows[-1]], "the date 1999-03-02 appears more than once"),
        (
            lambda rows: [rows[0], rows[1].replace(",1248.81,", ",,"), *rows[2:]],
            "blank, NaN or infinite value in 'High' on 1999-01-04",
        ),
        (lambda rows: [rows[0], *rows[2:], rows[1]], "not in increasing order"),
    ],
    ids=["duplicate", "blank", "unsorted"],
)
def test_snapshot_content_problems_are_named(fake_snapshot, edit, match):
    fake_snapshot(edit)
    with pytest.raises(StockDataError, match=match):
        load_stock("^GSPC", min_rows=10)


def test_loading_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_stock("^IXIC", "2018-01-01")
