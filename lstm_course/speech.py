"""Speech plumbing for notebook 12: features, a digit-string composer, CTC helpers, metrics.

The models and their CTC training loop are in :mod:`lstm_course.speech_models`.

    audio, text = compose(load_digits("train"), 2000, rng)   # spoken digit strings, seeded
    x, lengths = log_mel_batch(audio)                        # (batch, frames, 40), (batch,)
    y, y_lengths = encode_labels(text)                       # digit d -> class d + 1; 0 = blank
    collapse([0, 4, 4, 0, 0, 2, 0, 2])                       # [4, 2, 2]: merge repeats, drop blanks
    digit_error_rate(["381"], ["31"])                        # 1/3: edit distance / reference length

Labels follow CTC with the blank at class 0 (``keras.ops.ctc_loss``'s default ``mask_index``),
so a model predicts ``1 + 10`` classes per frame.
"""

from __future__ import annotations

import functools

import numpy as np

from lstm_course._checks import (
    as_float_array,
    check_array,
    check_bool,
    check_finite,
    check_int,
    check_number,
    describe,
)

SAMPLE_RATE = 8000
BLANK = 0
CLASSES = 11  # blank + ten digits
FRAME_LENGTH, FRAME_STEP, FFT_LENGTH = 320, 160, 512  # 40 ms windows every 20 ms at 8 kHz
MELS = 40
STACK = 2  # frames stacked into one model step: 40 ms steps
INPUTS = STACK * MELS


# --- argument checks ------------------------------------------------------------------------------


def _check_clips(clips):
    from lstm_course.data.digits import DigitClips

    if not isinstance(clips, DigitClips):
        raise TypeError(f"clips must be a DigitClips (from load_digits), got {describe(clips)}")
    return clips


def _check_rng(rng) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy Generator (np.random.default_rng(seed)), got {describe(rng)}"
        )
    return rng


def _check_range(name: str, value, low: float, high: float) -> tuple[float, float]:
    """A (low, high) pair of finite numbers within [low, high], in order."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be a (low, high) pair of numbers, got {describe(value)}")
    a = check_number(f"{name}[0]", value[0], minimum=low, maximum=high)
    b = check_number(f"{name}[1]", value[1], minimum=low, maximum=high)
    if a > b:
        raise ValueError(f"{name} must have low <= high, got {value}")
    return a, b


def _check_audio_list(name: str, audio) -> list:
    """A non-empty list of non-empty 1-D finite float arrays."""
    if not isinstance(audio, (list, tuple)) or not audio:
        raise TypeError(
            f"{name} must be a non-empty list of 1-D audio arrays, got {describe(audio)}"
        )
    clips = []
    for i, clip in enumerate(audio):
        array = as_float_array(f"{name}[{i}]", clip, dtype=np.float32)
        if array.ndim != 1 or array.size == 0:
            raise ValueError(
                f"{name}[{i}] must be a non-empty 1-D array (samples,), got shape {array.shape}"
            )
        clips.append(check_finite(f"{name}[{i}]", array))
    return clips


def _check_texts(name: str, text) -> list:
    if not isinstance(text, (list, tuple)) or any(not isinstance(t, str) for t in text):
        raise TypeError(
            f"{name} must be a list of digit strings like ['381', '7'], got {describe(text)}"
        )
    bad = [t for t in text if t and not (t.isdigit() and t.isascii())]
    if bad:
        raise ValueError(f"{name} must hold digit strings like '381', got {bad[0]!r}")
    return list(text)


def _int_sequence(name: str, value, *, minimum: int | None = None) -> list:
    """A 1-D sequence of whole, finite numbers (class labels) as a list of ints."""
    array = check_finite(name, as_float_array(name, value))
    if array.ndim != 1 or np.any(array != np.round(array)):
        raise ValueError(
            f"{name} must be a 1-D sequence of whole class numbers, got {describe(value)}"
        )
    if minimum is not None and np.any(array < minimum):
        raise ValueError(
            f"{name} must hold class numbers >= {minimum}, got {array.astype(int).tolist()[:8]}"
        )
    return array.astype(np.int64).tolist()


def _check_probs(probs, lengths) -> tuple[np.ndarray, np.ndarray]:
    probs = check_array("probs", probs, ndim=3, shape_text="(batch, frames, classes)")
    if probs.shape[-1] != CLASSES:
        raise ValueError(
            f"probs must have {CLASSES} classes (blank + 10 digits), got {probs.shape[-1]}"
        )
    lengths = as_float_array("lengths", lengths)
    if lengths.shape != (probs.shape[0],) or np.any(lengths != np.round(lengths)):
        raise ValueError(
            f"lengths must be ({probs.shape[0]},) whole frame counts, got {describe(lengths)}"
        )
    if np.any(lengths < 1) or np.any(lengths > probs.shape[1]):
        raise ValueError(
            f"lengths must lie in 1..{probs.shape[1]}, got {lengths.astype(int).tolist()[:5]}"
        )
    return probs, lengths.astype(np.int64)


# --- features -----------------------------------------------------------------------------------


def frame_count(samples: int) -> int:
    """Frames that :func:`log_mel_batch` makes from ``samples`` samples (at least 1)."""
    samples = max(check_int("samples", samples, minimum=1), FRAME_LENGTH)
    return 1 + (samples - FRAME_LENGTH) // FRAME_STEP


def mel_matrix(mels: int = MELS) -> np.ndarray:
    """(FFT_LENGTH // 2 + 1, mels) float32 weights from ``tf.signal``'s mel filterbank (60-3800 Hz)."""
    return _mel_matrix(check_int("mels", mels, minimum=2, maximum=128)).copy()


@functools.lru_cache(maxsize=8)
def _mel_matrix(mels: int) -> np.ndarray:
    import tensorflow as tf

    weights = tf.signal.linear_to_mel_weight_matrix(
        mels, FFT_LENGTH // 2 + 1, SAMPLE_RATE, 60.0, 3800.0
    )
    return weights.numpy()


def log_mel(audio, *, mels: int = MELS) -> np.ndarray:
    """(samples,) audio at 8 kHz -> (frames, mels) log mel power, as ``tf.signal.stft`` frames it.

    Periodic Hann windows of 40 ms every 20 ms (no padding at the end), a 512-point FFT,
    power, a mel filterbank, then the log (floored at 1e-6).
    """
    (audio,) = _check_audio_list("audio", [audio])
    mels = check_int("mels", mels, minimum=2, maximum=128)
    if audio.size < FRAME_LENGTH:
        audio = np.pad(audio, (0, FRAME_LENGTH - audio.size))
    frames = np.lib.stride_tricks.sliding_window_view(audio, FRAME_LENGTH)[::FRAME_STEP]
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(FRAME_LENGTH) / FRAME_LENGTH)).astype(
        np.float32
    )
    power = np.abs(np.fft.rfft(frames * window, FFT_LENGTH)) ** 2
    return np.log(power.astype(np.float32) @ _mel_matrix(mels) + 1e-6)


def log_mel_batch(audio: list, *, mels: int = MELS, normalise: bool = True):
    """Log-mel features of a list of clips, padded with zeros to the longest.

    Args:
        audio: list of (samples,) float arrays at 8 kHz.
        mels: mel bands between 60 Hz and 3.8 kHz.
        normalise: subtract each clip's mean and divide by its standard deviation per band
            (cepstral mean and variance normalisation), which removes gain and channel colour.

    Returns:
        features: (batch, frames, mels) float32, zero beyond each clip's length.
        lengths: (batch,) int32 frames per clip.
    """
    audio = _check_audio_list("audio", audio)
    mels = check_int("mels", mels, minimum=2, maximum=128)
    normalise = check_bool("normalise", normalise)
    blocks = [log_mel(a, mels=mels) for a in audio]
    lengths = np.array([len(b) for b in blocks], dtype=np.int32)
    out = np.zeros((len(blocks), lengths.max(), mels), dtype=np.float32)
    for i, block in enumerate(blocks):
        if normalise:
            block = (block - block.mean(0)) / (block.std(0) + 1e-3)
        out[i, : len(block)] = block
    return out, lengths


def stack_frames(x, lengths, k: int = STACK):
    """Concatenate every ``k`` neighbouring frames: (batch, frames, mels) -> (batch, ceil(frames/k), k*mels).

    Halving the frame rate halves the LSTM's sequential steps (the cost on a CPU), while
    a digit still spans about ten 40 ms steps, enough for CTC's labels and blanks.
    """
    x = check_array("x", x, ndim=3, shape_text="(batch, frames, mels)", dtype=np.float32)
    k = check_int("k", k, minimum=1, maximum=16)
    lengths = as_float_array("lengths", lengths)
    if lengths.shape != (len(x),) or np.any(lengths != np.round(lengths)) or np.any(lengths < 1):
        raise ValueError(f"lengths must be ({len(x)},) frame counts >= 1, got {describe(lengths)}")
    if np.any(lengths > x.shape[1]):
        raise ValueError(f"lengths must not exceed the {x.shape[1]} frames of x")
    frames = -(-x.shape[1] // k) * k
    padded = np.zeros((len(x), frames, x.shape[2]), dtype=np.float32)
    padded[:, : x.shape[1]] = x
    out = padded.reshape(len(x), frames // k, k * x.shape[2])
    return out, (-(-lengths.astype(np.int64) // k)).astype(np.int32)


def features(audio: list, *, normalise: bool = True):
    """What the models read: log-mels (normalised per clip), ``STACK`` frames stacked (40 ms steps).

    Returns:
        x: (batch, steps, STACK * MELS) float32, zero-padded; lengths: (batch,) int32 steps.
    """
    return stack_frames(*log_mel_batch(audio, normalise=normalise))


# --- composing digit strings --------------------------------------------------------------------


def _perturb(audio: np.ndarray, rng, gain_db, snr_db, speed) -> np.ndarray:
    """Speed (resample by linear interpolation), gain and white noise at a random SNR."""
    factor = rng.uniform(*speed)
    positions = np.arange(0, audio.size - 1, factor)
    audio = np.interp(positions, np.arange(audio.size), audio)
    audio = audio * 10 ** (rng.uniform(*gain_db) / 20)
    power = np.mean(audio**2) + 1e-12
    noise = rng.normal(0.0, np.sqrt(power / 10 ** (rng.uniform(*snr_db) / 10)), audio.size)
    return np.clip(audio + noise, -1.0, 1.0).astype(np.float32)


def compose(
    clips,
    n: int,
    rng,
    *,
    min_digits: int = 1,
    max_digits: int = 6,
    whole: float = 0.25,
    gap=(0.03, 0.3),
    gain_db=(-12.0, 6.0),
    snr_db=(15.0, 40.0),
    speed=(0.85, 1.2),
):
    """``n`` spoken digit strings from a :class:`~lstm_course.data.digits.DigitClips`.

    Each string is, with probability ``whole``, one of the clips said in one breath; otherwise
    ``min_digits``..``max_digits`` isolated digits of one voice, glued with silent gaps of
    ``gap`` seconds. Then the whole string is sped up or slowed by a factor in ``speed``
    (which also shifts pitch), scaled by ``gain_db`` and given white noise at ``snr_db``.
    Pass ``gap=(g, g)``, ``gain_db=(0, 0)``, ``snr_db=(99, 99)``, ``speed=(1, 1)`` to switch
    a perturbation off.

    Returns:
        audio: list of n (samples,) float32 arrays in [-1, 1]; text: list of n digit strings.
    """
    clips = _check_clips(clips)
    n = check_int("n", n, minimum=1, maximum=1_000_000)
    rng = _check_rng(rng)
    min_digits = check_int("min_digits", min_digits, minimum=1, maximum=50)
    max_digits = check_int("max_digits", max_digits, minimum=min_digits, maximum=50)
    whole = check_number("whole", whole, minimum=0.0, maximum=1.0)
    gap = _check_range("gap", gap, 0.0, 5.0)
    gain_db = _check_range("gain_db", gain_db, -60.0, 20.0)
    snr_db = _check_range("snr_db", snr_db, -10.0, 200.0)
    speed = _check_range("speed", speed, 0.25, 4.0)
    single = {}
    for i, (t, v) in enumerate(zip(clips.text, clips.voice, strict=True)):
        if len(t) == 1:
            single.setdefault((int(v), int(t)), []).append(i)
    strings = [i for i, t in enumerate(clips.text) if len(t) > 1]
    voices = sorted({v for v, _ in single if all((v, d) in single for d in range(10))})
    if not voices and not strings:
        raise ValueError("clips must hold a voice with all ten digits, or whole strings")
    audio, text = [], []
    for _ in range(n):
        if strings and (not voices or rng.random() < whole):
            pick = strings[rng.integers(len(strings))]
            pieces, said = [np.asarray(clips.audio[pick], np.float64)], clips.text[pick]
        else:
            voice = voices[rng.integers(len(voices))]
            digits = rng.integers(0, 10, rng.integers(min_digits, max_digits + 1))
            pieces, said = [], "".join(map(str, digits))
            for d in digits:
                takes = single[(voice, int(d))]
                pieces.append(np.asarray(clips.audio[takes[rng.integers(len(takes))]], np.float64))
                pieces.append(np.zeros(int(rng.uniform(*gap) * SAMPLE_RATE)))
            pieces = pieces[:-1]
        edge = [np.zeros(int(rng.uniform(0.05, 0.25) * SAMPLE_RATE)) for _ in range(2)]
        audio.append(
            _perturb(np.concatenate([edge[0], *pieces, edge[1]]), rng, gain_db, snr_db, speed)
        )
        text.append(said)
    return audio, text


# --- labels and CTC decoding --------------------------------------------------------------------


def encode_labels(text: list):
    """Digit strings -> (batch, longest) int32 classes (digit + 1, zero-padded), (batch,) lengths."""
    text = _check_texts("text", text)
    if not text or not all(text):
        raise ValueError(
            f"text must be a non-empty list of non-empty digit strings, got {text[:3]}"
        )
    labels = np.zeros((len(text), max(len(t) for t in text)), dtype=np.int32)
    for row, t in zip(labels, text, strict=True):
        row[: len(t)] = [int(c) + 1 for c in t]
    return labels, np.array([len(t) for t in text], dtype=np.int32)


def collapse(path, blank: int = BLANK) -> list:
    """A CTC path -> its labels: merge runs of the same class, then drop blanks."""
    blank = check_int("blank", blank, minimum=0)
    out, previous = [], None
    for label in _int_sequence("path", path, minimum=0):
        if label != previous and label != blank:
            out.append(label)
        previous = label
    return out


def labels_to_text(labels) -> str:
    """Classes 1..10 -> the digit string ('0'..'9'); anything else is refused."""
    labels = _int_sequence("labels", labels)
    if any(not 1 <= c <= 10 for c in labels):
        raise ValueError(f"labels must be digit classes 1..10, got {labels}")
    return "".join(str(c - 1) for c in labels)


def greedy_decode(probs, lengths) -> list:
    """Best class per frame, collapsed: (batch, frames, classes), (batch,) -> digit strings."""
    probs, lengths = _check_probs(probs, lengths)
    best = probs.argmax(-1)
    return [labels_to_text(collapse(best[i, : int(n)])) for i, n in enumerate(lengths)]


def beam_decode(probs, lengths, beam_width: int = 8) -> list:
    """CTC prefix beam search (``keras.ops.ctc_decode``): same shapes as :func:`greedy_decode`."""
    import keras

    probs, lengths = _check_probs(probs, lengths)
    beam_width = check_int("beam_width", beam_width, minimum=1, maximum=256)
    # ctc_decode wants logits: the log of the posteriors is one (softmax(log p) = p)
    logits = np.log(np.maximum(probs, 1e-30)).astype(np.float32)
    decoded, _ = keras.ops.ctc_decode(
        logits,
        lengths.astype(np.int32),
        strategy="beam_search",
        beam_width=beam_width,
        top_paths=1,
        mask_index=BLANK,
    )
    best = np.asarray(decoded)[0]
    return [labels_to_text([c for c in row if c > 0]) for row in best]


def count_alignments(labels, frames: int, blank: int = BLANK) -> int:
    """How many length-``frames`` CTC paths collapse to ``labels`` (the sum CTC's loss runs over)."""
    frames = check_int("frames", frames, minimum=0, maximum=10_000)
    blank = check_int("blank", blank, minimum=0)
    labels = _int_sequence("labels", labels, minimum=0)
    if blank in labels:
        raise ValueError(f"labels must not contain the blank ({blank}), got {labels}")
    states = [blank]
    for c in labels:
        states += [c, blank]
    ways = np.zeros(len(states), dtype=object)  # Python ints: counts grow fast
    if frames == 0:
        return int(not labels)
    ways[0] = 1
    if len(states) > 1:
        ways[1] = 1
    for _ in range(frames - 1):
        new = ways.copy()
        for s in range(1, len(states)):
            new[s] += ways[s - 1]
            if s >= 2 and states[s] != blank and states[s] != states[s - 2]:
                new[s] += ways[s - 2]
        ways = new
    return int(ways[-1] + (ways[-2] if len(states) > 1 else 0))


# --- metrics ------------------------------------------------------------------------------------


def edit_distance(reference, hypothesis) -> int:
    """Levenshtein distance: fewest insertions, deletions and substitutions (sequences)."""
    ref, hyp = _sequence("reference", reference), _sequence("hypothesis", hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        diagonal, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (r != h))
    return row[-1]


def _sequence(name: str, value) -> list:
    """A string, or a 1-D sequence of whole numbers (class labels), as a list."""
    if isinstance(value, str):
        return list(value)
    return _int_sequence(name, value)


def _pairs(references, hypotheses) -> tuple[list, list]:
    references, hypotheses = (
        _check_texts("references", references),
        _check_texts("hypotheses", hypotheses),
    )
    if len(references) != len(hypotheses) or not references:
        raise ValueError(
            f"need as many hypotheses as references (> 0), got {len(references)} and {len(hypotheses)}"
        )
    return references, hypotheses


def digit_error_rate(references, hypotheses) -> float:
    """Total edit distance / total reference length (can exceed 1 with many insertions)."""
    references, hypotheses = _pairs(references, hypotheses)
    total = sum(len(r) for r in references)
    if total == 0:
        raise ValueError("references are all empty: the error rate is undefined")
    return sum(edit_distance(r, h) for r, h in zip(references, hypotheses, strict=True)) / total


def string_accuracy(references, hypotheses) -> float:
    """Fraction of strings decoded exactly."""
    references, hypotheses = _pairs(references, hypotheses)
    return float(np.mean([r == h for r, h in zip(references, hypotheses, strict=True)]))


def evaluation_set(clips, n: int, seed: int, *, max_digits: int = 6):
    """A fixed test set: :func:`compose` with natural speed, gain and noise at 20-40 dB SNR."""
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    max_digits = check_int("max_digits", max_digits, minimum=1, maximum=50)
    return compose(clips, n, rng, max_digits=max_digits, speed=(1.0, 1.0), snr_db=(20.0, 40.0))
