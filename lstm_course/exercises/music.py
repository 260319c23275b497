"""Checks for notebook 07 (music): every call draws fresh inputs from ``rng``."""

from __future__ import annotations

import numpy as np

from lstm_course.exercises import WrongAnswer, as_array, call_answer, compare_arrays, passed
from lstm_course.exercises.registry import exercise
from lstm_course.music_baselines import flip_probabilities
from lstm_course.sampling import tempered_probabilities

KEYS = 88


def _shape_of(value) -> tuple | None:
    """The shape of an answer, or None when it has none (ragged lists, objects, None)."""
    if value is None or isinstance(value, (str, bytes, dict)):
        return None
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):
        return None
    return array.shape if array.dtype.kind in "iufb" else None


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return np.log(p) - np.log1p(-p)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(z, -700, 700)))


# --- 07.2: temperature for 88 independent coins ----------------------------------------------

NAME_1 = "temperature for Bernoulli outputs"


def _temperature_mistakes(p: np.ndarray, temperature: float) -> dict[str, np.ndarray]:
    power = np.clip(p, 0, 1) ** (1 / temperature)
    scaled = np.exp(np.log(np.clip(p, 1e-12, 1)) / temperature)
    softmax = scaled / scaled.sum(axis=-1, keepdims=True)
    return {
        "raising p to the power 1/T is the softmax recipe for one choice among many; for one "
        "coin it sharpens 'on' but not 'off'. Divide the log-odds ln(p / (1 - p)) by T, then "
        "apply the sigmoid": power,
        "T < 1 should sharpen (push p away from 0.5) and T > 1 flatten: you multiplied the "
        "log-odds by T instead of dividing": _sigmoid(_logit(p) * temperature),
        "the temperature changed nothing: divide the log-odds by T": p,
        "normalising over the 88 keys turns them into one choice among 88; each key is its "
        "own coin, tempered on its own": softmax,
        "apply the sigmoid to logit(p) / T, not to p / T": _sigmoid(p / temperature),
        "these are log-odds: pass logit(p) / T through the sigmoid to get probabilities": _logit(p)
        / temperature,
        "dividing the probability by T is not a temperature (it can exceed 1): divide the "
        "log-odds": np.clip(p / temperature, 0, 1),
    }


@exercise(
    "07.2",
    "temperature for Bernoulli outputs",
    points=2,
    difficulty=2,
    assesses="tempering independent Bernoulli probabilities through their log-odds, "
    "sigmoid(logit(p) / T), keeping 0 and 1 finite",
)
def check_tempered(tempered, rng) -> None:
    """``tempered(probabilities, temperature)`` -> same shape: sigmoid(logit(p) / T)."""
    low, high = float(rng.choice([0.3, 0.5, 0.7])), float(rng.choice([1.5, 2.0, 3.0]))
    for temperature in (low, high, 1.0):
        p = rng.uniform(0.02, 0.98, size=(int(rng.integers(2, 6)), KEYS))
        array = _tempered_answer(tempered, p, temperature)
        mistakes = {} if temperature == 1.0 else _temperature_mistakes(p, temperature)
        compare_arrays(
            NAME_1,
            array,
            tempered_probabilities(p, temperature),
            what=f"tempered(p, {temperature})",
            rtol=1e-6,
            atol=1e-9,
            mistakes=mistakes,
        )
    # A model can be certain: p = 0 and p = 1 must stay (close to) 0 and 1, and finite.
    p = rng.uniform(0.02, 0.98, size=(2, KEYS))
    certain = rng.choice(KEYS, size=4, replace=False)
    p[0, certain[:2]], p[1, certain[2:]] = 0.0, 1.0
    array = _tempered_answer(tempered, p, low)
    extreme = (p == 0) | (p == 1)
    if np.any(np.abs(array[extreme] - p[extreme]) > 0.01):
        raise WrongAnswer(
            NAME_1, "a probability of exactly 0 or 1 must stay (close to) 0 or 1 when tempered"
        )
    compare_arrays(
        NAME_1,
        np.where(extreme, 0.5, array),
        np.where(extreme, 0.5, tempered_probabilities(p, low)),
        what=f"tempered(p, {low}) where p is between 0 and 1",
    )
    passed(NAME_1, "Below T = 1 the music gets safer, above it wilder.")


def _tempered_answer(tempered, p: np.ndarray, temperature: float) -> np.ndarray:
    what = f"tempered(p, {temperature})"
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        got = call_answer(NAME_1, tempered, p.copy(), temperature)
    if _shape_of(got) == p.shape and np.all(np.isin(np.asarray(got), (0, 1))):
        raise WrongAnswer(NAME_1, "return the tempered probabilities, not 0/1 samples")
    if _shape_of(got) == p.shape and not np.all(np.isfinite(np.asarray(got, dtype=float))):
        raise WrongAnswer(
            NAME_1,
            f"{what} contains inf or nan: where p is exactly 0 or 1 the log-odds are infinite "
            "— clip p to [1e-12, 1 - 1e-12] first (or make sure inf turns into 0 or 1)",
        )
    return as_array(NAME_1, got, what=what, shape=p.shape)


# --- 07.1: repeat the previous frame, with learned flips ------------------------------------

NAME_2 = "learned flip probabilities"


def _markov_rolls(rng, pieces: int) -> list[np.ndarray]:
    """Pieces whose keys switch on and off like a slow Markov chain (with chords held)."""
    rolls = []
    active = rng.choice(KEYS, size=12, replace=False)  # the keys that ever sound
    switch_on, switch_off = rng.uniform(0.05, 0.3, 12), rng.uniform(0.1, 0.5, 12)
    for _ in range(pieces):
        frames = int(rng.integers(6, 30))
        roll = np.zeros((frames, KEYS))
        state = rng.random(12) < 0.5  # pieces start (and end) with notes sounding
        for t in range(frames):
            roll[t, active] = state
            flip = np.where(state, rng.random(12) < switch_off, rng.random(12) < switch_on)
            state = state ^ flip
        roll[0, active[:3]] = 1
        roll[-1, active[:3]] = 1
        rolls.append(roll)
    return rolls


def _flip_counts(rolls, *, from_silence: bool = True) -> np.ndarray:
    """(88, 2, 2) counts of (key, state before, state now) within each piece."""
    counts = np.zeros((KEYS, 2, 2))
    for roll in rolls:
        before = np.vstack([np.zeros((1, KEYS)), roll[:-1]]) if from_silence else roll[:-1]
        now = roll if from_silence else roll[1:]
        for was in (0, 1):
            for is_on in (0, 1):
                counts[:, was, is_on] += np.sum((before == was) & (now == is_on), axis=0)
    return counts


def _smoothed(counts: np.ndarray, add_on: float = 1.0, add_total: float = 2.0) -> np.ndarray:
    return (counts[:, :, 1] + add_on) / (counts.sum(axis=2) + add_total)


@exercise(
    "07.1",
    "repeat the previous frame, with learned flips",
    points=3,
    difficulty=2,
    assesses="estimating per-key transition probabilities from counts within each piece, "
    "from a silent frame before it, with add-one smoothing",
)
def check_fit_flips(fit_flips, rng) -> None:
    """``fit_flips(rolls)`` -> (88, 2): P(on | off before), P(on | on before) per key."""
    rolls = _markov_rolls(rng, int(rng.integers(3, 7)))
    got = call_answer(NAME_2, fit_flips, [roll.copy() for roll in rolls])
    if _shape_of(got) == (2, KEYS):
        raise WrongAnswer(NAME_2, "got shape (2, 88): one row per key, (88, 2) — transpose it")
    if _shape_of(got) == (KEYS, 2) and not np.all(np.isfinite(np.asarray(got, dtype=float))):
        raise WrongAnswer(
            NAME_2,
            "nan or inf for keys that never sound: smooth the counts, "
            "P = (count + 1) / (total + 2), so an unseen event is unlikely, not impossible",
        )
    expected = flip_probabilities(rolls, alpha=1.0)
    counts = _flip_counts(rolls)
    pooled = _smoothed(counts.sum(axis=0, keepdims=True))  # all keys counted together
    mistakes = {
        "column 0 is P(on | off before) and column 1 is P(on | on before): they are "
        "swapped": expected[:, ::-1],
        "these are the chances of being OFF: return the probability that each key is on": 1
        - expected,
        "you counted across pieces, as if they were one long piece: count transitions within "
        "each piece (each starts after a silent frame)": _smoothed(
            _flip_counts([np.vstack(rolls)])
        ),
        "each piece's first frame follows a silent frame: count that transition too": _smoothed(
            _flip_counts(rolls, from_silence=False)
        ),
        "add one to both outcomes: P(on) = (on + 1) / (on + off + 2), two outcomes, two "
        "pseudo-counts": _smoothed(counts, 1.0, 1.0),
        "count each key on its own: every key gets its own two probabilities": np.repeat(
            pooled, KEYS, axis=0
        ),
    }
    compare_arrays(NAME_2, got, expected, what="fit_flips(rolls)", rtol=1e-6, mistakes=mistakes)
    passed(NAME_2, "Each key now repeats itself, with a learned chance of changing.")


# --- 07.3: continue a piece --------------------------------------------------------------------

NAME_3 = "continue a piece"


class _Recorder:
    """A test model that records what it was fed and checks the state is threaded."""

    def __init__(self, probabilities):
        self.probabilities = probabilities  # callable: frame -> (88,) probabilities
        self.fed: list[np.ndarray] = []
        self.broken_state = False

    def __call__(self, frame, state):
        expected = len(self.fed) if self.fed else None
        if state != expected:
            self.broken_state = True
        self.fed.append(np.array(frame, dtype=float, copy=True))
        return self.probabilities(np.asarray(frame, dtype=float)), len(self.fed)


def _continuation(continue_piece, model, primer, steps, temperature, seed) -> np.ndarray:
    got = call_answer(
        NAME_3,
        continue_piece,
        model,
        primer.copy(),
        steps,
        temperature,
        np.random.default_rng(seed),
    )
    if _shape_of(got) == (len(primer) + steps, KEYS):
        raise WrongAnswer(NAME_3, "return only the new frames, (steps, 88), without the primer")
    return as_array(NAME_3, got, what="the continuation", shape=(steps, KEYS))


def _check_feeding(model: _Recorder, primer: np.ndarray, out: np.ndarray) -> None:
    if model.broken_state:
        raise WrongAnswer(
            NAME_3,
            "the model's state was not passed on: start with state=None, then give each call "
            "the state the previous call returned",
        )
    fed = model.fed
    if len(fed) < len(primer) or not all(
        np.array_equal(f, x) for f, x in zip(fed, primer, strict=False)
    ):
        raise WrongAnswer(
            NAME_3, "feed every primer frame to the model, first to last, before sampling"
        )
    later = fed[len(primer) :]
    if any(not np.all((f == 0) | (f == 1)) for f in later):
        raise WrongAnswer(
            NAME_3, "feed back the sampled frame (0/1), not the probabilities it came from"
        )
    if len(later) not in (len(out) - 1, len(out)) or not all(
        np.array_equal(f, x) for f, x in zip(later, out, strict=False)
    ):
        raise WrongAnswer(
            NAME_3,
            "after the primer, each new frame must be fed back to the model to predict the next",
        )


@exercise(
    "07.3",
    "continue a piece",
    points=5,
    difficulty=3,
    assesses="the generation loop: priming a stateful model, sampling each key as its own "
    "tempered coin from the given rng, and feeding samples back",
)
def check_continue_piece(continue_piece, rng) -> None:
    """``continue_piece(step, primer, steps, temperature, rng)`` -> (steps, 88) of 0/1."""
    # 1. a model that repeats its input: the continuation holds the primer's last chord
    primer = (rng.random((int(rng.integers(3, 7)), KEYS)) < 0.05).astype(float)
    chord = rng.choice(KEYS, size=4, replace=False)
    primer[-1] = 0
    primer[-1, chord] = 1
    copier = _Recorder(lambda frame: np.clip(frame, 1e-9, 1 - 1e-9))
    steps = int(rng.integers(4, 9))
    out = _continuation(continue_piece, copier, primer, steps, 1.0, int(rng.integers(2**31)))
    _check_feeding(copier, primer, out)
    if not np.array_equal(out, np.repeat(primer[-1:], steps, axis=0)):
        raise WrongAnswer(
            NAME_3,
            "with a model that surely repeats its input, the continuation must hold the "
            "primer's last frame: sample the first new frame from the probabilities the model "
            "gave after the LAST primer frame",
        )
    # 2. a model with fixed probabilities: each key must be its own tempered coin
    p = rng.uniform(0.05, 0.95, KEYS)
    temperature = float(rng.choice([0.5, 0.7, 1.6, 2.0]))
    steps, seed = 1500, int(rng.integers(2**31))
    fixed = _Recorder(lambda frame: p)
    out = _continuation(continue_piece, fixed, np.zeros((2, KEYS)), steps, temperature, seed)
    _check_feeding(fixed, np.zeros((2, KEYS)), out)
    if not np.all((out == 0) | (out == 1)):
        raise WrongAnswer(NAME_3, "the new frames must hold 0s and 1s (samples)")
    _check_statistics(out, p, temperature)
    again = _continuation(
        continue_piece, _Recorder(lambda frame: p), np.zeros((2, KEYS)), steps, temperature, seed
    )
    if not np.array_equal(again, out):
        raise WrongAnswer(
            NAME_3,
            "two calls with equally seeded rngs gave different music: draw every random "
            "number from the rng argument (rng.random(88)), not from np.random",
        )
    passed(NAME_3, "Prime, sample, feed back: the loop behind every generated piece.")


def _check_statistics(out: np.ndarray, p: np.ndarray, temperature: float) -> None:
    rate = out.mean(axis=0)
    if np.all(out.std(axis=0) == 0):
        raise WrongAnswer(
            NAME_3,
            "every frame is the same: you kept the likely keys (p > 0.5) instead of sampling. "
            "Switch each key on when a uniform random number falls below its probability",
        )
    varying = (rate > 0.15) & (rate < 0.85)
    if varying.sum() > 10:
        together = np.corrcoef(out[:, varying].T)
        if np.mean(together[np.triu_indices(int(varying.sum()), 1)]) > 0.2:
            raise WrongAnswer(
                NAME_3,
                "the keys switch on together: draw a separate random number for every key "
                "(rng.random(88)), not one number per frame",
            )
    candidates = {
        None: tempered_probabilities(p, temperature),
        "the temperature was not applied: temper the probabilities before sampling": p,
        "the temperature works the wrong way round: divide the log-odds by T, do not "
        "multiply": _sigmoid(_logit(p) * temperature),
        "raising p to the power 1/T is not a temperature for a coin: divide the log-odds by "
        "T (exercise 07.2)": p ** (1 / temperature),
    }
    n = len(out)
    scores = {}
    for hint, q in candidates.items():
        q = np.clip(q, 1e-6, 1 - 1e-6)
        scores[hint] = float(np.sum((rate - q) ** 2 / (q * (1 - q) / n)))  # chi-square, 88 dof
    best = min(scores, key=scores.get)
    if scores[None] > 88 + 6 * np.sqrt(2 * 88):  # far outside the chi-square's spread
        hint = best or (
            "the keys are not switched on at their tempered rates: sample key k with "
            "probability sigmoid(logit(p_k) / T)"
        )
        raise WrongAnswer(NAME_3, hint)
