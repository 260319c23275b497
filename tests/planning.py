"""Two planned lessons for the tests of ``new-notebook``, even once the course has none left.

``new-notebook`` fills in a planned lesson (a course-map line with ``available=False``). While
the course plans two or more, the tests use the first two. When fewer are left, the course's
last available lessons are planned again, in the scratch checkouts only: their course.py line
is flipped back to ``available=False`` and their notebook sources are left out — exactly the
state the real tree was in before they were written.
"""

from __future__ import annotations

from dataclasses import replace

from lstm_course.course import LESSONS

_STILL_PLANNED = [item for item in LESSONS if not item.available]
REPLANNED = (
    [item for item in LESSONS if item.available][len(_STILL_PLANNED) - 2 :]
    if len(_STILL_PLANNED) < 2
    else []
)
FIRST, SECOND = sorted(
    _STILL_PLANNED + [replace(item, available=False) for item in REPLANNED],
    key=lambda item: item.number,
)[:2]


def replanned_course_source(text: str) -> str:
    """course.py's text with the REPLANNED lessons' lines set back to ``available=False``."""
    for item in REPLANNED:
        line = next(x for x in text.splitlines() if x.strip().startswith(f"Lesson({item.number},"))
        text = text.replace(line, line.replace("available=True", "available=False"))
    return text


def built_sources() -> set[str]:
    """File names of the notebook sources a scratch checkout keeps (``NN_slug.py``)."""
    return {
        item.file.removesuffix(".ipynb") + ".py"
        for item in LESSONS
        if item.available and item.number not in {r.number for r in REPLANNED}
    }
