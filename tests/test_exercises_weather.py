"""The self-checks of notebook 06: right answers pass on many draws; wrong ones get their hint."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_course.exercises import WrongAnswer
from lstm_course.exercises import weather as ex
from lstm_course.exercises.registry import EXERCISES, heading

SEEDS = range(6)


def stub(*args, **kwargs):
    raise NotImplementedError("Exercise: write your answer here")


def returns_none(*args, **kwargs):
    return None


def test_the_four_exercises_are_declared_with_their_metadata():
    items = {k: v for k, v in EXERCISES.items() if k.startswith("06.")}
    assert sorted(items) == ["06.1", "06.2", "06.3", "06.4"]
    assert [items[k].difficulty for k in sorted(items)] == [1, 2, 3, 2]
    assert heading(items["06.3"]) == (
        "### Exercise 06.3 — the linear opponent, leak-free · ★★★ · 6 points"
    )


def test_every_heading_is_in_the_notebook():
    from tools.notebooks import SOURCES

    text = (SOURCES / "06_weather.py").read_text(encoding="utf-8")
    for key, item in EXERCISES.items():
        if key.startswith("06."):
            assert f"# %% [markdown]\n# {heading(item)}\n" in text


# --- 06.1 -----------------------------------------------------------------------------------


def cyclical(values, period):
    angle = 2 * np.pi * np.asarray(values, dtype=float) / period
    return np.stack([np.sin(angle), np.cos(angle)], axis=1)


@pytest.mark.parametrize("seed", SEEDS)
def test_cyclical_right_answer_passes(seed, capsys):
    ex.check_cyclical(cyclical, seed=seed)
    ex.check_cyclical(lambda v, p: cyclical(v, p).astype(np.float32), seed=seed)
    assert capsys.readouterr().out.count("✓ cyclical encoding: correct") == 2


def _angle(v, p):
    return 2 * np.pi * np.asarray(v, dtype=float) / p


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda v, p: cyclical(v, p)[:, ::-1], "columns are swapped"),
        (lambda v, p: np.stack([np.sin(v / p), np.cos(v / p)], 1), "needs 2π"),
        (
            lambda v, p: np.stack([np.sin(_angle(v, p) / 2), np.cos(_angle(v, p) / 2)], 1),
            "half a turn",
        ),
        (lambda v, p: cyclical(np.asarray(v) * p / (p - 1), p), "not by period - 1"),
        (lambda v, p: np.stack([np.sin(v), np.cos(v)], 1), "into an angle first"),
        (lambda v, p: cyclical(v, p).T, r"stack the two columns with axis=1"),
        (lambda v, p: np.sin(_angle(v, p)), "got one column"),
        (lambda v, p: cyclical(v, p) * 2, "differs most"),
        (stub, "NotImplementedError"),
        (returns_none, "forget to `return`"),
    ],
    ids=[
        "swapped",
        "no-2pi",
        "pi",
        "period-1",
        "raw",
        "transposed",
        "sine-only",
        "scaled",
        "stub",
        "none",
    ],
)
def test_cyclical_wrong_answers_get_hints(answer, hint):
    with pytest.raises(WrongAnswer, match=hint):
        ex.check_cyclical(answer, seed=3)


# --- 06.2 -----------------------------------------------------------------------------------


def fit_damping(now, future):
    return now @ future / (now @ now)


@pytest.mark.parametrize("seed", SEEDS)
def test_damping_right_answer_passes(seed, capsys):
    ex.check_fit_damping(fit_damping, seed=seed)
    ex.check_fit_damping(lambda a, f: list(fit_damping(a, f)), seed=seed)
    assert capsys.readouterr().out.count("✓ damped anomaly: correct") == 2


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda a, f: np.array([np.corrcoef(a, c)[0, 1] for c in f.T]), "correlation"),
        (lambda a, f: a @ f / np.sum(f**2, axis=0), "future's energy"),
        (
            lambda a, f: (a - a.mean()) @ (f - f.mean(0)) / np.sum((a - a.mean()) ** 2),
            "through the origin",
        ),
        (lambda a, f: fit_damping(a, f)[0] ** np.arange(1, f.shape[1] + 1), "geometrically"),
        (lambda a, f: np.mean(f / a[:, None], axis=0), "mean of ratios"),
        (lambda a, f: a @ f, r"divide by Σ a_t²"),
        (lambda a, f: fit_damping(a, f)[:1], "one number"),
        (lambda a, f: fit_damping(a, f)[::-1], "phi differs most"),
        (stub, "NotImplementedError"),
        (returns_none, "forget to `return`"),
    ],
    ids=[
        "correlation",
        "reverse",
        "intercept",
        "geometric",
        "ratios",
        "undivided",
        "one",
        "reversed",
        "stub",
        "none",
    ],
)
def test_damping_wrong_answers_get_hints(answer, hint):
    with pytest.raises(WrongAnswer, match=hint):
        ex.check_fit_damping(answer, seed=2)


# --- 06.3 -----------------------------------------------------------------------------------


def ridge_forecast(values, column, window, horizon, train_end, alpha, *, mistake=None):
    """The stored solution, and each mistake the check names, written as a learner would."""
    values = np.asarray(values, dtype=float)
    train = values if mistake == "leak" else values[:train_end]
    ddof = 1 if mistake == "ddof1" else 0
    z = (values - train.mean(axis=0)) / train.std(axis=0, ddof=ddof)
    if mistake == "raw":
        z = values
    late = 1 if mistake == "late" else 0

    def windows(origins):
        return np.stack([z[t - window + 1 - late : t + 1 - late].ravel() for t in origins])

    def targets(origins):
        shift = -1 if mistake == "off_by_one" else 0
        return np.stack([values[t + 1 + shift : t + horizon + 1 + shift, column] for t in origins])

    last = train_end - 2 if mistake == "cross" else train_end - 1 - horizon
    train_origins = np.arange(window - 1 + late, last + 1)
    test_origins = np.arange(train_end - 1, len(values) - horizon)
    X, Y = windows(train_origins), targets(train_origins)
    if mistake == "no_intercept":
        W = np.linalg.solve(X.T @ X + alpha * np.eye(X.shape[1]), X.T @ Y)
        return windows(test_origins) @ W
    x_mean, y_mean = X.mean(axis=0), Y.mean(axis=0)
    a = 0.0 if mistake == "ols" else alpha
    W = np.linalg.solve(
        (X - x_mean).T @ (X - x_mean) + a * np.eye(X.shape[1]), (X - x_mean).T @ (Y - y_mean)
    )
    out = (windows(test_origins) - x_mean) @ W + y_mean
    return out[1:] if mistake == "one_fewer" else out


@pytest.mark.parametrize("seed", SEEDS)
def test_ridge_right_answers_pass(seed, capsys):
    ex.check_ridge_forecast(ridge_forecast, seed=seed)
    ex.check_ridge_forecast(lambda *a: ridge_forecast(*a, mistake="ddof1"), seed=seed)
    assert capsys.readouterr().out.count("✓ leak-free ridge forecaster: correct") == 2


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        ("leak", "the scaler saw the test period"),
        ("cross", "training targets fall at or after train_end"),
        ("off_by_one", "shifted by one hour"),
        ("late", "the window must end at the origin"),
        ("ols", "alpha is ignored"),
        ("no_intercept", "there is no intercept"),
        ("raw", "standardise each column"),
        ("one_fewer", "expected .* one per test origin"),
    ],
)
def test_ridge_wrong_answers_get_hints(mistake, hint):
    for seed in (0, 4):
        with pytest.raises(WrongAnswer, match=hint):
            ex.check_ridge_forecast(lambda *a: ridge_forecast(*a, mistake=mistake), seed=seed)


@pytest.mark.parametrize(
    ("answer", "hint"), [(stub, "NotImplementedError"), (returns_none, "forget")]
)
def test_ridge_unfinished_answers(answer, hint):
    with pytest.raises(WrongAnswer, match=hint):
        ex.check_ridge_forecast(answer, seed=1)


# --- 06.4 -----------------------------------------------------------------------------------


def masked_mse(y_true, y_pred):
    seen = ~np.isnan(y_true)
    return np.mean((y_true[seen] - y_pred[seen]) ** 2)


@pytest.mark.parametrize("seed", SEEDS)
def test_masked_mse_right_answers_pass(seed, capsys):
    ex.check_masked_mse(masked_mse, seed=seed)
    ex.check_masked_mse(lambda t, p: np.nanmean((t - p) ** 2), seed=seed)
    ex.check_masked_mse(lambda t, p: np.float32(masked_mse(t, p)), seed=seed)
    assert capsys.readouterr().out.count("✓ masked loss: correct") == 3


def _per_row(t, p):
    rows = [np.nanmean((t[r] - p[r]) ** 2) for r in range(len(t)) if (~np.isnan(t[r])).any()]
    return np.mean(rows)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda t, p: np.mean((np.nan_to_num(t) - p) ** 2), "filling NaN with 0"),
        (lambda t, p: np.nansum((t - p) ** 2) / t.size, "divided by every entry"),
        (lambda t, p: np.sqrt(masked_mse(t, p)), "RMSE"),
        (_per_row, "averaged per row"),
        (lambda t, p: np.mean((t - p)[~np.isnan(t).any(axis=1)] ** 2), "dropped every row"),
        (lambda t, p: np.nanmean(np.abs(t - p)), "not the mean of"),
        (lambda t, p: np.nanmean((t - p) ** 2, axis=0), "should be one number"),
        (stub, "NotImplementedError"),
        (returns_none, "forget to `return`"),
    ],
    ids=[
        "zero-fill",
        "all-entries",
        "rmse",
        "per-row",
        "drop-rows",
        "mae",
        "per-column",
        "stub",
        "none",
    ],
)
def test_masked_mse_wrong_answers_get_hints(answer, hint):
    with pytest.raises(WrongAnswer, match=hint):
        ex.check_masked_mse(answer, seed=5)
