"""Fuzz notebook 06's code: multistep, the Beijing and Jena loaders, and the exercise checks.

Each public function is called with one argument at a time replaced by a bad value (it must
be refused with a message naming the argument) or another spelling of the valid value (it
must give the same result); see ``tests/fuzzing.py``. The Jena loader is fuzzed offline,
through a fake server and a throwaway cache folder per call.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import tempfile
import zipfile
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from fuzzing import FuzzTarget, assert_fuzz_clean, assert_right_on_every_draw, exercise_check_target

from lstm_course import multistep as ms
from lstm_course.data import beijing, jena, registry
from lstm_course.exercises import weather as ex

DATASETS = registry.datasets_dir()
RNG = np.random.default_rng(0)
VALUES = RNG.normal(size=(120, 3))
TIMES = pd.date_range("2011-01-01", periods=2 * 8760, freq="h")
SERIES = 10 + np.sin(np.arange(len(TIMES)) * 2 * np.pi / 24) + RNG.normal(0, 0.1, len(TIMES))
WINDOWS = RNG.normal(size=(40, 4, 2))
TARGETS = WINDOWS[:, -1, :1] * 2.0 + RNG.normal(0, 0.1, (40, 1))
TRUTH = RNG.normal(size=(30, 4))
FORECAST = TRUTH + RNG.normal(0, 0.5, (30, 4))
MISSING_OK = {"NaN inside"}  # NaN marks a missing measurement where the docs say so


def _jena_archive() -> bytes:
    header = "Date Time," + ",".join(jena.COLUMNS)
    rows = [
        f"{t:%d.%m.%Y %H:%M:%S}," + ",".join(["1.5"] * len(jena.COLUMNS))
        for t in pd.date_range("2009-01-01 00:10", periods=12, freq="10min")
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(jena.JENA_MEMBER, "\n".join([header, *rows]) + "\n")
    return buffer.getvalue()


ARCHIVE = _jena_archive()


@functools.wraps(jena.load_jena)  # counted as load_jena's target by test_fuzz_coverage
def load_jena_from_fake_server(**kwargs) -> pd.DataFrame:
    """``load_jena`` against a fake server and an empty cache folder."""
    with (
        tempfile.TemporaryDirectory() as folder,
        mock.patch.dict(os.environ, {"LSTM_COURSE_CACHE": folder}),
        mock.patch.object(jena.urllib.request, "urlopen", lambda url, timeout: io.BytesIO(ARCHIVE)),
    ):
        return jena.load_jena(**kwargs)


def _climatology_fit(**kwargs):
    return ms.SeasonalClimatology(smooth_days=5).fit(**kwargs).table_


FITTED = ms.fit_ridge(WINDOWS, TARGETS, 1.0)
CLIMATOLOGY = ms.SeasonalClimatology(smooth_days=5).fit(TIMES, SERIES)

TARGETS_LIST = [
    # --- multistep ---------------------------------------------------------------------------
    FuzzTarget(
        ms.origin_windows,
        {"values": VALUES, "origins": np.array([10, 50, 119]), "window": 4, "dtype": np.float64},
        accept={"values": {"flattened"}},  # a 1-D series is one column: valid
        bad={
            "origins": [("no history", np.array([1])), ("past the end", np.array([120]))],
            "window": [("longer than the series", 500)],
        },
    ),
    FuzzTarget(
        ms.future_values,
        {"series": VALUES[:, 0], "origins": np.array([0, 50]), "horizon": 3},
        accept={"series": MISSING_OK},
        bad={"origins": [("no future", np.array([118]))]},
    ),
    FuzzTarget(
        ms.cyclical_encoding,
        {"values": np.arange(24.0), "period": 24.0},
        bad={"period": [("zero", 0.0)]},
    ),
    FuzzTarget(
        ms.calendar_features,
        {"times": TIMES[:50]},
        bad={"times": [("NaT", pd.DatetimeIndex([pd.NaT]))]},
    ),
    FuzzTarget(ms.SeasonalClimatology, {"smooth_days": 5}, bad={"smooth_days": [("a year", 400)]}),
    FuzzTarget(
        _climatology_fit,
        {"times": TIMES, "values": SERIES},
        bad={"values": [("too short", SERIES[:10])], "times": [("too short", TIMES[:10])]},
        name="multistep.SeasonalClimatology.fit",
    ),
    FuzzTarget(CLIMATOLOGY.predict, {"times": TIMES[:30]}),
    FuzzTarget(
        ms.fit_damping,
        {"anomaly_now": TRUTH[:, 0], "anomaly_future": TRUTH[:, 1:]},
        bad={
            "anomaly_now": [("zeros", np.zeros(30))],
            "anomaly_future": [("other rows", TRUTH[:5, 1:])],
        },
    ),
    FuzzTarget(
        ms.fit_ridge,
        {"X": WINDOWS, "Y": TARGETS, "alpha": 1.0},
        accept={"Y": {"flattened"}},  # (n, 1) flattened is (n,): one output, valid
        bad={"alpha": [("negative", -1.0)], "Y": [("other rows", TARGETS[:5])]},
    ),
    FuzzTarget(FITTED.predict, {"X": WINDOWS[:5]}, bad={"X": [("other width", WINDOWS[:, :2])]}),
    FuzzTarget(
        ms.select_ridge,
        {
            "X_train": WINDOWS[:30],
            "Y_train": TARGETS[:30],
            "X_val": WINDOWS[30:],
            "Y_val": TARGETS[30:],
            "alphas": [0.1, 10.0],
        },
        accept={"Y_train": {"flattened"}, "Y_val": {"flattened"}},  # one output as (n,): valid
        bad={
            "alphas": [("zero", [0.0]), ("negative", [-1.0, 1.0])],
            "X_val": [("other width", WINDOWS[30:, :2])],
        },
    ),
    FuzzTarget(
        ms.error_by_horizon,
        {"y_true": TRUTH, "y_pred": FORECAST, "kind": "rmse", "skip_missing": False},
        bad={"kind": [("unknown", "mape")], "y_pred": [("other shape", FORECAST[:, :2])]},
    ),
    FuzzTarget(
        ms.horizon_difference_ci,
        {
            "errors_a": TRUTH,
            "errors_b": FORECAST,
            "block": 5,
            "n_boot": 200,
            "level": 0.9,
            "seed": 1,
        },
        accept={"seed": {"None"}},
        bad={
            "block": [("longer than the data", 31)],
            "level": [("one", 1.0), ("zero", 0.0)],
            "n_boot": [("too few", 10)],
            "errors_b": [("other shape", FORECAST[:, :2])],
        },
    ),
    FuzzTarget(
        ms.interval_coverage,
        {"y_true": TRUTH, "low": FORECAST - 1, "high": FORECAST + 1},
        accept={"y_true": MISSING_OK},
        bad={"high": [("below low", FORECAST - 2)]},
    ),
    # --- data --------------------------------------------------------------------------------
    FuzzTarget(
        beijing.load_beijing,
        {"root": DATASETS},
        accept={"root": {"None"}},
        bad={"root": [("no manifest", DATASETS.parent / "tests")]},
    ),
    FuzzTarget(
        beijing.split_years,
        {
            "frame": pd.DataFrame(
                {"x": range(48)}, index=pd.date_range("2010-12-31", periods=48, freq="h")
            ),
            "years": {"a": (2010, 2010), "b": (2011, 2011)},
        },
        accept={"years": {"None"}},
        bad={"frame": [("no time index", pd.DataFrame({"x": [1, 2]}))]},
    ),
    FuzzTarget(
        load_jena_from_fake_server,
        {
            "url": "https://example.org/jena.zip",
            "sha256": hashlib.sha256(ARCHIVE).hexdigest(),
            "size": len(ARCHIVE),
            "timeout": 5.0,
            "refresh": False,
        },
        accept={"sha256": {"None"}, "size": {"None"}},
        bad={
            "sha256": [("short", "abc"), ("other file", "0" * 64)],
            "size": [("other", 5)],
            "timeout": [("zero", 0.0)],
        },
        errors=(TypeError, ValueError),  # JenaDataError is a ValueError
        name="data.jena.load_jena(fake server)",
    ),
    FuzzTarget(jena.jena_cache_path, {}),
]


# --- exercise checks: the answer is fuzzed; a refusal is a WrongAnswer -----------------------


def _cyclical(values, period):
    angle = 2 * np.pi * np.asarray(values) / period
    return np.stack([np.sin(angle), np.cos(angle)], 1)


RIGHT = {
    ex.check_cyclical: _cyclical,
    ex.check_fit_damping: lambda now, future: now @ future / (now @ now),
    ex.check_ridge_forecast: lambda values, *args: ex._ridge_forecast(values, *args),
    ex.check_masked_mse: lambda t, p: np.nanmean((t - p) ** 2),
}


CHECKS = [exercise_check_target(check, right) for check, right in RIGHT.items()]
TARGETS = [*TARGETS_LIST, *CHECKS]
EXEMPT = {
    "multistep.RidgeModel": "a dataclass holding fitted weights; its predict method is fuzzed",
    "data.beijing.BeijingDataError": "an exception class: raised by load_beijing, never given input",
    "data.jena.JenaDataError": "an exception class: raised by load_jena, never given input",
    "data.jena.JenaDownloadError": "an exception class: raised by load_jena, never given input",
}


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_bad_inputs_get_clear_errors(target, capsys):
    assert_fuzz_clean(target)


@pytest.mark.parametrize(("check", "right"), list(RIGHT.items()), ids=lambda v: v.__name__)
def test_right_answers_pass_on_every_draw(check, right):
    assert_right_on_every_draw(check, right)
