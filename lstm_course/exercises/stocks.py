"""Checks for notebook 05 (stock prices)."""

from __future__ import annotations

import numpy as np

from lstm_course.exercises import WrongAnswer, call_answer, compare_arrays, passed


def _prices(n: int = 60, seed: int = 5) -> np.ndarray:
    """A small random-walk price path, (n,), positive, with a rising second half."""
    rng = np.random.default_rng(seed)
    steps = rng.normal(0.0, 0.01, n)
    steps[n // 2 :] += 0.01  # the "future" trends up: a leak would show
    return 100 * np.exp(np.cumsum(steps))


# --- exercise 1: a scaler that does not leak ------------------------------------------------


def check_scale_without_leak(scale_without_leak) -> None:
    """``scale_without_leak(series, train_end)`` standardises with series[:train_end] only."""
    name = "scale without leak"
    series, train_end = _prices(80), 50
    got = call_answer(name, scale_without_leak, series.copy(), train_end)
    if got is None:
        raise WrongAnswer(name, "the function returned None — did you forget to `return`?")
    got = np.asarray(got, dtype=np.float64)
    if got.shape == (train_end,):
        raise WrongAnswer(
            name,
            f"you returned only the training part (shape {got.shape}); scale the whole series "
            f"(shape {series.shape}) with the training statistics",
        )
    train = series[:train_end]
    # Either standard deviation convention is fine (NumPy's ddof=0, pandas' ddof=1).
    right = [(series - train.mean()) / train.std(ddof=ddof) for ddof in (0, 1)]
    if not (got.shape == series.shape and any(np.allclose(got, r) for r in right)):
        leaky = (series - series.mean()) / series.std()
        longer = series[: train_end + 1]
        if got.shape == series.shape and np.allclose(got, leaky):
            raise WrongAnswer(
                name,
                "this is still the leaky version: series.mean() and series.std() include the "
                "test days. Use the mean and std of series[:train_end]",
            )
        if got.shape == series.shape and np.allclose(got, (series - longer.mean()) / longer.std()):
            raise WrongAnswer(
                name, "you used series[:train_end + 1]: day train_end is the first test day"
            )
        compare_arrays(name, got, right[0], what="the scaled series")
    # The real test of a leak: changing the future must not change the scaled past.
    future_changed = series.copy()
    future_changed[train_end:] *= 3.0
    again = np.asarray(call_answer(name, scale_without_leak, future_changed, train_end))
    if not np.allclose(again[:train_end], got[:train_end]):
        raise WrongAnswer(
            name, "the scaled training days change when only the test days change: a leak"
        )
    passed(name, "The training days' scaled values no longer depend on the future.")


# --- exercise 2: the random walk baseline ---------------------------------------------------


def _reference_random_walk(prices: np.ndarray, drift: float) -> np.ndarray:
    return prices[:-1] * np.exp(drift)


def check_random_walk(random_walk_forecast) -> None:
    """``random_walk_forecast(prices, drift=0.0)``: forecasts for days 1..n-1."""
    name = "random walk"
    prices = _prices(40)
    got = call_answer(name, random_walk_forecast, prices.copy())
    if got is None:
        raise WrongAnswer(name, "the function returned None — did you forget to `return`?")
    got = np.asarray(got, dtype=np.float64)
    if got.shape == prices.shape:
        raise WrongAnswer(
            name,
            f"you returned {prices.shape[0]} forecasts for {prices.shape[0]} prices; day 0 has "
            "no yesterday, so there are n - 1 forecasts (for days 1..n-1)",
        )
    if got.shape == (prices.size - 1,) and np.allclose(got, prices[1:]):
        raise WrongAnswer(
            name,
            "these are the true prices of days 1..n-1 — the forecast for day t may only use "
            "days up to t - 1: use prices[:-1]",
        )
    compare_arrays(name, got, _reference_random_walk(prices, 0.0), what="forecasts with drift=0")
    drift = 0.002
    got = call_answer(name, random_walk_forecast, prices.copy(), drift=drift)
    expected = _reference_random_walk(prices, drift)
    got_array = np.asarray(got, dtype=np.float64) if got is not None else None
    if got_array is not None and got_array.shape == expected.shape:
        if np.allclose(got_array, prices[:-1]):
            raise WrongAnswer(name, "the drift argument is ignored: multiply by exp(drift)")
        if np.allclose(got_array, prices[:-1] + drift):
            raise WrongAnswer(
                name,
                "drift is a log return, not points: the forecast is P_{t-1} * exp(drift)",
            )
    compare_arrays(name, got, expected, what=f"forecasts with drift={drift}")
    passed(name, "Tomorrow = today (times exp(drift)): the forecast every model must beat.")


# --- exercise 3: direction accuracy ---------------------------------------------------------


def _reference_direction_accuracy(actual: np.ndarray, predicted: np.ndarray) -> float:
    moving = actual != 0
    return float(np.mean(np.sign(predicted[moving]) == np.sign(actual[moving])))


def check_direction_accuracy(direction_accuracy) -> None:
    """``direction_accuracy(actual, predicted)``: share of right signs, zero-days left out."""
    name = "direction accuracy"
    actual = np.array([0.010, -0.020, 0.000, 0.005, -0.001, -0.003, 0.000, -0.004])
    predicted = np.array([0.002, 0.001, 0.004, -0.003, -0.002, 0.000, -0.001, -0.001])
    expected = _reference_direction_accuracy(actual, predicted)  # 3 right of 6 moving days
    got = call_answer(name, direction_accuracy, actual.copy(), predicted.copy())
    try:
        value = float(got)
    except (TypeError, ValueError):
        raise WrongAnswer(
            name, f"expected one number (a share), got {type(got).__name__}"
        ) from None
    if not np.isclose(value, expected):
        moving = actual != 0
        if np.isclose(value, 100 * expected):
            raise WrongAnswer(name, "return a share between 0 and 1, not a percentage")
        if np.isclose(value, np.mean(np.sign(predicted) == np.sign(actual))):
            raise WrongAnswer(
                name,
                "days whose actual return is exactly 0 have no direction to get right: leave "
                "them out (compute over actual != 0 only)",
            )
        up_right = (predicted > 0) == (actual > 0)
        if np.isclose(value, up_right.mean()) or np.isclose(value, up_right[moving].mean()):
            raise WrongAnswer(
                name,
                "(predicted > 0) == (actual > 0) counts a forecast of exactly 0 as a correct "
                "'down' call; a 0 calls no direction. Compare np.sign of both, on actual != 0",
            )
        raise WrongAnswer(name, f"got {value:.4f}, expected {expected:.4f} on a small test case")
    always_up = call_answer(name, direction_accuracy, actual.copy(), np.ones_like(actual))
    if not np.isclose(
        float(always_up), _reference_direction_accuracy(actual, np.ones_like(actual))
    ):
        raise WrongAnswer(name, "the 'always up' forecast (all +1) gets a wrong score")
    passed(name, "Compare it with 'always up' — the market rose on most days.")
