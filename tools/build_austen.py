"""Rebuild ``datasets/austen.txt.xz``: Jane Austen's six novels as one plain text.

Run from the repository root (a maintainer tool, not part of the installed package):

    python -m tools.build_austen                   # apt-get download the pinned Debian package
    python -m tools.build_austen --deb PATH.deb    # offline, from a .deb you already have

The source is the Debian package ``r-cran-janeaustenr`` 1.0.0-1 (Julia Silge's CRAN package
janeaustenr, MIT; the novels are public domain, Project Gutenberg texts with Gutenberg's
headers already removed). Nothing is installed: ``apt-get download`` fetches the .deb, its
data member is opened with ``dpkg-deb --fsys-tarfile`` and :mod:`tarfile` (nothing is written
to disk), and the R lazy-load database ``data/Rdata.rdb`` (index ``Rdata.rdx``) is parsed
with the PyPI package ``rdata`` (rebuild-only: ``pip install rdata``). Both the .deb and the
text are checked against pinned sha256 digests.

The snapshot is the six novels in publication order (the order of janeaustenr's
``austen_books()``), each novel's lines joined by ``\\n`` and the novels separated by one
blank line, xz-compressed (preset 9) so the same input always gives the same file. The
course splits it by position (90/5/5, see :mod:`lstm_course.data.austen`).
"""

from __future__ import annotations

import gzip
import io
import lzma
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zlib
from pathlib import Path

from tools.data_build import REPO_DATASETS, manifest_lock, record, run_builder, sha256_bytes

PACKAGE = "r-cran-janeaustenr"
VERSION = "1.0.0-1"
DEB = f"{PACKAGE}_{VERSION}_all.deb"
DEB_SHA256 = "df6bddf211906d1ff404f8ff662c21b34e6660e7f54a311084e749050c019c95"
DATA = "./usr/lib/R/site-library/janeaustenr/data/Rdata"
# janeaustenr's austen_books() order: publication order.
NOVELS = (
    ("sensesensibility", "Sense and Sensibility (1811)"),
    ("prideprejudice", "Pride and Prejudice (1813)"),
    ("mansfieldpark", "Mansfield Park (1814)"),
    ("emma", "Emma (1815)"),
    ("northangerabbey", "Northanger Abbey (1817)"),
    ("persuasion", "Persuasion (1817)"),
)
TEXT_SHA256 = "887d811d970b962381ef54f0d0dde7d14e7ce7aa2c85fdef0a8a97a47e4390d0"
SNAPSHOT = "austen.txt.xz"
COMMAND = "python -m tools.build_austen"


def download_deb(folder: Path) -> Path:
    """``apt-get download`` the pinned package into ``folder`` (nothing is installed)."""
    done = subprocess.run(
        ["apt-get", "download", f"{PACKAGE}={VERSION}"],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    deb = Path(folder) / DEB
    if done.returncode != 0 or not deb.is_file():
        raise SystemExit(
            f"could not download {DEB} with apt-get (exit {done.returncode}): "
            f"{done.stderr.strip()[-500:]}\nOffline or not Debian? Pass the file with --deb PATH."
        )
    return deb


def _members(deb: Path) -> dict[str, bytes]:
    """The Rdata.rdb and Rdata.rdx bytes from the .deb's data archive."""
    if shutil.which("dpkg-deb") is None:
        raise SystemExit("reading a .deb needs dpkg-deb (Debian/Ubuntu: apt-get install dpkg)")
    done = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], capture_output=True)
    if done.returncode != 0:
        raise SystemExit(f"dpkg-deb cannot read {deb}: {done.stderr.decode()[-300:]}")
    wanted = {f"{DATA}.rdb", f"{DATA}.rdx"}
    found = {}
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
        for member in archive.getmembers():  # read by name only: nothing is extracted
            if member.name in wanted and member.isfile():
                found[member.name.rsplit(".", 1)[1]] = archive.extractfile(member).read()
    if len(found) != 2:
        raise SystemExit(f"{deb} lacks {sorted(wanted)}")
    return found


def _unserialize(data: bytes):
    try:
        import rdata
    except ImportError:
        raise SystemExit("rebuilding needs the PyPI package rdata: pip install rdata") from None
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Unknown file type: assumed RDS" for raw blobs
        return rdata.conversion.convert(rdata.parser.parse_data(data))


def read_novels(deb: Path) -> dict[str, list[str]]:
    """Each novel's lines (R character vectors) out of the lazy-load database."""
    deb = Path(deb)
    if not deb.is_file():
        raise SystemExit(f".deb not found: {deb}")
    digest = sha256_bytes(deb.read_bytes())
    if digest != DEB_SHA256:
        raise SystemExit(f"{deb} has sha256 {digest}, expected {DEB_SHA256} ({DEB})")
    files = _members(deb)
    index = _unserialize(gzip.decompress(files["rdx"]))["variables"]
    novels = {}
    for name, _ in NOVELS:
        offset, length = (int(v) for v in index[name])
        blob = files["rdb"][offset : offset + length]
        # each record: a 4-byte big-endian uncompressed length, then a zlib stream
        lines = _unserialize(zlib.decompress(blob[4:]))
        novels[name] = [str(line) for line in lines]
    return novels


def join_novels(novels: dict[str, list[str]]) -> str:
    """One text: lines joined by newlines, novels separated by a blank line."""
    return "\n\n".join("\n".join(novels[name]) for name, _ in NOVELS) + "\n"


def write_snapshot(text: str, out_dir: Path) -> Path:
    """xz-compress the UTF-8 text (preset 9, CRC64) into ``out_dir``."""
    out = Path(out_dir) / SNAPSHOT
    out.write_bytes(lzma.compress(text.encode("utf-8"), preset=9))
    return out


def build(out_dir: Path = REPO_DATASETS, deb: Path | None = None) -> list[Path]:
    """Write the snapshot into ``out_dir`` and record it in that folder's manifest."""
    out_dir = Path(out_dir)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(deb) if deb is not None else download_deb(Path(folder))
        novels = read_novels(source)
    text = join_novels(novels)
    digest = sha256_bytes(text.encode("utf-8"))
    if TEXT_SHA256 is not None and digest != TEXT_SHA256:
        raise SystemExit(f"the joined text has sha256 {digest}, expected {TEXT_SHA256}")
    out = write_snapshot(text, out_dir)
    counts = ", ".join(f"{title} {len(chr(10).join(novels[name])):,}" for name, title in NOVELS)
    with manifest_lock():
        record(
            out,
            source=f"Debian {PACKAGE} {VERSION} ({DEB}, sha256 {DEB_SHA256}), R lazy-load "
            f"database janeaustenr/data/Rdata.rdb read with PyPI rdata: Julia Silge's CRAN "
            "package janeaustenr 1.0.0 (Project Gutenberg texts, headers removed). Novels in "
            "publication order, lines joined by newlines, novels separated by a blank line, "
            f"UTF-8 text sha256 {digest}, xz-compressed (preset 9)",
            license="the novels are public domain; janeaustenr and its Debian packaging are MIT "
            "(Copyright 2016-2017 Julia Silge; 2021 Andreas Tille)",
            description=f"Jane Austen's six novels, {len(text):,} characters, "
            f"{len(set(text))} distinct ({counts} characters)",
            rebuild=COMMAND,
        )
    return [out]


def main(argv: list[str] | None = None) -> int:
    return run_builder(build, argv, command=COMMAND, doc=__doc__, local_copies={"deb": DEB})


if __name__ == "__main__":
    sys.exit(main())
