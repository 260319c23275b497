"""Progress bars for long cells: drawn when you run a notebook, silent when it is built or tested.

A cell that trains one Keras model passes ``progress.epochs("what")`` to ``model.fit``'s
``callbacks``; a cell that loops over many runs wraps the loop in ``progress.bar(runs, "what")``.
Each draws one line that fills up in place (JupyterLab, Colab and a terminal all redraw a
line that ends in a carriage return), so a long cell shows how far it has got and how long is
left. ``model.fit`` itself stays at ``verbose=0``: Keras's own bar prints a line per epoch.

The stored outputs must not carry bars: their timings differ on every run, so nbval would
fail on them. The notebook build (``python -m tools build``), the tests, nbval and the Colab
mirror set ``LSTM_COURSE_PROGRESS=0``, and then both helpers draw nothing. Set it yourself to
silence them; unset (or ``1``) draws them.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Iterator

from lstm_course._checks import check_int, check_text, describe

ENV = "LSTM_COURSE_PROGRESS"
_WORD = re.compile(r"[A-Za-z]+")


def enabled() -> bool:
    """Whether progress bars are drawn: ``LSTM_COURSE_PROGRESS`` unset or ``"1"``; ``"0"`` is off."""
    value = os.environ.get(ENV, "1").strip()
    if value not in ("0", "1"):
        raise ValueError(f"{ENV} must be '0' (no progress bars) or '1' (bars), got {value!r}")
    return value == "1"


def _tqdm(**kwargs):
    from tqdm import tqdm  # plain text bar: tqdm.auto would need ipywidgets in JupyterLab

    # stdout, not tqdm's stderr: notebooks show stderr on a red background, like an error.
    return tqdm(file=sys.stdout, ncols=88, mininterval=0.5, **kwargs)


def bar(
    items: Iterable, description: str, *, total: int | None = None, unit: str = "step"
) -> Iterator:
    """Yield ``items`` one by one, drawing a bar labelled ``description`` while they run.

    Args:
        items: any iterable (a list, a range, a generator).
        description: what the loop does, one line, e.g. ``"adding problem, 6 runs"``.
        total: how many items, when ``len(items)`` cannot tell (a generator): an int >= 0.
        unit: what one item is, for the rate shown ("model", "epoch"); one word.

    Returns:
        An iterator over the same items, in the same order.
    """
    description = check_text("description", description)
    try:
        iter(items)
    except TypeError:
        raise TypeError(
            f"items must be an iterable (a list, range or generator), got {describe(items)}"
        ) from None
    if total is not None:
        total = check_int("total", total, minimum=0)
    unit = check_text("unit", unit, pattern=_WORD, hint="one word, e.g. 'model'")
    if not enabled():
        return iter(items)
    return iter(_tqdm(iterable=items, desc=description, total=total, unit=unit))


def epochs(description: str):
    """A Keras callback that draws one bar over ``fit``'s epochs, with the latest loss.

    Pass it in ``model.fit(..., verbose=0, callbacks=[progress.epochs("LSTM")])``. With early
    stopping the bar stops where training stopped. When bars are off it does nothing.

    Args:
        description: the model being trained, one line, e.g. ``"LSTM, 50 epochs"``.

    Returns:
        A ``keras.callbacks.Callback``.
    """
    description = check_text("description", description)
    import keras  # here, not at the top: notebooks 00-03 use bar() without TensorFlow

    class EpochBar(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.line = _tqdm(total=self.params.get("epochs"), desc=description, unit="epoch")

        def on_epoch_end(self, epoch, logs=None):
            shown = {k: f"{v:.4g}" for k, v in (logs or {}).items() if "loss" in k}
            self.line.set_postfix(shown, refresh=False)
            self.line.update(1)

        def on_train_end(self, logs=None):
            self.line.close()

    return EpochBar() if enabled() else keras.callbacks.Callback()
