"""Find and verify the committed dataset snapshots listed in ``datasets/manifest.json``.

The same call works from a git checkout (files in ``<repo>/datasets``) and from an
installed wheel, where the files ship as package data under ``lstm_course/_datasets``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

MANIFEST = "manifest.json"
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # .../lstm_course


class DatasetError(ValueError):
    """A dataset is unknown, missing, or its bytes differ from the manifest."""


def datasets_dir() -> Path:
    """The folder holding the snapshots and manifest.

    A checkout's top-level ``datasets/`` wins (so edits are seen at once); otherwise
    the copy shipped inside the installed package.
    """
    candidates = [_PACKAGE_ROOT.parent / "datasets", _PACKAGE_ROOT / "_datasets"]
    for folder in candidates:
        if (folder / MANIFEST).is_file():
            return folder
    raise DatasetError(
        "cannot find the course's datasets: looked for "
        + " and ".join(str(c / MANIFEST) for c in candidates)
        + ". Reinstall the package (pip install lstm_course) or run from a full checkout."
    )


def load_manifest(root: Path | None = None) -> dict[str, dict]:
    """The manifest's ``files`` table: name -> {sha256, bytes, source, license, ...}."""
    root = Path(root) if root is not None else datasets_dir()
    path = root / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DatasetError(f"manifest not found: {path}") from None
    except json.JSONDecodeError as err:
        raise DatasetError(f"manifest {path} is not valid JSON: {err}") from None
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise DatasetError(f"manifest {path} has no 'files' table")
    return files


def sha256_of(path: Path, chunk_size: int = 1 << 20) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def list_datasets(root: Path | None = None) -> list[str]:
    """Names of every snapshot in the manifest, sorted."""
    return sorted(load_manifest(root))


def dataset_path(name: str, *, verify: bool = True, root: Path | None = None) -> Path:
    """Path of a committed snapshot, checked against its sha256 in the manifest.

    Args:
        name: file name as listed in the manifest, e.g. ``"seattle_weather.csv"``.
        verify: compare the file's sha256 with the manifest (fast: files are small).
        root: folder holding ``manifest.json``; defaults to :func:`datasets_dir`.

    Raises:
        DatasetError: unknown name, missing file, or a hash mismatch; the message names
            the file, the expected and the actual hash.
    """
    root = Path(root) if root is not None else datasets_dir()
    files = load_manifest(root)
    if name not in files:
        raise DatasetError(f"unknown dataset {name!r}; the manifest lists {sorted(files)}")
    path = root / name
    if not path.is_file():
        raise DatasetError(f"dataset file missing: {path} (listed in {root / MANIFEST})")
    if verify:
        expected = files[name]["sha256"]
        actual = sha256_of(path)
        if actual != expected:
            raise DatasetError(
                f"dataset {name!r} at {path} does not match the manifest: "
                f"expected sha256 {expected}, got {actual}. The file was changed or "
                "corrupted; restore it with `git checkout -- datasets/` or rebuild it with "
                f"`python -m lstm_course.data.build {Path(name).stem.split('.')[0]}`."
            )
    return path


def verify_all(root: Path | None = None) -> dict[str, str]:
    """Verify every snapshot; returns name -> sha256. Raises on the first problem."""
    root = Path(root) if root is not None else datasets_dir()
    return {name: sha256_of(dataset_path(name, root=root)) for name in list_datasets(root)}


def record(
    path: Path,
    *,
    source: str,
    license: str,
    description: str,
    rebuild: str,
    root: Path | None = None,
) -> dict:
    """Add or update one file's entry in the manifest (used by the rebuild scripts)."""
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
