"""Rebuild notebook 10's sentence-polarity snapshots from two registry packages.

Run from the repository root (a maintainer tool, not part of the installed package):

    python -m tools.build_sentiment                                  # pip download + npm pack
    python -m tools.build_sentiment --sdist PATH.tar.gz --npm PATH.tgz   # offline

Two files are written into ``datasets/`` and recorded (sha256, provenance, license) in
``datasets/manifest.json`` by :func:`tools.data_build.record`:

``mr_sentences.tsv.gz``
    Pang & Lee's Rotten Tomatoes sentence-polarity data ("MR", Kim 2014) as shipped in the
    PyPI sdist of ``vaderSentiment`` 3.3.2 (``additional_resources/hutto_ICWSM_2014.tar.gz``
    → ``hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt``): 10,605 sentences, each with
    the mean of >= 20 human ratings on -4..+4 (Hutto & Gilbert 2014). Columns ``id``,
    ``rating`` (the text exactly as shipped), ``split`` and ``text``. The split is fixed
    and needs no random generator: sha256("mr-<id>") as an integer, modulo 10, picks it
    (0-7 train, 8 validation, 9 test: about 80/10/10 %, see :func:`split_of`).
``sentiment_crossdomain.tsv.gz``
    The UCI "Sentiment Labelled Sentences" (Kotzias et al. 2015, CC BY 4.0): 1,000
    sentences each from Amazon, Yelp and IMDb, as shipped in the npm package ``sentiment``
    5.0.2 (``package/test/fixtures/{amazon,imdb,yelp}.json``). Columns ``domain``,
    ``label`` (0 negative, 1 positive) and ``text`` (surrounding white space stripped). Each
    fixture holds one extra entry without a class, which is dropped.

Neither package is installed: ``pip download --no-deps --no-binary :all:`` and ``npm pack``
fetch the archives, which are read member by member with :mod:`tarfile` (nothing is
extracted to disk; only regular files are read, by exact name). Archives and members are
checked against pinned sha256 digests, so a rebuild reproduces the committed bytes or stops
and names the input that changed. Both snapshots are gzip-compressed with mtime 0.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from tools.data_build import (
    REPO_DATASETS,
    gzip_bytes,
    manifest_lock,
    record,
    run_builder,
    sha256_bytes,
)

VADER_VERSION = "3.3.2"
SDIST = f"vaderSentiment-{VADER_VERSION}.tar.gz"
SDIST_SHA256 = "5d7c06e027fc8b99238edb0d53d970cf97066ef97654009890b83703849632f9"
INNER_ARCHIVE = f"vaderSentiment-{VADER_VERSION}/additional_resources/hutto_ICWSM_2014.tar.gz"
MR_MEMBER = "hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt"
MR_SHA256 = "c8293b0d942e90e223ea2c0955d969040d1a1be514a978b9af0698940bd13350"

NPM_VERSION = "5.0.2"
NPM_TGZ = f"sentiment-{NPM_VERSION}.tgz"
NPM_SHA256 = "89302eb03d2005d03b214fe65814bb48adb7d3c42c8ca80bdee6a3ecb7e4480f"
FIXTURES = {
    "amazon": "bc5eb0cac49fc45987301f1dc2d02cf5ca356ba6c882be179dce77d74e666ed9",
    "imdb": "44a7b9082ed732ee2de3c858ea5ee2e99aca34f239a1c4359d3a300bf099bdb5",
    "yelp": "9f3f47983f21eeb819380767b74bfa648eca208f156241111454b3e122773ff7",
}

MR_FILE = "mr_sentences.tsv.gz"
CROSS_FILE = "sentiment_crossdomain.tsv.gz"
# sha256(f"mr-{id}") as an integer, modulo 10 -> split: 8/10 train, 1/10 validation, 1/10 test.
SPLIT_DIGITS = {"train": range(8), "validation": (8,), "test": (9,)}
COMMAND = "python -m tools.build_sentiment"
MAX_MEMBER_BYTES = 50 << 20  # no member we read is near this; a larger one is refused


def _check_digest(data: bytes, expected: str, what: str) -> bytes:
    digest = sha256_bytes(data)
    if digest != expected:
        raise SystemExit(f"{what} has sha256 {digest}, expected {expected}")
    return data


def read_member(archive: tarfile.TarFile, name: str, what: str) -> bytes:
    """One regular file's bytes, by exact name; links, folders and huge members are refused."""
    try:
        member = archive.getmember(name)
    except KeyError:
        raise SystemExit(f"{what} has no member {name}") from None
    if not member.isfile():
        raise SystemExit(f"{what}: member {name} is not a regular file")
    if member.size > MAX_MEMBER_BYTES:
        raise SystemExit(f"{what}: member {name} is {member.size:,} bytes, too large")
    handle = archive.extractfile(member)
    if handle is None:
        raise SystemExit(f"{what}: member {name} cannot be read")
    return handle.read()


def _fetch(command: list[str], folder: Path, expected: Path, hint: str) -> Path:
    try:
        done = subprocess.run(command, capture_output=True, text=True, cwd=folder)
    except OSError as err:  # no pip or npm on this machine
        raise SystemExit(f"cannot run {command[0]}: {err}\nOffline? {hint}") from None
    if done.returncode != 0 or not expected.is_file():
        raise SystemExit(
            f"{' '.join(command[:4])} ... failed (exit {done.returncode}): "
            f"{done.stderr.strip()[-500:]}\nOffline? {hint}"
        )
    return expected


def download_sdist(folder: Path) -> Path:
    """``pip download`` the pinned vaderSentiment sdist (no dependencies, nothing installed)."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--no-binary",
        ":all:",
        f"vaderSentiment=={VADER_VERSION}",
        "-d",
        str(folder),
    ]
    return _fetch(command, folder, folder / SDIST, f"pass a copy of {SDIST} with --sdist PATH")


def download_npm(folder: Path) -> Path:
    """``npm pack`` the pinned ``sentiment`` package (a tarball; nothing is installed)."""
    command = ["npm", "pack", f"sentiment@{NPM_VERSION}"]
    return _fetch(command, folder, folder / NPM_TGZ, f"pass a copy of {NPM_TGZ} with --npm PATH")


def read_mr(sdist: Path) -> bytes:
    """The MR ground-truth file's bytes from the sdist, after checking all digests."""
    data = _check_digest(Path(sdist).read_bytes(), SDIST_SHA256, f"{sdist} ({SDIST} from PyPI)")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as outer:
        inner_bytes = read_member(outer, INNER_ARCHIVE, str(sdist))
    with tarfile.open(fileobj=io.BytesIO(inner_bytes), mode="r:gz") as inner:
        text = read_member(inner, MR_MEMBER, INNER_ARCHIVE)
    return _check_digest(text, MR_SHA256, f"{MR_MEMBER} in {sdist}")


def read_fixtures(tgz: Path) -> dict[str, list]:
    """{domain: [{"text", "class"}, ...]} from the npm tarball, after checking all digests."""
    data = _check_digest(Path(tgz).read_bytes(), NPM_SHA256, f"{tgz} ({NPM_TGZ} from npm)")
    fixtures = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for domain, digest in FIXTURES.items():
            name = f"package/test/fixtures/{domain}.json"
            raw = _check_digest(read_member(archive, name, str(tgz)), digest, f"{name} in {tgz}")
            fixtures[domain] = json.loads(raw.decode("utf-8"))
    return fixtures


def split_of(sentence_id: int) -> str:
    """The fixed split of MR sentence ``sentence_id`` (a hash, so no seed or library version)."""
    digit = int(sha256_bytes(f"mr-{sentence_id}".encode()), 16) % 10
    return next(part for part, digits in SPLIT_DIGITS.items() if digit in digits)


def mr_table(raw: bytes) -> str:
    """The MR snapshot's text: a header, then id, rating, split, text per sentence."""
    lines = raw.decode("utf-8").replace("\r\n", "\n").split("\n")
    out = ["id\trating\tsplit\ttext"]
    for number, line in enumerate(lines, start=1):
        fields = line.split("\t")
        if len(fields) != 3 or fields[0] != str(number):
            raise SystemExit(
                f"{MR_MEMBER} line {number}: expected '<{number}>\\t<rating>\\t<text>'"
            )
        sentence_id, rating, text = fields
        float(rating)  # a number, or the ValueError names it
        out.append(f"{sentence_id}\t{rating}\t{split_of(number)}\t{text.strip()}")
    return "\n".join(out) + "\n"


def cross_table(fixtures: dict[str, list]) -> tuple[str, dict[str, int]]:
    """The cross-domain snapshot's text, and how many classless entries each domain dropped."""
    out, dropped = ["domain\tlabel\ttext"], {}
    for domain, items in fixtures.items():
        dropped[domain] = 0
        for item in items:
            label, text = item.get("class"), str(item.get("text", "")).strip()
            if label not in (0, 1) or not text:
                dropped[domain] += 1
                continue
            if "\t" in text or "\n" in text:
                raise SystemExit(f"{domain}: a sentence holds a tab or newline: {text!r}")
            out.append(f"{domain}\t{label}\t{text}")
    return "\n".join(out) + "\n", dropped


def _write(text: str, out: Path) -> Path:
    out.write_bytes(gzip_bytes(text.encode("utf-8")))
    return out


def build(
    out_dir: Path = REPO_DATASETS, sdist: Path | None = None, npm: Path | None = None
) -> list[Path]:
    """Write both snapshots into ``out_dir`` and record them in that folder's manifest."""
    out_dir = Path(out_dir)
    with tempfile.TemporaryDirectory() as folder:
        mr_raw = read_mr(Path(sdist) if sdist is not None else download_sdist(Path(folder)))
        fixtures = read_fixtures(Path(npm) if npm is not None else download_npm(Path(folder)))
    mr_text = mr_table(mr_raw)
    cross_text, dropped = cross_table(fixtures)
    mr_out = _write(mr_text, out_dir / MR_FILE)
    cross_out = _write(cross_text, out_dir / CROSS_FILE)
    rows = mr_text.count("\n") - 1
    counts = {s: mr_text.count(f"\t{s}\t") for s in SPLIT_DIGITS}
    with manifest_lock():
        record(
            mr_out,
            source=f"PyPI vaderSentiment {VADER_VERSION} sdist ({SDIST}, sha256 {SDIST_SHA256}), "
            f"member additional_resources/hutto_ICWSM_2014.tar.gz -> {MR_MEMBER} (sha256 "
            f"{MR_SHA256}): Pang & Lee's Rotten Tomatoes sentence-polarity sentences (the 'MR' "
            "benchmark, Pang & Lee 2005) re-rated by >= 20 people each on -4..+4 (Hutto & Gilbert, "
            "ICWSM 2014); line endings normalised, text stripped, split column added",
            license="vaderSentiment is MIT-licensed (C.J. Hutto); the sentences are Pang & Lee's "
            "sentence-polarity data v1.0, distributed by its authors for research without a "
            "formal license; ratings by Hutto & Gilbert 2014 (cite the paper)",
            description=f"{rows:,} movie-review sentences: id, mean human rating (-4..+4; sign = "
            f"label, 0 = neutral), fixed split by sha256 of the id ({counts['train']:,} train, "
            f"{counts['validation']:,} validation, {counts['test']:,} test), text",
            rebuild=COMMAND,
        )
        record(
            cross_out,
            source=f"npm sentiment {NPM_VERSION} ({NPM_TGZ}, sha256 {NPM_SHA256}), files "
            "package/test/fixtures/{amazon,imdb,yelp}.json: the UCI 'Sentiment Labelled "
            "Sentences' data set (Kotzias, Denil, de Freitas & Smyth, KDD 2015); one entry "
            f"without a class dropped per file ({dropped}), text stripped",
            license="CC BY 4.0 (UCI Machine Learning Repository); sentiment (npm) is MIT",
            description=f"{cross_text.count(chr(10)) - 1:,} labelled sentences (0 negative, "
            "1 positive): 1,000 each from Amazon, Yelp and IMDb reviews",
            rebuild=COMMAND,
        )
    return [mr_out, cross_out]


def main(argv: list[str] | None = None) -> int:
    return run_builder(
        build, argv, command=COMMAND, doc=__doc__, local_copies={"sdist": SDIST, "npm": NPM_TGZ}
    )


if __name__ == "__main__":
    sys.exit(main())
