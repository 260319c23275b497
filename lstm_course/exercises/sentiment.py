"""Checks for notebook 10 (sentiment): every call draws fresh inputs from ``rng``."""

from __future__ import annotations

import numpy as np
import scipy.special

from lstm_course.exercises import (
    WrongAnswer,
    as_array,
    as_number,
    call_answer,
    compare_arrays,
    passed,
)
from lstm_course.exercises.registry import exercise


def _counts(rng, documents: int, words: int) -> tuple[np.ndarray, np.ndarray]:
    """Small non-negative integer counts (documents, words) and 0/1 labels with both classes."""
    X = rng.poisson(rng.uniform(0.3, 1.5), size=(documents, words)).astype(np.float64)
    y = rng.integers(0, 2, documents)
    y[:2] = (0, 1)
    return X, rng.permutation(y)


# --- 10.1: the naive-Bayes log-count ratio ----------------------------------------------------

NAME_1 = "10.1 log-count ratio"


def reference_log_count_ratio(X, y, alpha=1.0) -> np.ndarray:
    """Wang & Manning's r = log((p / |p|_1) / (q / |q|_1)), p, q = alpha + class counts."""
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
    p = alpha + X[y == 1].sum(axis=0)
    q = alpha + X[y == 0].sum(axis=0)
    return np.log(p / p.sum()) - np.log(q / q.sum())


@exercise(
    "10.1",
    "the naive-Bayes log-count ratio",
    points=2,
    difficulty=1,
    assesses="NBSVM's feature weights r: smoothed, normalised per class, positive over negative",
)
def check_log_count_ratio(log_count_ratio, rng) -> None:
    """``log_count_ratio(X, y, alpha)``: (documents, words) counts, (documents,) 0/1 -> (words,)."""
    for _ in range(3):
        X, y = _counts(rng, int(rng.integers(6, 20)), int(rng.integers(3, 12)))
        alpha = float(rng.choice([1.0, rng.uniform(0.1, 2.0)]))
        got = call_answer(NAME_1, log_count_ratio, X.copy(), y.copy(), alpha)
        p, q = alpha + X[y == 1].sum(axis=0), alpha + X[y == 0].sum(axis=0)
        pr, qr = X[y == 1].sum(axis=0), X[y == 0].sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            mistakes = {
                "the classes are swapped: r > 0 should mean 'more frequent in positive "
                "sentences' (y == 1)": -reference_log_count_ratio(X, y, alpha),
                "each class's counts must be normalised by that class's total (|p|_1, |q|_1) "
                "before the ratio": np.log(p) - np.log(q),
                "alpha is the smoothing: add it to every count before normalising": np.log(
                    pr / pr.sum() + alpha
                )
                - np.log(qr / qr.sum() + alpha),
                "the smoothing alpha is missing (or not the one passed in)": np.log(
                    (pr + 1.0) / (pr + 1.0).sum()
                )
                - np.log((qr + 1.0) / (qr + 1.0).sum())
                if alpha != 1.0
                else np.full(X.shape[1], np.nan),
                "r is a log ratio: take the log of (p/|p|_1) / (q/|q|_1)": (p / p.sum())
                / (q / q.sum()),
                "count each class separately: p from the positive sentences (y == 1), q from "
                "the negative ones (y == 0)": np.log(
                    (alpha + X.sum(axis=0)) / (alpha + X.sum(axis=0)).sum()
                ),
            }
        mistakes = {k: v for k, v in mistakes.items() if np.all(np.isfinite(v))}
        compare_arrays(
            NAME_1,
            got,
            reference_log_count_ratio(X, y, alpha),
            what=f"r for alpha={alpha:.3g}",
            mistakes=mistakes,
        )
    passed(NAME_1, "Words with r > 0 vote positive; NBSVM scales each feature by its r.")


# --- 10.2: pair accuracy ----------------------------------------------------------------------

NAME_2 = "10.2 pair accuracy"


def reference_pair_accuracy(predicted, labels, pairs) -> float:
    """Share of pairs whose sentences are *all* predicted right."""
    right = np.asarray(predicted) == np.asarray(labels)
    ids = np.asarray(pairs)
    return float(np.mean([right[ids == pair].all() for pair in np.unique(ids)]))


@exercise(
    "10.2",
    "pair accuracy on minimal pairs",
    points=2,
    difficulty=2,
    assesses="scoring a behavioural test by pairs (both halves right), not by sentences",
)
def check_pair_accuracy(pair_accuracy, rng) -> None:
    """``pair_accuracy(predicted, labels, pairs)``: three (n,) arrays -> a float in [0, 1]."""
    for _ in range(4):
        count = int(rng.integers(5, 15))
        pairs = rng.permutation(np.repeat(rng.choice(1000, count, replace=False), 2))
        labels = rng.integers(0, 2, 2 * count)
        predicted = np.where(rng.random(2 * count) < rng.uniform(0.5, 0.9), labels, 1 - labels)
        got = call_answer(NAME_2, pair_accuracy, predicted.copy(), labels.copy(), pairs.copy())
        value = as_number(NAME_2, got, "the pair accuracy")
        expected = reference_pair_accuracy(predicted, labels, pairs)
        right = predicted == labels
        per_pair = {p: right[pairs == p] for p in np.unique(pairs)}
        mistakes = {
            "that is the accuracy over sentences; a pair counts only when both of its "
            "sentences are right": float(right.mean()),
            "a pair counts when *both* sentences are right, not when either is": float(
                np.mean([r.any() for r in per_pair.values()])
            ),
            "divide by the number of pairs, not the number of sentences": float(
                sum(r.all() for r in per_pair.values()) / len(right)
            ),
            "group the sentences by their pair id; pairs are not neighbouring rows": float(
                np.mean(right[0::2] & right[1::2])
            ),
            "that is the share of pairs with at least one mistake": 1.0 - expected,
        }
        if abs(value - expected) > 1e-6:
            for hint, wrong in mistakes.items():
                if abs(value - wrong) <= 1e-6:
                    raise WrongAnswer(NAME_2, hint)
            raise WrongAnswer(NAME_2, f"the pair accuracy is {value:.4f}, expected another value")
    passed(NAME_2, "A bag of words scores 0 pairs right on the order-flipped probes.")


# --- 10.3: logistic regression on counts by gradient descent ---------------------------------

NAME_3 = "10.3 logistic regression by hand"


def _gradient(X, y, w, b, l2) -> tuple[np.ndarray, float]:
    """Gradient of mean log-loss + l2/2 |w|^2 (bias unpenalised) at (w, b)."""
    error = scipy.special.expit(X @ w + b) - y
    return X.T @ error / len(y) + l2 * w, float(error.mean())


@exercise(
    "10.3",
    "logistic regression on word counts, by gradient descent",
    points=5,
    difficulty=3,
    assesses="the gradient of the L2-penalised log-loss and a descent loop run to its optimum",
)
def check_fit_logistic(fit_logistic, rng) -> None:
    """``fit_logistic(X, y, l2)`` -> (w (words,), b float) minimising mean log-loss + l2/2|w|^2."""
    for _ in range(2):
        X, y = _counts(rng, int(rng.integers(20, 60)), int(rng.integers(3, 8)))
        l2 = float(rng.uniform(0.05, 0.5))
        got = call_answer(NAME_3, fit_logistic, X.copy(), y.copy(), l2)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise WrongAnswer(
                NAME_3, "return a pair (w, b): the weights (one per word) and the bias"
            )
        w = as_array(NAME_3, got[0], what="w", shape=(X.shape[1],)).astype(np.float64)
        b = as_number(NAME_3, got[1], "b")
        grad_w, grad_b = _gradient(X, y, w, b, l2)
        size = float(np.sqrt(grad_w @ grad_w + grad_b**2))
        if size < 1e-4:
            continue
        if np.allclose(w, 0) and abs(b) < 1e-12:
            raise WrongAnswer(NAME_3, "w and b are still zero: the loop never updates them")
        if abs(grad_b) < 1e-4 and np.linalg.norm(_gradient(X, y, w, b, 0.0)[0]) < 1e-4:
            raise WrongAnswer(NAME_3, "the L2 penalty is missing: add l2 * w to the gradient of w")
        if np.linalg.norm(grad_w) < 1e-4 and abs(grad_b + l2 * b) < 1e-4:
            raise WrongAnswer(NAME_3, "the bias is penalised too; only w carries the L2 penalty")
        if b == 0 and np.linalg.norm(grad_w) < 1e-3:
            raise WrongAnswer(NAME_3, "the bias is not fitted: update b with the mean error")
        ascent = _gradient(X, y, w, b, l2)
        loss_here = _loss(X, y, w, b, l2)
        if loss_here > _loss(X, y, np.zeros_like(w), 0.0, l2):
            raise WrongAnswer(
                NAME_3,
                "the loss went up from w = 0, b = 0: step against the gradient (minus), and "
                "check the error is sigmoid(Xw + b) - y",
            )
        raise WrongAnswer(
            NAME_3,
            f"not at the minimum yet: the gradient's norm is {size:.2g} (needs < 1e-4). "
            f"Run more steps or use a larger step size (loss {loss_here:.5f}; "
            f"|dw| {np.linalg.norm(ascent[0]):.2g}, |db| {abs(ascent[1]):.2g})",
        )
    passed(
        NAME_3,
        "At the optimum the gradient vanishes; bow_baselines.fit_logistic does this with L-BFGS.",
    )


def _loss(X, y, w, b, l2) -> float:
    z = X @ w + b
    return float(np.mean(np.logaddexp(0, z) - y * z) + 0.5 * l2 * w @ w)
