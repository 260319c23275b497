"""Bag-of-words sentiment baselines in NumPy/SciPy: the models an LSTM has to beat on MR.

    vocab = build_vocabulary(train_texts, ngrams=2, min_count=1)
    X = count_matrix(train_texts, vocab)                  # sparse counts, documents x n-grams
    model = fit_logistic(X, y, l2=1.0)                    # logistic regression on counts
    nb = fit_nbsvm(X, y)                                  # Wang & Manning (2012) NBSVM
    accuracy(model.predict(count_matrix(test_texts, vocab)), y_test)

- **Logistic regression** on (binarised or raw) n-gram counts, L2-penalised, fitted with
  L-BFGS (``scipy.optimize``); the bias is not penalised.
- **NBSVM** (Wang & Manning 2012, "Baselines and Bigrams", ACL): binarised features scaled
  by the naive-Bayes log-count ratio r = log((p/|p|_1) / (q/|q|_1)) with smoothing alpha,
  a linear L2-regularised, squared-hinge SVM on them (C = 1), and the weights interpolated
  toward their mean magnitude, w' = (1 - beta) * mean|w| + beta * w, beta = 0.25 — the
  paper's settings. Their MR result with bigrams: 79.4 % (10-fold CV).
- **Multinomial naive Bayes** is ``fit_nbsvm(...).naive_bayes``: the sign of r . x + b.

All models see a sentence as a *bag*: the same words in another order get the same
features, hence the same prediction (with ``ngrams=1`` exactly; bigrams see local order).
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import scipy.optimize
import scipy.sparse

from lstm_course._checks import check_bool, check_int, check_number, describe

TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|n't|[^\sa-z0-9]")
MAX_DOCUMENTS = 1_000_000


def tokenize(text) -> list[str]:
    """Lower-case word, number and punctuation tokens: "Not bad, isn't it?" ->
    ['not', 'bad', ',', "isn't", 'it', '?']."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {describe(text)}")
    return TOKEN.findall(text.lower())


def _texts(texts) -> list[str]:
    if isinstance(texts, np.ndarray) or hasattr(texts, "to_numpy"):  # array or pandas Series
        texts = list(np.asarray(texts, dtype=object).ravel()) if np.ndim(texts) == 1 else texts
    if not isinstance(texts, (list, tuple)):
        raise TypeError(f"texts must be a list of str, got {describe(texts)}")
    texts = list(texts)
    if not texts:
        raise ValueError("texts must hold at least one sentence, got an empty list")
    if len(texts) > MAX_DOCUMENTS:
        raise ValueError(f"texts holds {len(texts):,} sentences, more than {MAX_DOCUMENTS:,}")
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"texts[{i}] must be a str, got {describe(text)}")
    return texts


def ngrams_of(tokens: list[str], ngrams: int) -> list[str]:
    """The 1..``ngrams``-grams of a token list, n-grams joined by a space."""
    ngrams = check_int("ngrams", ngrams, minimum=1, maximum=3)
    if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
        raise TypeError(f"tokens must be a list of str, got {describe(tokens)}")
    grams = list(tokens)
    for n in range(2, ngrams + 1):
        grams += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return grams


@dataclass(frozen=True)
class Vocabulary:
    """n-gram -> column, built from training sentences only (so the test set cannot leak)."""

    index: dict[str, int]
    ngrams: int

    def __len__(self) -> int:
        return len(self.index)


def build_vocabulary(texts, *, ngrams: int = 1, min_count: int = 1) -> Vocabulary:
    """Every n-gram (n = 1..``ngrams``) seen at least ``min_count`` times in ``texts``.

    Columns are in order of decreasing count, ties alphabetical, so the result is the same
    whatever order the sentences come in.
    """
    texts = _texts(texts)
    ngrams = check_int("ngrams", ngrams, minimum=1, maximum=3)
    min_count = check_int("min_count", min_count, minimum=1)
    counts = Counter(g for text in texts for g in ngrams_of(tokenize(text), ngrams))
    kept = sorted((g for g, c in counts.items() if c >= min_count), key=lambda g: (-counts[g], g))
    if not kept:
        raise ValueError(f"no n-gram occurs min_count={min_count} times in texts")
    return Vocabulary({g: i for i, g in enumerate(kept)}, ngrams)


def count_matrix(texts, vocabulary, *, binary: bool = True) -> scipy.sparse.csr_matrix:
    """Sparse (documents x n-grams) counts; unknown n-grams are ignored.

    Args:
        texts: sentences.
        vocabulary: from :func:`build_vocabulary` (its ``ngrams`` is used).
        binary: 1 where an n-gram occurs, however often (Wang & Manning's choice).
    """
    texts = _texts(texts)
    if not isinstance(vocabulary, Vocabulary):
        raise TypeError(f"vocabulary must come from build_vocabulary(), got {describe(vocabulary)}")
    binary = check_bool("binary", binary)
    rows, cols = [], []
    for row, text in enumerate(texts):
        for gram in ngrams_of(tokenize(text), vocabulary.ngrams):
            col = vocabulary.index.get(gram)
            if col is not None:
                rows.append(row)
                cols.append(col)
    data = np.ones(len(rows), dtype=np.float64)
    matrix = scipy.sparse.csr_matrix(
        (data, (rows, cols)), shape=(len(texts), len(vocabulary)), dtype=np.float64
    )
    matrix.sum_duplicates()
    if binary:
        matrix.data[:] = 1.0
    return matrix


def _features(name: str, X) -> scipy.sparse.csr_matrix:
    if not scipy.sparse.issparse(X) and not isinstance(X, np.ndarray):
        raise TypeError(
            f"{name} must be a count matrix (scipy.sparse or ndarray), got {describe(X)}"
        )
    X = scipy.sparse.csr_matrix(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{name} must be a non-empty 2-D matrix, got shape {X.shape}")
    if not np.all(np.isfinite(X.data)) or (X.data < 0).any():
        raise ValueError(f"{name} must hold finite, non-negative counts")
    return X


def _binary(name: str, y) -> np.ndarray:
    """``y`` as a 1-D int64 array of 0/1 labels, or a clear error naming ``name``."""
    values = np.asarray(y)
    if values.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold 0/1 labels (numbers), got {describe(y)}")
    if values.ndim != 1 or values.size == 0:
        raise ValueError(
            f"{name} must be a non-empty 1-D array of labels, got shape {values.shape}"
        )
    if not np.isin(values, (0, 1)).all():
        shown = np.unique(values[~np.isin(values, (0, 1))])[:5]
        raise ValueError(f"{name} must hold only 0 (negative) and 1 (positive), got {shown}")
    return values.astype(np.int64)


def _labels(y, rows: int) -> np.ndarray:
    values = np.asarray(y)
    if values.dtype.kind not in "biuf":
        raise TypeError(f"y must hold 0/1 labels (numbers), got {describe(y)}")
    if values.ndim != 1 or len(values) != rows:
        raise ValueError(
            f"y must be a 1-D array of {rows} labels (one per row of X), got shape {values.shape}"
        )
    if not np.isin(values, (0, 1)).all():
        raise ValueError(
            f"y must hold only 0 (negative) and 1 (positive), got {np.unique(values)[:5]}"
        )
    if len(np.unique(values)) < 2:
        raise ValueError("y must hold both classes, 0 and 1, to fit a classifier")
    return values.astype(np.float64)


@dataclass(frozen=True)
class LinearModel:
    """w . x + b on features ``scale * x`` (scale: NBSVM's r, or ones); 1 where positive."""

    weights: np.ndarray
    bias: float
    scale: np.ndarray

    def decision(self, X) -> np.ndarray:
        """w . (scale * x) + b for each row of ``X``."""
        X = _features("X", X)
        if X.shape[1] != len(self.weights):
            raise ValueError(
                f"X has {X.shape[1]} columns, the model was fitted on {len(self.weights)}"
            )
        return X @ (self.scale * self.weights) + self.bias

    def predict(self, X) -> np.ndarray:
        """0/1 labels (int64)."""
        return (self.decision(X) > 0).astype(np.int64)


def _one_blas_thread():
    """A context with one BLAS thread, or a no-op without threadpoolctl.

    SciPy's wheel carries its own OpenBLAS, loaded only when ``scipy.optimize`` is, so a
    limit set earlier (``lstm_course.setup()``) does not reach it. L-BFGS-B's many tiny
    BLAS calls on a shared CPU then spin two threads: we measured 87 ms per iteration
    against 1.4 ms on one thread under load.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional dependency
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _minimise(loss, size: int, max_iterations: int) -> np.ndarray:
    with _one_blas_thread():
        result = scipy.optimize.minimize(
            loss,
            np.zeros(size),
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": max_iterations},
        )
    return result.x


def fit_logistic(X, y, *, l2: float = 1.0, max_iterations: int = 500) -> LinearModel:
    """L2-penalised logistic regression (penalty ``l2/2 * |w|^2``, bias free), by L-BFGS."""
    X = _features("X", X)
    target = _labels(y, X.shape[0])
    l2 = check_number("l2", l2, minimum=0.0, maximum=1e6)
    max_iterations = check_int("max_iterations", max_iterations, minimum=1, maximum=100_000)
    sign = 2 * target - 1

    def loss(theta):
        w, b = theta[:-1], theta[-1]
        margin = sign * (X @ w + b)
        value = np.logaddexp(0, -margin).sum() + 0.5 * l2 * w @ w
        g = -sign * scipy.special.expit(-margin)
        return value, np.append(X.T @ g + l2 * w, g.sum())

    theta = _minimise(loss, X.shape[1] + 1, max_iterations)
    return LinearModel(theta[:-1], float(theta[-1]), np.ones(X.shape[1]))


@dataclass(frozen=True)
class NBSVM:
    """A fitted NBSVM, and the naive-Bayes classifier that comes with it for free."""

    svm: LinearModel
    naive_bayes: LinearModel
    ratio: np.ndarray

    def predict(self, X) -> np.ndarray:
        """0/1 labels from the interpolated SVM."""
        return self.svm.predict(X)


def nb_log_ratio(X, y, *, alpha: float = 1.0) -> np.ndarray:
    """r = log((p / |p|_1) / (q / |q|_1)), p = alpha + positive counts, q = alpha + negative."""
    X = _features("X", X)
    target = _labels(y, X.shape[0])
    alpha = check_number("alpha", alpha, minimum=1e-6, maximum=1e6)
    p = alpha + np.asarray(X[target == 1].sum(axis=0)).ravel()
    q = alpha + np.asarray(X[target == 0].sum(axis=0)).ravel()
    return np.log(p / p.sum()) - np.log(q / q.sum())


def fit_nbsvm(
    X, y, *, alpha: float = 1.0, C: float = 1.0, beta: float = 0.25, max_iterations: int = 500
) -> NBSVM:
    """Wang & Manning's NBSVM: an L2 squared-hinge SVM on r-scaled binary features, interpolated.

    Args:
        X: counts (binarised here), documents x n-grams.
        y: 0/1 labels.
        alpha: naive-Bayes smoothing.
        C: the SVM's cost (loss weight; the penalty is |w|^2 / 2).
        beta: interpolation w' = (1 - beta) * mean|w| + beta * w (1: the plain SVM).
    """
    X = _features("X", X).copy()
    X.data[:] = 1.0
    target = _labels(y, X.shape[0])
    C = check_number("C", C, minimum=1e-6, maximum=1e6)
    beta = check_number("beta", beta, minimum=0.0, maximum=1.0)
    max_iterations = check_int("max_iterations", max_iterations, minimum=1, maximum=100_000)
    r = nb_log_ratio(X, target, alpha=alpha)
    Xr = X @ scipy.sparse.diags(r)
    sign = 2 * target - 1

    def loss(theta):
        w, b = theta[:-1], theta[-1]
        slack = np.maximum(0.0, 1 - sign * (Xr @ w + b))
        g = -2 * C * sign * slack
        return 0.5 * w @ w + C * slack @ slack, np.append(Xr.T @ g + w, g.sum())

    theta = _minimise(loss, X.shape[1] + 1, max_iterations)
    w, b = theta[:-1], float(theta[-1])
    w_bar = np.abs(w).mean()
    w_interp = (1 - beta) * w_bar + beta * w
    # Wang & Manning's interpolation is written for w without the bias; we scale b likewise.
    svm = LinearModel(w_interp, beta * b, r)
    prior = float(np.log(target.mean() / (1 - target.mean())))
    naive_bayes = LinearModel(np.ones_like(r), prior, r)
    return NBSVM(svm, naive_bayes, r)


def accuracy(predicted, y) -> float:
    """Share of ``predicted`` equal to ``y`` (both 1-D, same length)."""
    a, b = _binary("predicted", predicted), _binary("y", y)
    if a.shape != b.shape:
        raise ValueError(
            f"predicted and y must be 1-D of the same, non-zero length, got {a.shape} and {b.shape}"
        )
    return float((a == b).mean())
