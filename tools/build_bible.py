"""Rebuild ``datasets/bible_en_es.tsv.gz``: short English–Spanish Bible verse pairs.

Run from the repository root (a maintainer tool, not part of the installed package):

    python -m tools.build_bible                                   # apt-get download both .debs
    python -m tools.build_bible --kjv PATH.deb --sparv PATH.deb   # offline, from local copies

Sources: two Debian packages of CrossWire SWORD modules, both public domain and both in the
KJV versification, so a verse reference names the same verse on both sides:

- ``sword-text-kjv`` 14.3-1: the King James Version (1769 text), module ``engKJV2006eb``;
- ``sword-text-sparv`` 2.60-1: the Reina-Valera 1909, module ``spaRV1909eb``.

Nothing is installed: ``apt-get download`` fetches each .deb (checked against a pinned
sha256), its data member is opened with ``dpkg-deb --fsys-tarfile`` and :mod:`tarfile`, and
only the module's regular files are written, by exact name, into a temporary folder where
the PyPI package ``pysword`` (rebuild-only: ``pip install pysword``) reads the raw OSIS
markup of every verse. The markup is stripped here (:func:`strip_osis`): notes are dropped
with their text, tags are removed, pilcrows and doubled spaces go.

Kept: verse pairs whose both sides are non-empty and have at most ``MAX_WORDS`` words (white
space separated). The split is by chapter so that no test verse shares a chapter with a
training verse, and needs no random generator: sha256("<book> <chapter>") as an integer,
modulo 10, picks it (0-7 train, 8 validation, 9 test; see :func:`split_of`). Columns
``ref`` (OSIS reference such as ``Gen.1.1``), ``split``, ``en`` and ``es``; gzip with
mtime 0, so the same input always gives the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import html
import importlib.metadata
import io
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from tools.data_build import REPO_DATASETS, manifest_lock, record, sha256_bytes

# (package, version, sha256 of the .deb, SWORD module name)
SOURCES = {
    "kjv": (
        "sword-text-kjv",
        "14.3-1",
        "9f463f28ce665f6f528fc723179722bced880a4c5485f7a41bf742838315de57",
        "engKJV2006eb",
    ),
    "sparv": (
        "sword-text-sparv",
        "2.60-1",
        "5c87f9b2bc97457e8a872f5bae7ea7ce59cb3de1dcee73e4d4740451863694cf",
        "spaRV1909eb",
    ),
}
MAX_WORDS = 20
SNAPSHOT = "bible_en_es.tsv.gz"
HEADER = ("ref", "split", "en", "es")
COMMAND = "python -m tools.build_bible"
SPLIT_DIGITS = {"train": range(8), "validation": (8,), "test": (9,)}
MAX_MEMBER_BYTES = 50 << 20

_NOTE = re.compile(r"<note\b[^>]*>.*?</note>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
# RV 1909 writes words added in translation as "allí</w><transChange>también</transChange><w>"
# with no space on either side: a tag run between two letters is a word boundary.
_GLUED = re.compile(r"(?<=\w)(?:<[^>]*>)+(?=\w)")
_SPACE = re.compile(r"\s+")


def deb_name(key: str) -> str:
    package, version, _, _ = SOURCES[key]
    return f"{package}_{version}_all.deb"


def download_deb(key: str, folder: Path) -> Path:
    """``apt-get download`` one pinned package into ``folder`` (nothing is installed)."""
    package, version, _, _ = SOURCES[key]
    done = subprocess.run(
        ["apt-get", "download", f"{package}={version}"], cwd=folder, capture_output=True, text=True
    )
    deb = Path(folder) / deb_name(key)
    if done.returncode != 0 or not deb.is_file():
        raise SystemExit(
            f"could not download {deb_name(key)} with apt-get (exit {done.returncode}): "
            f"{done.stderr.strip()[-500:]}\nOffline or not Debian? Pass the file with --{key}."
        )
    return deb


def unpack_module(key: str, deb: Path, library: Path) -> None:
    """Write the module's conf and data files from ``deb`` into the SWORD ``library`` folder."""
    _, _, expected, module = SOURCES[key]
    deb = Path(deb)
    if not deb.is_file():
        raise SystemExit(f".deb not found: {deb}")
    digest = sha256_bytes(deb.read_bytes())
    if digest != expected:
        raise SystemExit(f"{deb} has sha256 {digest}, expected {expected} ({deb_name(key)})")
    if shutil.which("dpkg-deb") is None:
        raise SystemExit("reading a .deb needs dpkg-deb (Debian/Ubuntu: apt-get install dpkg)")
    done = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], capture_output=True)
    if done.returncode != 0:
        raise SystemExit(f"dpkg-deb cannot read {deb}: {done.stderr.decode()[-300:]}")
    prefix = "./usr/share/sword/"
    wanted = {f"mods.d/{module.lower()}.conf"} | {
        f"modules/texts/ztext/{module.lower()}/{part}.{ext}"
        for part in ("ot", "nt")
        for ext in ("bzs", "bzv", "bzz")
    }
    found = set()
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
        for member in archive.getmembers():  # by exact name only: nothing else is written
            name = member.name[len(prefix) :] if member.name.startswith(prefix) else None
            if name is None or name.lower() not in wanted or not member.isfile():
                continue
            if member.size > MAX_MEMBER_BYTES:
                raise SystemExit(f"{deb}: member {member.name} is too large")
            target = library / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.extractfile(member).read())
            found.add(name.lower())
    if found != wanted:
        raise SystemExit(f"{deb} lacks {sorted(wanted - found)}")


def strip_osis(markup: str) -> str:
    """Plain verse text from OSIS markup: notes dropped, tags removed, spaces collapsed."""
    text = _NOTE.sub(" ", markup)
    text = _GLUED.sub(" ", text)
    text = _TAG.sub("", text)
    text = html.unescape(text).replace("¶", " ")
    return _SPACE.sub(" ", text).strip()


def split_of(book: str, chapter: int) -> str:
    """'train', 'validation' or 'test' for a chapter, from sha256 of "<book> <chapter>"."""
    digit = int(hashlib.sha256(f"{book} {chapter}".encode()).hexdigest(), 16) % 10
    return next(name for name, digits in SPLIT_DIGITS.items() if digit in digits)


def read_verses(library: Path) -> list[tuple[str, str, str]]:
    """(ref, English, Spanish) for every verse of the KJV versification, markup stripped."""
    try:
        from pysword.modules import SwordModules
    except ImportError:
        raise SystemExit("rebuilding needs the PyPI package pysword: pip install pysword") from None
    modules = SwordModules(str(library))
    modules.parse_modules()
    english = modules.get_bible_from_module(SOURCES["kjv"][3])
    spanish = modules.get_bible_from_module(SOURCES["sparv"][3])
    rows = []
    books = english.get_structure().get_books()
    for testament in ("ot", "nt"):
        for book in books[testament]:
            for chapter, length in enumerate(book.chapter_lengths, start=1):
                verses = list(range(1, length + 1))
                sides = []
                for bible in (english, spanish):
                    text = bible.get(
                        books=[book.osis_name],
                        chapters=[chapter],
                        verses=verses,
                        clean=False,
                        join="\x00",
                    )
                    sides.append(text.split("\x00"))
                if len(sides[0]) != length or len(sides[1]) != length:
                    raise SystemExit(f"{book.osis_name} {chapter}: verse counts differ")
                for verse, (en, es) in enumerate(zip(*sides, strict=True), start=1):
                    rows.append(
                        (f"{book.osis_name}.{chapter}.{verse}", strip_osis(en), strip_osis(es))
                    )
    return rows


def select(rows: list[tuple[str, str, str]]) -> list[tuple[str, str, str, str]]:
    """(ref, split, en, es) for the pairs with 1..MAX_WORDS words on both sides."""
    kept = []
    for ref, en, es in rows:
        if "\t" in en + es or "\n" in en + es:
            raise SystemExit(f"{ref}: a tab or newline survived markup stripping")
        if 0 < len(en.split()) <= MAX_WORDS and 0 < len(es.split()) <= MAX_WORDS:
            book, chapter, _ = ref.split(".")
            kept.append((ref, split_of(book, int(chapter)), en, es))
    return kept


def write_snapshot(rows: list[tuple[str, str, str, str]], out_dir: Path) -> Path:
    """Gzip (mtime 0) the tab-separated rows under the header into ``out_dir``."""
    lines = ["\t".join(HEADER)] + ["\t".join(row) for row in rows]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    out = Path(out_dir) / SNAPSHOT
    out.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    return out


def build(out_dir: Path = REPO_DATASETS, debs: dict[str, Path] | None = None) -> list[Path]:
    """Write the snapshot into ``out_dir`` and record it in that folder's manifest."""
    debs = dict(debs or {})
    with tempfile.TemporaryDirectory() as folder:
        library = Path(folder) / "sword"
        for key in SOURCES:
            deb = debs.get(key) or download_deb(key, Path(folder))
            unpack_module(key, deb, library)
        verses = read_verses(library)
    rows = select(verses)
    out = write_snapshot(rows, Path(out_dir))
    counts = {name: sum(row[1] == name for row in rows) for name in SPLIT_DIGITS}
    described = ", ".join(f"{n:,} {name}" for name, n in counts.items())
    pysword_version = importlib.metadata.version("pysword")
    sources = "; ".join(
        f"Debian {package} {version} ({deb_name(key)}, sha256 {digest}), module {module}"
        for key, (package, version, digest, module) in SOURCES.items()
    )
    with manifest_lock():
        record(
            out,
            source=f"{sources}; read with PyPI pysword {pysword_version}, OSIS markup stripped "
            f"(notes dropped), verses with 1-{MAX_WORDS} words on both sides kept out of "
            f"{len(verses):,}; split by chapter (sha256 of 'book chapter' mod 10)",
            license="public domain (King James Version; Reina-Valera 1909); the SWORD modules "
            "and their Debian packaging mark both texts PUBLIC DOMAIN",
            description=f"{len(rows):,} English (KJV) - Spanish (RV 1909) verse pairs: "
            f"{described}; columns ref, split, en, es",
            rebuild=COMMAND,
        )
    return [out]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=COMMAND, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    for key in SOURCES:
        parser.add_argument(f"--{key}", type=Path, help=f"a local copy of {deb_name(key)}")
    parser.add_argument(
        "--out-dir", type=Path, default=REPO_DATASETS, help="folder holding manifest.json"
    )
    args = parser.parse_args(argv)
    debs = {key: getattr(args, key) for key in SOURCES if getattr(args, key)}
    for path in build(args.out_dir, debs=debs):
        print(f"rebuilt {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
