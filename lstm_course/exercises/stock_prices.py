"""Checks for notebook 05 (stock prices)."""

from __future__ import annotations

import numpy as np

from lstm_course.exercises import (
    WrongAnswer,
    as_array,
    as_number,
    call_answer,
    compare_arrays,
    passed,
)
from lstm_course.metrics import direction_accuracy as reference_direction_accuracy
from lstm_course.windows import StandardScaler


def _prices(n: int = 60, seed: int = 5) -> np.ndarray:
    """A small random-walk price path, (n,), positive, with a rising second half."""
    rng = np.random.default_rng(seed)
    steps = rng.normal(0.0, 0.01, n)
    steps[n // 2 :] += 0.01  # the "future" trends up: a leak would show
    return 100 * np.exp(np.cumsum(steps))


# --- exercise 1: a scaler that does not leak ------------------------------------------------


_LEAKY = (
    "this is still the leaky version: series.mean() and series.std() include the "
    "test days. Use the mean and std of series[:train_end]"
)
_ONE_DAY_TOO_MANY = "you used series[:train_end + 1]: day train_end is the first test day"


def check_scale_without_leak(scale_without_leak) -> None:
    """``scale_without_leak(series, train_end)`` standardises with series[:train_end] only."""
    name = "scale without leak"
    series, train_end = _prices(80), 50
    got = call_answer(name, scale_without_leak, series.copy(), train_end)
    got = as_array(name, got, what="the scaled series")
    if got.shape == (train_end,):
        raise WrongAnswer(
            name,
            f"you returned only the training part (shape {got.shape}); scale the whole series "
            f"(shape {series.shape}) with the training statistics",
        )
    train = series[:train_end]
    mistakes = {
        _LEAKY: StandardScaler().fit_transform(series),
        _ONE_DAY_TOO_MANY: StandardScaler().fit(series[: train_end + 1]).transform(series),
    }
    compare_arrays(
        name,
        got,
        StandardScaler().fit(train).transform(series),
        what="the scaled series",
        also_right=[(series - train.mean()) / train.std(ddof=1)],  # pandas' std: also fine
        mistakes=mistakes,
    )
    # The real test of a leak: changing the future must not change the scaled past.
    future_changed = series.copy()
    future_changed[train_end:] *= 3.0
    again = call_answer(name, scale_without_leak, future_changed, train_end)
    again = as_array(name, again, what="the scaled series", shape=series.shape)
    if not np.allclose(again[:train_end], got[:train_end]):
        raise WrongAnswer(
            name, "the scaled training days change when only the test days change: a leak"
        )
    passed(name, "The training days' scaled values no longer depend on the future.")


# --- exercise 2: the random walk baseline ---------------------------------------------------


def check_random_walk(random_walk_forecast) -> None:
    """``random_walk_forecast(prices, drift=0.0)``: forecasts for days 1..n-1."""
    name = "random walk"
    prices = _prices(40)
    got = call_answer(name, random_walk_forecast, prices.copy())
    got = as_array(name, got, what="forecasts with drift=0")
    if got.shape == prices.shape:
        raise WrongAnswer(
            name,
            f"you returned {prices.shape[0]} forecasts for {prices.shape[0]} prices; day 0 has "
            "no yesterday, so there are n - 1 forecasts (for days 1..n-1)",
        )
    peeking = (
        "these are the true prices of days 1..n-1 — the forecast for day t may only use "
        "days up to t - 1: use prices[:-1]"
    )
    yesterday = prices[:-1]  # the random walk: tomorrow = today
    compare_arrays(
        name, got, yesterday, what="forecasts with drift=0", mistakes={peeking: prices[1:]}
    )
    drift = 0.002
    got = call_answer(name, random_walk_forecast, prices.copy(), drift=drift)
    mistakes = {
        "the drift argument is ignored: multiply by exp(drift)": yesterday,
        "drift is a log return, not points: the forecast is P_{t-1} * exp(drift)": yesterday
        + drift,
    }
    compare_arrays(
        name,
        got,
        yesterday * np.exp(drift),
        what=f"forecasts with drift={drift}",
        mistakes=mistakes,
    )
    passed(name, "Tomorrow = today (times exp(drift)): the forecast every model must beat.")


# --- exercise 3: direction accuracy ---------------------------------------------------------


def _direction_hint(value: float, expected: float, actual, predicted) -> str:
    """Name the mistake behind a wrong direction accuracy."""
    moving = actual != 0
    if np.isclose(value, 100 * expected):
        return "return a share between 0 and 1, not a percentage"
    if np.isclose(value, np.mean(np.sign(predicted) == np.sign(actual))):
        return (
            "days whose actual return is exactly 0 have no direction to get right: leave "
            "them out (compute over actual != 0 only)"
        )
    up_right = (predicted > 0) == (actual > 0)
    if np.isclose(value, up_right.mean()) or np.isclose(value, up_right[moving].mean()):
        return (
            "(predicted > 0) == (actual > 0) counts a forecast of exactly 0 as a correct "
            "'down' call; a 0 calls no direction. Compare np.sign of both, on actual != 0"
        )
    return f"got {value:.4f}, expected {expected:.4f} on a small test case"


def check_direction_accuracy(direction_accuracy) -> None:
    """``direction_accuracy(actual, predicted)``: share of right signs, zero-days left out."""
    name = "direction accuracy"
    actual = np.array([0.010, -0.020, 0.000, 0.005, -0.001, -0.003, 0.000, -0.004])
    predicted = np.array([0.002, 0.001, 0.004, -0.003, -0.002, 0.000, -0.001, -0.001])
    expected = reference_direction_accuracy(actual, predicted)  # 3 right of 6 moving days
    got = call_answer(name, direction_accuracy, actual.copy(), predicted.copy())
    value = as_number(name, got, "the direction accuracy")
    if not np.isclose(value, expected):
        raise WrongAnswer(name, _direction_hint(value, expected, actual, predicted))
    always_up = np.ones_like(actual)
    got = call_answer(name, direction_accuracy, actual.copy(), always_up.copy())
    value = as_number(name, got, "the direction accuracy of 'always up'")
    if not np.isclose(value, reference_direction_accuracy(actual, always_up)):
        raise WrongAnswer(name, "the 'always up' forecast (all +1) gets a wrong score")
    passed(name, "Compare it with 'always up' — the market rose on most days.")
