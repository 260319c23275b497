"""Gradient checking by central finite differences, with an honest tolerance.

A numerical gradient entry is ``(L(θ + ε) − L(θ − ε)) / 2ε``. It has two errors:

- **truncation**, O(ε²) relative to the derivatives: negligible at ε = 1e-6;
- **round-off**: each loss value is rounded to about u·S, where u = 1.1e-16 is float64's
  unit round-off and S the size of the terms the loss adds up; dividing their difference
  by 2ε magnifies that to about u·S/ε ≈ 1e-10·S — the same for every entry, however small.

So "relative error above 1e-7 means a bug" holds only for gradients that are large next to
u·S/ε: for a block whose gradients are tiny next to the loss, round-off alone exceeds 1e-7
of them. :func:`relative_error` therefore takes a **round-off floor** added to its denominator,
and :func:`round_off_floor` gives the floor for a loss of size S. With it, a correct
backward pass scores below :data:`LIMIT` = 1e-7 and a wrong one scores 1e-3 or (usually)
far more: a bug changes a gradient by about its own size, round-off by 1e-10·S.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from lstm_course._checks import (
    check_callable,
    check_finite,
    check_number,
    check_same_shape,
    describe,
)

LIMIT = 1e-7  # a correct float64 backward pass scores below this (with the round-off floor)
UNIT_ROUNDOFF = 2.0**-53  # u: the relative rounding error of one float64 operation
# round_off_floor's safety factor. The worst round-off measured over 3,000 random RNN
# checks (tests/test_backward.py's distribution) needed 0.67 of this floor's base size.
FLOOR_MARGIN = 10.0


def numerical_gradient(
    loss: Callable[[], float], array: np.ndarray, eps: float = 1e-6
) -> np.ndarray:
    """∂loss/∂array by central differences, one entry at a time.

    Args:
        loss: a function of no arguments that reads ``array`` (closed over) and returns a
            finite number.
        array: a writable float64 ndarray (any layout, views included), perturbed in place
            entry by entry and restored exactly afterwards, even if ``loss`` raises.
        eps: step size, > 0.

    Returns:
        A float64 array shaped like ``array``.
    """
    check_callable("loss", loss)
    array = _check_perturbable(array)
    eps = check_number("eps", eps, minimum=0.0, exclusive_minimum=True)
    grad = np.zeros(array.shape)
    for index in np.ndindex(array.shape):  # indexes the array itself: no copy of a view
        original = array[index]
        up, down = original + eps, original - eps
        if up == down:
            raise ValueError(
                f"eps = {eps:g} is too small for array{list(index)} = {original:g}: "
                "the perturbed values round to the same number; use a larger eps"
            )
        try:
            array[index] = up
            plus = _loss_value(loss, index)
            array[index] = down
            minus = _loss_value(loss, index)
        finally:
            array[index] = original  # restore exactly: nothing is lost
        grad[index] = (plus - minus) / (up - down)  # the step actually taken, after rounding
    return grad


def relative_error(analytic, numeric, *, floor: float = 0.0) -> float:
    """max |a − n| / (max(|a| + |n|) + floor) over all entries; 0 for identical arrays.

    Without a floor this is scale-free. ``floor`` (see :func:`round_off_floor`) keeps tiny
    gradients, whose numerical values are mostly round-off, from looking wrong.
    """
    analytic, numeric = check_same_shape("analytic", analytic, "numeric", numeric)
    floor = check_number("floor", floor, minimum=0.0)
    scale = np.max(np.abs(analytic) + np.abs(numeric)) + floor
    return 0.0 if scale == 0 else float(np.max(np.abs(analytic - numeric)) / scale)


def round_off_floor(loss_scale: float, eps: float = 1e-6) -> float:
    """The round-off floor for :func:`relative_error`, for a loss of size ``loss_scale``.

    Round-off puts an absolute error of about u·S/ε on every numerical gradient entry
    (S = ``loss_scale``, the sum of the absolute values of the terms the loss adds up,
    e.g. ``np.sum(np.abs(dh_seq * h_seq))`` for ``L = Σ dh_seq ⊙ h_seq``). Relative to an
    entry of size g that exceeds :data:`LIMIT` whenever g < u·S/(ε·LIMIT). The floor is
    :data:`FLOOR_MARGIN` times that size (≈ 0.011·S at ε = 1e-6), so that round-off scores
    below LIMIT, while a wrong gradient of size g scores about g / (g + floor) ≫ LIMIT.
    """
    loss_scale = check_number("loss_scale", loss_scale, minimum=0.0)
    eps = check_number("eps", eps, minimum=0.0, exclusive_minimum=True)
    return FLOOR_MARGIN * UNIT_ROUNDOFF * loss_scale / (eps * LIMIT)


def gradient_check(
    loss: Callable[[], float],
    arrays: dict[str, np.ndarray],
    analytic: dict[str, np.ndarray],
    eps: float = 1e-6,
    *,
    loss_scale: float | None = None,
) -> dict[str, float]:
    """Relative error (with the round-off floor) of each named analytic gradient.

    Args:
        loss: reads the arrays in ``arrays``, which are perturbed in place and restored.
        arrays: name -> the float64 array the loss reads.
        analytic: name -> its analytic gradient (same shape); every name of ``arrays``.
        eps: the finite-difference step.
        loss_scale: the size S of the terms the loss adds up (see :func:`round_off_floor`);
            by default ``|loss()|``, which is too small when the terms cancel: pass it then.

    Returns:
        name -> relative error; all below :data:`LIMIT` for a correct backward pass.
    """
    check_callable("loss", loss)
    for name, value in (("arrays", arrays), ("analytic", analytic)):
        if not isinstance(value, dict) or not value:
            raise TypeError(
                f"{name} must be a non-empty dict of name -> array, got {describe(value)}"
            )
    missing = sorted(set(arrays) - set(analytic))
    if missing:
        raise ValueError(f"analytic has no gradient for {missing} (arrays has them)")
    for name, array in arrays.items():
        _check_perturbable(array, f"arrays[{name!r}]")
    if loss_scale is None:
        loss_scale = abs(_loss_value(loss, None))
    floor = round_off_floor(loss_scale, eps)
    return {
        name: relative_error(analytic[name], numerical_gradient(loss, array, eps), floor=floor)
        for name, array in arrays.items()
    }


def _check_perturbable(array, name: str = "array") -> np.ndarray:
    """A writable, non-empty, finite float64 ndarray: what finite differences can perturb."""
    if not isinstance(array, np.ndarray) or array.dtype != np.float64:
        raise TypeError(
            f"{name} must be the float64 ndarray the loss reads (perturbed in place), "
            f"got {describe(array)}"
        )
    if not array.flags.writeable:
        raise ValueError(f"{name} is read-only; finite differences perturb it in place")
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape}): nothing to differentiate")
    return check_finite(name, array)


def _loss_value(loss, index) -> float:
    value = loss()
    where = "" if index is None else f" with array{list(index)} perturbed"
    try:
        return check_number("loss()", value)
    except (TypeError, ValueError) as err:
        raise type(err)(f"{err}{where}") from None
