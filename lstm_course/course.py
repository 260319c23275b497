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


# fmt: off
LESSONS: tuple[Lesson, ...] = (
    Lesson(0, "welcome", "Welcome", "course map, how to run it, the six LSTM equations", prerequisites=(), study_minutes=20, run_budget_s=60, available=True),
    Lesson(1, "lstm_cell_numpy", "The LSTM cell in NumPy", "each gate derived and implemented; equal to keras.layers.LSTM", prerequisites=(0,), study_minutes=60, run_budget_s=60, available=True),
    Lesson(2, "bptt", "Backpropagation through time", "gradients by hand, gradient check, NumPy training, speed", prerequisites=(1,), study_minutes=75, run_budget_s=90, available=True),
    Lesson(3, "vanishing_gradients", "The vanishing gradient problem", "measured gradient decay; adding problem; long time lags", prerequisites=(1, 2), study_minutes=60, run_budget_s=120, available=True),
    Lesson(4, "keras_lstm", "LSTMs in Keras", "the first model, anatomy, cost, overfitting and regularisation", prerequisites=(1,), study_minutes=60, run_budget_s=120, available=True),
    Lesson(5, "stock_prices", "Stock prices", "yfinance, honest evaluation against the random walk", prerequisites=(4,), study_minutes=60, run_budget_s=120, available=True),
    Lesson(6, "weather", "Weather", "multivariate, multi-step forecasts in °C against persistence", prerequisites=(4,), study_minutes=45, run_budget_s=120, available=False),
    Lesson(7, "music", "Music", "Bach chorales, NLL per frame, audio in the notebook", prerequisites=(4,), study_minutes=45, run_budget_s=120, available=False),
    Lesson(8, "video", "Video", "activity recognition where only the order of frames tells", prerequisites=(4,), study_minutes=45, run_budget_s=120, available=False),
    Lesson(9, "language_model", "Language model", "characters, bits per character, readable cells", prerequisites=(4,), study_minutes=60, run_budget_s=120, available=False),
    Lesson(10, "sentiment", "Sentiment", "word order matters: negation and contrast", prerequisites=(9,), study_minutes=45, run_budget_s=120, available=False),
    Lesson(11, "translation", "Translation", "encoder–decoder, then attention", prerequisites=(9,), study_minutes=60, run_budget_s=120, available=False),
    Lesson(12, "speech", "Speech", "spoken digit strings to text with CTC", prerequisites=(4,), study_minutes=60, run_budget_s=120, available=False),
)
# fmt: on


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
