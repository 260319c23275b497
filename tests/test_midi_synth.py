"""MIDI files in and out, and the additive synthesiser."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_course import midi, synth


def small_roll() -> np.ndarray:
    """4 frames: C major triad held 2 frames, then G4 alone, then silence."""
    roll = np.zeros((4, 88))
    roll[0:2, [60 - 21, 64 - 21, 67 - 21]] = 1
    roll[2, 67 - 21] = 1
    return roll


def header(fmt=0, tracks=1, division=480) -> bytes:
    return (
        b"MThd"
        + (6).to_bytes(4, "big")
        + b"".join(v.to_bytes(2, "big") for v in (fmt, tracks, division))
    )


def track(events: bytes) -> bytes:
    return b"MTrk" + len(events).to_bytes(4, "big") + events


# ----------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("steps", [1, 2, 4])
def test_write_then_read_gives_the_roll_back(tmp_path, steps):
    roll = small_roll()
    path = midi.write_midi(roll, tmp_path / "x.mid", steps_per_quarter=steps)
    back = midi.read_midi(path, steps_per_quarter=steps)
    assert back.dtype == np.float32
    assert np.array_equal(back, roll[:3])  # the trailing silent frame has no note to end it
    finer = midi.read_midi(path, steps_per_quarter=2 * steps)
    assert np.array_equal(finer[::2], roll[:3])


def test_bool_rolls_and_tempo_are_accepted(tmp_path):
    data = midi.midi_bytes(small_roll().astype(bool), tempo_bpm=60)
    assert data[:4] == b"MThd" and b"\xff\x51\x03\x0f\x42\x40" in data  # 1,000,000 µs/quarter


def test_a_run_of_frames_is_one_note():
    data = midi.midi_bytes(small_roll())
    # C4 and E4 for 2 frames, G4 for 3 (the triad's G is held on): 3 notes, on + off each
    assert data.count(b"\x90") + data.count(b"\x80") == 6


def test_reader_handles_running_status_velocity_zero_meta_and_sysex(tmp_path):
    events = (
        b"\x00\xff\x03\x04name"  # meta: track name
        + b"\x00\xf0\x03\x01\x02\xf7"  # sysex
        + b"\x00\x90\x3c\x40"  # C4 on
        + b"\x00\x40\x40"  # E4 on, running status
        + b"\x83\x60\x3c\x00"  # 480 ticks later: C4 "on" at velocity 0 = off
        + b"\x00\x80\x40\x00"  # E4 off
        + b"\x00\xff\x2f\x00"
    )
    path = tmp_path / "r.mid"
    path.write_bytes(header() + track(events))
    roll = midi.read_midi(path)
    assert roll.shape == (1, 88)
    assert np.flatnonzero(roll[0]).tolist() == [60 - 21, 64 - 21]


def test_format_1_tracks_are_merged_and_drums_left_out(tmp_path):
    piano = b"\x00\x90\x3c\x40\x83\x60\x80\x3c\x00\x00\xff\x2f\x00"
    drums = b"\x00\x99\x24\x40\x87\x40\x89\x24\x00\x00\xff\x2f\x00"
    path = tmp_path / "f1.mid"
    path.write_bytes(header(fmt=1, tracks=2) + track(piano) + track(drums))
    roll = midi.read_midi(path)
    assert roll.shape == (1, 88) and roll.sum() == 1


# ----------------------------------------------------------------------------- bad files


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "is empty"),
        (b"RIFF....WAVEfmt ", "not a Standard MIDI File"),
        (header(fmt=2), "format 2"),
        (header(division=0xE728), "SMPTE"),
        (header(), "holds no track"),
        (header() + b"MTrk\x00\x00\x00\x10\x00\x90", "claims 16 bytes"),
        (header() + track(b"\x00\x90\x3c"), "ends in the middle of an event"),
        (header() + track(b"\x00\x3c\x40"), "no status before it"),
        (header() + track(b"\x00\xff\x2f\x00"), "has no notes"),
        (header() + track(b"\x00\x99\x24\x40\x83\x60\x89\x24\x00"), "only drum notes"),
        (header() + track(b"\x00\x90\x10\x40\x83\x60\x80\x10\x00"), "outside the 88 piano keys"),
        (header() + track(b"\x00\xf8"), "cannot appear in a MIDI file"),
        (header() + track(b"\xff\xff\xff\xff\x7f"), "longer than 4 bytes"),
    ],
    ids=[
        "empty",
        "wav",
        "format 2",
        "smpte",
        "no track",
        "short chunk",
        "truncated",
        "no status",
        "no notes",
        "drums",
        "out of range",
        "realtime",
        "long vlq",
    ],
)
def test_bad_midi_gets_a_clear_error(tmp_path, data, message):
    path = tmp_path / "bad.mid"
    path.write_bytes(data)
    with pytest.raises(midi.MidiError, match=message):
        midi.read_midi(path)


def test_a_note_between_two_instants_is_reported(tmp_path):
    # an eighth note starting on the off-beat: no quarter-note instant falls inside it
    path = tmp_path / "short.mid"
    path.write_bytes(header() + track(b"\x81\x70\x90\x3c\x40\x81\x70\x80\x3c\x00"))
    with pytest.raises(midi.MidiError, match="larger steps_per_quarter"):
        midi.read_midi(path, steps_per_quarter=1)
    assert midi.read_midi(path, steps_per_quarter=2).shape == (2, 88)


def test_missing_files_and_bad_arguments(tmp_path):
    with pytest.raises(midi.MidiError, match="cannot be read"):
        midi.read_midi(tmp_path / "absent.mid")
    with pytest.raises(ValueError, match="steps_per_quarter must divide 480"):
        midi.midi_bytes(small_roll(), steps_per_quarter=7)
    with pytest.raises(ValueError, match="roll must hold only 0 and 1"):
        midi.midi_bytes(small_roll() * 0.5)
    with pytest.raises(ValueError, match="existing folder"):
        midi.write_midi(small_roll(), tmp_path / "no" / "x.mid")


# ----------------------------------------------------------------------------- synthesiser


def test_key_frequencies_are_equal_tempered():
    f = synth.key_frequencies()
    assert f[0] == pytest.approx(27.5) and f[48] == pytest.approx(440.0)
    assert np.allclose(f[12:] / f[:-12], 2.0)


def test_synthesize_length_range_and_pitch():
    roll = np.zeros((4, 88))
    roll[:2, 69 - 21] = 1  # A4 for two frames
    wave = synth.synthesize(roll, step_seconds=0.25, sample_rate=8000)
    assert wave.dtype == np.float32
    assert len(wave) == 8000 + int(synth.RELEASE_S * 8000)
    assert np.abs(wave).max() <= 1.0
    assert np.abs(wave[4400:]).max() < 1e-6  # silent after the note and its release
    spectrum = np.abs(np.fft.rfft(wave[:4000]))
    assert np.argmax(spectrum) * 8000 / 4000 == pytest.approx(440, abs=2)


def test_synthesize_never_clips_a_full_chord_and_silence_is_silent():
    roll = np.ones((2, 88))
    assert np.abs(synth.synthesize(roll)).max() <= 1.0
    assert not synth.synthesize(np.zeros((3, 88))).any()
    with pytest.raises(ValueError, match="roll must hold only 0 and 1"):
        synth.synthesize(np.full((2, 88), 0.3))
