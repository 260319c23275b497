"""Piano rolls to and from Standard MIDI Files, in plain Python (no MIDI library).

    write_midi(roll, "chorale.mid", steps_per_quarter=1)     # (frames, 88) 0/1 -> file
    roll = read_midi("my_song.mid", steps_per_quarter=1)      # file -> (frames, 88) float32

The course's piano rolls have 88 columns, one per piano key (A0 = MIDI 21 … C8 = MIDI 108),
and one row per time step, a fixed fraction of a quarter note. Reading samples the notes
sounding at each step's first instant (as the chorale snapshot does), so a note shorter
than a step that falls between two instants is not seen. Tempo does not matter: steps are
measured in beats (MIDI ticks per quarter note), not seconds. Drums (MIDI channel 10) are
left out: they have no pitch.

Why no library: reading and writing note on/off events is ~200 lines of the MIDI 1.0
file format, while ``pretty_midi`` would add three packages (with ``mido``) and a 5.6 MB
wheel, most of it a SoundFont, to every learner's install for this one job.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from lstm_course._checks import check_int, check_number, check_path, describe
from lstm_course._rolls import KEYS, LOWEST_MIDI, check_roll

TICKS_PER_QUARTER = 480  # what write_midi uses; divisible by 1, 2, 3, 4, 5, 6, 8, 10, 12, 16 …
DRUM_CHANNEL = 9  # "channel 10" as musicians count
MAX_FRAMES = 1_000_000
_CHANNEL_DATA_BYTES = {0x80: 2, 0x90: 2, 0xA0: 2, 0xB0: 2, 0xC0: 1, 0xD0: 1, 0xE0: 2}


class MidiError(ValueError):
    """A file is not a Standard MIDI File this module can turn into a piano roll."""


# ----------------------------------------------------------------------------- writing


def _vlq(value: int) -> bytes:
    """A MIDI variable-length quantity: 7 bits per byte, high bit set on all but the last."""
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def midi_bytes(
    roll, *, steps_per_quarter: int = 1, tempo_bpm: float = 80.0, velocity: int = 80
) -> bytes:
    """The bytes of a one-track MIDI file (format 0) playing ``roll`` on a piano.

    Consecutive frames in which a key is on make one held note.

    Args:
        roll: (frames, 88) of 0/1 (bool, int or float).
        steps_per_quarter: frames per quarter note (1: each frame is a quarter note).
        tempo_bpm: quarter notes per minute.
        velocity: loudness of every note, 1..127.
    """
    keys = check_roll("roll", roll).astype(bool)
    steps = check_int("steps_per_quarter", steps_per_quarter, minimum=1, maximum=TICKS_PER_QUARTER)
    if TICKS_PER_QUARTER % steps:
        raise ValueError(
            f"steps_per_quarter must divide {TICKS_PER_QUARTER} (e.g. 1, 2, 3, 4, 6, 8, 12), "
            f"got {steps}"
        )
    tempo = check_number("tempo_bpm", tempo_bpm, minimum=1.0, maximum=1000.0)
    velocity = check_int("velocity", velocity, minimum=1, maximum=127)
    ticks = TICKS_PER_QUARTER // steps
    padded = np.zeros((len(keys) + 2, KEYS), dtype=np.int8)
    padded[1:-1] = keys
    change = np.diff(padded, axis=0)  # +1 where a run of "on" starts, -1 after it ends
    events = []  # (tick, 0 = off first, key, status)
    for frame, key in zip(*np.nonzero(change), strict=True):
        on = change[frame, key] > 0
        events.append((int(frame) * ticks, int(on), int(key), 0x90 if on else 0x80))
    events.sort()
    microseconds = round(60_000_000 / tempo)
    track = bytearray(b"\x00\xff\x51\x03" + microseconds.to_bytes(3, "big"))
    track += b"\x00\xc0\x00"  # program 0: acoustic grand piano
    now = 0
    for tick, _, key, status in events:
        track += _vlq(tick - now) + bytes(
            [status, key + LOWEST_MIDI, velocity if status == 0x90 else 0]
        )
        now = tick
    track += b"\x00\xff\x2f\x00"  # end of track
    header = b"MThd" + (6).to_bytes(4, "big") + (0).to_bytes(2, "big") + (1).to_bytes(2, "big")
    header += TICKS_PER_QUARTER.to_bytes(2, "big")
    return header + b"MTrk" + len(track).to_bytes(4, "big") + bytes(track)


def write_midi(
    roll,
    path: str | os.PathLike,
    *,
    steps_per_quarter: int = 1,
    tempo_bpm: float = 80.0,
    velocity: int = 80,
) -> Path:
    """Save ``roll`` as a MIDI file at ``path`` (see :func:`midi_bytes`); returns the path."""
    check_path("path", path)
    path = Path(path)
    if path.suffix.lower() not in (".mid", ".midi"):
        raise ValueError(f"path must name a .mid or .midi file, got {str(path)!r}")
    if not path.parent.is_dir():
        raise ValueError(f"path must be in an existing folder, got {str(path)!r}")
    data = midi_bytes(
        roll, steps_per_quarter=steps_per_quarter, tempo_bpm=tempo_bpm, velocity=velocity
    )
    path.write_bytes(data)
    return path


# ----------------------------------------------------------------------------- reading


class _Reader:
    """Reads one chunk's bytes, naming where a file ends too early."""

    def __init__(self, data: bytes, what: str):
        self.data, self.pos, self.what = data, 0, what

    def take(self, count: int) -> bytes:
        if self.pos + count > len(self.data):
            raise MidiError(f"{self.what} ends in the middle of an event (byte {len(self.data)})")
        chunk = self.data[self.pos : self.pos + count]
        self.pos += count
        return chunk

    def byte(self) -> int:
        return self.take(1)[0]

    def vlq(self) -> int:
        value = 0
        for _ in range(4):
            byte = self.byte()
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                return value
        raise MidiError(f"{self.what} has a length or time longer than 4 bytes at byte {self.pos}")


def _track_notes(data: bytes, what: str) -> tuple[list[tuple[int, int, int, int]], int]:
    """Notes (channel, MIDI pitch, start tick, end tick) of one track, and its last tick."""
    reader, tick, running = _Reader(data, what), 0, None
    open_notes: dict[tuple[int, int], list[int]] = {}
    notes = []
    while reader.pos < len(data):
        tick += reader.vlq()
        status = reader.byte()
        if status < 0x80:  # running status: the previous channel message's status again
            if running is None:
                raise MidiError(f"{what}: data byte {status:#04x} with no status before it")
            status, reader.pos = running, reader.pos - 1
        if status == 0xFF:  # meta event
            kind = reader.byte()
            reader.take(reader.vlq())
            running = None
            if kind == 0x2F:  # end of track
                break
            continue
        if status in (0xF0, 0xF7):  # system exclusive
            reader.take(reader.vlq())
            running = None
            continue
        if status >= 0xF0:
            raise MidiError(f"{what}: status byte {status:#04x} cannot appear in a MIDI file")
        running, kind, channel = status, status & 0xF0, status & 0x0F
        body = reader.take(_CHANNEL_DATA_BYTES[kind])
        if kind not in (0x80, 0x90):
            continue
        pitch, velocity = body[0] & 0x7F, body[1] & 0x7F
        if kind == 0x90 and velocity > 0:
            open_notes.setdefault((channel, pitch), []).append(tick)
        elif open_notes.get((channel, pitch)):  # note off (or note on at velocity 0)
            notes.append((channel, pitch, open_notes[(channel, pitch)].pop(0), tick))
    for (channel, pitch), starts in open_notes.items():  # never released: end with the track
        notes += [(channel, pitch, start, tick) for start in starts]
    return notes, tick


def _chunks(data: bytes, what: str):
    """(type, body) of each chunk after the header."""
    pos = 0
    while pos < len(data):
        if pos + 8 > len(data):
            raise MidiError(f"{what} ends inside a chunk header (byte {len(data)})")
        kind, size = data[pos : pos + 4], int.from_bytes(data[pos + 4 : pos + 8], "big")
        if pos + 8 + size > len(data):
            raise MidiError(
                f"{what}: chunk {kind!r} at byte {pos} claims {size} bytes, the file ends first"
            )
        yield kind, data[pos + 8 : pos + 8 + size]
        pos += 8 + size


def _notes_from_midi(data: bytes, what: str = "the MIDI data") -> tuple[list, int]:
    """All notes (channel, pitch, start tick, end tick) and the ticks per quarter note."""
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"data must be bytes, got {describe(data)}")
    if len(data) == 0:
        raise MidiError(f"{what} is empty (0 bytes)")
    if data[:4] != b"MThd" or len(data) < 14:
        raise MidiError(
            f"{what} is not a Standard MIDI File: it should start with b'MThd' and a 6-byte "
            f"header, got {bytes(data[:8])!r}"
        )
    size = int.from_bytes(data[4:8], "big")
    fmt, tracks, division = (int.from_bytes(data[i : i + 2], "big") for i in (8, 10, 12))
    if size < 6 or fmt > 2:
        raise MidiError(f"{what} has a damaged header (length {size}, format {fmt})")
    if fmt == 2:
        raise MidiError(f"{what} is format 2 (independent patterns): only formats 0 and 1 are read")
    if division & 0x8000 or division == 0:
        raise MidiError(
            f"{what} counts time in SMPTE frames (or 0 ticks), not ticks per quarter note: "
            "re-export it with beats-based timing"
        )
    notes, read = [], 0
    for kind, body in _chunks(bytes(data[8 + size :]), what):
        if kind == b"MTrk":
            read += 1
            notes += _track_notes(body, f"{what}, track {read}")[0]
    if read == 0:
        raise MidiError(f"{what} holds no track (its header announces {tracks})")
    return notes, division


def read_midi(path: str | os.PathLike, *, steps_per_quarter: int = 1) -> np.ndarray:
    """A MIDI file as a piano roll: (frames, 88) float32, 1 where a key sounds.

    Frame k holds the keys sounding at beat k / steps_per_quarter (quarter notes from the
    start). Drums (channel 10) are left out, and so are notes outside the 88 keys.

    Raises:
        MidiError: the file is empty, not a Standard MIDI File, damaged, or holds no
            pitched note on the 88 keys (e.g. drums only).
    """
    check_path("path", path)
    steps = check_int("steps_per_quarter", steps_per_quarter, minimum=1, maximum=96)
    what = f"MIDI file {os.fspath(path)!r}"
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise MidiError(f"{what} cannot be read: {err.strerror or err}") from None
    notes, division = _notes_from_midi(data, what)
    pitched = [n for n in notes if n[0] != DRUM_CHANNEL]
    if not notes:
        raise MidiError(f"{what} has no notes")
    if not pitched:
        raise MidiError(f"{what} has only drum notes (MIDI channel 10): a piano roll needs pitches")
    on_keys = [n for n in pitched if LOWEST_MIDI <= n[1] < LOWEST_MIDI + KEYS]
    if not on_keys:
        raise MidiError(f"{what}: every note lies outside the 88 piano keys (MIDI 21..108)")
    frame_ticks = division / steps
    last = max(end for _, _, _, end in on_keys)
    frames = int(np.ceil(last / frame_ticks))
    if frames > MAX_FRAMES:
        raise MidiError(f"{what} would need {frames:,} frames, more than {MAX_FRAMES:,}")
    roll = np.zeros((max(frames, 1), KEYS), dtype=np.float32)
    for _, pitch, start, end in on_keys:
        first = int(np.ceil(start / frame_ticks))  # the first instant at or after the start
        stop = int(np.ceil(end / frame_ticks))  # instants before the end
        roll[first:stop, pitch - LOWEST_MIDI] = 1.0
    if not roll.any():
        raise MidiError(
            f"{what}: no note sounds at any of the {len(roll)} step instants; every note is "
            f"shorter than a step: use a larger steps_per_quarter (got {steps})"
        )
    return roll
