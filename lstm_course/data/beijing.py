"""Beijing hourly weather and PM2.5, 2010–2014 (offline snapshot, sha256-verified).

    frame = load_beijing()            # 43,824 hours, one row per hour, no gaps
    parts = split_years(frame)        # {"train": 2010–2012, "validation": 2013, "test": 2014}

The UCI "Beijing PM2.5" data set (Liang et al. 2015, CC BY 4.0): PM2.5 measured at the US
Embassy, and weather observed at Beijing Capital International Airport, every hour. Columns
are renamed from UCI's abbreviations (``RENAMED``); values are as published (integers for
temperature, dew point and pressure).

What the loader promises, and what it does when a file breaks the promise:

- **one row per hour, in order, no gaps**: a repeated, unsorted or missing hour is refused
  (:class:`BeijingDataError` names the first few), never dropped or invented;
- **complete weather**: a blank or non-numeric weather cell, an unknown wind direction or a
  physically impossible value (e.g. 80 °C) is refused, naming the column and the hour;
- **PM2.5 may be missing**: UCI's 2,067 missing hours are kept as NaN — not filled — and
  counted in ``frame.attrs["missing"]``; a forecast must decide what to do with them (the
  notebook shows the choices). A negative PM2.5 is refused.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from lstm_course._checks import check_int, describe
from lstm_course.data.registry import READ_CSV_EXACT, DatasetError, dataset_path

BEIJING_FILE = "beijing_pm25.csv.gz"
# UCI's column -> ours. Iws, Is and Ir are *cumulated*: wind speed summed (m/s) over the hours
# since the wind direction last changed, hours of snow and of rain since they began.
RENAMED = {
    "pm2.5": "pm25",
    "DEWP": "dew_point",
    "TEMP": "temperature",
    "PRES": "pressure",
    "cbwd": "wind_dir",
    "Iws": "wind_speed",
    "Is": "snow_hours",
    "Ir": "rain_hours",
}
RAW_COLUMNS = ("No", "year", "month", "day", "hour", *RENAMED)
COLUMNS = tuple(RENAMED.values())
WIND_DIRECTIONS = ("NE", "NW", "SE", "cv")  # "cv": calm and variable
# Plausible bounds for Beijing; a value outside is a broken file, not weather.
LIMITS = {
    "dew_point": (-60.0, 40.0),
    "temperature": (-40.0, 50.0),
    "pressure": (950.0, 1060.0),
    "wind_speed": (0.0, 1000.0),
    "snow_hours": (0.0, 100.0),
    "rain_hours": (0.0, 100.0),
}
YEARS = {"train": (2010, 2012), "validation": (2013, 2013), "test": (2014, 2014)}


class BeijingDataError(DatasetError):
    """The Beijing file breaks the loader's promises; the message names where and how."""


def _listed(stamps, limit: int = 5) -> str:
    shown = ", ".join(f"{s:%Y-%m-%d %H:00}" for s in stamps[:limit])
    return shown + (", ..." if len(stamps) > limit else "")


def _read(path, what: str) -> pd.DataFrame:
    try:
        frame = pd.read_csv(
            path, dtype={"cbwd": str}, keep_default_na=False, na_values=["NA", ""], **READ_CSV_EXACT
        )
    except (OSError, EOFError, UnicodeDecodeError, pd.errors.ParserError) as err:
        raise BeijingDataError(f"{what} cannot be read as a gzip-compressed CSV: {err}") from None
    except pd.errors.EmptyDataError:
        raise BeijingDataError(f"{what} is empty: expected a header and one row per hour") from None
    missing = [c for c in RAW_COLUMNS if c not in frame.columns]
    if missing:
        raise BeijingDataError(
            f"{what} lacks columns {missing}; expected {list(RAW_COLUMNS)}, "
            f"got {list(frame.columns)}"
        )
    if frame.empty:
        raise BeijingDataError(f"{what} holds no rows")
    return frame


def _hours(frame: pd.DataFrame, what: str) -> pd.DatetimeIndex:
    """The hour of each row, from the year, month, day and hour columns."""
    parts = frame[["year", "month", "day", "hour"]].apply(pd.to_numeric, errors="coerce")
    stamps = pd.to_datetime(parts, errors="coerce")
    bad = stamps.isna().to_numpy()
    if bad.any():
        row = int(bad.argmax())
        shown = frame.iloc[row][["year", "month", "day", "hour"]].tolist()
        raise BeijingDataError(
            f"{what}: line {row + 2} has year, month, day, hour = {shown}, which is not an hour "
            "of the calendar"
        )
    return pd.DatetimeIndex(stamps, name="time")


def _check_hourly(index: pd.DatetimeIndex, what: str) -> None:
    """Strictly increasing by one hour: duplicates, disorder and gaps are named, not fixed."""
    repeated = index[index.duplicated()]
    if len(repeated):
        raise BeijingDataError(
            f"{what}: {len(repeated)} hour(s) appear more than once ({_listed(repeated)}); "
            "each hour must have exactly one row"
        )
    if not index.is_monotonic_increasing:
        row = int(np.argmax(index[1:] < index[:-1])) + 1
        raise BeijingDataError(
            f"{what}: hours are not in increasing order ({index[row - 1]:%Y-%m-%d %H:00} is "
            f"followed by {index[row]:%Y-%m-%d %H:00}, line {row + 2})"
        )
    absent = pd.date_range(index[0], index[-1], freq="h").difference(index)
    if len(absent):
        raise BeijingDataError(
            f"{what}: {len(absent)} hour(s) missing between {index[0]:%Y-%m-%d %H:00} and "
            f"{index[-1]:%Y-%m-%d %H:00} ({_listed(absent)}); the series must be hourly "
            "without gaps"
        )


def _bad_cell(frame: pd.DataFrame, bad: pd.DataFrame, problem: str, what: str):
    rows = bad.any(axis=1).to_numpy()
    row = int(rows.argmax())
    column = bad.columns[bad.iloc[row].to_numpy().argmax()]
    count = int(bad.to_numpy().sum())
    more = f" (and {count - 1} more cell(s))" if count > 1 else ""
    value = frame.iloc[row][column]
    return BeijingDataError(
        f"{what}: {problem} in {column!r} at {frame.index[row]:%Y-%m-%d %H:00}: {value!r}{more}"
    )


def _check_values(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    """Numbers where numbers belong, inside physical limits; wind directions from the list."""
    numeric = ["pm25", *LIMITS]
    values = frame[numeric].apply(pd.to_numeric, errors="coerce").astype(np.float64)
    text = values.isna() & frame[numeric].notna()
    if text.to_numpy().any():
        raise _bad_cell(frame, text, "a value that is not a number", what)
    weather = list(LIMITS)
    blank = ~np.isfinite(values[weather])
    if blank.to_numpy().any():
        raise _bad_cell(frame, blank, "a blank or infinite weather value", what)
    low = pd.Series({c: LIMITS[c][0] for c in weather})
    high = pd.Series({c: LIMITS[c][1] for c in weather})
    outside = (values[weather] < low) | (values[weather] > high)
    if outside.to_numpy().any():
        limits = ", ".join(f"{c} in [{lo:g}, {hi:g}]" for c, (lo, hi) in LIMITS.items())
        raise _bad_cell(frame, outside, f"a value outside the plausible range ({limits})", what)
    pm = values["pm25"]
    if (pm < 0).any() or np.isinf(pm).any():
        bad = ((pm < 0) | np.isinf(pm)).to_frame()
        raise _bad_cell(frame, bad, "a negative or infinite PM2.5", what)
    unknown = ~frame["wind_dir"].isin(WIND_DIRECTIONS)
    if unknown.any():
        raise _bad_cell(
            frame, unknown.to_frame(), f"a wind direction not in {list(WIND_DIRECTIONS)}", what
        )
    out = values
    out.insert(4, "wind_dir", frame["wind_dir"].astype(str))
    return out[list(COLUMNS)]


def load_beijing(root: str | os.PathLike | None = None) -> pd.DataFrame:
    """Beijing hourly observations 2010–2014, verified against the manifest and validated.

    Args:
        root: folder holding ``manifest.json`` and the snapshot; None: the course's datasets.

    Returns:
        DataFrame of 43,824 rows, indexed by hour (``time``, hourly, no gaps), columns
        pm25 (µg/m³, NaN where not measured), dew_point and temperature (°C), pressure
        (hPa), wind_dir (one of WIND_DIRECTIONS), wind_speed (cumulated, m/s), snow_hours
        and rain_hours (cumulated). ``attrs["missing"]`` counts the NaN of each column.

    Raises:
        DatasetError: the file is unknown, missing, or differs from the manifest's sha256.
        BeijingDataError: the content breaks a promise of this module (see its docstring).
    """
    path = dataset_path(BEIJING_FILE, root=root)
    what = f"{BEIJING_FILE} ({path})"
    raw = _read(path, what)
    raw.index = _hours(raw, what)
    _check_hourly(raw.index, what)
    frame = _check_values(raw.rename(columns=RENAMED), what).asfreq("h")
    frame.attrs["missing"] = {c: int(frame[c].isna().sum()) for c in COLUMNS}
    return frame


def split_years(frame, years: dict | None = None) -> dict[str, pd.DataFrame]:
    """Split by calendar years: train 2010–2012, validation 2013, test 2014 (default).

    Args:
        frame: an hourly table indexed by time, e.g. from :func:`load_beijing`.
        years: {part: (first year, last year)} inclusive, in time order without overlap;
            None: :data:`YEARS`.

    Returns:
        {part: the rows of those years}, each non-empty, in the order given.
    """
    if not isinstance(frame, pd.DataFrame) or not isinstance(frame.index, pd.DatetimeIndex):
        raise TypeError(f"frame must be a DataFrame indexed by time, got {describe(frame)}")
    years = YEARS if years is None else years
    if not isinstance(years, dict) or not years:
        raise TypeError(f"years must be a dict {{part: (first, last)}}, got {describe(years)}")
    parts, previous_last = {}, None
    for part, span in years.items():
        if not isinstance(span, (tuple, list)) or len(span) != 2:
            raise TypeError(f"years[{part!r}] must be (first year, last year), got {span!r}")
        first = check_int(f"years[{part!r}][0]", span[0], minimum=1900, maximum=2100)
        last = check_int(f"years[{part!r}][1]", span[1], minimum=first, maximum=2100)
        if previous_last is not None and first <= previous_last:
            raise ValueError(
                f"years must be in time order without overlap: {part!r} starts in {first}, "
                f"the part before it ends in {previous_last}"
            )
        previous_last = last
        rows = frame[(frame.index.year >= first) & (frame.index.year <= last)]
        if rows.empty:
            raise ValueError(
                f"years[{part!r}] = ({first}, {last}) selects no rows of frame, which covers "
                f"{frame.index.min():%Y-%m-%d}..{frame.index.max():%Y-%m-%d}"
            )
        parts[part] = rows
    return parts
