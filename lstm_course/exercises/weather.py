"""Checks for notebook 06 (weather): every call draws fresh inputs from ``rng``."""

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
from lstm_course.exercises.registry import exercise
from lstm_course.multistep import cyclical_encoding, fit_damping, fit_ridge, future_values
from lstm_course.multistep import origin_windows as _windows
from lstm_course.windows import StandardScaler

# --- 06.1: hour of day on a circle ----------------------------------------------------------

NAME_1 = "cyclical encoding"


@exercise(
    "06.1",
    "hour of day on a circle",
    points=2,
    difficulty=1,
    assesses="encoding a cyclic quantity as sine and cosine of its angle, in radians",
)
def check_cyclical(cyclical, rng) -> None:
    """``cyclical(values, period)`` -> (n, 2): sin and cos of 2π·values/period."""
    for period in (24, int(rng.choice([7, 12, 60, 365]))):
        values = np.concatenate(
            [[0, period - 1], rng.integers(0, period, 6), rng.uniform(0, period, 4)]
        )
        values = values.astype(np.float64)
        got = call_answer(NAME_1, cyclical, values.copy(), period)
        got = as_array(NAME_1, got, what=f"cyclical(values, {period})")
        n = len(values)
        if got.shape == (2, n):
            raise WrongAnswer(
                NAME_1, f"got shape (2, {n}): stack the two columns with axis=1 to get (n, 2)"
            )
        if got.shape == (n,):
            raise WrongAnswer(NAME_1, "got one column: return both the sine and the cosine, (n, 2)")
        angle = 2 * np.pi * values / period
        mistakes = {
            "the columns are swapped: sine first, then cosine": np.stack(
                [np.cos(angle), np.sin(angle)], 1
            ),
            "the angle needs 2π: one full period is one turn of the circle (2π radians)": np.stack(
                [np.sin(values / period), np.cos(values / period)], 1
            ),
            "π is half a turn: with π·value/period, hour 0 and hour 23 end up far apart": np.stack(
                [np.sin(angle / 2), np.cos(angle / 2)], 1
            ),
            "divide by the period, not by period - 1: value = period must land on value = 0": np.stack(
                [
                    np.sin(2 * np.pi * values / (period - 1)),
                    np.cos(2 * np.pi * values / (period - 1)),
                ],
                1,
            ),
            "turn each value into an angle first: 2π·value/period (np.sin of the raw value "
            "ignores the period)": np.stack([np.sin(values), np.cos(values)], 1),
        }
        compare_arrays(
            NAME_1,
            got,
            cyclical_encoding(values, period),
            what=f"cyclical(values, {period})",
            mistakes=mistakes,
        )
    passed(NAME_1, "Hour 23 and hour 0 are now neighbours, as they are in the sky.")


# --- 06.2: damping of an anomaly -----------------------------------------------------------

NAME_2 = "damped anomaly"


def _anomalies(rng, n: int, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """An AR(1)-like anomaly with an offset and uneven spread: (n,), (n, horizon)."""
    phi = rng.uniform(0.85, 0.97)
    series = np.empty(n + horizon)
    series[0] = rng.normal()
    for t in range(1, len(series)):
        series[t] = phi * series[t - 1] + rng.normal(0, 0.5)
    series = 2.0 * series + rng.uniform(0.5, 1.5)  # a warm spell: the mean is not zero
    now = series[:n]
    future = np.stack([series[h : n + h] for h in range(1, horizon + 1)], axis=1)
    return now, future


@exercise(
    "06.2",
    "how fast does an anomaly fade?",
    points=3,
    difficulty=2,
    assesses="least squares through the origin, one coefficient per horizon, from training anomalies",
)
def check_fit_damping(fit_damping_answer, rng) -> None:
    """``fit_damping(anomaly_now, anomaly_future)`` -> (horizon,) factors phi_h."""
    horizon = int(rng.choice([3, 6, 12, 24]))
    now, future = _anomalies(rng, int(rng.integers(200, 400)), horizon)
    got = call_answer(NAME_2, fit_damping_answer, now.copy(), future.copy())
    got = as_array(NAME_2, got, what="phi")
    if got.shape == (1,) or got.shape == ():
        raise WrongAnswer(
            NAME_2, f"got one number: return one factor per horizon, shape ({horizon},)"
        )
    centred = now - now.mean()
    mistakes = {
        "that is the correlation, not the regression slope: divide Σ a_t·a_t+h by Σ a_t² only": np.array(
            [np.corrcoef(now, future[:, h])[0, 1] for h in range(horizon)]
        ),
        "you divided by Σ a_t+h² (the future's energy): the slope of the future on now divides by Σ a_t²": (
            now @ future
        )
        / np.sum(future**2, axis=0),
        "the line must pass through the origin (no intercept): an anomaly of 0 stays 0, so "
        "don't centre the anomalies": (centred @ (future - future.mean(0))) / (centred @ centred),
        "phi_1 ** h assumes the anomaly fades geometrically; fit each horizon on its own": (
            (now @ future[:, 0]) / (now @ now)
        )
        ** np.arange(1, horizon + 1),
        "a mean of ratios a_t+h / a_t explodes where a_t is near 0: use Σ a_t·a_t+h / Σ a_t²": np.mean(
            future / now[:, None], axis=0
        ),
        "divide by Σ a_t², the energy of the anomaly now": now @ future,
    }
    compare_arrays(NAME_2, got, fit_damping(now, future), what="phi", rtol=1e-6, mistakes=mistakes)
    passed(NAME_2, "Each hour ahead keeps a little less of today's anomaly.")


# --- 06.3: the linear opponent --------------------------------------------------------------

NAME_3 = "leak-free ridge forecaster"


def _series(rng, length: int, features: int, train_end: int) -> np.ndarray:
    """A random multivariate series whose test part drifts away (a leak then shows)."""
    steps = rng.normal(size=(length, features))
    mixed = np.cumsum(steps, axis=0) * 0.3 + np.sin(np.arange(length) / 5.0)[:, None]
    mixed[:, 0] += 0.5 * np.roll(mixed[:, -1], 2)  # the target depends on the other columns
    mixed[train_end:] = mixed[train_end:] * 1.5 + 4.0  # the test period's level and spread change
    return mixed


def _ridge_forecast(values, column, window, horizon, train_end, alpha, *, variant=None):
    """The reference (variant=None) and the typical mistakes (variant=name)."""
    length = len(values)
    scaler = StandardScaler().fit(values if variant == "leak" else values[:train_end])
    scaled = values if variant == "raw" else scaler.transform(values)
    if variant == "ddof1":  # the sample standard deviation: a different but fair convention
        train = values[:train_end]
        scaled = (values - train.mean(axis=0)) / train.std(axis=0, ddof=1)
    # A training origin t needs its last target t + horizon inside the training rows; the
    # "cross" mistake only asks that the origin itself be a training row before the last.
    last_train = train_end - 2 if variant == "cross" else train_end - 1 - horizon
    shift = 1 if variant == "late_inputs" else 0  # windows ending one hour before the origin
    train_origins = np.arange(window - 1 + shift, last_train + 1)
    test_origins = np.arange(train_end - 1, length - horizon)
    target = values[:, column]

    def targets(origins):
        if variant == "off_by_one":
            return future_values(target, origins - 1, horizon)
        return future_values(target, origins, horizon)

    X_train = _windows(scaled, train_origins - shift, window, dtype=np.float64)
    X_test = _windows(scaled, test_origins - shift, window, dtype=np.float64)
    if variant in ("no_intercept", "penalised_intercept"):
        X_train, X_test = X_train.reshape(len(X_train), -1), X_test.reshape(len(X_test), -1)
        if variant == "penalised_intercept":
            X_train = np.hstack([X_train, np.ones((len(X_train), 1))])
            X_test = np.hstack([X_test, np.ones((len(X_test), 1))])
        Y = targets(train_origins)
        W = np.linalg.solve(X_train.T @ X_train + alpha * np.eye(X_train.shape[1]), X_train.T @ Y)
        return X_test @ W
    model = fit_ridge(X_train, targets(train_origins), 0.0 if variant == "ols" else alpha)
    return model.predict(X_test)


_MISTAKES_3 = {
    "leak": "the scaler saw the test period: fit the mean and std on values[:train_end] only",
    "cross": "some training targets fall at or after train_end: a training origin t needs "
    "t + horizon < train_end",
    "off_by_one": "the targets are shifted by one hour: h hours ahead of origin t is row t + h, "
    "for h = 1..horizon (row t itself is the last input)",
    "late_inputs": "the window must end at the origin: rows t - window + 1 .. t",
    "ols": "alpha is ignored: add alpha·I to XᵀX (on centred inputs)",
    "no_intercept": "there is no intercept: centre X and Y (or add an unpenalised bias)",
    "penalised_intercept": "the intercept is penalised: centre X and Y instead of adding a "
    "column of ones, so that only W pays the alpha·||W||² penalty",
    "raw": "standardise each column (mean and std of the training rows) before the fit: "
    "the penalty treats every input alike only when they share one scale",
}


@exercise(
    "06.3",
    "the linear opponent, leak-free",
    points=6,
    difficulty=3,
    assesses="a direct multi-horizon ridge forecaster: origins, windows, targets, a train-only "
    "scaler and a ridge fit with an unpenalised intercept, all without looking ahead",
)
def check_ridge_forecast(ridge_forecast, rng) -> None:
    """``ridge_forecast(values, column, window, horizon, train_end, alpha)`` -> (n_test, horizon)."""
    features = int(rng.integers(2, 5))
    length = int(rng.integers(240, 360))
    train_end = int(length * rng.uniform(0.6, 0.75))
    window, horizon = int(rng.integers(3, 7)), int(rng.integers(2, 6))
    column = int(rng.integers(0, features))
    alpha = float(rng.choice([0.3, 1.0, 3.0, 10.0]))
    values = _series(rng, length, features, train_end)
    args = (column, window, horizon, train_end, alpha)
    call = f"ridge_forecast(values, column={column}, window={window}, horizon={horizon}, train_end={train_end}, alpha={alpha})"
    got = call_answer(NAME_3, ridge_forecast, values.copy(), *args)
    expected = _ridge_forecast(values, *args)
    got = as_array(NAME_3, got, what=call)
    n_test = len(expected)
    if got.ndim == 2 and got.shape[1] == horizon and got.shape[0] != n_test:
        raise WrongAnswer(
            NAME_3,
            f"got {got.shape[0]} forecasts, expected {n_test}: one per test origin t = "
            f"train_end - 1, ..., len(values) - 1 - horizon (every forecast made after the last "
            "training hour whose targets exist)",
        )
    mistakes = {
        hint: _ridge_forecast(values, *args, variant=name) for name, hint in _MISTAKES_3.items()
    }
    also_right = [_ridge_forecast(values, *args, variant="ddof1")]
    compare_arrays(
        NAME_3,
        got,
        expected,
        what=call,
        rtol=1e-6,
        atol=1e-6,
        also_right=also_right,
        mistakes=mistakes,
    )
    passed(NAME_3, "Same inputs, same targets, no peeking: the baseline the LSTM must beat.")


# --- 06.4: a loss that skips missing targets ------------------------------------------------

NAME_4 = "masked loss"


@exercise(
    "06.4",
    "a loss that leaves missing targets out",
    points=3,
    difficulty=2,
    assesses="averaging a loss over the observed targets only, without filling the gaps",
)
def check_masked_mse(masked_mse, rng) -> None:
    """``masked_mse(y_true, y_pred)`` -> float: mean squared error over non-NaN targets."""
    rows, cols = int(rng.integers(8, 20)), int(rng.choice([1, 3, 6]))
    y_true = rng.gamma(2.0, 50.0, size=(rows, cols))
    y_pred = y_true + rng.normal(0, 20.0, size=(rows, cols))
    missing = rng.random((rows, cols)) < 0.25
    missing[0] = True  # a row with nothing observed
    missing[1, 0] = False  # ... and at least one value that is
    missing[2] = False  # a complete row
    y_true[missing] = np.nan
    got = call_answer(NAME_4, masked_mse, y_true.copy(), y_pred.copy())
    value = as_number(NAME_4, got, "the loss")
    seen = ~missing
    squared = (np.nan_to_num(y_true) - y_pred) ** 2
    expected = float(squared[seen].mean())
    if np.isclose(value, expected, rtol=1e-6):
        passed(NAME_4, "Missing hours now cost nothing and teach nothing.")
        return
    complete_rows = seen.all(axis=1)
    hints = [
        (
            np.mean(squared),
            "filling NaN with 0 (the tutorial's choice) trains the model to "
            "predict clean air whenever the sensor failed: leave those entries out",
        ),
        (
            np.sum(squared * seen) / squared.size,
            "you divided by every entry, missing ones "
            "too: divide by the number of observed targets",
        ),
        (np.sqrt(expected), "that is the root of the loss (RMSE): return the mean squared error"),
        (
            np.mean([np.mean(squared[r][seen[r]]) for r in range(rows) if seen[r].any()]),
            "you averaged per row, then over rows: a row with one observed value then weighs as "
            "much as a complete one. Average over all observed entries at once",
        ),
        (
            float(squared[complete_rows].mean()) if complete_rows.any() else np.nan,
            "you dropped every row with a missing value, and with it the observed values in "
            "those rows: mask single entries",
        ),
    ]
    for wrong, hint in hints:
        if np.isfinite(wrong) and np.isclose(value, wrong, rtol=1e-6):
            raise WrongAnswer(NAME_4, hint)
    raise WrongAnswer(
        NAME_4,
        f"got {value:.6g}, which is not the mean of (y_true - y_pred)² over the entries where "
        "y_true is not NaN",
    )
