"""Spoken digits at 8 kHz: synthetic voices (espeak-ng), one human voice, and .wav folders.

    train = load_digits("train")          # synthetic voices the model may learn from
    test = load_digits("test")            # other voices: never in train or val
    human = load_human_digits()           # Allison Smith reading 0-9 (asterisk prompts)
    clips = load_wav_folder("recordings") # FSDD layout: 7_jackson_32.wav -> "7"

Each loader returns a :class:`DigitClips`: ``audio`` (a list of float32 arrays in [-1, 1] at
:data:`SAMPLE_RATE`), ``text`` (the digits spoken, e.g. ``"7"`` or ``"3814"``), ``voice``
(an int per clip) and ``voices`` (their names).

The snapshots store audio as 8-bit mu-law (G.711's curve, as telephones do), which halves
the size of 16-bit audio for a loss that 8 kHz speech hardly shows; :func:`mulaw_decode`
turns the codes back into floats. The codes are stored as differences of neighbouring codes
(:func:`delta_encode`), which the zip inside an ``.npz`` packs about 11 % smaller.

``load_wav_folder`` reads uncompressed PCM .wav files with the standard library's
:mod:`wave` (8-, 16- or 32-bit, mono or stereo: channels are averaged). A file at another
sampling rate is resampled to ``sample_rate`` with a polyphase filter
(:func:`scipy.signal.resample_poly`) unless ``resample=False``, which refuses it instead.
Refused with :class:`DigitDataError`, naming the file and what was expected: a missing or
empty folder, a name without a digit transcript, a file :mod:`wave` cannot read, a file with
no samples, and a silent file (peak below ``silence``).
"""

from __future__ import annotations

import os
import re
import wave
from dataclasses import dataclass
from math import gcd
from pathlib import Path

import numpy as np

from lstm_course._checks import (
    as_float_array,
    check_bool,
    check_choice,
    check_finite,
    check_int,
    check_number,
    check_path,
    describe,
)
from lstm_course.data.registry import DatasetError, dataset_path

SAMPLE_RATE = 8000
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
SYNTH_FILE = "spoken_digits_espeak.npz"
HUMAN_FILE = "spoken_digits_human.npz"
SPLITS = ("train", "val", "test", "all")
MU = 255.0
_NAME = re.compile(r"([0-9]+)(?:_.*)?\.wav", re.IGNORECASE)


class DigitDataError(DatasetError):
    """Spoken-digit audio breaks the loader's promises; the message names which and how."""


@dataclass(frozen=True)
class DigitClips:
    """Clips with transcripts: ``audio[i]`` is (samples,) float32 saying ``text[i]``."""

    audio: list
    text: list
    voice: np.ndarray
    voices: tuple
    sample_rate: int = SAMPLE_RATE

    def __len__(self) -> int:
        return len(self.audio)

    def subset(self, mask) -> DigitClips:
        """The clips where ``mask`` (bool, one per clip) is true."""
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != (len(self),):
            raise ValueError(f"mask must have shape ({len(self)},), got {mask.shape}")
        keep = np.flatnonzero(mask)
        return DigitClips(
            [self.audio[i] for i in keep],
            [self.text[i] for i in keep],
            self.voice[keep],
            self.voices,
            self.sample_rate,
        )

    def isolated(self) -> DigitClips:
        """Only the clips that say a single digit."""
        return self.subset([len(t) == 1 for t in self.text])

    def strings(self) -> DigitClips:
        """Only the clips that say two or more digits in one breath."""
        return self.subset([len(t) > 1 for t in self.text])


# --- mu-law -------------------------------------------------------------------------------------


def mulaw_encode(audio) -> np.ndarray:
    """Float audio in [-1, 1] (any shape) -> int8 mu-law codes (values beyond ±1 are clipped)."""
    x = np.clip(check_finite("audio", as_float_array("audio", audio)), -1.0, 1.0)
    y = np.sign(x) * np.log1p(MU * np.abs(x)) / np.log1p(MU)
    return np.clip(np.rint(y * 127.0), -127, 127).astype(np.int8)


def mulaw_decode(codes) -> np.ndarray:
    """int8 mu-law codes -> float32 audio in [-1, 1], the inverse of :func:`mulaw_encode`."""
    raw = np.asarray(codes) if not isinstance(codes, (str, bytes, dict)) else None
    if raw is None or raw.dtype == bool or raw.dtype.kind not in "iu":
        kind = describe(codes) if raw is None else f"dtype {raw.dtype}"
        raise TypeError(f"codes must be an int8 array (mu-law), got {kind}")
    if raw.size and (raw.min() < -128 or raw.max() > 127):
        raise ValueError(f"codes must lie in -128..127 (int8), got {raw.min()}..{raw.max()}")
    y = raw.astype(np.float64) / 127.0
    return (np.sign(y) * np.expm1(np.abs(y) * np.log1p(MU)) / MU).astype(np.float32)


def _small_ints(name: str, value, dtype, expected: str) -> np.ndarray:
    """A 1-D integer array-like whose values fit ``dtype``, as that dtype."""
    raw = np.asarray(value) if not isinstance(value, (str, bytes, dict)) else None
    if raw is None or raw.dtype == bool or raw.dtype.kind not in "iu" or raw.ndim != 1:
        kind = describe(value) if raw is None else f"dtype {raw.dtype}, shape {raw.shape}"
        raise TypeError(f"{name} must be {expected}, got {kind}")
    info = np.iinfo(dtype)
    if raw.size and (raw.min() < info.min or raw.max() > info.max):
        raise ValueError(
            f"{name} must lie in {info.min}..{info.max} ({expected}), got {raw.min()}..{raw.max()}"
        )
    return raw.astype(dtype)


def delta_encode(codes) -> np.ndarray:
    """(n,) int8 mu-law codes -> (n,) uint8 differences of neighbours, mod 256 (the first is
    ``codes[0]``). Neighbouring samples are close, so the differences are mostly small numbers,
    which compress better; :func:`delta_decode` undoes it exactly."""
    codes = _small_ints("codes", codes, np.int8, "a 1-D array of int8 mu-law codes")
    return np.diff(codes.view(np.uint8), prepend=np.uint8(0)).astype(np.uint8)


def delta_decode(deltas) -> np.ndarray:
    """(n,) uint8 differences from :func:`delta_encode` -> the (n,) int8 codes."""
    deltas = _small_ints("deltas", deltas, np.uint8, "a 1-D uint8 array from delta_encode")
    return np.cumsum(deltas, dtype=np.uint8).view(np.int8)


# --- the snapshots ------------------------------------------------------------------------------


def _read_npz(name: str, keys: tuple[str, ...]) -> dict[str, np.ndarray]:
    path = dataset_path(name)
    with np.load(path, allow_pickle=False) as archive:
        missing = [k for k in keys if k not in archive.files]
        if missing:
            raise DigitDataError(f"{path} lacks arrays {missing}; expected {list(keys)}")
        return {k: archive[k] for k in keys}


def _unpack(arrays: dict[str, np.ndarray], where: str) -> tuple[list, list]:
    """Split the concatenated mu-law codes at ``offsets``; check texts are digit strings."""
    codes = delta_decode(arrays["codes_delta"])
    offsets, text = arrays["offsets"], arrays["text"]
    n = len(text)
    if offsets.shape != (n + 1,) or offsets[0] != 0 or offsets[-1] != len(codes):
        raise DigitDataError(f"{where}: offsets do not cover the audio ({n} clips)")
    if np.any(np.diff(offsets) <= 0):
        raise DigitDataError(f"{where}: a clip has no samples")
    bad = [str(t) for t in text if not str(t).isdigit()]
    if bad:
        raise DigitDataError(f"{where}: transcripts must be digit strings, got {bad[0]!r}")
    audio = mulaw_decode(codes)
    clips = [audio[offsets[i] : offsets[i + 1]] for i in range(n)]
    return clips, [str(t) for t in text]


def load_digits(split: str = "train") -> DigitClips:
    """Synthetic spoken digits (espeak-ng voices), split by voice.

    Args:
        split: ``"train"``, ``"val"`` or ``"test"`` (no voice is in two of them), or ``"all"``.

    Returns:
        DigitClips: isolated digits (text of length 1) and whole strings said in one breath.
    """
    split = check_choice("split", split, SPLITS)
    keys = ("codes_delta", "offsets", "text", "voice", "voices", "voice_split")
    arrays = _read_npz(SYNTH_FILE, keys)
    clips, text = _unpack(arrays, SYNTH_FILE)
    voice = arrays["voice"].astype(np.int64)
    voices = tuple(str(v) for v in arrays["voices"])
    if voice.shape != (len(text),) or voice.min() < 0 or voice.max() >= len(voices):
        raise DigitDataError(f"{SYNTH_FILE}: voice indices do not match the {len(voices)} voices")
    everything = DigitClips(clips, text, voice, voices)
    if split == "all":
        return everything
    voice_split = np.asarray([str(s) for s in arrays["voice_split"]])
    return everything.subset(voice_split[voice] == split)


def load_human_digits() -> DigitClips:
    """Ten studio recordings of one human voice, the digits 0-9 (asterisk's prompts, 8 kHz).

    Allison Smith, asterisk-core-sounds-en 1.6.1 (CC BY-SA 3.0): attribute her if you share
    anything made from these clips.
    """
    arrays = _read_npz(HUMAN_FILE, ("codes_delta", "offsets", "text"))
    clips, text = _unpack(arrays, HUMAN_FILE)
    return DigitClips(clips, text, np.zeros(len(text), dtype=np.int64), ("allison (human)",))


# --- .wav files -------------------------------------------------------------------------------


def _pcm_to_float(raw: bytes, width: int, channels: int) -> np.ndarray:
    """PCM bytes -> (samples,) float32 in [-1, 1], channels averaged."""
    if width == 1:  # 8-bit WAV is unsigned, centred on 128
        x = (np.frombuffer(raw, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width == 2:
        x = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    elif width == 4:
        x = (np.frombuffer(raw, dtype="<i4").astype(np.float64) / 2147483648.0).astype(np.float32)
    else:
        raise ValueError(f"sample width {width} bytes")
    return x.reshape(-1, channels).mean(axis=1)


def _check_audio(audio) -> np.ndarray:
    """(samples,) finite float32 audio with at least one sample."""
    audio = check_finite("audio", as_float_array("audio", audio, dtype=np.float32))
    if audio.ndim != 1 or audio.size == 0:
        raise ValueError(f"audio must be a non-empty 1-D array (samples,), got shape {audio.shape}")
    return audio


def resample(audio, rate_in: int, rate_out: int) -> np.ndarray:
    """(samples,) audio from ``rate_in`` Hz to ``rate_out`` Hz (polyphase, anti-aliased)."""
    from scipy.signal import resample_poly

    rate_in = check_int("rate_in", rate_in, minimum=1)
    rate_out = check_int("rate_out", rate_out, minimum=1)
    audio = _check_audio(audio)
    if rate_in == rate_out:
        return audio.copy()
    step = gcd(rate_in, rate_out)
    return resample_poly(audio, rate_out // step, rate_in // step).astype(np.float32)


def read_wav(
    path, *, sample_rate: int = SAMPLE_RATE, resample_to_rate: bool = True, silence: float = 1e-3
) -> np.ndarray:
    """One PCM .wav file as (samples,) float32 in [-1, 1] at ``sample_rate`` (see module doc)."""
    path = Path(check_path("path", path))
    sample_rate = check_int("sample_rate", sample_rate, minimum=1000, maximum=192_000)
    resample_to_rate = check_bool("resample_to_rate", resample_to_rate)
    silence = check_number("silence", silence, minimum=0.0, maximum=1.0)
    if not path.is_file():
        raise DigitDataError(f"path {path} is not a file; expected a PCM .wav file")
    try:
        with wave.open(str(path), "rb") as handle:
            rate, width = handle.getframerate(), handle.getsampwidth()
            channels = handle.getnchannels()
            raw = handle.readframes(handle.getnframes())
        audio = _pcm_to_float(raw, width, channels)
    except (wave.Error, EOFError, ValueError, OSError) as err:
        raise DigitDataError(
            f"{path} cannot be read as an uncompressed PCM .wav file (8/16/32-bit): {err}"
        ) from None
    if audio.size == 0:
        raise DigitDataError(f"{path} holds no samples; expected a recording")
    if rate != sample_rate:
        if not resample_to_rate:
            raise DigitDataError(
                f"{path} is sampled at {rate} Hz, expected {sample_rate} Hz "
                "(pass resample_to_rate=True to resample it)"
            )
        audio = resample(audio, rate, sample_rate)
    peak = float(np.max(np.abs(audio)))
    if peak < silence:
        raise DigitDataError(f"{path} is silent: peak {peak:.2g} is below silence={silence:g}")
    return audio


def load_wav_folder(
    root, *, sample_rate: int = SAMPLE_RATE, resample_to_rate: bool = True, silence: float = 1e-3
) -> DigitClips:
    """Every ``<digits>_<speaker>_<take>.wav`` in ``root`` (the Free Spoken Digit Dataset layout).

    The transcript is the file name up to the first underscore (``"7"`` or ``"3814"``); the
    speaker is the second field (``"unknown"`` when absent). Other files are ignored; a
    ``.wav`` whose name has no digit transcript is refused, so nothing is silently skipped.
    """
    root = Path(check_path("root", root))
    if not root.is_dir():
        raise DigitDataError(f"root {root} is not a folder; expected a folder of .wav files")
    files = sorted(p for p in root.iterdir() if p.suffix.lower() == ".wav")
    if not files:
        raise DigitDataError(f"{root} holds no .wav files (expected names like 7_jackson_0.wav)")
    audio, text, speakers = [], [], []
    for path in files:
        match = _NAME.fullmatch(path.name)
        if match is None:
            raise DigitDataError(
                f"{path.name}: expected a name like 7_jackson_0.wav (digits, then _speaker_take)"
            )
        parts = path.stem.split("_")
        audio.append(
            read_wav(
                path, sample_rate=sample_rate, resample_to_rate=resample_to_rate, silence=silence
            )
        )
        text.append(match.group(1))
        speakers.append(parts[1] if len(parts) > 1 else "unknown")
    names = tuple(sorted(set(speakers)))
    voice = np.asarray([names.index(s) for s in speakers], dtype=np.int64)
    return DigitClips(audio, text, voice, names, sample_rate)


def write_wav(path: str | os.PathLike, audio, sample_rate: int = SAMPLE_RATE) -> None:
    """Write (samples,) float audio in [-1, 1] as a 16-bit mono PCM .wav (clipped to ±1)."""
    audio = np.clip(_check_audio(audio).astype(np.float64), -1.0, 1.0)
    sample_rate = check_int("sample_rate", sample_rate, minimum=1000, maximum=192_000)
    with wave.open(str(check_path("path", path)), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(sample_rate)
        handle.writeframes(np.rint(audio * 32767).astype("<i2").tobytes())
