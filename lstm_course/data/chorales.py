"""Bach chorales as piano rolls: a committed snapshot derived from music21's corpus.

The snapshot ``bach_chorales.npz`` (built by ``python -m tools.build_chorales`` from
music21's corpus; music21 is never needed to load it) holds 350 four-part chorales on a
sixteenth-note grid in their original keys, each chorale's key and the shift to C, its
soprano line, and a split by hymn tune. :func:`load_chorales` samples the grid at the
step you ask for (JSB Chorales uses quarter notes) and transposes to C unless told not to.

    chorales = load_chorales()                  # {"train": [...], "valid": [...], "test": [...]}
    roll = chorales["train"][0].roll            # (frames, 88) float32, 1 = key sounding
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass

import numpy as np

from lstm_course._checks import as_float_array, check_choice, check_int, describe
from lstm_course.data.registry import DatasetError, dataset_path

CHORALES_FILE = "bach_chorales.npz"
FORMAT_VERSION = 1
STEPS_PER_QUARTER = 4  # the snapshot's grid: sixteenth notes
LOWEST_MIDI = 21  # A0, the lowest of the 88 piano keys: key index = MIDI pitch - 21
KEYS = ("C", "original")
SPLITS = ("train", "valid", "test")
STEPS = {"quarter": 4, "eighth": 2, "sixteenth": 1}  # grid rows per frame
MODES = ("major", "minor")
PITCH_CLASSES = ("C", "C#", "D", "E-", "E", "F", "F#", "G", "A-", "A", "B-", "B")

_PER_FRAME = {"roll": np.uint8, "soprano": np.uint8, "soprano_onset": np.bool_}
_PER_PIECE = {
    "riemenschneider": "U",
    "bwv": "U",
    "title": "U",
    "tune": "U",
    "split": "U",
    "tonic": np.int8,
    "mode": "U",
    "to_c": np.int8,
    "repeats_expanded": np.bool_,
}


class ChoraleDataError(DatasetError):
    """The chorale snapshot is missing, damaged, or breaks its documented layout."""


@dataclass(frozen=True, eq=False)
class Chorale:
    """One chorale, sampled at one step.

    Attributes:
        roll: (frames, 88) float32, 1 where a piano key (A0 = 0 … C8 = 87) sounds at
            the frame's instant, else 0.
        soprano: (frames,) int64, the melody's MIDI pitch at each frame, 0 for a rest.
        soprano_onset: (frames,) bool, True where a new melody note starts within the
            frame (False: the previous note is held, or a rest).
        title: the hymn (text) music21's catalogue lists the chorale under.
        tune: the melody's name: chorales whose melody is the same tune share it (the
            split keeps each tune within one of train, valid and test).
        bwv: BWV number of the harmonisation, e.g. "269" or "153.1".
        riemenschneider: its number(s) in Riemenschneider's 371 (some files appear twice).
        split: "train", "valid" or "test".
        original_key: the key music21's analysis finds, e.g. "A major".
        transposed: semitones added to every pitch (0 for key="original").
        repeats_expanded: whether repeat marks were written out.
    """

    roll: np.ndarray
    soprano: np.ndarray
    soprano_onset: np.ndarray
    title: str
    tune: str
    bwv: str
    riemenschneider: tuple[int, ...]
    split: str
    original_key: str
    transposed: int
    repeats_expanded: bool

    def __repr__(self) -> str:
        return (
            f"Chorale(BWV {self.bwv}, {self.title!r}, {len(self.roll)} frames, "
            f"{self.split}, {self.original_key}, transposed {self.transposed:+d})"
        )


def load_chorales(
    *, key: str = "C", step: str = "quarter", root: str | os.PathLike | None = None
) -> dict[str, list[Chorale]]:
    """The Bach chorales snapshot, split by tune, as piano rolls.

    Args:
        key: "C" transposes every chorale so its tonic is C (major or minor), as JSB
            Chorales does; "original" keeps Bach's keys.
        step: the frame length: "quarter" (JSB's), "eighth" or "sixteenth". Each frame
            holds the keys sounding at its first instant.
        root: folder holding the snapshot and its manifest (default: the course's).

    Returns:
        {"train": [Chorale, ...], "valid": [...], "test": [...]}, in Riemenschneider order.

    Raises:
        ChoraleDataError: the file differs from the manifest or breaks the layout the
            builder writes; the message names the array and what was expected.
    """
    check_choice("key", key, KEYS)
    check_choice("step", step, tuple(STEPS))
    path = dataset_path(CHORALES_FILE, root=root)
    arrays = _read_npz(path)
    _validate(arrays, str(path))
    out: dict[str, list[Chorale]] = {name: [] for name in SPLITS}
    for index in range(len(arrays["split"])):
        chorale = _chorale(arrays, index, key=key, rows=STEPS[step])
        out[chorale.split].append(chorale)
    return out


# ----------------------------------------------------------------------------- reading


def _read_npz(path) -> dict[str, np.ndarray]:
    """Every array of an .npz, never unpickling anything."""
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic != b"PK\x03\x04":  # np.load would try to read anything else as a pickle
        raise ChoraleDataError(
            f"{path} is not a readable .npz archive: it starts with {magic!r}, not a zip header"
        )
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise ChoraleDataError(f"{path} is not a readable .npz archive: {err}") from None
    except ValueError as err:  # object arrays (would need pickle) or a damaged header
        raise ChoraleDataError(f"{path} holds an array that cannot be read safely: {err}") from None


def _fail(what: str, problem: str) -> ChoraleDataError:
    return ChoraleDataError(f"{what}: {problem} (rebuild with `python -m tools.build_chorales`)")


def _expect_kind(what: str, name: str, array: np.ndarray, kind, ndim: int) -> None:
    ok_kind = array.dtype.kind == "U" if kind == "U" else array.dtype == np.dtype(kind)
    if not ok_kind or array.ndim != ndim:
        expected = "strings" if kind == "U" else np.dtype(kind).name
        raise _fail(
            what,
            f"array {name!r} must be {ndim}-D {expected}, got {describe(array)}",
        )


def _validate(arrays: dict[str, np.ndarray], what: str) -> None:
    """Raise ChoraleDataError unless the arrays follow the builder's layout."""
    needed = ["format_version", "steps_per_quarter", "starts", *_PER_FRAME, *_PER_PIECE]
    missing = [name for name in needed if name not in arrays]
    if missing:
        raise _fail(what, f"arrays {missing} are missing; expected {needed}")
    for name, expected in (("format_version", FORMAT_VERSION), ("steps_per_quarter", 4)):
        value = arrays[name]
        if value.shape != () or value.dtype.kind not in "iu" or int(value) != expected:
            raise _fail(what, f"{name} must be the integer {expected}, got {describe(value)}")
    starts = arrays["starts"]
    _expect_kind(what, "starts", starts, np.int64, 1)
    frames = len(arrays["roll"])
    if len(starts) < 2 or starts[0] != 0 or starts[-1] != frames or np.any(np.diff(starts) <= 0):
        raise _fail(
            what,
            f"starts must rise strictly from 0 to the {frames} grid rows of 'roll', "
            f"got {len(starts)} values from {starts[:1]} to {starts[-1:]}",
        )
    for name, kind in _PER_FRAME.items():
        _expect_kind(what, name, arrays[name], kind, 2 if name == "roll" else 1)
        if len(arrays[name]) != frames:
            raise _fail(what, f"{name!r} has {len(arrays[name])} rows, 'roll' has {frames}")
    if arrays["roll"].shape[1] != 11:
        raise _fail(
            what, f"'roll' must pack 88 keys into 11 bytes, got shape {arrays['roll'].shape}"
        )
    pieces = len(starts) - 1
    for name, kind in _PER_PIECE.items():
        _expect_kind(what, name, arrays[name], kind, 1)
        if len(arrays[name]) != pieces:
            raise _fail(what, f"{name!r} has {len(arrays[name])} entries for {pieces} chorales")
    _validate_values(arrays, what)


def _first_bad(values: np.ndarray, bad: np.ndarray) -> str:
    index = int(np.argmax(bad))
    return f"{values[index]!r} at index {index}"


def _validate_values(arrays: dict[str, np.ndarray], what: str) -> None:
    checks = [
        ("split", ~np.isin(arrays["split"], SPLITS), f"one of {list(SPLITS)}"),
        ("mode", ~np.isin(arrays["mode"], MODES), f"one of {list(MODES)}"),
        ("tonic", (arrays["tonic"] < 0) | (arrays["tonic"] > 11), "a pitch class 0..11"),
        ("to_c", (arrays["to_c"] < -6) | (arrays["to_c"] > 5), "a shift in -6..5"),
        (
            "to_c",
            (arrays["tonic"].astype(int) + arrays["to_c"]) % 12 != 0,
            "the shift that moves 'tonic' to C",
        ),
    ]
    soprano = arrays["soprano"]
    in_range = (soprano == 0) | ((soprano >= LOWEST_MIDI) & (soprano < LOWEST_MIDI + 88))
    checks.append(("soprano", ~in_range, "0 (rest) or a MIDI pitch 21..108"))
    for name, bad, expected in checks:
        if bad.any():
            raise _fail(what, f"{name!r} must hold {expected}, got {_first_bad(arrays[name], bad)}")
    for name in SPLITS:
        if not np.any(arrays["split"] == name):
            raise _fail(what, f"the {name!r} split holds no chorale")
    for index, text in enumerate(arrays["riemenschneider"]):
        numbers = text.split()
        if not numbers or not all(n.isdigit() for n in numbers):
            raise _fail(what, f"'riemenschneider' entry {index} must be numbers, got {text!r}")


def _chorale(arrays: dict[str, np.ndarray], index: int, *, key: str, rows: int) -> Chorale:
    start, stop = int(arrays["starts"][index]), int(arrays["starts"][index + 1])
    grid = np.unpackbits(arrays["roll"][start:stop], axis=1)[:, :88]
    soprano = arrays["soprano"][start:stop].astype(np.int64)
    onset = arrays["soprano_onset"][start:stop]
    shift = int(arrays["to_c"][index]) if key == "C" else 0
    what = f"chorale BWV {arrays['bwv'][index]}"
    grid = _transpose(grid, shift, what)
    soprano = np.where(soprano > 0, soprano + shift, 0)
    # A frame holds what sounds at its first instant (grid row rows*k); a melody note is
    # new in frame k if it started after the previous frame's instant, in grid rows
    # rows*(k-1)+1 .. rows*k, and still sounds at the frame's instant.
    sampled = soprano[::rows]
    frames = len(sampled)
    window = np.concatenate([np.zeros(rows - 1, dtype=bool), onset])[: rows * frames]
    started = window.reshape(frames, rows).any(axis=1)
    tonic = PITCH_CLASSES[int(arrays["tonic"][index])]
    return Chorale(
        roll=grid[::rows].astype(np.float32),
        soprano=sampled,
        soprano_onset=started & (sampled > 0),
        title=str(arrays["title"][index]),
        tune=str(arrays["tune"][index]),
        bwv=str(arrays["bwv"][index]),
        riemenschneider=tuple(int(n) for n in str(arrays["riemenschneider"][index]).split()),
        split=str(arrays["split"][index]),
        original_key=f"{tonic} {arrays['mode'][index]}",
        transposed=shift,
        repeats_expanded=bool(arrays["repeats_expanded"][index]),
    )


def _transpose(grid: np.ndarray, shift: int, what: str) -> np.ndarray:
    """Move every note ``shift`` keys up (down if negative); no note may leave the 88 keys."""
    if shift == 0:
        return grid
    sounding = np.flatnonzero(grid.any(axis=0))
    if sounding.size and (sounding[0] + shift < 0 or sounding[-1] + shift > 87):
        raise ChoraleDataError(f"{what}: transposing by {shift:+d} moves notes off the keyboard")
    out = np.zeros_like(grid)
    if shift > 0:
        out[:, shift:] = grid[:, :-shift]
    else:
        out[:, :shift] = grid[:, -shift:]
    return out


# ----------------------------------------------------------------------------- melodies

MELODY_REST, MELODY_HOLD = 1, 2  # token 0 is the models' START marker (never a target)
FIRST_PITCH_TOKEN = 3


def melody_vocabulary(lowest: int, highest: int) -> int:
    """Number of melody tokens for pitches lowest..highest: START, rest, hold and the pitches."""
    lowest, highest = _check_pitch_range(lowest, highest)
    return FIRST_PITCH_TOKEN + highest - lowest + 1


def _check_pitch_range(lowest, highest) -> tuple[int, int]:
    top = LOWEST_MIDI + 87
    lowest = check_int("lowest", lowest, minimum=LOWEST_MIDI, maximum=top)
    highest = check_int("highest", highest, minimum=lowest, maximum=top)
    return lowest, highest


def melody_tokens(chorale: Chorale, lowest: int, highest: int) -> np.ndarray:
    """The soprano line as tokens, one per frame: a new note, a held note, or a rest.

    Token MELODY_REST (1) is silence, MELODY_HOLD (2) continues the previous note, and
    3 + (pitch - lowest) starts a note of that MIDI pitch.

    Args:
        chorale: from :func:`load_chorales`.
        lowest, highest: the MIDI pitch range the vocabulary covers (inclusive).
    Returns:
        (frames,) int64 tokens.
    """
    if not isinstance(chorale, Chorale):
        raise TypeError(f"chorale must be a Chorale from load_chorales, got {describe(chorale)}")
    lowest, highest = _check_pitch_range(lowest, highest)
    pitch = chorale.soprano
    sounding = pitch > 0
    outside = sounding & ((pitch < lowest) | (pitch > highest))
    if outside.any():
        raise ValueError(
            f"lowest/highest ({lowest}..{highest}) must cover the melody of {chorale!r}, "
            f"which reaches {int(pitch[sounding].min())}..{int(pitch[sounding].max())}"
        )
    # a sounding frame without an onset continues the note (a new pitch is always an onset)
    changed = np.concatenate([[True], pitch[1:] != pitch[:-1]])
    starts = sounding & (chorale.soprano_onset | changed)
    tokens = np.full(len(pitch), MELODY_REST, dtype=np.int64)
    tokens[sounding & ~starts] = MELODY_HOLD
    tokens[starts] = FIRST_PITCH_TOKEN + pitch[starts] - lowest
    return tokens


def melody_roll(tokens, lowest: int) -> np.ndarray:
    """Tokens back to a (frames, 88) piano roll of the melody (for listening and MIDI).

    A hold keeps the previous note sounding; a hold after a rest (or first) stays silent.
    """
    lowest = check_int("lowest", lowest, minimum=LOWEST_MIDI, maximum=LOWEST_MIDI + 87)
    tokens = as_float_array("tokens", tokens)
    if tokens.ndim != 1 or len(tokens) == 0 or not np.all(np.isfinite(tokens)):
        raise ValueError(
            f"tokens must be a non-empty 1-D array of integers, got {describe(tokens)}"
        )
    if not np.all(tokens == np.round(tokens)):
        raise ValueError(
            f"tokens must be a non-empty 1-D array of integers, got {describe(tokens)}"
        )
    tokens = tokens.astype(np.int64)
    keys = tokens - FIRST_PITCH_TOKEN + lowest - LOWEST_MIDI
    bad = (tokens < MELODY_REST) | ((tokens >= FIRST_PITCH_TOKEN) & ((keys < 0) | (keys > 87)))
    if bad.any():
        raise ValueError(
            f"tokens must be 1 (rest), 2 (hold) or pitch tokens on the keyboard, got "
            f"{int(tokens[bad][0])} at index {int(np.argmax(bad))}"
        )
    roll = np.zeros((len(tokens), 88), dtype=np.float32)
    key = -1  # the key sounding now, -1 for none
    for t, token in enumerate(tokens):
        key = keys[t] if token >= FIRST_PITCH_TOKEN else (-1 if token == MELODY_REST else key)
        if key >= 0:
            roll[t, key] = 1.0
    return roll
