"""Rebuild the spoken-digit snapshots: synthetic voices (espeak-ng) and one human voice.

Run from the repository root (a maintainer tool, not part of the installed package), on a
Debian/Ubuntu machine (as root, or with the two packages already there):

    apt-get install espeak-ng                     # the synthesiser (rebuild only)
    python -m tools.build_digits                  # apt-get downloads the asterisk sounds
    python -m tools.build_digits --deb PATH.deb   # offline, from a .deb you already have

``spoken_digits_espeak.npz``: espeak-ng says each digit word ("zero" .. "nine") twice per
voice, each time with its own speed (words per minute), pitch and amplitude, and says a few
whole digit strings in one breath ("three eight one four"), so the recordings hold
coarticulation that gluing isolated words never has. A *voice* is one espeak-ng variant
(a timbre: m3, f2, klatt, Annie, ...) with one English accent (en-gb, en-us, en-029, ...).
Voices are split by variant into train/val/test with a fixed seed, so a test variant's
timbre is never heard in training under any accent.

``spoken_digits_human.npz``: the digits 0-9 of the asterisk-core-sounds-en-wav Debian
package (Allison Smith, CC BY-SA 3.0), already 8 kHz 16-bit mono; the .deb is checked against
a pinned sha256 and read with ``dpkg-deb -x`` into a temporary folder.

Everything is resampled to 8 kHz, trimmed of leading/trailing silence and stored as 8-bit
mu-law in ``np.savez_compressed`` (no pickles). espeak-ng's output is deterministic for one
version; the version used is recorded, and another version gives other (equally valid) bytes.
"""

from __future__ import annotations

import glob
import shutil
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np

from lstm_course.data.digits import (
    DIGIT_WORDS,
    HUMAN_FILE,
    SAMPLE_RATE,
    SYNTH_FILE,
    delta_encode,
    mulaw_encode,
    resample,
)
from tools.data_build import REPO_DATASETS, manifest_lock, record, run_builder, sha256_bytes

COMMAND = "python -m tools.build_digits"
SEED = 12
ACCENTS = (
    "en-gb",
    "en-us",
    "en-gb-scotland",
    "en-gb-x-gbclan",
    "en-gb-x-rp",
    "en-gb-x-gbcwmd",
    "en-029",
    "en-us-nyc",
)
# espeak-ng 1.51's variants that still sound like speech (whisper, "Demonic", fast_test and
# the robot voices are left out). Fixed here, so a rebuild never depends on a directory listing.
VARIANTS = (
    "m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5",
    "adam", "Alex", "Alicia", "Andrea", "Andy", "Annie", "antonio", "aunty", "belinda",
    "benjamin", "boris", "caleb", "david", "Denis", "Diogo", "ed", "edward", "Gene",
    "gustave", "Henrique", "Hugo", "iven", "Jacky", "john", "kaukovalta", "Lee", "linda",
    "marcelo", "Marco", "Mario", "max", "Michael", "michel", "miguel", "Mike", "Nguyen",
    "pablo", "paul", "pedro", "quincy", "rob", "robert", "steph", "Storm", "Tweaky", "zac",
    "anika", "grandpa", "klatt", "klatt2", "klatt3", "klatt4",
)  # fmt: skip
N_VAL, N_TEST = 6, 12  # variants held out for validation and test
TAKES = 2  # isolated takes of each digit per voice
STRINGS = 3  # whole strings per voice, 2-5 digits each
ASTERISK = "asterisk-core-sounds-en-wav"
ASTERISK_VERSION = "1.6.1-1"
DEB = f"{ASTERISK}_{ASTERISK_VERSION}_all.deb"
DEB_SHA256 = "2be3ea287d83299d143815fa804f11179a75b7affd4a758b98b55f5afc18a35d"
DIGITS_GLOB = "usr/share/asterisk/sounds/en_US_f_Allison/digits/[0-9].wav"


def _espeak_version() -> str:
    if shutil.which("espeak-ng") is None:
        raise SystemExit("espeak-ng not found: apt-get install espeak-ng (rebuild only)")
    done = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True)
    return done.stdout.strip().split("  ")[0]


def _read_pcm16(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as handle:
        if handle.getsampwidth() != 2 or handle.getnchannels() != 1:
            raise SystemExit(f"{path}: expected 16-bit mono PCM")
        raw = handle.readframes(handle.getnframes())
        return np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0, handle.getframerate()


def trim(audio: np.ndarray, margin: int = 200, threshold: float = 0.02) -> np.ndarray:
    """Cut leading/trailing silence: keep from the first to the last sample above
    ``threshold`` x peak, with ``margin`` samples (25 ms) either side."""
    loud = np.flatnonzero(np.abs(audio) > threshold * np.max(np.abs(audio)))
    return audio[max(loud[0] - margin, 0) : loud[-1] + margin + 1]


def speak(text: str, voice: str, speed: int, pitch: int, amplitude: int, gap: int) -> np.ndarray:
    """espeak-ng says ``text``: (samples,) float32 at 8 kHz, trimmed."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "say.wav"
        command = ["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch)]
        command += ["-a", str(amplitude), "-g", str(gap), "-w", str(out), text]
        subprocess.run(command, check=True, capture_output=True)
        audio, rate = _read_pcm16(out)
    return trim(resample(audio, rate, SAMPLE_RATE))


def voices() -> tuple[list[str], list[str]]:
    """Voice names ("accent+variant") and each one's split, by variant, seeded."""
    rng = np.random.default_rng(SEED)
    order = rng.permutation(len(VARIANTS))
    split = np.array(["train"] * len(VARIANTS), dtype=object)
    split[order[:N_TEST]] = "test"
    split[order[N_TEST : N_TEST + N_VAL]] = "val"
    accents = rng.integers(0, len(ACCENTS), size=len(VARIANTS))
    names = [f"{ACCENTS[a]}+{v}" for a, v in zip(accents, VARIANTS, strict=True)]
    return names, [str(s) for s in split]


def synthesise() -> dict[str, np.ndarray]:
    """Every voice's isolated digits and whole strings, as the snapshot's arrays."""
    rng = np.random.default_rng(SEED + 1)
    names, splits = voices()
    clips, text, voice = [], [], []
    for index, name in enumerate(names):
        says = [str(d) for d in range(10) for _ in range(TAKES)]
        says += ["".join(map(str, rng.integers(0, 10, rng.integers(2, 6)))) for _ in range(STRINGS)]
        for digits in says:
            words = " ".join(DIGIT_WORDS[int(d)] for d in digits)
            speed, pitch = int(rng.integers(120, 221)), int(rng.integers(20, 81))
            amplitude, gap = int(rng.integers(60, 161)), int(rng.integers(0, 4))
            clips.append(speak(words, name, speed, pitch, amplitude, gap))
            text.append(digits)
            voice.append(index)
    offsets = np.concatenate([[0], np.cumsum([len(c) for c in clips])]).astype(np.int64)
    return {
        "codes_delta": delta_encode(mulaw_encode(np.concatenate(clips))),
        "offsets": offsets,
        "text": np.asarray(text, dtype="U8"),
        "voice": np.asarray(voice, dtype=np.int16),
        "voices": np.asarray(names, dtype="U40"),
        "voice_split": np.asarray(splits, dtype="U5"),
    }


def human(deb: Path | None) -> tuple[dict[str, np.ndarray], str]:
    """Allison's digits 0-9 from the asterisk .deb, and the .deb's sha256."""
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        if deb is None:
            done = subprocess.run(
                ["apt-get", "download", f"{ASTERISK}={ASTERISK_VERSION}"],
                cwd=folder, capture_output=True, text=True,
            )  # fmt: skip
            deb = folder / DEB
            if done.returncode != 0 or not deb.is_file():
                raise SystemExit(f"apt-get download {ASTERISK} failed: {done.stderr[-400:]}")
        digest = sha256_bytes(Path(deb).read_bytes())
        if DEB_SHA256 is not None and digest != DEB_SHA256:
            raise SystemExit(f"{deb} has sha256 {digest}, expected {DEB_SHA256}")
        subprocess.run(["dpkg-deb", "-x", str(deb), str(folder / "x")], check=True)
        files = sorted(glob.glob(str(folder / "x" / DIGITS_GLOB)))
        if len(files) != 10:
            raise SystemExit(f"{deb}: expected 10 files {DIGITS_GLOB}, found {len(files)}")
        clips = []
        for path in files:
            audio, rate = _read_pcm16(Path(path))
            clips.append(trim(resample(audio, rate, SAMPLE_RATE)))
    offsets = np.concatenate([[0], np.cumsum([len(c) for c in clips])]).astype(np.int64)
    arrays = {
        "codes_delta": delta_encode(mulaw_encode(np.concatenate(clips))),
        "offsets": offsets,
        "text": np.asarray([Path(p).stem for p in files], dtype="U8"),
    }
    return arrays, digest


def _save(path: Path, arrays: dict[str, np.ndarray]) -> Path:
    """``np.savez_compressed`` with fixed zip timestamps, so equal arrays give equal bytes."""
    import zipfile

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for key, value in arrays.items():
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as handle:
                np.lib.format.write_array(handle, np.ascontiguousarray(value), allow_pickle=False)
    return path


def build(out_dir: Path = REPO_DATASETS, deb: Path | None = None) -> list[Path]:
    """Write both snapshots into ``out_dir`` and record them in its manifest."""
    out_dir = Path(out_dir)
    version = _espeak_version()
    synth = synthesise()
    synth_path = _save(out_dir / SYNTH_FILE, synth)
    human_arrays, deb_sha = human(deb)
    human_path = _save(out_dir / HUMAN_FILE, human_arrays)
    n_voices = len(synth["voices"])
    counts = {s: int(np.sum(synth["voice_split"] == s)) for s in ("train", "val", "test")}
    seconds = len(synth["codes_delta"]) / SAMPLE_RATE
    with manifest_lock():
        record(
            synth_path,
            source=f"synthesised with Debian espeak-ng ({version}) by {COMMAND} (seed {SEED}): "
            f"{len(VARIANTS)} voice variants, each with one of {len(ACCENTS)} English accents; "
            "resampled to 8 kHz, trimmed, 8-bit mu-law",
            license="generated by the course (CC0); espeak-ng is GPL-3.0-or-later, its output "
            "is not covered by the GPL",
            description=f"{len(synth['text'])} clips, {seconds:.0f} s, {n_voices} voices "
            f"(train {counts['train']}, val {counts['val']}, test {counts['test']}, split by "
            f"variant): each digit {TAKES}x per voice plus {STRINGS} whole strings of 2-5 "
            "digits per voice; arrays codes_delta (int8 mu-law codes, delta-coded as uint8), "
            "offsets, text, voice, voices, "
            "voice_split",
            rebuild=COMMAND,
        )
        record(
            human_path,
            source=f"Debian {ASTERISK} {ASTERISK_VERSION} ({DEB}, sha256 {deb_sha}), files "
            f"{DIGITS_GLOB}: studio prompts recorded by Allison Smith (Digium); 8 kHz 16-bit, "
            "trimmed, 8-bit mu-law",
            license="CC BY-SA 3.0, Copyright 2003-2010 Allison Smith (asterisk-core-sounds); "
            "attribute her and share adaptations alike",
            description="10 clips: one human speaker saying each digit 0-9 once; arrays "
            "codes_delta (int8 mu-law codes, delta-coded as uint8), offsets, text",
            rebuild=COMMAND,
        )
    return [synth_path, human_path]


def main(argv: list[str] | None = None) -> int:
    return run_builder(build, argv, command=COMMAND, doc=__doc__, local_copies={"deb": DEB})


if __name__ == "__main__":
    sys.exit(main())
