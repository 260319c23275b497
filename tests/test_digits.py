"""Spoken-digit data: the two snapshots, mu-law, and the FSDD-style .wav folder loader."""

from __future__ import annotations

import wave
import zlib

import numpy as np
import pytest

from lstm_course.data import digits
from lstm_course.data.digits import (
    DigitDataError,
    delta_decode,
    delta_encode,
    load_digits,
    load_human_digits,
    load_wav_folder,
    mulaw_decode,
    mulaw_encode,
    read_wav,
    resample,
    write_wav,
)


def tone(seconds: float = 0.3, rate: int = 8000, freq: float = 440.0) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def write_raw(path, frames: bytes, *, rate=8000, width=2, channels=1) -> None:
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(channels)
        handle.setsampwidth(width)
        handle.setframerate(rate)
        handle.writeframes(frames)


# --- snapshots ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def everything():
    return load_digits("all")


def test_snapshot_holds_isolated_digits_and_whole_strings(everything):
    isolated, strings = everything.isolated(), everything.strings()
    assert len(isolated) + len(strings) == len(everything)
    assert sorted(set(isolated.text)) == [str(d) for d in range(10)]
    assert len(strings) >= 150 and all(2 <= len(t) <= 5 for t in strings.text)
    for clip in everything.audio[:50]:
        assert clip.dtype == np.float32 and clip.ndim == 1
        assert 0.1 < clip.size / digits.SAMPLE_RATE < 5 and np.abs(clip).max() <= 1.0


def test_splits_share_no_voice(everything):
    voices = {s: set(load_digits(s).voice.tolist()) for s in ("train", "val", "test")}
    assert not voices["train"] & voices["test"]
    assert not voices["train"] & voices["val"] and not voices["val"] & voices["test"]
    assert set().union(*voices.values()) == set(range(len(everything.voices)))
    variants = {s: {everything.voices[v].split("+")[1] for v in voices[s]} for s in voices}
    assert not variants["train"] & variants["test"]  # the timbre itself is unseen


def test_every_voice_says_every_digit(everything):
    for voice in range(len(everything.voices)):
        said = {t for t, v in zip(everything.text, everything.voice, strict=True) if v == voice}
        assert {str(d) for d in range(10)} <= said


def test_human_voice_is_ten_digits():
    human = load_human_digits()
    assert human.text == [str(d) for d in range(10)]
    assert all(0.3 < len(a) / 8000 < 1.5 for a in human.audio)


def test_unknown_split_is_refused():
    with pytest.raises(ValueError, match="split"):
        load_digits("dev")


def test_subset_checks_its_mask(everything):
    with pytest.raises(ValueError, match="mask"):
        everything.subset([True])


# --- mu-law -------------------------------------------------------------------------------------


def test_mulaw_round_trip_is_close():
    x = np.linspace(-1, 1, 2001)
    codes = mulaw_encode(x)
    assert codes.dtype == np.int8
    back = mulaw_decode(codes)
    assert np.all(np.abs(back - x) <= 0.02 + 0.04 * np.abs(x))  # finer steps near zero
    assert np.array_equal(mulaw_encode(back), codes)


def test_mulaw_decode_wants_int8():
    with pytest.raises(TypeError, match="int8"):
        mulaw_decode(np.zeros(3))
    with pytest.raises(ValueError, match="int8"):
        mulaw_decode(np.array([300]))


def test_delta_coding_is_exact_and_smaller():
    codes = mulaw_encode(np.sin(np.arange(8000) / 9.0) * np.linspace(0, 1, 8000))
    deltas = delta_encode(codes)
    assert deltas.dtype == np.uint8 and deltas.shape == codes.shape
    assert np.array_equal(delta_decode(deltas), codes)
    extremes = np.array([-128, 127, -128, 0, 127, -1], np.int8)  # wrap-around both ways
    assert np.array_equal(delta_decode(delta_encode(extremes)), extremes)
    assert len(zlib.compress(deltas.tobytes())) < len(zlib.compress(codes.tobytes()))
    assert np.array_equal(delta_encode(codes.tolist()), deltas)  # any ints that fit
    with pytest.raises(ValueError, match="-128..127"):
        delta_encode(np.array([0, 300]))
    with pytest.raises(TypeError, match="int8"):
        delta_encode(codes.astype(np.float32))
    with pytest.raises(ValueError, match="0..255"):
        delta_decode(codes)  # negative codes are not differences


# --- .wav files ---------------------------------------------------------------------------------


def test_folder_loader_reads_fsdd_names(tmp_path):
    write_wav(tmp_path / "7_jackson_0.wav", tone())
    write_wav(tmp_path / "381_nicolas_2.wav", tone(0.6))
    (tmp_path / "README.txt").write_text("not audio")
    clips = load_wav_folder(tmp_path)
    assert clips.text == ["381", "7"]
    assert clips.voices == ("jackson", "nicolas")
    assert clips.voice.tolist() == [1, 0]
    assert np.allclose(clips.audio[1], tone(), atol=1e-4)


def test_other_rates_are_resampled_or_refused(tmp_path):
    write_wav(tmp_path / "3_a_0.wav", tone(0.5, rate=16000), sample_rate=16000)
    audio = read_wav(tmp_path / "3_a_0.wav")
    assert audio.shape == (4000,)
    spectrum = np.abs(np.fft.rfft(audio))
    assert abs(np.argmax(spectrum) * 8000 / 4000 - 440) < 5  # the tone survives resampling
    with pytest.raises(DigitDataError, match="16000 Hz, expected 8000"):
        read_wav(tmp_path / "3_a_0.wav", resample_to_rate=False)


def test_8_bit_and_stereo_files_are_read(tmp_path):
    x = tone()
    write_raw(tmp_path / "1_a_0.wav", np.rint(x * 127 + 128).astype(np.uint8).tobytes(), width=1)
    stereo = np.stack([x, x], 1).reshape(-1)
    write_raw(tmp_path / "2_a_0.wav", np.rint(stereo * 32767).astype("<i2").tobytes(), channels=2)
    clips = load_wav_folder(tmp_path)
    assert np.allclose(clips.audio[0], x, atol=0.01)
    assert np.allclose(clips.audio[1], x, atol=1e-4)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b"RIFF....WAVEjunk"), "cannot be read"),
        (lambda p: write_raw(p, b""), "no samples"),
        (lambda p: write_wav(p, np.zeros(800)), "silent"),
        (lambda p: write_raw(p, b"\x00\x00\x00" * 10, width=3), "cannot be read"),
    ],
    ids=["unreadable", "empty", "silent", "24-bit"],
)
def test_bad_files_get_clear_errors(tmp_path, make, message):
    make(tmp_path / "5_a_0.wav")
    with pytest.raises(DigitDataError, match=message) as info:
        load_wav_folder(tmp_path)
    assert "5_a_0.wav" in str(info.value)


def test_bad_folders_get_clear_errors(tmp_path):
    with pytest.raises(DigitDataError, match="not a folder"):
        load_wav_folder(tmp_path / "missing")
    with pytest.raises(DigitDataError, match="no .wav files"):
        load_wav_folder(tmp_path)
    write_wav(tmp_path / "seven_a_0.wav", tone())
    with pytest.raises(DigitDataError, match="seven_a_0.wav"):
        load_wav_folder(tmp_path)


def test_resample_is_identity_at_the_same_rate():
    x = tone()
    assert np.array_equal(resample(x, 8000, 8000), x)
    assert resample(x, 8000, 4000).shape == (x.size // 2,)
