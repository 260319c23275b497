"""Weather data: Seattle daily observations (offline snapshot)."""

from __future__ import annotations

import pandas as pd

from lstm_course.data.registry import dataset_path

SEATTLE_COLUMNS = ("precipitation", "temp_max", "temp_min", "wind", "weather")


def load_seattle_weather() -> pd.DataFrame:
    """Seattle daily weather 2012–2015 (NOAA), verified against the manifest.

    Returns:
        DataFrame of 1,461 rows indexed by date (daily, no gaps) with columns
        precipitation (mm), temp_max and temp_min (°C), wind (m/s), weather (label).
    """
    frame = pd.read_csv(dataset_path("seattle_weather.csv"), parse_dates=["date"], index_col="date")
    missing = [c for c in SEATTLE_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(
            f"seattle_weather.csv lacks columns {missing}; expected {list(SEATTLE_COLUMNS)}"
        )
    return frame.asfreq("D")
