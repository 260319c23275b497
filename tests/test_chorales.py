"""The Bach chorales: builder helpers, the loader (on files the tests write), the snapshot."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

from lstm_course.data import chorales as ch
from lstm_course.data.registry import DatasetError
from tools import build_chorales as build
from tools.data_build import record

# ----------------------------------------------------------------------------- a small snapshot


def fake_arrays(pieces: int = 3) -> dict[str, np.ndarray]:
    """A valid snapshot of ``pieces`` tiny chorales (8 grid rows each) in D major/B minor."""
    rows = 8 * pieces
    grid = np.zeros((rows, 88), dtype=bool)
    soprano = np.zeros(rows, dtype=np.uint8)
    onset = np.zeros(rows, dtype=bool)
    for piece in range(pieces):
        base = 8 * piece
        # a half note D5 (MIDI 74) over D3 (50), then a quarter E5 over A2 (45), a rest
        grid[base : base + 4, [74 - 21, 50 - 21]] = True
        grid[base + 4 : base + 6, [76 - 21, 45 - 21]] = True
        soprano[base : base + 4], onset[base] = 74, True
        soprano[base + 4 : base + 6], onset[base + 4] = 76, True
    splits = (["train", "valid", "test"] * pieces)[:pieces]
    return {
        "format_version": np.array(1, dtype=np.int64),
        "steps_per_quarter": np.array(4, dtype=np.int64),
        "starts": np.arange(0, rows + 1, 8, dtype=np.int64),
        "roll": np.packbits(grid, axis=1),
        "soprano": soprano,
        "soprano_onset": onset,
        "riemenschneider": np.array([str(i + 1) for i in range(pieces)]),
        "bwv": np.array([f"{300 + i}" for i in range(pieces)]),
        "file": np.array([f"bwv{300 + i}.mxl" for i in range(pieces)]),
        "title": np.array([f"Hymn {i}" for i in range(pieces)]),
        "tune": np.array([f"Hymn {i}" for i in range(pieces)]),
        "split": np.array(splits),
        "tonic": np.array([2] * pieces, dtype=np.int8),  # D
        "mode": np.array(["major"] * pieces),
        "to_c": np.array([-2] * pieces, dtype=np.int8),
        "repeats_expanded": np.zeros(pieces, dtype=bool),
    }


def write_snapshot(folder, arrays) -> None:
    build.write_npz(folder / ch.CHORALES_FILE, arrays)
    record(
        folder / ch.CHORALES_FILE,
        source="test",
        license="test",
        description="test",
        rebuild="test",
    )


@pytest.fixture
def snapshot(tmp_path):
    write_snapshot(tmp_path, fake_arrays())
    return tmp_path


# ----------------------------------------------------------------------------- builder helpers


def test_transposition_to_c_is_the_nearest_shift():
    shifts = [build.transposition_to_c(pc) for pc in range(12)]
    assert shifts == [0, -1, -2, -3, -4, -5, -6, 5, 4, 3, 2, 1]
    assert all((pc + s) % 12 == 0 for pc, s in enumerate(shifts))


def test_melody_opening_is_the_same_in_any_key():
    soprano = np.array([60, 60, 62, 64, 64, 65, 0, 67])
    onset = np.array([1, 0, 1, 1, 0, 1, 0, 1], dtype=bool)
    assert build.melody_opening(soprano, onset) == (2, 2, 1, 2)
    assert build.melody_opening(soprano + 7 * (soprano > 0), onset) == (2, 2, 1, 2)


def test_tune_groups_join_shared_titles_and_shared_openings():
    titles = [["A"], ["B"], ["A", "C"], ["C"], ["D"], ["E"]]
    openings = [(1,), (2,), (3,), (4,), (2,), (5,)]
    assert build.tune_groups(titles, openings) == ["A", "B", "A", "A", "B", "E"]


def test_split_by_tune_keeps_tunes_together_in_jsb_proportions():
    rng = np.random.default_rng(0)
    tunes = [f"tune {int(t)}" for t in rng.integers(0, 200, size=350)]
    splits = build.split_by_tune(tunes, seed=3)
    for tune in set(tunes):
        assert len({s for t, s in zip(tunes, splits, strict=True) if t == tune}) == 1
    shares = {name: splits.count(name) / len(splits) for name in ("train", "valid", "test")}
    assert shares["train"] == pytest.approx(229 / 382, abs=0.02)
    assert shares["valid"] == pytest.approx(76 / 382, abs=0.02)
    assert build.split_by_tune(tunes, seed=3) == splits  # a fixed seed, a fixed split
    assert build.split_by_tune(list(reversed(tunes)), seed=3) == list(reversed(splits))


def test_write_npz_is_byte_reproducible_and_never_pickles(tmp_path):
    arrays = fake_arrays()
    build.write_npz(tmp_path / "a.npz", arrays)
    build.write_npz(tmp_path / "b.npz", arrays)
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    with np.load(tmp_path / "a.npz", allow_pickle=False) as loaded:
        assert loaded["format_version"].shape == ()  # a 0-d array stays 0-d
    with pytest.raises(ValueError, match="dtype object"):
        build.write_npz(tmp_path / "c.npz", {"x": np.array([{}], dtype=object)})


# ----------------------------------------------------------------------------- loader


def test_loader_splits_transposes_and_samples(snapshot):
    data = ch.load_chorales(root=snapshot)
    assert {name: len(data[name]) for name in ch.SPLITS} == {"train": 1, "valid": 1, "test": 1}
    piece = data["train"][0]
    assert piece.roll.shape == (2, 88) and piece.roll.dtype == np.float32
    assert np.flatnonzero(piece.roll[0]).tolist() == [50 - 23, 74 - 23]  # D major -> C major
    assert piece.transposed == -2 and piece.original_key == "D major"
    assert piece.soprano.tolist() == [72, 74] and piece.soprano_onset.tolist() == [True, True]
    original = ch.load_chorales(key="original", root=snapshot)["train"][0]
    assert np.flatnonzero(original.roll[0]).tolist() == [50 - 21, 74 - 21]
    assert original.transposed == 0
    fine = ch.load_chorales(step="sixteenth", root=snapshot)["train"][0]
    assert fine.roll.shape == (8, 88)
    assert fine.soprano_onset.tolist() == [1, 0, 0, 0, 1, 0, 0, 0]
    eighth = ch.load_chorales(step="eighth", root=snapshot)["train"][0]
    assert eighth.soprano.tolist() == [72, 72, 74, 0]
    assert eighth.soprano_onset.tolist() == [True, False, True, False]


def test_an_onset_between_two_frames_starts_a_note_in_the_next(tmp_path):
    arrays = fake_arrays()
    arrays["soprano_onset"][0:8] = [1, 0, 1, 0, 0, 0, 0, 0]  # re-struck at the second eighth
    write_snapshot(tmp_path, arrays)
    piece = ch.load_chorales(key="original", root=tmp_path)["train"][0]
    assert piece.soprano_onset.tolist() == [True, True]  # row 2 falls in frame 1's window


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda a: a.pop("tonic"), r"arrays \['tonic'\] are missing"),
        (lambda a: a.update(format_version=np.array(2)), "format_version must be the integer 1"),
        (lambda a: a.update(starts=a["starts"][::-1].copy()), "starts must rise strictly"),
        (lambda a: a.update(roll=a["roll"].astype(np.int16)), "'roll' must be 2-D uint8"),
        (lambda a: a.update(soprano=a["soprano"][:-1]), "'soprano' has 23 rows, 'roll' has 24"),
        (lambda a: a.update(title=a["title"][:2]), "'title' has 2 entries for 3 chorales"),
        (lambda a: a.update(split=np.array(["train", "valid", "tst"])), "'split' must hold one of"),
        (lambda a: a.update(to_c=np.array([-2, -2, 3], np.int8)), "moves 'tonic' to C"),
        (lambda a: a.update(split=np.array(["train", "train", "test"])), "'valid' split holds no"),
        (lambda a: a["soprano"].__setitem__(3, 12), "'soprano' must hold 0 .rest. or a MIDI"),
        (lambda a: a.update(mode=np.array(["major", "dorian", "major"])), "'mode' must hold"),
    ],
    ids=[
        "missing",
        "version",
        "starts",
        "dtype",
        "rows",
        "pieces",
        "split",
        "to_c",
        "empty split",
        "pitch",
        "mode",
    ],
)
def test_loader_names_what_is_wrong_with_a_damaged_snapshot(tmp_path, change, message):
    arrays = fake_arrays()
    change(arrays)
    write_snapshot(tmp_path, arrays)
    with pytest.raises(ch.ChoraleDataError, match=message):
        ch.load_chorales(root=tmp_path)


def test_loader_refuses_pickles_non_archives_and_changed_bytes(tmp_path):
    (tmp_path / ch.CHORALES_FILE).write_bytes(b"not a zip")
    record(tmp_path / ch.CHORALES_FILE, source="t", license="t", description="t", rebuild="t")
    with pytest.raises(ch.ChoraleDataError, match="not a readable .npz"):
        ch.load_chorales(root=tmp_path)
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with zipfile.ZipFile(tmp_path / ch.CHORALES_FILE, "w") as archive:
        archive.writestr("roll.npy", buffer.getvalue())
    record(tmp_path / ch.CHORALES_FILE, source="t", license="t", description="t", rebuild="t")
    with pytest.raises(ch.ChoraleDataError, match="cannot be read safely"):
        ch.load_chorales(root=tmp_path)
    write_snapshot(tmp_path, fake_arrays())
    with open(tmp_path / ch.CHORALES_FILE, "ab") as handle:
        handle.write(b"\0")
    with pytest.raises(DatasetError, match="does not match the manifest"):
        ch.load_chorales(root=tmp_path)


def test_transposing_off_the_keyboard_is_an_error(tmp_path):
    arrays = fake_arrays()
    grid = np.unpackbits(arrays["roll"], axis=1)[:, :88]
    grid[0, 0] = 1  # A0, then transposed down by 2
    arrays["roll"] = np.packbits(grid.astype(bool), axis=1)
    write_snapshot(tmp_path, arrays)
    with pytest.raises(ch.ChoraleDataError, match="off the keyboard"):
        ch.load_chorales(root=tmp_path)
    assert ch.load_chorales(key="original", root=tmp_path)["train"][0].roll[0, 0] == 1


@pytest.mark.parametrize("bad, error", [({"key": "c"}, ValueError), ({"step": 4}, ValueError)])
def test_loader_arguments_are_checked(snapshot, bad, error):
    with pytest.raises(error, match=next(iter(bad))):
        ch.load_chorales(root=snapshot, **bad)


# ----------------------------------------------------------------------------- melodies


def test_melody_tokens_and_back(snapshot):
    piece = ch.load_chorales(step="eighth", root=snapshot)["train"][0]
    tokens = ch.melody_tokens(piece, lowest=60, highest=84)
    assert tokens.tolist() == [3 + 12, ch.MELODY_HOLD, 3 + 14, ch.MELODY_REST]
    assert ch.melody_vocabulary(60, 84) == 3 + 25
    roll = ch.melody_roll(tokens, lowest=60)
    assert [np.flatnonzero(frame).tolist() for frame in roll] == [[51], [51], [53], []]
    with pytest.raises(ValueError, match="must cover the melody"):
        ch.melody_tokens(piece, lowest=60, highest=73)
    with pytest.raises(ValueError, match="tokens must be 1 .rest., 2 .hold."):
        ch.melody_roll([0, 3], lowest=60)
    with pytest.raises(TypeError, match="chorale must be a Chorale"):
        ch.melody_tokens(piece.roll, lowest=60, highest=84)


# ----------------------------------------------------------------------------- the committed snapshot


@pytest.fixture(scope="module")
def committed():
    return ch.load_chorales()


def test_committed_snapshot_matches_its_description(committed):
    counts = {name: len(committed[name]) for name in ch.SPLITS}
    assert counts == {"train": 209, "valid": 69, "test": 72}
    frames = sum(len(c.roll) for pieces in committed.values() for c in pieces)
    assert frames == 22_220
    tunes = {name: {c.tune for c in committed[name]} for name in ch.SPLITS}
    assert not (tunes["train"] & tunes["test"]) and not (tunes["train"] & tunes["valid"])
    assert not (tunes["valid"] & tunes["test"])
    everything = [c for pieces in committed.values() for c in pieces]
    assert len({c.bwv for c in everything}) == 350  # every harmonisation once
    assert all(c.roll.sum(axis=1).max() <= 4 for c in everything)  # four voices
    assert all(abs(c.transposed) <= 6 for c in everything)


def test_committed_melodies_fit_a_small_vocabulary(committed):
    everything = [c for pieces in committed.values() for c in pieces]
    pitches = np.concatenate([c.soprano[c.soprano > 0] for c in everything])
    lowest, highest = int(pitches.min()), int(pitches.max())
    assert 55 <= lowest and highest <= 86  # the soprano range, transposed to C
    tokens = [ch.melody_tokens(c, lowest, highest) for c in everything]
    assert all(t.min() >= 1 for t in tokens)
