"""The diagrams of lstm_course.plots: they build, label, highlight, stay small and tidy."""

from __future__ import annotations

import io
import itertools

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.text import Text

from lstm_course import plots
from lstm_course._setup import _plot_defaults

WHITE = "#ffffff"
ALL_STEPS = range(2, 9)
PATHS = (None, "h_path", "c_path")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def ink(artist) -> str:
    """The colour that shows an artist's part: line/outline, gate fill, or text colour."""
    if isinstance(artist, Text):
        return to_hex(artist.get_color())
    if isinstance(artist, FancyBboxPatch) or not isinstance(artist, FancyArrowPatch):
        edge, face = to_hex(artist.get_edgecolor()), to_hex(artist.get_facecolor())
        return edge if face == WHITE else face  # rings: the outline; boxes, dots: the fill
    return to_hex(artist.get_edgecolor())


def inks_by_part(fig: Figure) -> dict[str, set[str]]:
    """{gid: set of colours} over every patch and text of the diagram (white text dropped)."""
    ax = fig.axes[0]
    found: dict[str, set[str]] = {}
    for artist in [*ax.patches, *ax.texts]:
        colour = ink(artist)
        if isinstance(artist, Text) and colour == WHITE:
            continue  # gate names are white on the gate's fill, highlighted or not
        found.setdefault(artist.get_gid(), set()).add(colour)
    return found


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.axes[0].texts]


def overlapping_texts(fig: Figure) -> list[tuple[str, str]]:
    renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in fig.axes[0].texts]
    return [(a, b) for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2)
            if box_a.overlaps(box_b)]  # fmt: skip


def texts_outside_figure(fig: Figure) -> list[str]:
    renderer = fig.canvas.get_renderer()
    frame = fig.bbox
    outside = []
    for text in fig.axes[0].texts:
        box = text.get_window_extent(renderer)
        if box.x0 < frame.x0 or box.x1 > frame.x1 or box.y0 < frame.y0 or box.y1 > frame.y1:
            outside.append(text.get_text())
    return outside


def png_bytes(fig: Figure, dpi: float) -> int:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")  # as Jupyter's inline
    return len(buffer.getvalue())


def pixels(fig: Figure) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


# ----------------------------------------------------------------------------- the cell

CELL_OPTIONS = [None, *plots.CELL_PARTS, ["input", "candidate"], ("forget", "cell_state")]


@pytest.mark.parametrize("highlight", CELL_OPTIONS, ids=str)
def test_cell_builds_for_every_highlight_without_overlapping_text(highlight):
    fig = plots.lstm_cell_diagram(highlight)
    assert isinstance(fig, Figure)
    assert tuple(fig.get_size_inches()) == pytest.approx((7.0, 3.5))
    assert not overlapping_texts(fig)
    assert not texts_outside_figure(fig)


def test_cell_has_every_label():
    labels = texts(plots.lstm_cell_diagram())
    for label in (r"$f_t$", r"$i_t$", r"$\tilde{C}_t$", r"$o_t$", r"$C_{t-1}$", r"$C_t$"):
        assert labels.count(label) == 1, label
    assert labels.count("σ") == 3 and labels.count("tanh") == 2  # the C̃ layer and tanh(C_t)
    assert labels.count("×") == 3 and labels.count("+") == 1
    assert labels.count(r"$h_t$") == 2  # to the next step and up, as the output
    assert {r"$h_{t-1}$", r"$x_t$", r"$[h_{t-1},\ x_t]$"} <= set(labels)


def test_cell_unhighlighted_is_all_in_colour():
    found = inks_by_part(plots.lstm_cell_diagram())
    for part, colour in plots.COLOURS.items():
        assert found[part] == {colour}, part


@pytest.mark.parametrize("part", plots.CELL_PARTS)
def test_cell_highlight_colours_that_part_and_greys_the_rest(part):
    found = inks_by_part(plots.lstm_cell_diagram(highlight=part))
    assert found[part] == {plots.COLOURS[part]}
    for other in set(plots.CELL_PARTS) - {part}:
        assert found[other] == {plots.MUTED}, other


def test_cell_highlight_several_parts():
    found = inks_by_part(plots.lstm_cell_diagram(highlight={"output", "hidden"}))
    assert found["output"] == {plots.COLOURS["output"]}
    assert found["hidden"] == {plots.COLOURS["hidden"]}
    assert found["forget"] == found["input"] == found["candidate"] == {plots.MUTED}


def test_cell_draws_into_given_axes_and_keeps_the_title():
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3))
    before = plt.get_fignums()
    assert plots.lstm_cell_diagram("forget", ax=right, title="The forget gate") is fig
    assert plt.get_fignums() == before  # no figure of its own
    assert right.get_title() == "The forget gate" and not right.axison
    assert not left.texts and right.texts


def test_title_adds_room_above_the_drawing():
    plain = plots.lstm_cell_diagram()
    titled = plots.lstm_cell_diagram(title="Forget")
    assert titled.axes[0].get_title() == "Forget"
    assert titled.get_figheight() == pytest.approx(plain.get_figheight() + 0.3)
    assert not texts_outside_figure(titled)


@pytest.mark.parametrize(
    ("highlight", "error", "match"),
    [
        ("gate", ValueError, r"forget.*input.*candidate.*output.*cell_state.*hidden"),
        (["forget", "cell"], ValueError, r"got 'cell'"),
        ([], ValueError, "at least one"),
        (3, TypeError, "highlight must be None, a str or an iterable"),
        (b"forget", TypeError, "highlight"),
        ({"forget": 1}, TypeError, "highlight"),
        (["forget", 3], TypeError, "str part names"),
        ("h_path", ValueError, "highlight must be one of"),
    ],
)
def test_cell_refuses_bad_highlight(highlight, error, match):
    with pytest.raises(error, match=match):
        plots.lstm_cell_diagram(highlight)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"ax": "axes"}, TypeError, "ax must be a matplotlib Axes"),
        ({"ax": plt}, TypeError, "ax must be"),
        ({"title": 3}, TypeError, "title must be a str"),
    ],
)
def test_cell_refuses_bad_axes_and_title(kwargs, error, match):
    with pytest.raises(error, match=match):
        plots.lstm_cell_diagram(**kwargs)


# ----------------------------------------------------------------------------- unrolled


@pytest.mark.parametrize("steps", ALL_STEPS)
@pytest.mark.parametrize("gradients", [False, True])
def test_unrolled_builds_for_every_steps_without_overlapping_text(steps, gradients):
    fig = plots.unrolled_diagram(steps, gradients=gradients, title="T")
    assert isinstance(fig, Figure)
    assert fig.get_figwidth() <= 11.0 + 1e-9
    assert not overlapping_texts(fig)
    assert not texts_outside_figure(fig)


def test_unrolled_labels_steps_around_t():
    labels = texts(plots.unrolled_diagram(4))
    for step in ("t-2", "t-1", "t", "t+1"):
        assert f"$x_{{{step}}}$" in labels and f"$h_{{{step}}}$" in labels
    assert labels.count("LSTM") == 4
    assert {"$C_{t-3}$", "$h_{t-3}$", "$C_{t+1}$", "$h_{t+1}$"} <= set(labels)  # in and out
    assert not any("f_" in label for label in labels)  # no gradients asked for


@pytest.mark.parametrize("steps", [2, 5, 8])
def test_unrolled_gradients_label_every_step(steps):
    labels = texts(plots.unrolled_diagram(steps, gradients=True))
    forget = [label for label in labels if label.startswith(r"$\times f_")]
    assert len(forget) == steps - 1  # one per link between neighbouring cells
    assert forget[-1] == r"$\times f_{t+1}$"  # δC_t = δC_{t+1} × f_{t+1}
    assert sum(r"\tanh'" in label and "W_h" in label for label in labels) == steps - 1
    assert any(r"\delta C" in label and r"\delta h" in label for label in labels)


def test_unrolled_backward_streams_are_dashed_in_the_gradient_colour():
    fig = plots.unrolled_diagram(3, gradients=True)
    dashed = [p for p in fig.axes[0].patches if p.get_linestyle() not in ("-", "solid")]
    assert len(dashed) == 2 * 2 + 3  # δC and δh per link, δh from each output
    assert {to_hex(p.get_edgecolor()) for p in dashed} == {plots.GRADIENT}


@pytest.mark.parametrize("gradients", [False, True])
def test_unrolled_highlight_greys_the_other_stream(gradients):
    forward = {"c_path": plots.COLOURS["cell_state"], "h_path": plots.COLOURS["hidden"]}
    plain = inks_by_part(plots.unrolled_diagram(4, gradients=gradients))
    for path, other in (("c_path", "h_path"), ("h_path", "c_path")):
        found = inks_by_part(plots.unrolled_diagram(4, highlight=path, gradients=gradients))
        expected = {forward[path], plots.GRADIENT} if gradients else {forward[path]}
        assert found[path] == plain[path] == expected
        assert found[other] == {plots.MUTED}
        assert found["cell"] == plain["cell"] and found["x"] == plain["x"]  # neither stream


def test_one_colour_per_part_in_both_diagrams():
    cell = inks_by_part(plots.lstm_cell_diagram())
    unrolled = inks_by_part(plots.unrolled_diagram(3))
    assert unrolled["c_path"] == cell["cell_state"]
    assert unrolled["h_path"] == cell["hidden"]
    assert plots.GRADIENT not in {*plots.COLOURS.values(), plots.MUTED}


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"steps": 1}, ValueError, r"steps must be an int in \[2, 8\], got 1"),
        ({"steps": 9}, ValueError, "steps must be an int in"),
        ({"steps": 2.5}, ValueError, "steps"),
        ({"steps": "4"}, TypeError, "steps"),
        ({"steps": True}, TypeError, "steps"),
        ({"highlight": "forget"}, ValueError, r"\['h_path', 'c_path'\]"),
        ({"highlight": ["h_path"]}, TypeError, "highlight must be None or one of"),
        ({"gradients": 1}, TypeError, "gradients must be True or False"),
        ({"gradients": "yes"}, TypeError, "gradients"),
        ({"ax": 3}, TypeError, "ax must be"),
        ({"title": ["x"]}, TypeError, "title"),
    ],
)
def test_unrolled_refuses_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        plots.unrolled_diagram(**kwargs)


@pytest.mark.parametrize("highlight", PATHS)
def test_unrolled_builds_for_every_highlight(highlight):
    fig = plots.unrolled_diagram(highlight=highlight, gradients=True)
    assert isinstance(fig, Figure) and not overlapping_texts(fig)


def test_unrolled_draws_into_given_axes():
    fig, ax = plt.subplots()
    assert plots.unrolled_diagram(2, gradients=True, ax=ax) is fig
    assert texts(fig)


# ----------------------------------------------------------------------------- both


@pytest.mark.parametrize(
    "draw",
    [
        lambda: plots.lstm_cell_diagram(),
        lambda: plots.lstm_cell_diagram("candidate", title="The candidate"),
        lambda: plots.unrolled_diagram(4, gradients=True),
        lambda: plots.unrolled_diagram(8, gradients=True, highlight="c_path", title="Cell path"),
    ],
    ids=["cell", "cell-highlighted", "unrolled", "unrolled-8"],
)
def test_png_stays_small_and_rendering_is_deterministic(draw):
    with mpl.rc_context():
        _plot_defaults()  # the notebooks' settings (100 dpi for plain plots)
        fig = draw()
        assert fig.dpi == max(mpl.rcParams["figure.dpi"], 100)  # labels stay readable
        assert png_bytes(fig, fig.dpi) < 80_000  # what Jupyter stores in the notebook
    assert np.array_equal(pixels(draw()), pixels(draw()))


def test_jupyter_shows_the_figure_once(monkeypatch):
    """Displaying it (cell's value or plt.show()) closes it in pyplot: no second copy."""
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: shown.append((a, k)))
    fig = plots.unrolled_diagram(2)
    assert fig.number in plt.get_fignums()  # plt.show() can find it
    fig._ipython_display_()
    assert fig.number not in plt.get_fignums()  # the inline backend's flush will not
    ((data,), options) = shown[0]
    assert len(shown) == 1 and options == {"raw": True}
    assert data["image/png"].startswith(b"\x89PNG")
    assert data["text/plain"].startswith("<Figure size ")
