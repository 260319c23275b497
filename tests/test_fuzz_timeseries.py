"""Fuzz the time-series modules: windows, baselines, metrics, forecast_eval.

Every public function, class and method is called with one argument at a time replaced by
a bad value (it must be refused with a message naming the argument) or by another spelling
of the valid value (it must give the same result); see ``tests/fuzzing.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fuzzing import FuzzTarget, assert_fuzz_clean

from lstm_course import baselines, forecast_eval, metrics, windows

RNG = np.random.default_rng(0)
SERIES = np.sin(np.arange(40.0) / 3) + 0.1 * RNG.normal(size=40)  # (40,), varies everywhere
TABLE = np.column_stack([SERIES, np.cos(np.arange(40.0) / 5)])  # (40, 2)
X_WINDOWS, _ = windows.make_windows(TABLE, 6)  # (34, 6, 2)
ERRORS_A = RNG.normal(0, 1.0, 60)
ERRORS_B = RNG.normal(0, 1.5, 60)
# d_t = e_a^2 - e_b^2 = -1 at every step, up to rounding: variance 0, no test possible.
CONSTANT_B = np.sign(ERRORS_A) * np.sqrt(ERRORS_A**2 + 1)
DATES = pd.Series(SERIES, index=pd.date_range("2020-01-01", periods=40))


def fitted_scaler(columns: int = 2) -> windows.StandardScaler:
    return windows.StandardScaler().fit(TABLE[:, :columns])


# A 1-D series is also a valid (time, 1) series, so "extra axis" is a valid spelling there.
ONE_D_SERIES_OK = {"extra axis"}
# -1 is the last column: a negative index within range is valid.
LAST_COLUMN_OK = {"negative int"}

TARGETS = [
    # --- windows ----------------------------------------------------------------------------
    FuzzTarget(
        windows.make_windows,
        {"series": SERIES, "window": 5, "horizon": 2, "stride": 3, "target_columns": 0},
        accept={
            "series": ONE_D_SERIES_OK,
            # None predicts every column; [0] predicts column 0 with a targets axis.
            "target_columns": {"None", "a list"} | LAST_COLUMN_OK,
        },
        bad={
            "series": [
                ("descending dates", DATES[::-1]),
                ("repeated dates", DATES.iloc[[0, 0, 1]]),
            ],
            "window": [("longer than the series", 40)],
            "target_columns": [("empty list", []), ("bool list", [True]), ("out of range", [3])],
        },
        name="windows.make_windows(1-D)",
    ),
    FuzzTarget(
        windows.make_windows,
        {"series": TABLE, "window": 4, "target_columns": [1, 0]},
        # None predicts every column; the "scalar" 1.0 is column 1, a whole number.
        accept={"target_columns": {"None", "scalar"}},
        bad={"target_columns": [("a set", {0, 1})]},
        # A flattened series is a valid 1-D series, but has no column 1 to predict.
        aliases={"series": ("target_columns",)},
        name="windows.make_windows(2-D)",
    ),
    FuzzTarget(
        windows.split_points,
        {"length": 100, "fractions": (0.7, 0.15, 0.15)},
        bad={"fractions": [("not summing to 1", (0.5, 0.5, 0.5)), ("negative", (1.2, -0.1, -0.1))]},
    ),
    FuzzTarget(
        windows.chronological_split,
        {"series": SERIES, "fractions": (0.5, 0.25, 0.25)},
        accept={"series": ONE_D_SERIES_OK},
        bad={"series": [("descending dates", DATES[::-1]), ("too short", [1.0, 2.0])]},
    ),
    FuzzTarget(
        windows.chronological_split,
        {"series": DATES, "fractions": (0.5, 0.25, 0.25)},
        name="windows.chronological_split(pandas)",
    ),
    FuzzTarget(windows.StandardScaler, {}),
    FuzzTarget(
        windows.StandardScaler,
        {"mean_": np.array([1.0, 2.0]), "std_": np.array([0.5, 3.0])},
        bad={"std_": [("zero", np.array([0.5, 0.0])), ("other length", np.array([1.0]))]},
        aliases={"mean_": ("std_",), "std_": ("mean_",)},  # "needs both mean_ and std_"
        name="windows.StandardScaler(mean_, std_)",
    ),
    FuzzTarget(windows.StandardScaler().fit, {"train": TABLE}, accept={"train": {"flattened"}}),
    FuzzTarget(
        windows.StandardScaler().fit_transform,
        {"train": TABLE},
        accept={"train": {"flattened"}},
    ),
    FuzzTarget(
        fitted_scaler().transform,
        {"data": TABLE[:10]},
        accept={"data": {"empty"}},  # empty in, empty out: a split may be empty
        bad={"data": [("three columns", np.zeros((4, 3))), ("one row as 1-D", np.zeros(2))]},
    ),
    FuzzTarget(
        fitted_scaler(1).transform,
        {"data": SERIES[:10]},
        accept={"data": {"empty", "extra axis"}},
        name="windows.StandardScaler.transform(1 column)",
    ),
    FuzzTarget(
        fitted_scaler().inverse_transform,
        {"data": TABLE[:10], "column": None},
        accept={"data": {"empty"}, "column": {"None"}},
        bad={"column": [("out of range", 2)]},
    ),
    FuzzTarget(
        fitted_scaler().inverse_transform,
        {"data": SERIES[:10], "column": 1},
        # With a column, data may have any shape: a number, a vector, a matrix.
        accept={"data": {"empty", "extra axis", "scalar"}, "column": LAST_COLUMN_OK},
        name="windows.StandardScaler.inverse_transform(column)",
    ),
    # --- baselines --------------------------------------------------------------------------
    FuzzTarget(
        baselines.persistence,
        {"X_windows": X_WINDOWS, "horizon": 3, "column": 1},
        accept={"column": LAST_COLUMN_OK},
        bad={"horizon": [("huge", 10**12)], "column": [("out of range", 2)]},
    ),
    FuzzTarget(
        baselines.seasonal_naive,
        {"X_windows": X_WINDOWS, "season": 4, "horizon": 5, "column": 0},
        accept={"column": LAST_COLUMN_OK},
        bad={"season": [("longer than the window", 7)]},
    ),
    FuzzTarget(
        baselines.moving_average,
        {"X_windows": X_WINDOWS, "k": 3, "horizon": 2, "column": 0},
        accept={"column": LAST_COLUMN_OK},
        bad={"k": [("longer than the window", 7)]},
    ),
    FuzzTarget(
        baselines.linear_trend,
        {"X_windows": X_WINDOWS, "horizon": 2, "column": 1},
        accept={"column": LAST_COLUMN_OK},
        bad={"X_windows": [("one-step windows", X_WINDOWS[:, :1])]},
    ),
    FuzzTarget(
        baselines.climatology,
        {"train": SERIES, "n": 4},
        bad={"n": [("zero", 0), ("huge", 10**12)]},
    ),
    # --- metrics ----------------------------------------------------------------------------
    *(
        FuzzTarget(function, {"y_true": SERIES[:8], "y_pred": SERIES[1:9]})
        for function in (metrics.mae, metrics.rmse, metrics.mse)
    ),
    FuzzTarget(
        metrics.mase,
        {"y_true": SERIES[:8], "y_pred": SERIES[1:9], "train": SERIES[10:], "season": 2},
        bad={
            "season": [("zero", 0), ("longer than train", 30)],
            "train": [("constant", np.ones(9))],
        },
    ),
    FuzzTarget(
        metrics.direction_accuracy,
        {"y_true_change": np.diff(SERIES)[:8], "y_pred_change": np.diff(SERIES)[1:9]},
        bad={"y_true_change": [("all zero", np.zeros(8))]},
    ),
    # --- forecast_eval ----------------------------------------------------------------------
    # x is given as an int so that the catalogue's "inf" and random infinities are valid
    # spellings the harness knows to accept (P(Z <= inf) = 1); df = inf is the normal.
    FuzzTarget(
        forecast_eval.normal_cdf,
        {"x": 1},
        accept={"x": {"non-integral float", "inf", "negative int"}},
    ),
    FuzzTarget(
        forecast_eval.student_t_cdf,
        {"x": 1, "df": 4},
        accept={
            "x": {"non-integral float", "inf", "negative int"},
            "df": {"non-integral float", "inf"},
        },
        bad={"df": [("zero", 0), ("-inf", float("-inf"))]},
    ),
    FuzzTarget(
        forecast_eval.loss_differential,
        {"errors_a": ERRORS_A, "errors_b": ERRORS_B, "loss": "absolute"},
        bad={"loss": [("unknown", "huber")], "errors_b": [("shorter", ERRORS_B[:-1])]},
    ),
    FuzzTarget(
        forecast_eval.diebold_mariano,
        {
            "errors_a": ERRORS_A,
            "errors_b": ERRORS_B,
            "horizon": 2,
            "loss": "squared",
            "alternative": "less",
            "hln": True,
        },
        bad={
            "errors_b": [("equal to errors_a", ERRORS_A), ("constant differential", CONSTANT_B)],
            "horizon": [("too long for the sample", 59)],
            "alternative": [("unknown", "better")],
        },
        aliases={"errors_b": ("errors_a",)},  # "errors_a and errors_b have the same loss"
    ),
    FuzzTarget(
        forecast_eval.block_bootstrap_ci,
        {"values": ERRORS_A, "block": 5, "n_boot": 200, "level": 0.9, "seed": 1},
        accept={"seed": {"None"}},  # None: a fresh, unseeded generator
        bad={
            "block": [("longer than values", 61)],
            "n_boot": [("too few", 10), ("huge", 10**12)],
            "level": [("one", 1.0), ("percent", 95.0)],
            "seed": [("too large", 2**40)],
        },
    ),
    FuzzTarget(
        forecast_eval.Fold,
        {"train_end": 5, "test_end": 8},
        bad={"test_end": [("equal to train_end", 5)]},
    ),
    FuzzTarget(
        forecast_eval.walk_forward_folds,
        {"n_samples": 100, "test_start": 70, "n_folds": 3},
        bad={
            "n_folds": [("absurd", 10**8), ("more than test samples", 31)],
            "test_start": [("at the end", 100)],
        },
    ),
    FuzzTarget(
        forecast_eval.lag_correlation,
        {"forecast": ERRORS_A, "truth": ERRORS_B, "max_lag": 3},
        bad={
            "forecast": [("constant", np.ones(60))],
            "truth": [("constant", np.ones(60))],
            "max_lag": [("too long", 58)],
        },
    ),
    FuzzTarget(
        forecast_eval.autocorrelation,
        {"x": ERRORS_A, "max_lag": 4},
        bad={"x": [("constant", np.full(60, 0.1))], "max_lag": [("too long", 60), ("zero", 0)]},
    ),
]

EXEMPT = {
    "forecast_eval.DMResult": "a frozen result record that diebold_mariano fills from checked "
    "values; learners read it, they do not build it",
}


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_bad_inputs_get_clear_errors(target):
    assert_fuzz_clean(target)
