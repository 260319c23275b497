"""Diagrams of the LSTM, drawn with matplotlib: the cell, and the cell unrolled in time.

No image files: the figures are drawn from code, so they render the same in JupyterLab,
Colab and the HTML export, and a notebook can colour the one gate or path its text is
about (the rest turns light grey)::

    plots.lstm_cell_diagram(highlight="forget")          # f_t and the × on the C line
    plots.unrolled_diagram(steps=4, gradients=True, highlight="c_path")

Each gate keeps one colour in both figures (:data:`COLOURS`). Both functions return the
Figure; in Jupyter it shows once, whether it ends the cell or ``plt.show()`` is called.
With ``ax=`` they draw into your axes instead and return ``ax.figure``.
"""

from __future__ import annotations

from collections.abc import Iterable

import matplotlib.pyplot as plt
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Ellipse, FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path

from lstm_course._checks import check_bool, check_int, describe

# One colour per part of the cell, in both diagrams; the gates take Okabe–Ito colours, which
# stay distinct with colour-vision deficiency.
COLOURS = {
    "forget": "#d55e00",  # vermillion
    "input": "#0072b2",  # blue
    "candidate": "#009e73",  # green
    "output": "#e69f00",  # orange
    "cell_state": "#7b3294",  # purple: the C line, the "conveyor belt"
    "hidden": "#333333",  # charcoal: h_{t-1} in, tanh(C_t) × o_t -> h_t out
}
GRADIENT = "#cc2277"  # the backward streams δC and δh (magenta: no gate uses it)
MUTED = "#c8c8c8"  # parts not highlighted
NEUTRAL = "#555555"  # parts of the unrolled graph that belong to neither stream
CELL_PARTS = tuple(COLOURS)
UNROLLED_PATHS = ("h_path", "c_path")

_LINE_WIDTH = 1.8
_MIN_DPI = 100
_CELL_SIZE = (7.0, 3.5)  # inches; the cell's drawing spans 14 x 7 data units
_UNIT, _MAX_WIDTH = 0.5, 11.0  # the unrolled graph: inches per data unit, widest figure


class _DiagramFigure(Figure):
    """A Figure that Jupyter shows exactly once, as the cell's last value or via plt.show().

    Without this, a pyplot figure that ends a cell shows twice (the cell's value, then
    the inline backend's end-of-cell flush). Displaying it closes it in pyplot, so the
    flush skips it; outside IPython nothing changes.
    """

    def _ipython_display_(self):
        from IPython.core.pylabtools import print_figure
        from IPython.display import display

        plt.close(self)
        text = repr(self).replace(type(self).__name__, "Figure", 1)
        png = print_figure(self, "png", bbox_inches="tight")
        display({"image/png": png, "text/plain": text}, raw=True)


# ----------------------------------------------------------------------------- checks


def _check_cell_highlight(highlight) -> frozenset[str]:
    """None (everything in colour), one part name, or an iterable of part names."""
    if highlight is None:
        return frozenset(CELL_PARTS)
    names = [highlight] if isinstance(highlight, str) else highlight
    if not isinstance(names, Iterable) or isinstance(names, (bytes, dict)):
        raise TypeError(
            f"highlight must be None, a str or an iterable of str from {list(CELL_PARTS)}, "
            f"got {describe(highlight)}"
        )
    names = list(names)
    if not names:
        raise ValueError(f"highlight must name at least one of {list(CELL_PARTS)} (or be None)")
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"highlight must hold str part names, got {describe(name)}")
        if name not in CELL_PARTS:
            raise ValueError(f"highlight must be one of {list(CELL_PARTS)}, got {name!r}")
    return frozenset(names)


def _check_path_highlight(highlight) -> frozenset[str]:
    if highlight is None:
        return frozenset(UNROLLED_PATHS)
    if not isinstance(highlight, str):
        raise TypeError(
            f"highlight must be None or one of {list(UNROLLED_PATHS)}, got {describe(highlight)}"
        )
    if highlight not in UNROLLED_PATHS:
        raise ValueError(f"highlight must be one of {list(UNROLLED_PATHS)}, got {highlight!r}")
    return frozenset([highlight])


def _check_title(title) -> str | None:
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a str or None, got {describe(title)}")
    return title or None


def _prepare_axes(ax, size, limits, title):
    """The caller's axes, or new ones on a figure of ``size`` inches; data units kept square.

    A new figure grows by 0.3 inch for the title, so the drawing keeps its size, and has at
    least 100 dpi: the labels are small text, unreadable at the 100 dpi of plain plots.
    """
    if ax is None:
        width, height = size[0], size[1] + (0.3 if title else 0.0)
        dpi = max(plt.rcParams["figure.dpi"], _MIN_DPI)
        fig, ax = plt.subplots(figsize=(width, height), dpi=dpi, FigureClass=_DiagramFigure)
        top = 1 - 0.3 / height if title else 0.99
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=top)
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {describe(ax)}")
    x0, x1, y0, y1 = limits
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


def _finish(ax: Axes, title: str | None) -> Figure:
    if title:
        ax.set_title(title, fontsize=11, pad=2)
    return ax.figure


# ----------------------------------------------------------------------------- primitives


def _line(ax, points, colour, part, *, head=True, dashed=False, halo=False, zorder=2):
    """A polyline through ``points`` (data units), with an arrow head at its end if ``head``."""
    arrow = FancyArrowPatch(
        path=Path(points),
        arrowstyle="-|>" if head else "-",
        mutation_scale=11,
        color=colour,
        linewidth=_LINE_WIDTH,
        linestyle=(0, (4, 2)) if dashed else "-",
        joinstyle="miter",
        capstyle="butt",
        zorder=zorder,
        gid=part,
    )
    if halo:  # a white outline, so a line crossing underneath looks like it passes under
        arrow.set_path_effects([patheffects.withStroke(linewidth=6, foreground="white")])
    ax.add_patch(arrow)
    return arrow


def _text(ax, xy, text, colour, part, *, size=11, ha="center", va="center", **kwargs):
    kwargs.update(color=colour, fontsize=size, ha=ha, va=va, gid=part, zorder=6)
    return ax.text(*xy, text, **kwargs)


def _box(ax, corner, size, rounding, face, edge, part, *, linewidth=1.4, zorder=4):
    """A rounded rectangle with its lower-left ``corner`` and ``size`` (width, height)."""
    style = f"round,pad=0,rounding_size={rounding}"
    patch = FancyBboxPatch(corner, *size, boxstyle=style, facecolor=face, edgecolor=edge)
    patch.update({"linewidth": linewidth, "zorder": zorder, "gid": part})
    ax.add_patch(patch)


def _ring(ax, patch, colour, part):
    """Add a white-filled circle or ellipse outlined in ``colour``."""
    patch.update({"facecolor": "white", "edgecolor": colour, "linewidth": _LINE_WIDTH})
    patch.update({"zorder": 4, "gid": part})
    ax.add_patch(patch)


def _node(ax, xy, symbol, colour, part):
    """A pointwise operation (× or +): a white circle with the symbol in ``colour``."""
    _ring(ax, Circle(xy, _R), colour, part)
    _text(ax, xy, symbol, colour, part, size=12, fontweight="bold")


def _dot(ax, xy, colour, part):
    """A junction where a line splits."""
    ax.add_patch(Circle(xy, 0.07, color=colour, zorder=3, gid=part))


def _gate(ax, xy, label, colour, part, width):
    """A layer box (σ or tanh) filled with its colour, its name in white."""
    corner = (xy[0] - width / 2, xy[1] - _GATE_H / 2)
    _box(ax, corner, (width, _GATE_H), 0.12, colour, colour, part)
    _text(ax, xy, label, "white", part, fontweight="bold")


# ----------------------------------------------------------------------------- the cell


def lstm_cell_diagram(highlight=None, *, ax=None, title=None) -> Figure:
    """Draw one LSTM cell: the C line across the top, four gates below, h out to the right.

    The input ``[h_{t-1}, x_t]`` enters at the bottom left and feeds the four gate layers
    σ (f_t), σ (i_t), tanh (C̃_t) and σ (o_t); the cell state runs from C_{t-1} to C_t
    through ``× f_t`` and ``+ i_t·C̃_t``; ``o_t × tanh(C_t)`` leaves as h_t.

    Args:
        highlight: None (all parts in colour) or one or several of ``"forget"``,
            ``"input"``, ``"candidate"``, ``"output"``, ``"cell_state"`` (the C line) and
            ``"hidden"`` (the h path): those parts in colour, the rest light grey.
        ax: matplotlib Axes to draw into; None makes a 7 x 3.5 inch figure.
        title: optional title above the drawing.

    Returns:
        The Figure (``ax.figure`` when ``ax`` is given). Every artist carries its part
        name as ``gid``, e.g. ``artist.get_gid() == "forget"``.
    """
    active = _check_cell_highlight(highlight)
    title = _check_title(title)
    ax = _prepare_axes(ax, _CELL_SIZE, (0.0, 14.0, 0.0, 7.0), title)

    def ink(part):
        return COLOURS[part] if part in active else MUTED

    _box(ax, (1.7, 0.8), (9.6, 5.3), 0.5, "#F7F7F7", "#9A9A9A", "cell", zorder=0)
    _draw_cell_state(ax, ink)
    _draw_gates(ax, ink)
    _draw_hidden(ax, ink)
    return _finish(ax, title)


# Layout of the cell, in data units: heights of the C line, gates, bus and the write ×;
# the columns of the gates, tanh(C_t) and the h_t output; node radius, gate box height.
_C_Y, _GATE_Y, _BUS_Y, _WRITE_Y = 5.3, 2.6, 1.5, 4.05
_R, _GATE_H = 0.28, 0.7
_F_X, _I_X, _G_X, _O_X, _TANH_X, _OUT_X = 3.4, 5.0, 6.5, 8.1, 9.7, 10.6
_GATES = (  # (column, layer, part), left to right
    (_F_X, "σ", "forget"),
    (_I_X, "σ", "input"),
    (_G_X, "tanh", "candidate"),
    (_O_X, "σ", "output"),
)


def _draw_cell_state(ax, ink):
    """C_{t-1} -> × f_t -> + i_t·C̃_t -> C_t, with halo so the h_t line passes under it."""
    colour = ink("cell_state")
    _line(ax, [(0.9, _C_Y), (_F_X - _R, _C_Y)], colour, "cell_state", head=False, halo=True)
    _line(ax, [(_F_X + _R, _C_Y), (_G_X - _R, _C_Y)], colour, "cell_state", halo=True)
    _line(ax, [(_G_X + _R, _C_Y), (13.2, _C_Y)], colour, "cell_state", halo=True)
    _text(ax, (0.8, _C_Y), r"$C_{t-1}$", colour, "cell_state", ha="right")
    _text(ax, (13.3, _C_Y), r"$C_t$", colour, "cell_state", ha="left")
    _node(ax, (_F_X, _C_Y), "×", ink("forget"), "forget")
    _node(ax, (_G_X, _C_Y), "+", ink("input"), "input")


def _draw_gates(ax, ink):
    """Four layer boxes fed from the bus, each with its output line and math label."""
    top, bottom = _GATE_Y + _GATE_H / 2, _GATE_Y - _GATE_H / 2
    for x, label, part in _GATES:
        _line(ax, [(x, _BUS_Y), (x, bottom)], ink(part), part)
        _gate(ax, (x, _GATE_Y), label, ink(part), part, 1.05 if label == "tanh" else 0.8)
    f, i, g, o = (ink(part) for _, _, part in _GATES)
    # f_t up to the × on the C line.
    _line(ax, [(_F_X, top), (_F_X, _C_Y - _R)], f, "forget")
    _text(ax, (_F_X - 0.15, 4.0), r"$f_t$", f, "forget", ha="right")
    # i_t up and across, C̃_t straight up, into the × whose product goes up to the +.
    _line(ax, [(_I_X, top), (_I_X, _WRITE_Y), (_G_X - _R, _WRITE_Y)], i, "input")
    _text(ax, (_I_X - 0.15, 3.55), r"$i_t$", i, "input", ha="right")
    _line(ax, [(_G_X, top), (_G_X, _WRITE_Y - _R)], g, "candidate")
    _text(ax, (_G_X + 0.15, 3.45), r"$\tilde{C}_t$", g, "candidate", ha="left")
    _node(ax, (_G_X, _WRITE_Y), "×", i, "input")
    _line(ax, [(_G_X, _WRITE_Y + _R), (_G_X, _C_Y - _R)], i, "input")
    # o_t across into the × that makes h_t.
    _line(ax, [(_O_X + 0.4, _GATE_Y), (_TANH_X - _R, _GATE_Y)], o, "output")
    _text(ax, (8.9, _GATE_Y + 0.12), r"$o_t$", o, "output", va="bottom")
    _node(ax, (_TANH_X, _GATE_Y), "×", o, "output")


def _draw_hidden(ax, ink):
    """[h_{t-1}, x_t] in along the bus; tanh(C_t) × o_t out as h_t, right and up."""
    colour = ink("hidden")
    _line(ax, [(0.9, _BUS_Y), (_O_X, _BUS_Y)], colour, "hidden", head=False)
    _line(ax, [(2.4, 0.6), (2.4, _BUS_Y)], colour, "hidden", head=False)
    _dot(ax, (2.4, _BUS_Y), colour, "hidden")
    _text(ax, (0.8, _BUS_Y), r"$h_{t-1}$", colour, "hidden", ha="right")
    _text(ax, (2.4, 0.5), r"$x_t$", colour, "hidden", va="top")
    _text(ax, (6.0, 1.15), r"$[h_{t-1},\ x_t]$", colour, "hidden", size=10)
    # tanh(C_t): tap the C line, squash, multiply by o_t.
    _line(ax, [(_TANH_X, _C_Y), (_TANH_X, 4.32)], colour, "hidden")
    _ring(ax, Ellipse((_TANH_X, 4.05), 1.0, 0.5), colour, "hidden")
    _text(ax, (_TANH_X, 4.05), "tanh", colour, "hidden", size=10)
    _line(ax, [(_TANH_X, 3.8), (_TANH_X, _GATE_Y + _R)], colour, "hidden")
    # h_t leaves to the right (next step) and up (the output), passing under the C line.
    _line(ax, [(_TANH_X, _GATE_Y - _R), (_TANH_X, _BUS_Y), (13.2, _BUS_Y)], colour, "hidden")
    _line(ax, [(_OUT_X, _BUS_Y), (_OUT_X, 6.7)], colour, "hidden", zorder=1)
    _dot(ax, (_OUT_X, _BUS_Y), colour, "hidden")
    _text(ax, (13.3, _BUS_Y), r"$h_t$", colour, "hidden", ha="left")
    _text(ax, (_OUT_X + 0.15, 6.75), r"$h_t$", colour, "hidden", ha="left")


# ----------------------------------------------------------------------------- unrolled


def unrolled_diagram(steps=4, *, highlight=None, gradients=False, ax=None, title=None) -> Figure:
    """Draw the LSTM unrolled over ``steps`` time steps, optionally with both gradient streams.

    The same cell repeats left to right (steps t-2, t-1, t, t+1 for four steps): x enters
    each from below, h leaves above, and two arrows join neighbours, C on top and h below.
    With ``gradients=True`` the backward pass is drawn right to left in a second colour
    (dashed): δC along the cell path, multiplied by the forget gate at each step, and δh
    along the h path, through W_h and the gates' derivatives; plus δh from each output.

    Args:
        steps: number of cells, an int in [2, 8].
        highlight: None, ``"c_path"`` or ``"h_path"``: that stream (forward and backward)
            in colour, the other light grey.
        gradients: draw the backward streams.
        ax: matplotlib Axes to draw into; None makes a figure sized to the steps.
        title: optional title above the drawing.

    Returns:
        The Figure (``ax.figure`` when ``ax`` is given). Artists carry ``gid`` "c_path",
        "h_path" (forward and backward), "cell", "x" or "key" (the legend line).
    """
    steps = check_int("steps", steps, minimum=2, maximum=8)
    active = _check_path_highlight(highlight)
    gradients = check_bool("gradients", gradients)
    title = _check_title(title)
    x_max = _U_LEFT + (steps - 1) * _U_PITCH + _U_WIDTH + 2.4
    y_min = -0.5 if gradients else 0.0
    unit = min(_UNIT, _MAX_WIDTH / (x_max + 1.1))  # inches per data unit
    ax = _prepare_axes(
        ax, ((x_max + 1.1) * unit, (5.4 - y_min) * unit), (-1.1, x_max, y_min, 5.4), title
    )

    def ink(path, backward=False):
        if path not in active:
            return MUTED
        return GRADIENT if backward else COLOURS["cell_state" if path == "c_path" else "hidden"]

    offset = steps - 2  # the cell labelled "t"
    for k in range(steps):
        _draw_unrolled_cell(ax, k, _step_name(k - offset), ink, gradients)
    for k in range(-1, steps):  # links k -> k+1, with stubs in from the left and out to the right
        _draw_link(ax, k, steps, _step_name(k - offset), _step_name(k + 1 - offset), ink, gradients)
    if gradients:
        _text(ax, (x_max / 2 - 0.55, -0.15), _KEY, GRADIENT, "key", size=9)
    return _finish(ax, title)


# Layout of the unrolled graph, in data units.
_U_LEFT, _U_PITCH, _U_WIDTH = 1.3, 3.0, 1.4  # first box's left edge, cell spacing, box width
_U_BOTTOM, _U_TOP = 1.5, 3.7  # box edges
_U_C, _U_H, _U_DC, _U_DH = 3.1, 2.1, 3.4, 1.8  # heights of C, h, δC and δh arrows
_DH_LABEL = r"$W_h^{\top}\!\cdot$" "\n" r"$\sigma',\ \tanh'$"  # δh_{k+1} -> δh_k through these
_KEY = (
    "dashed: gradients flowing back in time, "
    r"$\delta C = \partial L / \partial C$ and $\delta h = \partial L / \partial h$"
)


def _step_name(offset: int) -> str:
    """'t', 't+1', 't-2' for offsets 0, 1, -2 from the step labelled t."""
    return "t" if offset == 0 else f"t{offset:+d}"


def _draw_unrolled_cell(ax, k, step, ink, gradients):
    left = _U_LEFT + k * _U_PITCH
    centre = left + _U_WIDTH / 2
    size = (_U_WIDTH, _U_TOP - _U_BOTTOM)
    _box(ax, (left, _U_BOTTOM), size, 0.25, "#F7F7F7", NEUTRAL, "cell", zorder=1)
    _text(ax, (centre, (_U_BOTTOM + _U_TOP) / 2), "LSTM", NEUTRAL, "cell", size=10)
    _line(ax, [(centre, 0.6), (centre, _U_BOTTOM)], NEUTRAL, "x")
    _text(ax, (centre, 0.5), f"$x_{{{step}}}$", NEUTRAL, "x", va="top")
    out_x = centre - 0.2 if gradients else centre
    _line(ax, [(out_x, _U_TOP), (out_x, 4.6)], ink("h_path"), "h_path")
    _text(ax, (out_x, 4.65), f"$h_{{{step}}}$", ink("h_path"), "h_path", va="bottom")
    if gradients:  # the loss at step k sends its own δh into the cell
        down = [(centre + 0.25, 4.6), (centre + 0.25, _U_TOP)]
        _line(ax, down, ink("h_path", True), "h_path", dashed=True)


def _draw_link(ax, k, steps, step, next_step, ink, gradients):
    """The C and h arrows from cell k to cell k+1 (k = -1 and k = steps-1 are stubs)."""
    if k == -1:  # the stub into the first cell
        start, end = _U_LEFT - 1.2, _U_LEFT
    else:
        start = _U_LEFT + k * _U_PITCH + _U_WIDTH
        end = start + (1.2 if k == steps - 1 else _U_PITCH - _U_WIDTH)
    for path, y, name in (("c_path", _U_C, "C"), ("h_path", _U_H, "h")):
        _line(ax, [(start, y), (end, y)], ink(path), path)
        if k == -1:
            _text(ax, (start - 0.1, y), f"${name}_{{{step}}}$", ink(path), path, ha="right")
        elif k == steps - 1:
            _text(ax, (end + 0.1, y), f"${name}_{{{step}}}$", ink(path), path, ha="left")
    if not gradients or k in (-1, steps - 1):
        return
    middle, dc, dh = (start + end) / 2, ink("c_path", True), ink("h_path", True)
    _line(ax, [(end, _U_DC), (start, _U_DC)], dc, "c_path", dashed=True)
    forget = rf"$\times f_{{{next_step}}}$"  # δC_k = δC_{k+1} · f_{k+1} + (from h_k)
    _text(ax, (middle, _U_TOP + 0.25), forget, dc, "c_path", size=10, va="bottom")
    _line(ax, [(end, _U_DH), (start, _U_DH)], dh, "h_path", dashed=True)
    _text(ax, (middle, _U_DH - 0.15), _DH_LABEL, dh, "h_path", size=8, va="top", linespacing=1.3)
