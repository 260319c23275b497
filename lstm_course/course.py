"""The course map: one list that the README, notebook 00 and the tests all read."""

from __future__ import annotations

from dataclasses import dataclass

COLAB_URL = "https://colab.research.google.com/github/{owner_repo}/blob/main/notebooks/{file}"
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"


@dataclass(frozen=True)
class Lesson:
    number: int
    slug: str  # file stem after the number, e.g. "welcome" -> 00_welcome.ipynb
    title: str
    idea: str
    prerequisites: tuple[int, ...]
    study_minutes: int
    run_budget_s: int  # CPU budget for a top-to-bottom run; `make notebooks` enforces it
    available: bool

    @property
    def file(self) -> str:
        return f"{self.number:02d}_{self.slug}.ipynb"


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        0,
        "welcome",
        "Welcome",
        "course map, how to run it, the six LSTM equations",
        (),
        20,
        60,
        True,
    ),
    Lesson(
        1,
        "lstm_cell_numpy",
        "The LSTM cell in NumPy",
        "each gate derived and implemented; equal to keras.layers.LSTM",
        (0,),
        60,
        60,
        False,
    ),
    Lesson(
        2,
        "bptt",
        "Backpropagation through time",
        "gradients by hand, gradient check, NumPy training, speed",
        (1,),
        75,
        90,
        False,
    ),
    Lesson(
        3,
        "vanishing_gradients",
        "The vanishing gradient problem",
        "measured gradient decay; adding problem; long time lags",
        (1, 2),
        60,
        120,
        False,
    ),
    Lesson(
        4,
        "keras_lstm",
        "LSTMs in Keras",
        "the first model, anatomy, cost, overfitting and regularisation",
        (1,),
        60,
        120,
        False,
    ),
    Lesson(
        5,
        "stock_prices",
        "Stock prices",
        "yfinance, honest evaluation against the random walk",
        (4,),
        60,
        120,
        False,
    ),
    Lesson(
        6,
        "weather",
        "Weather",
        "multivariate, multi-step forecasts in °C against persistence",
        (4,),
        45,
        120,
        False,
    ),
    Lesson(
        7,
        "music",
        "Music",
        "Bach chorales, NLL per frame, audio in the notebook",
        (4,),
        45,
        120,
        False,
    ),
    Lesson(
        8,
        "video",
        "Video",
        "activity recognition where only the order of frames tells",
        (4,),
        45,
        120,
        False,
    ),
    Lesson(
        9,
        "language_model",
        "Language model",
        "characters, bits per character, readable cells",
        (4,),
        60,
        120,
        False,
    ),
    Lesson(
        10,
        "sentiment",
        "Sentiment",
        "word order matters: negation and contrast",
        (9,),
        45,
        120,
        False,
    ),
    Lesson(
        11, "translation", "Translation", "encoder–decoder, then attention", (9,), 60, 120, False
    ),
    Lesson(12, "speech", "Speech", "spoken digit strings to text with CTC", (4,), 60, 120, False),
)


def lesson(number: int) -> Lesson:
    """The lesson with this number; ValueError names the numbers that exist."""
    for item in LESSONS:
        if item.number == number:
            return item
    raise ValueError(f"no lesson {number!r}; expected one of {[x.number for x in LESSONS]}")


def colab_url(lesson_: Lesson, owner_repo: str) -> str:
    return COLAB_URL.format(owner_repo=owner_repo, file=lesson_.file)


def badge_markdown(lesson_: Lesson, owner_repo: str) -> str:
    return f"[![Open In Colab]({BADGE_IMAGE})]({colab_url(lesson_, owner_repo)})"


def _prereq_text(lesson_: Lesson) -> str:
    return ", ".join(f"{n:02d}" for n in lesson_.prerequisites) or "—"


def course_map_markdown(owner_repo: str | None = None, link_prefix: str = "") -> str:
    """The course map as a Markdown table.

    Args:
        owner_repo: "owner/name" on GitHub; when given, each available lesson gets a
            Colab badge (the README); when None, no badges (notebook 00).
        link_prefix: prefix for links to the notebook files ("notebooks/" in the README).
    """
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
            f"| {item.number:02d} | {name} | {item.idea} | {_prereq_text(item)} "
            f"| {item.study_minutes} min | {run} |"
        )
    return header + "\n".join(rows) + "\n"
