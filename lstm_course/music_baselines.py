"""Baselines for music models: what a piano roll or a melody scores without an LSTM.

Piano rolls are lists of (frames, 88) arrays of 0/1, one per piece; every model predicts
each frame from the frames before it in the same piece, and the first frame from a silent
frame before the piece (so every model is scored on every frame):

- :func:`per_key_probabilities`: each key on with its training frequency, whatever came
  before (no memory at all);
- :func:`flip_probabilities` + :func:`flip_predictions`: each key repeats its previous
  state, with a learned chance of switching on or off (one frame of memory, per key);
- :func:`fit_logistic` + :func:`logistic_predictions`: all 88 keys of the previous frame
  predict each key through 88 × 88 weights (one frame of memory, across keys).

Melodies are lists of (steps,) integer tokens; :func:`ngram_probabilities` gives the
n-gram model's distribution over the next token at every step.

All probabilities stay within [1e-7, 1 - 1e-7] so that a log-likelihood is always finite.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.optimize import minimize

from lstm_course._checks import as_float_array, check_int, check_number, describe
from lstm_course._rolls import KEYS, check_roll

EPS = 1e-7  # probabilities are kept in [EPS, 1 - EPS]


# ----------------------------------------------------------------------------- inputs


def _check_rolls(name: str, rolls) -> list[np.ndarray]:
    """A non-empty list of (frames >= 1, 88) arrays of 0/1, as float64."""
    if isinstance(rolls, np.ndarray) and rolls.ndim == 2:
        rolls = [rolls]  # one piece
    if not isinstance(rolls, (list, tuple)) or not rolls:
        raise TypeError(
            f"{name} must be a non-empty list of (frames, {KEYS}) piano rolls, got {describe(rolls)}"
        )
    return [check_roll(f"{name}[{index}]", roll) for index, roll in enumerate(rolls)]


def previous_frames(roll) -> np.ndarray:
    """(frames, 88): the frame before each frame, a silent frame before the first."""
    (roll,) = _check_rolls("roll", [roll])
    return np.vstack([np.zeros((1, KEYS)), roll[:-1]])


def _clip(p: np.ndarray) -> np.ndarray:
    return np.clip(p, EPS, 1 - EPS)


# ----------------------------------------------------------------------------- scoring


def nll_per_frame(rolls, probabilities) -> float:
    """Negative log-likelihood per frame in nats: sum over the 88 keys, mean over frames.

    The measure of Boulanger-Lewandowski et al. (2012) and Chung et al. (2014): for
    independent Bernoulli outputs p, a frame x costs -Σ_k [x_k ln p_k + (1 - x_k) ln(1 - p_k)].

    Args:
        rolls: list of (frames, 88) 0/1 arrays (or one array).
        probabilities: the same shapes, each key's predicted probability of being on.
    """
    rolls = _check_rolls("rolls", rolls)
    if isinstance(probabilities, np.ndarray) and probabilities.ndim == 2:
        probabilities = [probabilities]
    if not isinstance(probabilities, (list, tuple)) or len(probabilities) != len(rolls):
        raise ValueError(
            f"probabilities must be a list of {len(rolls)} arrays, one per roll, "
            f"got {describe(probabilities)}"
        )
    total, frames = 0.0, 0
    for index, (roll, p) in enumerate(zip(rolls, probabilities, strict=True)):
        p = as_float_array(f"probabilities[{index}]", p)
        if p.shape != roll.shape:
            raise ValueError(
                f"probabilities[{index}] must have the roll's shape {roll.shape}, got {p.shape}"
            )
        if not np.all((p >= 0) & (p <= 1)):
            raise ValueError(f"probabilities[{index}] must lie in [0, 1]")
        p = _clip(p)
        total -= float(np.sum(roll * np.log(p) + (1 - roll) * np.log(1 - p)))
        frames += len(roll)
    return total / frames


# ----------------------------------------------------------------------------- baselines


def per_key_probabilities(rolls, alpha: float = 1.0) -> np.ndarray:
    """(88,) each key's share of training frames in which it is on, add-``alpha`` smoothed."""
    rolls = _check_rolls("rolls", rolls)
    alpha = check_number("alpha", alpha, minimum=0.0)
    stacked = np.vstack(rolls)
    return _clip((stacked.sum(axis=0) + alpha) / (len(stacked) + 2 * alpha))


def flip_probabilities(rolls, alpha: float = 1.0) -> np.ndarray:
    """(88, 2) per key: column 0 = P(on | off before), column 1 = P(on | on before).

    Transitions are counted within each piece, from a silent frame before its first
    frame; add-``alpha`` smoothing keeps keys never seen in training finite.
    """
    rolls = _check_rolls("rolls", rolls)
    alpha = check_number("alpha", alpha, minimum=0.0)
    counts = np.zeros((KEYS, 2, 2))  # key, previous state, current state
    for roll in rolls:
        before = np.vstack([np.zeros((1, KEYS)), roll[:-1]])
        for was in (0, 1):
            for now in (0, 1):
                counts[:, was, now] += np.sum((before == was) & (roll == now), axis=0)
    on = (counts[:, :, 1] + alpha) / (counts.sum(axis=2) + 2 * alpha)
    return _clip(on)


def flip_predictions(roll, flips) -> np.ndarray:
    """(frames, 88) the flip model's probabilities for one piece (see :func:`flip_probabilities`)."""
    (roll,) = _check_rolls("roll", [roll])
    flips = as_float_array("flips", flips)
    if flips.shape != (KEYS, 2) or not np.all((flips >= 0) & (flips <= 1)):
        raise ValueError(f"flips must be probabilities of shape ({KEYS}, 2), got {describe(flips)}")
    before = np.vstack([np.zeros((1, KEYS)), roll[:-1]]).astype(int)
    return _clip(np.take_along_axis(flips.T, before, axis=0))


def fit_logistic(
    rolls, l2: float = 1e-3, max_iterations: int = 300
) -> tuple[np.ndarray, np.ndarray]:
    """Logistic regression of each key on the whole previous frame, fitted by L-BFGS.

    p_t = sigmoid(x_{t-1} W + b), minimising the mean NLL per frame + l2/2 · ||W||².

    Returns:
        W (88, 88): row j says how key j's being on changes each key's log-odds next frame;
        b (88,): the log-odds after a silent frame.
    """
    rolls = _check_rolls("rolls", rolls)
    l2 = check_number("l2", l2, minimum=0.0)
    max_iterations = check_int("max_iterations", max_iterations, minimum=1, maximum=100_000)
    x = np.vstack([np.vstack([np.zeros((1, KEYS)), roll[:-1]]) for roll in rolls])
    y = np.vstack(rolls)
    n = len(y)
    # The loss only depends on each distinct previous frame, how often it occurs and what
    # followed it: a few thousand distinct chords instead of every frame, each with ~4
    # keys on (a sparse matrix), make every evaluation cheap.
    chords, which, counts = np.unique(x, axis=0, return_inverse=True, return_counts=True)
    followers = np.zeros((len(chords), KEYS))
    np.add.at(followers, which.ravel(), y)
    chords = sparse.csr_matrix(chords)
    counts = counts[:, None].astype(np.float64)

    def loss_and_gradient(theta):
        w, b = theta[: KEYS * KEYS].reshape(KEYS, KEYS), theta[KEYS * KEYS :]
        z = chords @ w + b
        # -[y log σ(z) + (1-y) log(1-σ(z))] = softplus(z) - y z, computed stably
        loss = np.sum(counts * np.logaddexp(0, z) - followers * z) / n + 0.5 * l2 * np.sum(w * w)
        error = (counts / (1 + np.exp(-z)) - followers) / n
        grad_w = chords.T @ error + l2 * w
        return loss, np.concatenate([grad_w.ravel(), error.sum(axis=0)])

    rate = _clip(y.mean(axis=0))
    start = np.concatenate([np.zeros(KEYS * KEYS), np.log(rate / (1 - rate))])
    result = minimize(
        loss_and_gradient,
        start,
        jac=True,
        method="L-BFGS-B",
        tol=1e-6,  # relative change of the loss: far below what the test NLL can show
        options={"maxiter": max_iterations},
    )
    theta = result.x
    return theta[: KEYS * KEYS].reshape(KEYS, KEYS), theta[KEYS * KEYS :]


def logistic_predictions(roll, weights, bias) -> np.ndarray:
    """(frames, 88) the logistic model's probabilities for one piece (see :func:`fit_logistic`)."""
    before = previous_frames(roll)
    weights = as_float_array("weights", weights)
    bias = as_float_array("bias", bias)
    if weights.shape != (KEYS, KEYS) or bias.shape != (KEYS,):
        raise ValueError(
            f"weights must have shape ({KEYS}, {KEYS}) and bias ({KEYS},), got "
            f"{weights.shape} and {bias.shape}"
        )
    if not (np.all(np.isfinite(weights)) and np.all(np.isfinite(bias))):
        raise ValueError("weights and bias must be finite")
    return _clip(1 / (1 + np.exp(-(before @ weights + bias))))


# ----------------------------------------------------------------------------- melodies


def _check_sequences(name: str, sequences, vocabulary: int) -> list[np.ndarray]:
    if isinstance(sequences, np.ndarray) and sequences.ndim == 1:
        sequences = [sequences]
    if not isinstance(sequences, (list, tuple)) or not sequences:
        raise TypeError(
            f"{name} must be a non-empty list of token arrays, got {describe(sequences)}"
        )
    out = []
    for index, tokens in enumerate(sequences):
        array = as_float_array(f"{name}[{index}]", tokens)
        if array.ndim != 1 or len(array) == 0:
            raise ValueError(f"{name}[{index}] must be 1-D and non-empty, got shape {array.shape}")
        if not np.all((array == np.round(array)) & (array >= 0) & (array < vocabulary)):
            raise ValueError(f"{name}[{index}] must hold integer tokens in 0..{vocabulary - 1}")
        out.append(array.astype(np.int64))
    return out


def ngram_probabilities(
    train, sequences, *, order: int, vocabulary: int, alpha: float = 0.1
) -> list[np.ndarray]:
    """An add-``alpha`` n-gram model's next-token distributions.

    The context of step t is the ``order - 1`` tokens before it (a start marker before
    the first token); order 1 is the unigram, 2 the bigram, 3 the trigram.

    Args:
        train: list of (steps,) token arrays to count n-grams in.
        sequences: list of (steps,) token arrays to predict.
        vocabulary: the number of distinct tokens (tokens are 0..vocabulary-1).
    Returns:
        one (steps, vocabulary) array per sequence: row t is P(token t | its context).
    """
    order = check_int("order", order, minimum=1, maximum=8)
    vocabulary = check_int("vocabulary", vocabulary, minimum=2, maximum=100_000)
    alpha = check_number("alpha", alpha, minimum=0.0, exclusive_minimum=True)
    train = _check_sequences("train", train, vocabulary)
    sequences = _check_sequences("sequences", sequences, vocabulary)
    start = vocabulary  # the start marker: one past the last token

    def contexts(tokens):
        padded = np.concatenate([np.full(order - 1, start), tokens])
        return [tuple(padded[t : t + order - 1]) for t in range(len(tokens))]

    counts: dict[tuple, np.ndarray] = {}
    for tokens in train:
        for context, token in zip(contexts(tokens), tokens, strict=True):
            counts.setdefault(context, np.zeros(vocabulary))[token] += 1
    out = []
    for tokens in sequences:
        rows = [counts.get(context, np.zeros(vocabulary)) + alpha for context in contexts(tokens)]
        table = np.array(rows)
        out.append(table / table.sum(axis=1, keepdims=True))
    return out
