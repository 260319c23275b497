"""English → German number phrases and dates: a clean translation task with reordering.

    data = make_number_phrases(seed=0)   # DataFrame: kind, value, en, de, split
    data[data.split == "train"].head()

English phrases come from ``num2words`` (numbers, ordinals, years) and Babel's CLDR month
names; German from the same libraries. German writes a number as one word whose parts come
in a different order ("twenty-one" → "einundzwanzig", one-and-twenty), so the generator
splits German words into their parts (:func:`german_parts`: "ein und zwanzig") and English at
spaces and hyphens. A model then has to learn a non-monotonic alignment over short tokens.

Splits (seeded, no value in two splits):

- ``train`` / ``validation`` / ``test``: distinct numbers and dates whose English has at most
  ``max_train_tokens`` tokens; test values are never seen in training;
- ``long``: values whose English is longer than any training input (length generalisation).
"""

from __future__ import annotations

import datetime as _dt
import functools

import numpy as np
import pandas as pd

from lstm_course._checks import check_int, check_seed, describe

KINDS = ("number", "date")
SPLITS = ("train", "validation", "test", "long")
# The parts a German number word is made of (longest match first, see german_parts):
# "sech"/"sieb" as in sechzehn/siebzig, ordinal endings "te"/"ste" and the irregular ordinals.
GERMAN_PARTS = (
    "null eins ein eine zwei drei vier fünf sechs sech sieben sieb acht neun zehn elf zwölf "
    "zwanzig dreißig vierzig fünfzig sechzig siebzig achtzig neunzig hundert tausend und "
    "erste dritte siebte achte te ste"
).split()
_BY_LENGTH = sorted(GERMAN_PARTS, key=len, reverse=True)
MAX_NUMBER = 999_999
YEARS = (1800, 2099)


def _num2words():
    try:
        from num2words import num2words
    except ImportError:  # pragma: no cover - a dependency of the package
        raise ImportError(
            "the number-phrase task needs the PyPI package num2words: pip install num2words"
        ) from None
    return num2words


def german_parts(word: str) -> list[str]:
    """Split one German number word into its parts, longest match first.

    ``german_parts("einundzwanzig") == ["ein", "und", "zwanzig"]``; ``"".join`` of the
    result gives the word back. Raises ValueError naming the rest that matches no part.
    """
    if not isinstance(word, str):
        raise TypeError(f"word must be a str, got {describe(word)}")
    parts, rest = [], word
    while rest:
        part = next((p for p in _BY_LENGTH if rest.startswith(p)), None)
        if part is None:
            raise ValueError(
                f"cannot split German number word {word!r}: {rest!r} starts with no known "
                f"part (known: {', '.join(GERMAN_PARTS)})"
            )
        parts.append(part)
        rest = rest[len(part) :]
    if not parts:
        raise ValueError("word must be a non-empty German number word, got ''")
    return parts


def english_tokens(text: str) -> list[str]:
    """Lower-case English words split at spaces and hyphens, commas dropped."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {describe(text)}")
    return text.lower().replace(",", " ").replace("-", " ").split()


def _german_tokens(text: str) -> list[str]:
    """German phrase → tokens: number words split into parts, other words kept."""
    tokens = []
    for word in text.split():
        tokens.extend([word] if word[:1].isupper() or word == "der" else german_parts(word))
    return tokens


def number_pair(value: int) -> tuple[list[str], list[str]]:
    """(English tokens, German tokens) for an integer in [0, MAX_NUMBER]."""
    value = check_int("value", value, minimum=0, maximum=MAX_NUMBER)
    words = _num2words()
    return english_tokens(words(value, lang="en")), _german_tokens(words(value, lang="de"))


@functools.lru_cache(maxsize=4)
def _month_names(locale: str) -> dict[int, str]:
    from babel.dates import get_month_names

    return dict(get_month_names("wide", locale=locale))


def date_pair(day: int, month: int, year: int) -> tuple[list[str], list[str]]:
    """(English, German) tokens for a date: "the 21st of March 1999", spelled out.

    English: "the twenty first of march nineteen ninety nine"; German: "der ein und
    zwanzig ste März neun zehn hundert neun und neunzig" (the year as spoken).
    """
    year = check_int("year", year, minimum=YEARS[0], maximum=YEARS[1])
    month = check_int("month", month, minimum=1, maximum=12)
    day = check_int("day", day, minimum=1, maximum=31)
    try:
        _dt.date(year, month, day)
    except ValueError as err:
        raise ValueError(f"not a date: day={day}, month={month}, year={year} ({err})") from None
    words = _num2words()
    en = f"the {words(day, lang='en', to='ordinal')} of {_month_names('en')[month]} "
    en += words(year, lang="en", to="year")
    de = f"der {words(day, lang='de', to='ordinal')} {_month_names('de')[month]} "
    de += words(year, lang="de", to="year")
    return english_tokens(en), _german_tokens(de)


def _draw_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """n distinct integers, spread evenly over 1-2, 3, 4, 5 and 6 digits."""
    bounds = [(1, 99), (100, 999), (1_000, 9_999), (10_000, 99_999), (100_000, MAX_NUMBER)]
    chosen: set[int] = set()
    while len(chosen) < n:
        low, high = bounds[int(rng.integers(len(bounds)))]
        chosen.add(int(rng.integers(low, high + 1)))
    return np.array(sorted(chosen))


def _draw_dates(rng: np.random.Generator, n: int) -> list[_dt.date]:
    first = _dt.date(YEARS[0], 1, 1).toordinal()
    last = _dt.date(YEARS[1], 12, 31).toordinal()
    days = rng.choice(np.arange(first, last + 1), size=n, replace=False)
    return [_dt.date.fromordinal(int(d)) for d in sorted(days)]


def make_number_phrases(
    n_numbers: int = 6000,
    n_dates: int = 2000,
    *,
    max_train_tokens: int = 9,
    fractions: tuple[float, float] = (0.8, 0.1),
    seed: int | None = 0,
) -> pd.DataFrame:
    """A seeded English → German data set of spelled-out numbers and dates.

    Args:
        n_numbers, n_dates: how many distinct values of each kind to draw.
        max_train_tokens: English inputs longer than this go to the ``long`` split only.
        fractions: train and validation shares of the short values (test gets the rest).
        seed: seed of the generator (same seed, same data).

    Returns:
        DataFrame with columns kind ("number" or "date"), value (the int or ISO date as a
        string), en and de (token lists), n_en (English tokens) and split.
    """
    n_numbers = check_int("n_numbers", n_numbers, minimum=0, maximum=MAX_NUMBER)
    n_dates = check_int("n_dates", n_dates, minimum=0, maximum=50_000)
    if n_numbers + n_dates < 10:
        raise ValueError(f"need at least 10 values in all, got {n_numbers} + {n_dates}")
    max_train_tokens = check_int("max_train_tokens", max_train_tokens, minimum=2)
    if (
        not isinstance(fractions, tuple)
        or len(fractions) != 2
        or not all(isinstance(f, float) and 0 < f < 1 for f in fractions)
        or sum(fractions) >= 1
    ):
        raise ValueError(
            f"fractions must be (train, validation), two floats in (0, 1) summing to < 1, "
            f"got {fractions!r}"
        )
    rng = np.random.default_rng(check_seed("seed", seed))
    rows = []
    for value in _draw_numbers(rng, n_numbers):
        en, de = number_pair(int(value))
        rows.append(("number", str(value), en, de))
    for date in _draw_dates(rng, n_dates):
        en, de = date_pair(date.day, date.month, date.year)
        rows.append(("date", date.isoformat(), en, de))
    frame = pd.DataFrame(rows, columns=["kind", "value", "en", "de"])
    frame["n_en"] = frame["en"].map(len)
    order = rng.permutation(len(frame))
    frame = frame.iloc[order].reset_index(drop=True)
    short = frame.index[frame["n_en"] <= max_train_tokens]
    n_train = int(round(fractions[0] * len(short)))
    n_valid = int(round(fractions[1] * len(short)))
    split = np.full(len(frame), "long", dtype=object)
    split[short[:n_train]] = "train"
    split[short[n_train : n_train + n_valid]] = "validation"
    split[short[n_train + n_valid :]] = "test"
    frame["split"] = split
    return frame
