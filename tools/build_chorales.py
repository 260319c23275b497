"""Rebuild ``datasets/bach_chorales.npz`` from the Bach chorales in music21's corpus.

    pip install -e ".[data-build]"      # brings music21 (rebuild only, never a runtime need)
    python -m tools.build_chorales

Source: the 371 four-part chorales of Riemenschneider's edition as music21 lists them
(``music21.corpus.chorales.Iterator()``), Margaret Greentree's encodings — the files the
JSB Chorales benchmark (Boulanger-Lewandowski et al. 2012) was made from. What this
builder does, and how the result differs from JSB:

- **one entry per distinct harmonisation**: 21 Riemenschneider numbers point at a file that
  another number already uses (music21 10.5.1 gives 350 distinct files for 371 numbers);
  each file is kept once, so no test chorale is also a training chorale;
- **the four voices only** (soprano, alto, tenor, bass), found by part name; the extra
  instrument parts of some cantata chorales (trumpets, timpani, continuo) are dropped;
- **repeats written out** with ``expandRepeats`` (JSB has them expanded too);
- a **sixteenth-note grid** (``STEPS_PER_QUARTER = 4``), aligned with the barlines (a
  pickup shorter than a beat is padded with rests), from which the loader samples the
  quarter-note frames of JSB or any coarser step; all sounding notes of the four parts
  are kept (a voice that divides into a chord counts every note);
- the **key** from music21's key analysis (Krumhansl–Schmuckler) and the shift, in
  [-6, +5] semitones, that moves its tonic to C; the snapshot stores the original key,
  the loader transposes (JSB has every piece in C major or C minor);
- a **split by tune**, not by chorale: music21 lists the 350 harmonisations under 237
  hymn titles, but titles are texts and several texts share a melody; joining pieces that
  share a title or open with the same melody gives 196 tunes (:func:`tune_groups`). Each
  tune goes wholly to train, valid or test, in JSB's proportions (229/76/77 pieces), drawn
  with a fixed seed, so no test melody was heard in training. JSB's own split is in no
  package (and splits by chorale).

The output is written deterministically (fixed zip timestamps), so a rebuild with the same
music21 reproduces the sha256 recorded in ``datasets/manifest.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np

from lstm_course.data.chorales import (
    CHORALES_FILE,
    FORMAT_VERSION,
    KEYS,
    LOWEST_MIDI,
    SPLITS,
    STEPS_PER_QUARTER,
)
from tools.data_build import REPO_DATASETS, manifest_lock, record

MUSIC21_VERSION = "10.5.1"
COMMAND = "python -m tools.build_chorales"
SPLIT_SEED = 2012  # the year of the JSB benchmark; any fixed seed would do
JSB_PIECES = {"train": 229, "valid": 76, "test": 77}  # Boulanger-Lewandowski et al. 2012
VOICES = ("soprano", "alto", "tenor", "bass")
# ----------------------------------------------------------------------------- the split


def split_by_tune(tunes: list[str], seed: int = SPLIT_SEED) -> list[str]:
    """Assign each piece to train/valid/test so that pieces sharing a tune stay together.

    Tunes are shuffled with ``seed``; each tune in turn goes to the split that is furthest
    below its share of JSB's proportions (229/76/77), counted in pieces.

    Args:
        tunes: (pieces,) the tune of each piece (see :func:`tune_groups`).
    Returns:
        (pieces,) "train", "valid" or "test".
    """
    total = sum(JSB_PIECES.values())
    share = {name: count / total for name, count in JSB_PIECES.items()}
    counts = Counter(tunes)
    order = sorted(counts)  # a fixed order before shuffling: independent of input order
    rng = np.random.default_rng(seed)
    placed = {name: 0 for name in SPLITS}
    where: dict[str, str] = {}
    for index in rng.permutation(len(order)):
        tune = order[index]
        done = sum(placed.values()) + counts[tune]
        # the split whose count would fall furthest short of its share after this tune
        target = max(SPLITS, key=lambda name: share[name] * done - placed[name])
        where[tune] = target
        placed[target] += counts[tune]
    return [where[tune] for tune in tunes]


def melody_opening(soprano: np.ndarray, onset: np.ndarray, notes: int = 9) -> tuple[int, ...]:
    """Intervals (semitones) between the first ``notes`` melody notes: the same in any key."""
    pitches = np.asarray(soprano)[np.asarray(onset, dtype=bool)][:notes].astype(int)
    return tuple(int(step) for step in np.diff(pitches))


def tune_groups(titles: list[list[str]], openings: list[tuple[int, ...]]) -> list[str]:
    """Group pieces that share a hymn title or a melody opening; label each group.

    music21's catalogue names a chorale by its hymn text, and several texts are sung to
    one melody ("O Haupt voll Blut und Wunden", "Befiehl du deine Wege" and "Herzlich tut
    mich verlangen" are one tune). Pieces are joined when they share a title or open with
    the same melody intervals; a chance match only makes the split stricter.

    Args:
        titles: (pieces,) the titles each piece is listed under.
        openings: (pieces,) each piece's :func:`melody_opening`.
    Returns:
        (pieces,) the group's label: the first title of its first piece.
    """
    parent = list(range(len(titles)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_seen: dict[tuple, int] = {}
    for index, (names, opening) in enumerate(zip(titles, openings, strict=True)):
        for mark in [("title", name) for name in names] + [("opening", opening)]:
            if mark in first_seen:
                parent[root(index)] = root(first_seen[mark])
            else:
                first_seen[mark] = index
    label: dict[int, str] = {}
    for index, names in enumerate(titles):
        label.setdefault(root(index), names[0])
    return [label[root(index)] for index in range(len(titles))]


def transposition_to_c(tonic_pitch_class: int) -> int:
    """Semitones in [-6, +5] that move a tonic pitch class (0 = C) to C."""
    shift = -int(tonic_pitch_class) % 12
    return shift - 12 if shift > 5 else shift


# ----------------------------------------------------------------------------- reading music21


def _chorale_list():
    """[(riemenschneider numbers, corpus path, titles)], one per distinct file, in R order."""
    from music21.corpus import chorales

    iterator = chorales.Iterator(returnType="filename")
    catalogue = chorales.ChoraleListRKBWV()
    by_file: dict[str, tuple[list[int], str, list[str]]] = {}
    for number, path in zip(iterator.numberList, iterator, strict=True):
        numbers, _, titles = by_file.setdefault(path, ([], path, []))
        numbers.append(number)
        title = catalogue.byRiemenschneider[number]["title"]
        if title not in titles:  # one file may be listed under two hymn texts
            titles.append(title)
    return list(by_file.values())


def _voice_parts(score, path: str) -> list:
    """The soprano, alto, tenor and bass parts of a score, found by name (else by order)."""
    parts = list(score.parts)
    names = [(part.partName or "").lower() for part in parts]
    found = []
    for voice in VOICES:
        matches = [part for part, name in zip(parts, names, strict=True) if voice in name]
        found.append(matches[0] if matches else None)
    if all(part is not None for part in found) and len({id(p) for p in found}) == 4:
        return found
    if len(parts) == 4:  # unnamed parts: the four voices in score order
        return parts
    raise SystemExit(f"{path}: cannot find the four voices among parts {names}")


def _expanded(score):
    """(score with its repeats written out, "expanded"), or the score as written with
    "none" (no repeat marks) or "failed" (marks music21 cannot expand)."""
    from music21 import bar

    if not score.recurse().getElementsByClass(bar.Repeat):
        return score, "none"
    try:
        return score.expandRepeats(), "expanded"
    except Exception:  # noqa: BLE001 - a malformed repeat: keep the piece as written
        return score, "failed"


def _grid(parts, path: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Sixteenth-note grid of four parts: roll (T, 88) bool, soprano (T,) MIDI, onset (T,)."""
    measures = list(parts[0].getElementsByClass("Measure"))
    bar_offset = float(measures[1].offset) if len(measures) > 1 else 0.0
    pad = (-round(bar_offset * STEPS_PER_QUARTER)) % STEPS_PER_QUARTER
    notes, off_grid = [], 0
    for voice, part in enumerate(parts):
        for item in part.flatten().notes:
            start = float(item.offset) * STEPS_PER_QUARTER
            end = (float(item.offset) + float(item.quarterLength)) * STEPS_PER_QUARTER
            off_grid += not (start.is_integer() and end.is_integer())
            first, last = round(start) + pad, round(end) + pad
            if last <= first:
                continue  # a grace note: no duration on the grid
            tied = item.tie is not None and item.tie.type in ("continue", "stop")
            midi = [int(p.midi) for p in item.pitches]
            notes.append((voice, first, last, midi, not tied))
    length = max(last for _, _, last, _, _ in notes)
    roll = np.zeros((length, 88), dtype=bool)
    soprano = np.zeros(length, dtype=np.uint8)
    onset = np.zeros(length, dtype=bool)
    for voice, first, last, midi, is_onset in notes:
        for pitch in midi:
            if not LOWEST_MIDI <= pitch < LOWEST_MIDI + 88:
                raise SystemExit(f"{path}: MIDI pitch {pitch} is outside the 88 piano keys")
            roll[first:last, pitch - LOWEST_MIDI] = True
        if voice == 0:
            top = max(midi)
            soprano[first:last] = np.maximum(soprano[first:last], top)
            onset[first] |= is_onset
    return roll, soprano, onset, off_grid


def _corpus_file(path: str) -> Path:
    """The file ``corpus.parse(path)`` reads: the first match when several do (music21's rule)."""
    from music21 import corpus

    found = corpus.getWork(path)
    return Path(found[0] if isinstance(found, list) else found)


def _read_chorale(path: str) -> dict:
    from music21 import converter, stream

    source = _corpus_file(path)
    score = converter.parse(source)
    score, repeats = _expanded(score)
    parts = _voice_parts(score, path)
    key = stream.Score(parts).analyze("key")
    roll, soprano, onset, off_grid = _grid(parts, path)
    return {
        "roll": roll,
        "soprano": soprano,
        "soprano_onset": onset,
        "tonic": int(key.tonic.pitchClass),
        "mode": str(key.mode),
        "repeats": repeats,
        "off_grid": off_grid,
        "file": source.name,
        "sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
    }


def _corpus_digest(pieces: list[dict]) -> str:
    """sha256 over the corpus files' own sha256s, in order: which encodings were read."""
    return hashlib.sha256("".join(p["sha256"] for p in pieces).encode()).hexdigest()


# ----------------------------------------------------------------------------- writing


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """An .npz (deflated, no pickles) whose bytes depend only on the arrays."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            if array.dtype == object:
                raise ValueError(f"array {name!r} has dtype object; it would need pickling")
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, array, allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, buffer.getvalue(), compresslevel=9)


def build(out_dir: Path = REPO_DATASETS) -> list[Path]:
    """Parse every chorale, write the snapshot into ``out_dir`` and record it in the manifest."""
    try:
        import music21
    except ImportError:
        raise SystemExit(
            f"rebuilding needs music21=={MUSIC21_VERSION}: pip install -e '.[data-build]'"
        ) from None
    if music21.__version__ != MUSIC21_VERSION:
        print(
            f"warning: music21 {music21.__version__}, the snapshot was made with "
            f"{MUSIC21_VERSION}: the sha256 may differ",
            file=sys.stderr,
        )
    listed = _chorale_list()
    pieces = []
    for count, (numbers, path, titles) in enumerate(listed, start=1):
        pieces.append({"numbers": numbers, "path": path, "titles": titles, **_read_chorale(path)})
        if count % 50 == 0:
            print(f"  parsed {count}/{len(listed)} chorales", file=sys.stderr)
    openings = [melody_opening(p["soprano"], p["soprano_onset"]) for p in pieces]
    tunes = tune_groups([p["titles"] for p in pieces], openings)
    splits = split_by_tune(tunes)
    lengths = np.array([len(piece["roll"]) for piece in pieces])
    arrays = {
        "format_version": np.array(FORMAT_VERSION, dtype=np.int64),
        "steps_per_quarter": np.array(STEPS_PER_QUARTER, dtype=np.int64),
        "starts": np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
        "roll": np.packbits(np.concatenate([p["roll"] for p in pieces]), axis=1),
        "soprano": np.concatenate([p["soprano"] for p in pieces]),
        "soprano_onset": np.concatenate([p["soprano_onset"] for p in pieces]),
        "riemenschneider": np.array([" ".join(map(str, p["numbers"])) for p in pieces]),
        "bwv": np.array([p["path"].removeprefix("bach/bwv") for p in pieces]),
        "file": np.array([p["file"] for p in pieces]),
        "title": np.array([p["titles"][0] for p in pieces]),
        "tune": np.array(tunes),
        "split": np.array(splits),
        "tonic": np.array([p["tonic"] for p in pieces], dtype=np.int8),
        "mode": np.array([p["mode"] for p in pieces]),
        "to_c": np.array([transposition_to_c(p["tonic"]) for p in pieces], dtype=np.int8),
        "repeats_expanded": np.array([p["repeats"] == "expanded" for p in pieces]),
    }
    out = Path(out_dir) / CHORALES_FILE
    write_npz(out, arrays)
    digest = _corpus_digest(pieces)
    per_split = Counter(splits)
    quarters = int(lengths.sum()) // STEPS_PER_QUARTER
    with manifest_lock():
        record(
            out,
            source=f"PyPI music21 {music21.__version__}, music21/corpus/bach/ through "
            "corpus.chorales.Iterator() (Riemenschneider 1-371, Margaret Greentree's "
            f"encodings; {len(pieces)} distinct files, sha256 of their sha256s in order "
            f"{digest}); four voices, repeats expanded, sixteenth-note grid, key by "
            f"music21's analysis, split by tune with seed {SPLIT_SEED}",
            license="music21 is BSD-3-Clause; its corpus encodings are distributed with the "
            "encoders' permission, some not for commercial use (music21/corpus/license.txt)",
            description=f"{len(pieces)} Bach chorales ({len(set(tunes))} "
            f"tunes; train/valid/test {per_split['train']}/{per_split['valid']}/"
            f"{per_split['test']} pieces), 88-key piano roll on a sixteenth-note grid "
            f"({quarters:,} quarter notes), soprano line, original key + shift to C "
            f"(key variants: {', '.join(KEYS)})",
            rebuild=COMMAND,
        )
    off_grid = sum(p["off_grid"] for p in pieces)
    repeats = Counter(p["repeats"] for p in pieces)
    print(
        f"{len(pieces)} chorales, {quarters:,} quarter-note frames, splits {dict(per_split)}; "
        f"{off_grid} notes off the sixteenth grid (rounded); repeats {dict(repeats)}",
        file=sys.stderr,
    )
    return [out]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=COMMAND, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=REPO_DATASETS, help="folder to write into")
    args = parser.parse_args(argv)
    for path in build(args.out):
        print(f"rebuilt {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
