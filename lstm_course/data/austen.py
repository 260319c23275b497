"""Jane Austen's six novels as one text (offline snapshot, sha256-verified), or any text file.

    text = load_austen()                  # 4,025,033 characters, 81 distinct
    parts = split_text(text)              # {"train": 90 %, "validation": 5 %, "test": 5 %}
    text = load_text_file("my.txt")       # the live option: any UTF-8 text file, validated
    text = load_text_url(TINY_SHAKESPEARE_URL)   # ... or one from the web (ONLINE)

The snapshot holds *Sense and Sensibility*, *Pride and Prejudice*, *Mansfield Park*,
*Emma*, *Northanger Abbey* and *Persuasion* in publication order (public domain; from the
Debian package ``r-cran-janeaustenr``, see ``datasets/README.md``). The split is by
position, contiguous: the test text is the end of *Persuasion*, never seen in training,
so a model cannot score by memorising neighbouring lines.

What the loaders refuse, with a :class:`TextDataError` that says why:

- a file that is not UTF-8 text, or that holds NUL bytes (a binary file, e.g. an image);
- an empty or tiny text (fewer than ``min_chars`` characters: nothing to learn from);
- a ``max_chars`` limit exceeded (the course's models never need more).

Characters unseen in training are the business of :class:`lstm_course.charlm.Vocabulary`
(an error by default, or a documented replacement character).
"""

from __future__ import annotations

import lzma
import os
import urllib.error
import urllib.request
from pathlib import Path

from lstm_course._checks import check_int, check_number, check_path, describe
from lstm_course.data.registry import DatasetError, dataset_path

AUSTEN_FILE = "austen.txt.xz"
AUSTEN_CHARS = 4_025_033
SPLITS = {"train": 0.90, "validation": 0.05, "test": 0.05}
MIN_CHARS = 1_000
MAX_CHARS = 50_000_000
TINY_SHAKESPEARE_URL = (
    "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt"
)


class TextDataError(DatasetError):
    """A text file cannot serve as language-model data; the message says why."""


class TextDownloadError(TextDataError):
    """:func:`load_text_url` could not download (no network, timeout, HTTP error)."""


def _check_text(text: str, what: str, min_chars: int) -> str:
    if "\x00" in text:
        raise TextDataError(
            f"{what} holds NUL bytes: it looks like a binary file, expected plain text"
        )
    if len(text) < min_chars:
        raise TextDataError(
            f"{what} has {len(text):,} characters, expected at least min_chars={min_chars:,}: "
            "too little text to train or evaluate a language model"
        )
    return text


def load_austen(*, root: str | os.PathLike | None = None) -> str:
    """The six novels as one ``str`` (4,025,033 characters), checked against its sha256."""
    path = dataset_path(AUSTEN_FILE, root=root)
    try:
        data = lzma.decompress(path.read_bytes())
    except lzma.LZMAError as err:  # the sha256 matched a damaged manifest entry
        raise TextDataError(f"{path} is not an xz-compressed file: {err}") from None
    return _check_text(data.decode("utf-8"), str(path), MIN_CHARS)


def load_text_file(
    path: str | os.PathLike,
    *,
    min_chars: int = MIN_CHARS,
    max_chars: int = MAX_CHARS,
) -> str:
    """Any UTF-8 text file (the live option), with newlines normalised to ``\\n``.

    Args:
        path: a text file (``.txt``; ``.xz`` files are decompressed).
        min_chars: refuse texts shorter than this (default 1,000).
        max_chars: refuse texts longer than this (default 50 million).

    Raises:
        TextDataError: missing file, binary or non-UTF-8 content, too short or too long.
    """
    path = Path(check_path("path", path))
    min_chars = check_int("min_chars", min_chars, minimum=1)
    max_chars = check_int("max_chars", max_chars, minimum=min_chars)
    if not path.is_file():
        raise TextDataError(f"text file not found: {str(path)!r}")
    if path.stat().st_size > 4 * max_chars:  # UTF-8 uses at most 4 bytes per character
        raise TextDataError(
            f"{path} has {path.stat().st_size:,} bytes, more than max_chars={max_chars:,} "
            "characters can take"
        )
    return _decode(path.read_bytes(), str(path), path.suffix == ".xz", min_chars, max_chars)


def load_text_url(
    url: str,
    *,
    timeout: float = 30.0,
    min_chars: int = MIN_CHARS,
    max_chars: int = MAX_CHARS,
) -> str:
    """A UTF-8 text from the web (the live option ONLINE), checked like :func:`load_text_file`.

    For example Karpathy's tiny-shakespeare, ``TINY_SHAKESPEARE_URL``. Nothing is cached:
    save the text with ``Path("my.txt").write_text(text)`` to use it offline later.

    Raises:
        TextDownloadError: no network, a timeout, an HTTP error (the cause is chained).
        TextDataError: a download larger than ``max_chars`` can take, binary or non-UTF-8
            content, too short or too long.
    """
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ValueError(f"url must be an http:// or https:// address (a str), got {describe(url)}")
    timeout = check_number("timeout", timeout, minimum=0.0, exclusive_minimum=True)
    min_chars = check_int("min_chars", min_chars, minimum=1)
    max_chars = check_int("max_chars", max_chars, minimum=min_chars)
    limit = 4 * max_chars  # UTF-8 uses at most 4 bytes per character
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            data = answer.read(limit + 1)
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        if isinstance(err, urllib.error.HTTPError):
            detail = f"HTTP {err.code} {err.reason}"
        else:
            detail = f"{type(err).__name__}: {getattr(err, 'reason', err)}"
        raise TextDownloadError(
            f"could not download {url} ({detail}): "
            f"no network, a timeout after {timeout:g} s, or a wrong address. The course's "
            "offline text is load_austen(); a text file of your own works with load_text_file()."
        ) from err
    if len(data) > limit:
        raise TextDataError(
            f"{url} sends more than {limit:,} bytes, more than max_chars={max_chars:,} "
            "characters can take"
        )
    return _decode(data, url, url.endswith(".xz"), min_chars, max_chars)


def _decode(data: bytes, where: str, xz: bool, min_chars: int, max_chars: int) -> str:
    """Bytes of a text file -> its text, newlines normalised, every check applied."""
    if xz:
        try:
            data = lzma.decompress(data)
        except lzma.LZMAError as err:
            raise TextDataError(f"{where} ends in .xz but is not xz-compressed: {err}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise TextDataError(
            f"{where} is not UTF-8 text (byte {err.start} is {data[err.start : err.start + 1]!r}):"
            " expected a plain text file; a binary file or another encoding was given"
        ) from None
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > max_chars:
        raise TextDataError(f"{where} has {len(text):,} characters, more than {max_chars:,}")
    return _check_text(text, where, min_chars)


def split_text(text: str, fractions: dict[str, float] | None = None) -> dict[str, str]:
    """Contiguous train/validation/test parts by position (default 90/5/5).

    Returns ``{"train": str, "validation": str, "test": str}`` whose concatenation is
    ``text``. Each part must hold at least one character.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {describe(text)}")
    fractions = dict(SPLITS if fractions is None else fractions)
    if set(fractions) != set(SPLITS):
        raise ValueError(f"fractions must have keys {sorted(SPLITS)}, got {sorted(fractions)}")
    values = [float(fractions[k]) for k in SPLITS]
    if any(not 0 < v < 1 for v in values) or abs(sum(values) - 1) > 1e-9:
        raise ValueError(f"fractions must be in (0, 1) and sum to 1, got {fractions}")
    n = len(text)
    cut1 = round(n * values[0])
    cut2 = round(n * (values[0] + values[1]))
    parts = {"train": text[:cut1], "validation": text[cut1:cut2], "test": text[cut2:]}
    empty = [k for k, v in parts.items() if not v]
    if empty:
        raise ValueError(f"text of {n} characters is too short to split: {empty} would be empty")
    return parts
