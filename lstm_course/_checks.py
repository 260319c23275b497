"""Input validation shared by every module: one rule per kind of value, one error style.

Every public function of the package validates its arguments through these helpers, so
that bad input gets the same kind of answer everywhere (scikit-learn's
``utils/validation.py`` is the model):

- ``TypeError`` when the *kind* of value is wrong (a string for a number, a bool for an
  int, a list of strings for an array of numbers);
- ``ValueError`` when the kind is right but the value is not (negative, NaN, wrong shape,
  too short, unsorted).

Each message names the parameter, what was expected and what was received, e.g.
``window must be an int >= 1, got 0`` or ``x must have shape (batch, time, features),
got (3, 4)``. The helpers return the value converted (an ``int``, a ``float``, a float64
array) so callers use what was checked.

NumPy scalars are accepted wherever Python numbers are (``np.int64(3)`` is an int,
``np.float32(0.5)`` a float); ``bool`` is never a number here, even though Python says
``True == 1``, because passing ``True`` for a count is always a mistake.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Iterable

import numpy as np

# Sizes above this many array elements are refused up front with a clear message, rather
# than left to exhaust memory or run for hours: the course never needs more.
MAX_ELEMENTS = 200_000_000


def describe(value) -> str:
    """A short description of a received value for error messages: type, shape, repr."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


# ----------------------------------------------------------------------------- scalars


def _bounds_text(minimum, maximum) -> str:
    if minimum is not None and maximum is not None:
        return f" in [{minimum}, {maximum}]"
    if minimum is not None:
        return f" >= {minimum}"
    if maximum is not None:
        return f" <= {maximum}"
    return ""


def check_int(name: str, value, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """An integer (Python or NumPy, never bool) within ``[minimum, maximum]``; returns ``int``.

    A float with an integral value (``3.0``) is accepted as 3; ``2.5`` is refused, since
    silently rounding a count changes what the caller asked for.
    """
    expected = f"{name} must be an int{_bounds_text(minimum, maximum)}"
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{expected}, got bool {value!r}")
    if isinstance(value, numbers.Integral):
        result = int(value)
    elif isinstance(value, numbers.Real) and np.isfinite(value) and float(value).is_integer():
        result = int(value)
    elif isinstance(value, numbers.Real):
        raise ValueError(f"{expected}, got {value!r} (not a whole number)")
    else:
        raise TypeError(f"{expected}, got {describe(value)}")
    if (minimum is not None and result < minimum) or (maximum is not None and result > maximum):
        raise ValueError(f"{expected}, got {result}")
    return result


def check_number(
    name: str,
    value,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: bool = False,
    finite: bool = True,
) -> float:
    """A real number (Python or NumPy, never bool, never NaN) within bounds; returns ``float``.

    ``exclusive_minimum=True`` makes the lower bound strict (``> minimum``), e.g. a step
    size or a norm limit that must be positive. A 0-d array is accepted as its value.
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    low = f" > {minimum}" if exclusive_minimum and minimum is not None else None
    bounds = low if low and maximum is None else _bounds_text(minimum, maximum)
    if low and maximum is not None:
        bounds = f" in ({minimum}, {maximum}]"
    expected = f"{name} must be a {'finite ' if finite else ''}number{bounds}"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{expected}, got {describe(value)}")
    result = float(value)
    if np.isnan(result) or (finite and not np.isfinite(result)):
        raise ValueError(f"{expected}, got {result}")
    too_low = minimum is not None and (result <= minimum if exclusive_minimum else result < minimum)
    if too_low or (maximum is not None and result > maximum):
        raise ValueError(f"{expected}, got {value!r}")
    return result


def check_bool(name: str, value) -> bool:
    """A real bool (Python or NumPy); 0/1/"yes" are refused so typos don't pass silently."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {describe(value)}")
    return bool(value)


def check_choice(name: str, value, choices: Iterable):
    """One of ``choices``; the error lists them."""
    choices = tuple(choices)
    try:
        found = value in choices
    except TypeError:  # unhashable or uncomparable
        found = False
    if not found:
        raise ValueError(f"{name} must be one of {list(choices)}, got {describe(value)}")
    return value


def check_seed(name: str, seed) -> int | None:
    """A seed for ``np.random.default_rng``: None, or an int in [0, 2**32 - 1]."""
    if seed is None:
        return None
    return check_int(name, seed, minimum=0, maximum=2**32 - 1)


def check_callable(name: str, value):
    if not callable(value):
        raise TypeError(f"{name} must be callable (a function), got {describe(value)}")
    return value


def check_text(name: str, value, *, pattern=None, hint: str = "") -> str:
    """A non-empty, single-line ``str``, optionally matching a compiled regex ``pattern``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {describe(value)}")
    if not value.strip() or "\n" in value or "\r" in value:
        raise ValueError(f"{name} must be a non-empty single line of text, got {value!r}")
    if pattern is not None and not pattern.fullmatch(value):
        raise ValueError(
            f"{name} must be {hint or 'of the form ' + pattern.pattern}, got {value!r}"
        )
    return value


def check_path(name: str, value, *, optional: bool = False):
    """A file-system path: a ``str`` or ``os.PathLike`` (None too when ``optional``)."""
    if value is None and optional:
        return None
    if not isinstance(value, (str, os.PathLike)) or (isinstance(value, str) and not value):
        kind = "a non-empty path (str or pathlib.Path)" + (" or None" if optional else "")
        raise TypeError(f"{name} must be {kind}, got {describe(value)}")
    return value


def check_size(name: str, elements: int, limit: int = MAX_ELEMENTS) -> None:
    """Refuse a request that would allocate more than ``limit`` array elements."""
    if elements > limit:
        raise ValueError(
            f"{name} would need {elements:,} array elements, more than this course's limit "
            f"of {limit:,}; use smaller sizes"
        )


# ----------------------------------------------------------------------------- arrays


def as_float_array(name: str, value, *, dtype=np.float64) -> np.ndarray:
    """Numbers as a float array; ``TypeError`` names the parameter for strings, objects, None."""
    if value is None:
        raise TypeError(f"{name} must be an array of numbers, got None")
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers, got {describe(value)}")
    try:
        raw = np.asarray(value)
    except (ValueError, TypeError) as err:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers: {err}") from None
    if raw.dtype == bool or not (
        np.issubdtype(raw.dtype, np.number) and not np.issubdtype(raw.dtype, np.complexfloating)
    ):
        if raw.dtype == object or raw.dtype.kind in "USV":
            raise TypeError(f"{name} must hold real numbers, got {describe(value)}")
        if raw.dtype == bool:
            raise TypeError(f"{name} must hold numbers, got booleans")
        raise TypeError(f"{name} must hold real numbers, got dtype {raw.dtype}")
    if dtype is None:
        return raw
    return raw.astype(dtype, copy=False)


def check_finite(name: str, array: np.ndarray) -> np.ndarray:
    """Refuse NaN and inf, naming the position of the first one."""
    array = np.asarray(array)
    if array.size and not np.all(np.isfinite(array)):
        first = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        where = f" (first at index {first[0] if len(first) == 1 else first})" if first else ""
        raise ValueError(f"{name} contains NaN or inf{where}")
    return array


def check_float(name: str, array) -> np.ndarray:
    """A float32/float64 array with no NaN or inf (the NumPy layers keep the caller's dtype)."""
    array = np.asarray(array)
    if not np.issubdtype(array.dtype, np.floating):
        raise TypeError(
            f"{name} must be a float array (float32 or float64), got dtype {array.dtype}"
        )
    return check_finite(name, array)


def check_array(
    name: str,
    value,
    *,
    ndim: int | tuple[int, ...] | None = None,
    shape_text: str | None = None,
    finite: bool = True,
    min_size: int = 1,
    dtype=np.float64,
) -> np.ndarray:
    """A float array of the given rank(s), finite, with at least ``min_size`` elements.

    Args:
        ndim: allowed number(s) of dimensions, or None for any.
        shape_text: how the expected shape reads in the error, e.g. "(batch, time, features)".
    """
    array = as_float_array(name, value, dtype=dtype)
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if allowed is not None and array.ndim not in allowed:
        what = shape_text or " or ".join(f"{n}-D" for n in allowed)
        raise ValueError(f"{name} must have shape {what}, got shape {array.shape}")
    if array.size < min_size:
        raise ValueError(
            f"{name} needs at least {min_size} value(s), got shape {array.shape} "
            f"({array.size} values)"
        )
    return check_finite(name, array) if finite else array


def check_series(name: str, values, *, min_length: int = 2, finite: bool = True) -> np.ndarray:
    """A 1-D float64 series ``(time,)`` of at least ``min_length`` finite values."""
    array = as_float_array(name, values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D (time,), got shape {array.shape}")
    if array.size < min_length:
        raise ValueError(f"{name} needs at least {min_length} values, got {array.size}")
    return check_finite(name, array) if finite else array


def check_same_shape(name_a: str, a, name_b: str, b) -> tuple[np.ndarray, np.ndarray]:
    """Two finite, non-empty float64 arrays of one shape (e.g. ``y_true`` and ``y_pred``)."""
    first, second = as_float_array(name_a, a), as_float_array(name_b, b)
    if first.shape != second.shape:
        raise ValueError(
            f"{name_a} and {name_b} must have the same shape, got {first.shape} and {second.shape}"
        )
    if first.size == 0:
        raise ValueError(f"{name_a} and {name_b} are empty: expected at least one value")
    return check_finite(name_a, first), check_finite(name_b, second)


def check_time_index(name: str, index) -> None:
    """A time index (pandas or NumPy) that is strictly increasing: sorted, no duplicates.

    Windows and chronological splits cut by *position*; an unsorted or duplicated index
    would put later dates into the training part without any error.
    """
    values = np.asarray(index)
    if values.size < 2:
        return
    try:
        steps = np.diff(values)
        increasing = np.all(steps > steps.dtype.type(0))
    except TypeError:  # not orderable by subtraction: compare neighbours
        increasing = all(a < b for a, b in zip(values[:-1], values[1:], strict=False))
    if increasing:
        return
    duplicates = len(np.unique(values)) < len(values)
    problem = "has duplicate entries" if duplicates else "is not sorted in increasing order"
    first_bad = int(next(i for i in range(1, len(values)) if not values[i - 1] < values[i]))
    raise ValueError(
        f"{name} {problem} (first at position {first_bad}: {values[first_bad - 1]!r} then "
        f"{values[first_bad]!r}); sort it and drop duplicates first, e.g. "
        "frame.sort_index() and frame[~frame.index.duplicated()]"
    )


# ----------------------------------------------------------------------------- NumPy layers


def check_inputs(x, units: int, input_size: int, states: dict) -> tuple[np.ndarray, dict]:
    """Validate a layer's input ``x (B, T, D)`` and initial states ``(B, H)`` (None → zeros)."""
    if x is None or isinstance(x, (str, bytes)):
        raise TypeError(f"x must be a float array (batch, time, features), got {describe(x)}")
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError(
            f"x must have shape (batch, time, features), got {x.shape} (ndim {x.ndim})"
        )
    check_float("x", x)
    B, T, D = x.shape
    if D != input_size:
        raise ValueError(
            f"x has {D} features but the weights expect {input_size}: x shape {x.shape}"
        )
    if B == 0 or T == 0:
        raise ValueError(f"x needs at least one example and one time step, got shape {x.shape}")
    checked = {}
    for name, state in states.items():
        if state is None:
            checked[name] = np.zeros((B, units), dtype=x.dtype)
            continue
        state = np.asarray(state)
        if state.shape != (B, units):
            raise ValueError(
                f"{name} must have shape (batch, units) = {(B, units)}, got {state.shape}"
            )
        check_float(name, state)
        checked[name] = state
    return x, checked
