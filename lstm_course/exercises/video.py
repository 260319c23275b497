"""Checks for notebook 08 (video): every call draws fresh inputs from ``rng``.

Each check computes the reference itself and, on a wrong answer, tries the usual mistakes
one by one so that the hint names the one made. Pure NumPy: importing stays cheap.
"""

from __future__ import annotations

import numpy as np

from lstm_course._checks import check_array, check_callable, check_int
from lstm_course.exercises import WrongAnswer, as_array, call_answer, compare_arrays, passed
from lstm_course.exercises.registry import exercise

# --- 08.1: the order-blind summary of a clip ---------------------------------------------------

NAME_1 = "08.1 bag of frames"


def _features(rng) -> np.ndarray:
    """(batch, frames, features) per-frame features, three different sizes, not symmetric."""
    batch, frames, width = rng.choice(np.arange(2, 9), size=3, replace=False)
    return rng.normal(rng.uniform(-1, 1), 1.0, (int(batch), int(frames), int(width)))


@exercise(
    "08.1",
    "a bag of frames",
    points=1,
    difficulty=1,
    assesses="averaging per-frame features over the time axis of (batch, frames, features)",
)
def check_bag_of_frames(bag_of_frames, rng) -> None:
    """``bag_of_frames(features)`` -> (batch, features), the mean over frames."""
    for _ in range(3):
        features = _features(rng)
        batch, frames, width = features.shape
        got = call_answer(NAME_1, bag_of_frames, features.copy())
        shape = as_array(NAME_1, got, what="bag_of_frames(features)").shape
        if shape == (frames, width):
            raise WrongAnswer(NAME_1, "you averaged over the batch axis (0); frames are axis 1")
        if shape == (batch, frames):
            raise WrongAnswer(NAME_1, "you averaged over the feature axis; frames are axis 1")
        compare_arrays(
            NAME_1,
            got,
            features.mean(axis=1),
            what="bag_of_frames(features)",
            mistakes={
                "you summed the frames: divide by their number": features.sum(axis=1),
                "that is the last frame alone, not a summary of all frames": features[:, -1],
                "that is the first frame alone, not a summary of all frames": features[:, 0],
                "that is the largest value over frames; the model averages": features.max(axis=1),
            },
        )
    passed(NAME_1, "Shuffle the frames and the bag does not change: order is gone.")


# --- 08.2: frames needed after a change of action ----------------------------------------------

NAME_2 = "08.2 change delays"


def reference_change_delays(predicted, true, horizon: int) -> np.ndarray:
    """Delay after each change of ``true``: frames until ``predicted`` first equals the new label.

    Args:
        predicted, true: (frames,) integer labels of a stream.
        horizon: frames searched after each change; a change never recognised counts ``horizon``.

    Returns:
        (changes,) int64: 0 when the prediction is right at the first frame of the new action.
    """
    predicted = check_array("predicted", predicted, ndim=1)
    true = check_array("true", true, ndim=1)
    if predicted.shape != true.shape:
        raise ValueError(
            f"predicted and true must have the same length, got {len(predicted)} and {len(true)}"
        )
    for name, labels in (("predicted", predicted), ("true", true)):
        if not np.array_equal(labels, np.round(labels)):
            raise ValueError(
                f"{name} must hold integer labels, got {labels[labels != np.round(labels)][:3]}"
            )
    horizon = check_int("horizon", horizon, minimum=1)
    delays = []
    for start in np.flatnonzero(np.diff(true)) + 1:
        right = np.flatnonzero(predicted[start : start + horizon] == true[start])
        delays.append(int(right[0]) if len(right) else horizon)
    return np.array(delays, dtype=np.int64)


def _stream(rng) -> tuple[np.ndarray, np.ndarray, int]:
    """True labels in segments, and predictions that follow them late, with some slips."""
    segments = int(rng.integers(4, 8))
    lengths = rng.integers(6, 14, segments)
    labels = [0]
    for _ in range(segments - 1):
        labels.append(int((labels[-1] + rng.integers(1, 5)) % 5))
    true = np.repeat(labels, lengths)
    predicted = true.copy()
    for start, length in zip(np.cumsum(lengths)[:-1], lengths[1:], strict=True):
        lag = int(rng.integers(0, length + 3))  # sometimes longer than the segment: never seen
        predicted[start : start + lag] = true[start - 1]
    predicted[rng.random(len(true)) < 0.05] = 7  # an occasional wrong frame
    horizon = int(rng.integers(5, 12))
    return predicted, true, horizon


@exercise(
    "08.2",
    "frames needed after a change of action",
    points=2,
    difficulty=2,
    assesses="finding the changes of a label stream and measuring the recognition delay after each",
)
def check_change_delays(change_delays, rng) -> None:
    """``change_delays(predicted, true, horizon)`` -> (changes,) ints (see the prompt)."""
    for _ in range(4):
        predicted, true, horizon = _stream(rng)
        expected = reference_change_delays(predicted, true, horizon)
        got = call_answer(NAME_2, change_delays, predicted.copy(), true.copy(), horizon)
        array = as_array(NAME_2, got, what="the delays")
        if array.shape == (len(expected) + 1,):
            raise WrongAnswer(
                NAME_2, "one delay too many: the stream's first frame is not a change of action"
            )
        unlimited = reference_change_delays(predicted, true, len(true))
        compare_arrays(
            NAME_2,
            array,
            expected,
            what="the delays",
            mistakes={
                "off by one: a prediction right at the change's first frame has delay 0": np.where(
                    expected < horizon, expected + 1, horizon
                ),
                "off by one: count from the first frame of the new action, not the last of the "
                "old one": expected + 1,
                "a change never recognised within `horizon` frames counts as `horizon`": np.where(
                    expected == horizon, -1, expected
                ),
                "search only `horizon` frames after each change": unlimited,
            },
        )
    passed(NAME_2)


# --- 08.3: which input frames move which outputs? -----------------------------------------------

NAME_3 = "08.3 influence matrix"


def reference_influence(predict, frames) -> np.ndarray:
    """(T, T) 0/1: entry [t, s] is 1 when changing input frame s changes output frame t."""
    predict = check_callable("predict", predict)
    frames = check_array("frames", frames, ndim=(2, 3, 4), shape_text="(frames, ...)")
    base = np.asarray(predict(frames))
    if base.shape[:1] != frames.shape[:1]:
        raise ValueError(
            f"predict must return one output per input frame: {len(frames)} frames gave "
            f"an output of shape {base.shape}"
        )
    influence = np.zeros((len(frames), len(frames)), dtype=np.int64)
    for s in range(len(frames)):
        probe = frames.copy()
        probe[s] += 1.0
        moved = np.abs(np.asarray(predict(probe)) - base).reshape(len(frames), -1).max(axis=1)
        influence[:, s] = moved > 0
    return influence


def _temporal_model(rng):
    """A random model over (T, H, W) frames: a temporal filter (maybe looking ahead) or a recurrence."""
    kind = rng.choice(["filter", "recurrent"])
    if kind == "recurrent":
        decay, weight = rng.uniform(0.3, 0.9), rng.uniform(0.5, 2.0)
        ahead = int(rng.integers(0, 2))

        def predict(frames):
            frames = np.asarray(frames, dtype=np.float64)
            state, out = 0.0, []
            means = frames.reshape(len(frames), -1).mean(axis=1)
            for t in range(len(frames)):
                state = np.tanh(decay * state + weight * means[t])
                peek = means[t + 1] if ahead and t + 1 < len(frames) else 0.0
                out.append(np.full(frames.shape[1:], state + peek))
            return np.array(out)

        return predict
    past, ahead = int(rng.integers(0, 3)), int(rng.integers(0, 2))
    weights = rng.uniform(0.5, 1.5, past + ahead + 1)

    def predict(frames):  # a Conv3D-like filter over time with zero padding
        frames = np.asarray(frames, dtype=np.float64)
        padded = np.concatenate(
            [np.zeros((past, *frames.shape[1:])), frames, np.zeros((ahead, *frames.shape[1:]))]
        )
        return np.tanh(sum(w * padded[k : k + len(frames)] for k, w in enumerate(weights)))

    return predict


@exercise(
    "08.3",
    "which input frames move which outputs",
    points=4,
    difficulty=3,
    assesses="probing a sequence model by perturbing one input frame at a time, to detect a future leak",
)
def check_influence(influence, rng) -> None:
    """``influence(predict, frames)`` -> (T, T) of 0/1 (or bools): [t, s] = s moves t."""
    for _ in range(4):
        frames = rng.normal(0, 1, (int(rng.integers(5, 10)), *rng.integers(2, 5, 2)))
        predict = _temporal_model(rng)
        expected = reference_influence(predict, frames)
        got = call_answer(NAME_3, influence, predict, frames.copy())
        if got is None:
            raise WrongAnswer(NAME_3, "the result is None — did you forget to `return` it?")
        if isinstance(got, np.ndarray) and got.dtype == bool:
            got = got.astype(np.int64)  # booleans are a fine way to write 0/1
        elif (
            isinstance(got, list)
            and got
            and all(isinstance(row, list) and all(isinstance(v, bool) for v in row) for row in got)
        ):
            got = [[int(v) for v in row] for row in got]
        upper = np.triu(np.ones_like(expected), 1)
        compare_arrays(
            NAME_3,
            got,
            expected,
            what="the influence matrix",
            mistakes={
                "rows are outputs t and columns inputs s: your matrix is transposed": expected.T,
                "the entries above the diagonal are 0 without being measured: a model can "
                "look ahead, probe every input frame": expected * (1 - upper),
                "every entry is 1: compare each output frame separately, not the whole output": np.ones_like(
                    expected
                ),
                "every entry is 0: did the perturbed frame really differ from the original?": np.zeros_like(
                    expected
                ),
            },
        )
    passed(NAME_3, "A 1 above the diagonal is a future leak.")
