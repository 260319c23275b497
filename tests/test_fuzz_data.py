"""Fuzz lstm_course.data: the snapshot registry, the weather loader and the stock loader.

Every public function is called with one argument at a time replaced by a bad value (it
must be refused with a message naming the argument) or by another spelling of the valid
value (it must give the same result); see ``tests/fuzzing.py``.

All of it runs offline: the yfinance path of ``load_stock`` is fuzzed through a wrapper
that swaps in a fake ``yfinance.download`` and a throwaway cache folder for each call, so
the targets stay self-contained when ``test_fuzz_coverage`` tallies them without fixtures.
"""

from __future__ import annotations

import os
import tempfile
from unittest import mock

import numpy as np
import pandas as pd
import pytest
import yfinance
from fuzzing import FuzzTarget, assert_fuzz_clean

from lstm_course.data import registry, stocks, weather

DATASETS = registry.datasets_dir()


def fake_prices(tickers, **kwargs) -> pd.DataFrame:
    """What yf.download(..., auto_adjust=True, multi_level_index=False) returns: 60 days."""
    rng = np.random.default_rng(0)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, 60)))
    table = {"Close": close, "High": close * 1.01, "Low": close * 0.99, "Open": close}
    index = pd.bdate_range("2020-01-02", periods=60, name="Date")
    return pd.DataFrame({**table, "Volume": rng.integers(1_000, 5_000, 60) * 1.0}, index=index)


def load_stock_from_fake_yahoo(**kwargs) -> pd.DataFrame:
    """``load_stock(source="yfinance", ...)`` against a fake yfinance and an empty cache."""
    with (
        tempfile.TemporaryDirectory() as folder,
        mock.patch.dict(os.environ, {stocks.CACHE_ENV: folder}),
        mock.patch.object(yfinance, "download", fake_prices),
        mock.patch.object(yfinance, "set_tz_cache_location", lambda location: None),
    ):
        return stocks.load_stock(source="yfinance", **kwargs)


# None is a valid start/end ("from the first day", "up to the latest").
OPEN_RANGE_OK = {"start": {"None"}, "end": {"None"}}
BAD_RANGE = {
    "ticker": [("a path", "../etc/passwd"), ("blank", "  "), ("too long", "A" * 21)],
    "start": [("not a date", "yesterday"), ("after end", "2030-01-01"), ("NaT", pd.NaT)],
    "end": [("impossible date", "2021-02-30"), ("before start", "1990-01-01")],
    "min_rows": [("larger than the range", 10_000)],
    "timeout": [("zero", 0.0), ("over an hour", 3601.0)],
}

TARGETS = [
    # --- stocks -----------------------------------------------------------------------------
    FuzzTarget(
        stocks.load_stock,
        {
            "ticker": "^GSPC",
            "start": "2010-01-04",
            "end": "2011-01-03",
            "source": "snapshot",
            "refresh": False,
            "min_rows": 30,
            "timeout": 10.0,
        },
        accept=OPEN_RANGE_OK,
        bad={**BAD_RANGE, "source": [("unknown", "web"), ("upper case", "SNAPSHOT")]},
        name="data.stocks.load_stock(snapshot)",
    ),
    FuzzTarget(
        load_stock_from_fake_yahoo,
        {
            "ticker": "AAPL",
            "start": "2020-01-01",
            "end": "2020-06-01",
            "refresh": True,
            "min_rows": 30,
            "timeout": 5.0,
        },
        accept=OPEN_RANGE_OK,
        bad={**BAD_RANGE, "ticker": [*BAD_RANGE["ticker"], ("no snapshot needed", "a/b")]},
        name="data.stocks.load_stock(yfinance, faked offline)",
    ),
    FuzzTarget(stocks.normalize_ticker, {"ticker": "brk-b"}, bad=BAD_RANGE),
    FuzzTarget(stocks.stock_cache_dir, {}),
    # --- registry ---------------------------------------------------------------------------
    FuzzTarget(
        registry.dataset_path,
        {"name": "sp500.csv", "verify": True, "root": DATASETS},
        accept={"root": {"None"}},  # None means datasets_dir(): the same folder
        bad={
            "name": [
                ("unknown", "nope.csv"),
                ("outside the folder", "../pyproject.toml"),
                ("the manifest itself", "manifest.json"),
                ("empty", ""),
            ],
            "root": [
                ("a file", DATASETS / "sp500.csv"),
                ("no manifest", DATASETS.parent / "tests"),
            ],
        },
    ),
    FuzzTarget(registry.datasets_dir, {}),
    *(
        FuzzTarget(
            function,
            {"root": DATASETS},
            accept={"root": {"None"}},
            bad={"root": [("a file", DATASETS / "sp500.csv"), ("missing", DATASETS / "absent")]},
        )
        for function in (registry.load_manifest, registry.list_datasets, registry.verify_all)
    ),
    FuzzTarget(
        registry.sha256_of,
        {"path": DATASETS / "sp500.csv", "chunk_size": 4096},
        bad={"path": [("a folder", DATASETS), ("missing", DATASETS / "absent.csv")]},
    ),
    # --- weather ----------------------------------------------------------------------------
    FuzzTarget(weather.load_seattle_weather, {}),
]

EXEMPT = {
    "data.registry.DatasetError": "an exception class: raised by the loaders, never given input",
    "data.stocks.StockDataError": "an exception class: raised by load_stock, never given input",
    "data.stocks.DownloadError": "an exception class: raised by load_stock, never given input",
}


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_bad_inputs_get_clear_errors(target):
    assert_fuzz_clean(target)


def test_the_fake_download_path_really_downloads():
    frame = load_stock_from_fake_yahoo(ticker="AAPL", start="2020-01-01", end="2020-06-01")
    assert len(frame) == 60 and list(frame.columns) == list(stocks.COLUMNS)
