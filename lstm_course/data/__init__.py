"""Data for the course: offline snapshots (sha256-verified) and optional live sources."""

from lstm_course.data.registry import (
    DatasetError,
    dataset_path,
    datasets_dir,
    list_datasets,
    load_manifest,
    verify_all,
)
from lstm_course.data.stocks import (
    DownloadError,
    StockDataError,
    load_stock,
    stock_cache_dir,
)
from lstm_course.data.weather import load_seattle_weather

__all__ = [
    "DatasetError",
    "DownloadError",
    "StockDataError",
    "dataset_path",
    "datasets_dir",
    "list_datasets",
    "load_manifest",
    "load_seattle_weather",
    "load_stock",
    "stock_cache_dir",
    "verify_all",
]
