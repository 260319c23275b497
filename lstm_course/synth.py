"""A small additive synthesiser: a piano roll becomes a waveform you can play in a notebook.

    wave = synthesize(roll, step_seconds=0.4, sample_rate=8000)   # (samples,) float32
    IPython.display.Audio(wave, rate=8000)

Each note (a run of frames in which a key is on) is a sum of three harmonics with an
organ-like envelope: a short attack, a slow decay while held, a short release. Nothing to
install, no system synthesiser: the same call works in Colab, JupyterLab and on CI.
A low sample rate keeps the notebook small (8 kHz reproduces every chorale note's
fundamental and first harmonics; the highest piano keys lose their overtones).
"""

from __future__ import annotations

import numpy as np

from lstm_course._checks import check_int, check_number, check_size
from lstm_course._rolls import KEYS, LOWEST_MIDI, check_roll

HARMONICS = (1.0, 0.45, 0.2)  # amplitude of the 1st, 2nd and 3rd harmonic
ATTACK_S, RELEASE_S, DECAY_PER_S = 0.015, 0.05, 1.2


def key_frequencies() -> np.ndarray:
    """(88,) frequency in Hz of each piano key, A0 = 27.5 Hz … C8 ≈ 4186 Hz (A4 = 440 Hz)."""
    return 440.0 * 2.0 ** ((np.arange(KEYS) + LOWEST_MIDI - 69) / 12)


def _note_runs(keys: np.ndarray) -> list[tuple[int, int, int]]:
    """(key, first frame, frames) of every run of consecutive on-frames."""
    padded = np.zeros((len(keys) + 2, KEYS), dtype=np.int8)
    padded[1:-1] = keys
    change = np.diff(padded, axis=0)
    runs = []
    for key in range(KEYS):
        starts = np.flatnonzero(change[:, key] > 0)
        stops = np.flatnonzero(change[:, key] < 0)
        runs += [(key, int(a), int(b - a)) for a, b in zip(starts, stops, strict=True)]
    return runs


def synthesize(
    roll, *, step_seconds: float = 0.4, sample_rate: int = 8000, volume: float = 0.25
) -> np.ndarray:
    """Render a piano roll as audio.

    Args:
        roll: (frames, 88) of 0/1: key k sounds in frame t when roll[t, k] is 1.
        step_seconds: duration of one frame (0.4 s: a quarter note at 150 per minute).
        sample_rate: samples per second (8000 keeps audio small in a notebook).
        volume: peak amplitude of one note; four voices at 0.25 stay within [-1, 1].

    Returns:
        (samples,) float32 in [-1, 1], ``round(frames * step_seconds * sample_rate)``
        samples plus the last notes' release.
    """
    array = check_roll("roll", roll)
    step = check_number("step_seconds", step_seconds, minimum=0.01, maximum=10.0)
    rate = check_int("sample_rate", sample_rate, minimum=1000, maximum=96_000)
    volume = check_number("volume", volume, minimum=0.0, maximum=1.0, exclusive_minimum=True)
    release = int(RELEASE_S * rate)
    total = int(round(len(array) * step * rate)) + release
    check_size("the audio (roll frames × step_seconds × sample_rate)", total, limit=50_000_000)
    wave = np.zeros(total, dtype=np.float64)
    frequencies = key_frequencies()
    for key, first, frames in _note_runs(array.astype(bool)):
        start = int(round(first * step * rate))
        held = int(round(frames * step * rate))
        t = np.arange(held + release) / rate
        envelope = np.minimum(1.0, t / ATTACK_S) * np.exp(-DECAY_PER_S * t)
        envelope[held:] *= np.linspace(1.0, 0.0, release, endpoint=False)  # release
        tone = np.zeros_like(t)
        for harmonic, amplitude in enumerate(HARMONICS, start=1):
            if frequencies[key] * harmonic < rate / 2:  # above Nyquist it would alias
                tone += amplitude * np.sin(2 * np.pi * frequencies[key] * harmonic * t)
        end = min(start + len(t), total)
        wave[start:end] += (volume / sum(HARMONICS)) * (envelope * tone)[: end - start]
    peak = np.max(np.abs(wave))
    if peak > 1.0:  # many voices at once: scale down rather than clip
        wave /= peak
    return wave.astype(np.float32)
