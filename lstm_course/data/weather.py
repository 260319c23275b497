"""Weather data: Seattle daily observations (offline snapshot)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lstm_course.data.registry import (
    READ_CSV_EXACT,
    DatasetError,
    _check_dates,
    _first_bad,
    dataset_path,
)

SEATTLE_FILE = "seattle_weather.csv"
SEATTLE_COLUMNS = ("precipitation", "temp_max", "temp_min", "wind", "weather")
_NUMERIC = list(SEATTLE_COLUMNS[:4])


def load_seattle_weather() -> pd.DataFrame:
    """Seattle daily weather 2012–2015 (NOAA), verified against the manifest.

    Returns:
        DataFrame of 1,461 rows indexed by date (daily, no gaps) with columns
        precipitation (mm), temp_max and temp_min (°C), wind (m/s), weather (label).

    Raises:
        DatasetError: the file differs from the manifest, or its content breaks the promise
            above (a missing column, an unreadable date, a repeated or missing day, a blank
            or non-numeric cell); the message names the file, the date and the problem.
    """
    path = dataset_path(SEATTLE_FILE)
    frame = pd.read_csv(path, dtype={"date": str, "weather": str}, **READ_CSV_EXACT)
    what = f"{SEATTLE_FILE} ({path})"
    missing = [c for c in ("date", *SEATTLE_COLUMNS) if c not in frame.columns]
    if missing:
        raise DatasetError(f"{what} lacks columns {missing}; expected {['date', *SEATTLE_COLUMNS]}")
    frame.index = _parse_dates(frame.pop("date"), what)
    _check_dates(frame.index, what, DatasetError)
    _check_no_gaps(frame.index, what)
    _check_cells(frame, what)
    return frame.asfreq("D")


def _parse_dates(dates: pd.Series, what: str) -> pd.DatetimeIndex:
    parsed = pd.to_datetime(dates, format="%Y-%m-%d", errors="coerce")
    if parsed.isna().any():
        row = int(parsed.isna().to_numpy().argmax())
        raise DatasetError(
            f"{what}: line {row + 2} has the date {dates.iloc[row]!r}, expected YYYY-MM-DD"
        )
    return pd.DatetimeIndex(parsed, name="date")


def _check_no_gaps(index: pd.DatetimeIndex, what: str) -> None:
    """Every calendar day present: ``asfreq("D")`` would otherwise invent rows of NaN."""
    if len(index) == 0:
        raise DatasetError(f"{what} holds no rows")
    absent = pd.date_range(index[0], index[-1], freq="D").difference(index)
    if len(absent):
        listed = ", ".join(f"{day:%Y-%m-%d}" for day in absent[:5])
        raise DatasetError(
            f"{what}: {len(absent)} day(s) missing between {index[0]:%Y-%m-%d} and "
            f"{index[-1]:%Y-%m-%d} ({listed}{', ...' if len(absent) > 5 else ''}); the "
            "series must be daily without gaps"
        )


def _check_cells(frame: pd.DataFrame, what: str) -> None:
    """Measurements are finite numbers and every day has a weather label."""
    numbers = frame[_NUMERIC].apply(pd.to_numeric, errors="coerce")
    bad = ~np.isfinite(numbers.to_numpy(dtype=np.float64))
    if bad.any():
        cells = pd.DataFrame(bad, index=frame.index, columns=_NUMERIC)
        raise DatasetError(f"{what}: blank or non-numeric value in {_first_bad(frame, cells)}")
    blank = frame["weather"].isna() | (frame["weather"].str.strip() == "")
    if blank.any():
        day = frame.index[blank.to_numpy().argmax()]
        raise DatasetError(f"{what}: blank 'weather' label on {day:%Y-%m-%d}")
    frame[_NUMERIC] = numbers
