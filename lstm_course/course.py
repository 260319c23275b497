"""The course map: one list that the README, notebook 00, the headers and the tests all read.

Each notebook's metadata (title, idea, prerequisites, study time, CPU budget) lives here
and only here: notebook headers are tested against it, the README's table and notebook
00's map are generated from it, and ``python -m tools new-notebook`` registers a new
notebook by editing its line in ``LESSONS``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lstm_course._checks import check_bool, check_int, check_text, describe

COLAB_URL = "https://colab.research.google.com/github/{owner_repo}/blob/main/notebooks/{file}"
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
MAX_LESSON = 99  # two-digit file numbers: NN_slug.ipynb

# GitHub's own rules: an owner is letters, digits and single hyphens (not first), at most
# 39 characters; a repository name is letters, digits, ".", "_", "-", but not "." or "..".
_OWNER = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})"
_NAME = r"[A-Za-z0-9._-]{1,100}"
_OWNER_REPO = re.compile(rf"({_OWNER})/({_NAME})")
_SLUG = re.compile(r"[a-z][a-z0-9_]*")
_SLUG_HINT = "lowercase letters, digits and '_', starting with a letter (e.g. 'weather')"


def parse_repository(owner_repo, name: str = "owner_repo") -> str:
    """ "owner/name" from "owner/name" or "https://github.com/owner/name[.git]".

    Raises ValueError for anything GitHub would not accept as a repository, such as
    "../.." or "a b/c", so a typo can never be written into badges and install cells.
    """
    if not isinstance(owner_repo, str):
        raise TypeError(f"{name} must be a str 'owner/name', got {describe(owner_repo)}")
    text = re.sub(r"^(https?://)?(www\.)?github\.com/", "", owner_repo.strip())
    text = text.rstrip("/").removesuffix(".git")
    match = _OWNER_REPO.fullmatch(text)
    if not match or match.group(2) in {".", ".."}:
        raise ValueError(
            f"{name} must be a GitHub repository as 'owner/name' (or its https://github.com/ "
            f"URL), got {owner_repo!r}"
        )
    return text


@dataclass(frozen=True)
class Lesson:
    """One notebook of the course map; ``file`` is ``NN_slug.ipynb``."""

    number: int
    slug: str  # file stem after the number, e.g. "welcome" -> 00_welcome.ipynb
    title: str
    idea: str
    prerequisites: tuple[int, ...]  # earlier notebooks a learner should have done
    study_minutes: int
    run_budget_s: int  # CPU budget for a top-to-bottom run; `make notebooks` enforces it
    available: bool

    def __post_init__(self) -> None:
        number = check_int("number", self.number, minimum=0, maximum=MAX_LESSON)
        fields = {
            "number": number,
            "slug": check_text("slug", self.slug, pattern=_SLUG, hint=_SLUG_HINT),
            "title": check_text("title", self.title),
            "idea": check_text("idea", self.idea),
            "prerequisites": _check_prerequisites(self.prerequisites, number),
            "study_minutes": check_int("study_minutes", self.study_minutes, minimum=1),
            "run_budget_s": check_int("run_budget_s", self.run_budget_s, minimum=1),
            "available": check_bool("available", self.available),
        }
        for key, value in fields.items():  # store the checked, converted values
            object.__setattr__(self, key, value)

    @property
    def file(self) -> str:
        return f"{self.number:02d}_{self.slug}.ipynb"


def _check_prerequisites(value, number: int) -> tuple[int, ...]:
    """Distinct earlier lesson numbers, as a tuple."""
    if not isinstance(value, (tuple, list)):
        raise TypeError(
            f"prerequisites must be a tuple of lesson numbers, e.g. (1, 2), got {describe(value)}"
        )
    numbers = tuple(
        check_int("prerequisites", n, minimum=0, maximum=max(number - 1, 0)) for n in value
    )
    if number == 0 and numbers:
        raise ValueError(f"prerequisites of lesson 0 must be empty, got {value!r}")
    if len(set(numbers)) != len(numbers):
        raise ValueError(f"prerequisites must not repeat a lesson, got {value!r}")
    return numbers


# fmt: off
LESSONS: tuple[Lesson, ...] = (
    Lesson(0, "welcome", "Welcome", "course map, how to run it, the six LSTM equations", prerequisites=(), study_minutes=20, run_budget_s=60, available=True),
    Lesson(1, "lstm_cell_numpy", "The LSTM cell in NumPy", "each gate derived and implemented; equal to keras.layers.LSTM", prerequisites=(0,), study_minutes=60, run_budget_s=60, available=True),
    Lesson(2, "bptt", "Backpropagation through time", "gradients by hand, gradient check, NumPy training, speed", prerequisites=(1,), study_minutes=75, run_budget_s=90, available=True),
    Lesson(3, "vanishing_gradients", "The vanishing gradient problem", "measured gradient decay; adding problem; long time lags", prerequisites=(1, 2), study_minutes=60, run_budget_s=120, available=True),
    Lesson(4, "keras_lstm", "LSTMs in Keras", "the first model, anatomy, cost, overfitting and regularisation", prerequisites=(1,), study_minutes=60, run_budget_s=120, available=True),
    Lesson(5, "stock_prices", "Stock prices", "yfinance, honest evaluation against the random walk", prerequisites=(4,), study_minutes=60, run_budget_s=120, available=True),
    Lesson(6, "weather", "Weather", "hourly multivariate forecasts 1–24 h ahead in °C against every honest baseline", prerequisites=(4,), study_minutes=45, run_budget_s=120, available=True),
    Lesson(7, "music", "Music", "Bach chorales, NLL per frame, audio in the notebook", prerequisites=(4,), study_minutes=45, run_budget_s=120, available=True),
    Lesson(8, "video", "Video", "activity recognition where only the order of frames tells", prerequisites=(4,), study_minutes=45, run_budget_s=120, available=True),
    Lesson(9, "language_model", "Language model", "characters, bits per character, readable cells", prerequisites=(4,), study_minutes=60, run_budget_s=120, available=True),
    Lesson(10, "sentiment", "Sentiment", "word order matters: negation and contrast", prerequisites=(4,), study_minutes=45, run_budget_s=120, available=True),
    Lesson(11, "translation", "Translation", "encoder–decoder, then attention", prerequisites=(9,), study_minutes=60, run_budget_s=120, available=True),
    Lesson(12, "speech", "Speech", "spoken digit strings to text with CTC", prerequisites=(4,), study_minutes=60, run_budget_s=120, available=True),
)
# fmt: on


def lesson(number) -> Lesson:
    """The lesson with this number; ValueError names the numbers that exist."""
    number = check_int("number", number, minimum=0)
    for item in LESSONS:
        if item.number == number:
            return item
    raise ValueError(f"number must be one of {[x.number for x in LESSONS]}, got {number}")


def _check_lesson(value) -> Lesson:
    if not isinstance(value, Lesson):
        raise TypeError(f"lesson must be a Lesson from lstm_course.course, got {describe(value)}")
    return value


def colab_url(lesson: Lesson, owner_repo: str) -> str:
    """The "Open in Colab" address of a lesson's notebook on GitHub's main branch."""
    lesson = _check_lesson(lesson)
    return COLAB_URL.format(owner_repo=parse_repository(owner_repo), file=lesson.file)


def badge_markdown(lesson: Lesson, owner_repo: str) -> str:
    """The Markdown "Open in Colab" badge that heads a notebook and its README row."""
    return f"[![Open In Colab]({BADGE_IMAGE})]({colab_url(lesson, owner_repo)})"


def prerequisites_text(lesson: Lesson) -> str:
    """Prerequisites as two-digit numbers, "01, 02", or "—" for none (the map's column)."""
    return ", ".join(f"{n:02d}" for n in _check_lesson(lesson).prerequisites) or "—"


def course_map_markdown(owner_repo: str | None = None, link_prefix: str = "") -> str:
    """The course map as a Markdown table, one row per lesson.

    Args:
        owner_repo: "owner/name" on GitHub; when given, each available lesson gets a
            Colab badge (the README); when None, no badges (notebook 00).
        link_prefix: prefix for links to the notebook files ("notebooks/" in the README).
    """
    if owner_repo is not None:
        owner_repo = parse_repository(owner_repo)
    if not isinstance(link_prefix, str):
        raise TypeError(
            f"link_prefix must be a str such as 'notebooks/', got {describe(link_prefix)}"
        )
    header = "| # | notebook | the idea | after | study | CPU run |\n|---|---|---|---|---|---|\n"
    rows = []
    for item in LESSONS:
        if item.available:
            name = f"[{item.title}]({link_prefix}{item.file})"
            if owner_repo:
                name += " " + badge_markdown(item, owner_repo)
            run = f"≤ {item.run_budget_s} s"
        else:
            name, run = f"{item.title} *(coming soon)*", "—"
        rows.append(
            f"| {item.number:02d} | {name} | {item.idea} | {prerequisites_text(item)} "
            f"| {item.study_minutes} min | {run} |"
        )
    return header + "\n".join(rows) + "\n"
