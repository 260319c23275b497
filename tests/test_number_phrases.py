"""The English → German number-phrase generator of notebook 11."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_course.number_phrases import (
    MAX_NUMBER,
    date_pair,
    english_tokens,
    german_parts,
    make_number_phrases,
    number_pair,
)


@pytest.mark.parametrize(
    ("value", "en", "de"),
    [
        (21, "twenty one", "ein und zwanzig"),
        (16, "sixteen", "sech zehn"),
        (17, "seventeen", "sieb zehn"),
        (70, "seventy", "siebzig"),
        (101, "one hundred and one", "ein hundert eins"),
        (
            1999,
            "one thousand nine hundred and ninety nine",
            "ein tausend neun hundert neun und neunzig",
        ),
        (
            436_526,
            "four hundred and thirty six thousand five hundred and twenty six",
            "vier hundert sechs und dreißig tausend fünf hundert sechs und zwanzig",
        ),
    ],
)
def test_numbers_in_both_languages(value, en, de):
    assert number_pair(value) == (en.split(), de.split())


def test_dates_are_spoken_ordinals_months_and_years():
    assert date_pair(21, 3, 1999) == (
        "the twenty first of march nineteen ninety nine".split(),
        "der ein und zwanzig ste März neun zehn hundert neun und neunzig".split(),
    )
    en, de = date_pair(7, 9, 1907)
    assert de[:3] == ["der", "siebte", "September"]
    with pytest.raises(ValueError, match="not a date: day=30, month=2"):
        date_pair(30, 2, 2000)
    with pytest.raises(ValueError, match="year must be an int in \\[1800, 2099\\]"):
        date_pair(1, 1, 1700)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, MAX_NUMBER))
def test_german_parts_rebuild_every_number_word(value):
    from num2words import num2words

    word = num2words(value, lang="de")
    assert "".join(german_parts(word)) == word


def test_german_parts_and_tokens_refuse_bad_input():
    with pytest.raises(ValueError, match="cannot split German number word 'einsx': 'x'"):
        german_parts("einsx")
    with pytest.raises(ValueError, match="non-empty"):
        german_parts("")
    with pytest.raises(TypeError, match="word must be a str"):
        german_parts(3)
    with pytest.raises(TypeError, match="text must be a str"):
        english_tokens(None)
    assert english_tokens("Twenty-one thousand, two") == ["twenty", "one", "thousand", "two"]
    with pytest.raises(ValueError, match="value must be an int in \\[0, 999999\\]"):
        number_pair(-1)


def test_splits_are_disjoint_seeded_and_long_inputs_are_held_out():
    data = make_number_phrases(600, 200, seed=3)
    assert list(data.columns) == ["kind", "value", "en", "de", "n_en", "split"]
    assert len(data) == 800 and data["value"].is_unique
    assert set(data["split"]) == {"train", "validation", "test", "long"}
    short = data[data["split"] != "long"]
    assert data.loc[data["split"] == "long", "n_en"].min() > short["n_en"].max()
    assert short["n_en"].max() <= 9
    counts = short["split"].value_counts()
    assert abs(counts["train"] / len(short) - 0.8) < 0.01
    again = make_number_phrases(600, 200, seed=3)
    assert again.equals(data)
    other = make_number_phrases(600, 200, seed=4)
    assert not np.array_equal(other["value"].to_numpy(), data["value"].to_numpy())
    assert (data["n_en"] == data["en"].map(len)).all()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_numbers": 3, "n_dates": 2}, "at least 10 values"),
        ({"fractions": (0.9, 0.2)}, "fractions must be"),
        ({"fractions": [0.8, 0.1]}, "fractions must be"),
        ({"max_train_tokens": 1}, "max_train_tokens"),
        ({"n_numbers": -1}, "n_numbers"),
    ],
)
def test_bad_arguments_are_refused(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make_number_phrases(**kwargs)
