"""Fuzzing harness: every public function, given bad input, must fail clearly — or work.

Each area of the package registers its public functions in a ``tests/test_fuzz_<area>.py``
as :class:`FuzzTarget` objects: the function and keyword arguments that make a valid call.
The harness then calls the function again and again with **one** argument replaced:

- by a **bad value** (None, a string, a bool for a number, NaN, inf, a non-integral float
  for a count, an array of the wrong rank, an empty array, an array with NaN or inf at a
  random place, …). The call must raise ``TypeError`` or ``ValueError`` (or a subclass)
  whose message names the parameter. Anything else is a failure:
  *unhelpful* (another exception, e.g. ``IndexError`` from deep inside NumPy),
  *vague* (the right exception, but the message does not say which argument), or
  *garbage* (no exception at all: the function silently computed something from nonsense);
- by a **valid variant** of the valid value (a NumPy scalar for a Python number, a list
  for an array, a non-contiguous view, the same values in another memory layout). The call
  must succeed and, where the function is deterministic, return the same result as the
  valid call. That catches, e.g., a gradient checker that returns zeros for a
  non-contiguous array.

Bad values come from a fixed catalogue chosen by the kind of the valid value, plus a few
drawn by hypothesis (NaN/inf at a random position, out-of-range integers); under the "ci"
profile hypothesis is derandomized, so CI sees the same inputs every run.

Usage in a test module::

    from fuzzing import FuzzTarget, assert_fuzz_clean

    TARGETS = [
        FuzzTarget(metrics.mae, {"y_true": [1.0, 2.0], "y_pred": [1.5, 2.0]}),
        FuzzTarget(windows.make_windows, {"series": np.arange(20.0), "window": 3},
                   bad={"window": [("zero", 0)]}),
    ]

    @pytest.mark.parametrize("target", TARGETS, ids=str)
    def test_bad_inputs_get_clear_errors(target):
        assert_fuzz_clean(target)
"""

from __future__ import annotations

import math
import numbers
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

CLEAR, VAGUE, UNHELPFUL, GARBAGE, VARIANT_FAILED = (
    "clear",
    "vague",
    "unhelpful",
    "garbage",
    "variant failed",
)
GOOD = {CLEAR, "variant ok"}


@dataclass
class FuzzTarget:
    """One public callable and how to call it validly.

    Args:
        function: the callable under test (a function, a class, a bound method).
        valid: keyword arguments of a valid call. Only these parameters are fuzzed.
        bad: extra bad values per parameter, ``[(label, value), ...]``, beyond the catalogue.
        accept: catalogue labels per parameter that are in fact *valid* for this function
            (e.g. ``{"column": {"negative int"}}`` where -1 means the last column).
        skip: parameters not to fuzz at all (say why in a comment where you register it).
        aliases: other words that may name a parameter in the message (e.g. ``{"params":
            ("W", "b")}`` when the error is about a field of the argument).
        errors: the exceptions that count as a clear refusal.
        deterministic: compare valid variants' results with the valid call's result.
        setup: called before every call, returning the kwargs to use (for functions whose
            arguments must be fresh each call, e.g. arrays they perturb in place); when set,
            ``valid`` only supplies the parameter names and kinds.
        name: id shown by pytest; defaults to the function's qualified name.
    """

    function: Callable
    valid: dict[str, Any]
    bad: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)
    accept: dict[str, set[str]] = field(default_factory=dict)
    skip: tuple[str, ...] = ()
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    errors: tuple[type[BaseException], ...] = (TypeError, ValueError)
    deterministic: bool = True
    setup: Callable[[], dict[str, Any]] | None = None
    name: str | None = None

    def __str__(self) -> str:
        if self.name:
            return self.name
        fn = self.function
        module = getattr(fn, "__module__", "") or ""
        return f"{module.removeprefix('lstm_course.')}.{getattr(fn, '__qualname__', repr(fn))}"

    def kwargs(self) -> dict[str, Any]:
        return dict(self.setup()) if self.setup else dict(self.valid)


# ----------------------------------------------------------------------------- catalogue


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _is_real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _numeric_array(value) -> np.ndarray | None:
    """The value as a numeric array if it is an array or a (nested) list of numbers."""
    if isinstance(value, np.ndarray):
        return value if value.dtype.kind in "iuf" else None
    if isinstance(value, (list, tuple)) and value and not isinstance(value, str):
        try:
            array = np.asarray(value)
        except (ValueError, TypeError):
            return None
        return array if array.dtype.kind in "iuf" else None
    return None


def bad_values(valid) -> list[tuple[str, Any]]:
    """Catalogue of bad values for a parameter whose valid value is ``valid``."""
    common = [("None", None), ("a string", "abc"), ("a dict", {"a": 1})]
    if isinstance(valid, (bool, np.bool_)):
        return [("None", None), ("a string", "yes"), ("the int 2", 2)]
    if _is_int(valid):
        return common + [
            ("bool True", True),
            ("non-integral float", valid + 0.5),
            ("NaN", float("nan")),
            ("inf", float("inf")),
            ("negative int", -1 - abs(int(valid))),
            ("a list", [valid]),
        ]
    if _is_real(valid):
        return common + [
            ("bool True", True),
            ("NaN", float("nan")),
            ("inf", float("inf")),
            ("-inf", float("-inf")),
            ("a list", [valid]),
        ]
    if isinstance(valid, str):
        return [
            ("None", None),
            ("an int", 3),
            ("bytes", valid.encode() or b"x"),
            ("a list", [valid]),
        ]
    array = _numeric_array(valid)
    if array is not None:
        array = np.asarray(array, dtype=np.float64)
        out = common + [
            ("strings", np.full(array.shape or (1,), "x")),
            ("object array", np.array([object()] * max(1, array.size), dtype=object)),
            ("empty", np.empty((0,) + array.shape[1:])),
            ("extra axis", array[..., None]),
        ]
        if array.ndim >= 1:
            out.append(("NaN inside", _with_value(array, np.nan, position=array.size // 2)))
            out.append(("inf inside", _with_value(array, np.inf, position=0)))
        if array.ndim >= 2:
            out.append(("flattened", array.reshape(-1)))
        if array.ndim == 1:
            out.append(("scalar", np.float64(array[0]) if array.size else np.float64(0)))
        return out
    if callable(valid):
        return [("None", None), ("an int", 3), ("a string", "f")]
    return common + [("an int", 3)]


def valid_variants(valid) -> list[tuple[str, Any]]:
    """Other spellings of the same valid value, which must be accepted."""
    if isinstance(valid, (bool, np.bool_)):
        return [("numpy bool", np.bool_(valid))] if isinstance(valid, bool) else []
    if _is_int(valid):
        return [("numpy int64", np.int64(valid)), ("numpy int32", np.int32(valid))]
    if _is_real(valid):
        return [("numpy float64", np.float64(valid)), ("0-d array", np.asarray(float(valid)))]
    if isinstance(valid, np.ndarray) and valid.dtype.kind in "iuf" and valid.size:
        out = [("non-contiguous view", _non_contiguous(valid))]
        if valid.ndim >= 2:
            out.append(("Fortran order", np.asfortranarray(valid)))
        if valid.size <= 10_000:
            out.append(("nested list", valid.tolist()))
        return out
    return []


def _with_value(array: np.ndarray, value: float, position: int) -> np.ndarray:
    out = np.array(array, dtype=np.float64, copy=True)
    if out.size:
        out.reshape(-1)[min(position, out.size - 1)] = value
    return out


def _non_contiguous(array: np.ndarray) -> np.ndarray:
    """The same values as a strided (non-contiguous) view of a larger buffer."""
    doubled = np.repeat(array, 2, axis=-1)
    view = doubled[..., ::2]
    assert not view.flags.c_contiguous and np.array_equal(view, array)
    return view


# ----------------------------------------------------------------------------- calling


def _names_parameter(message: str, target: FuzzTarget, parameter: str) -> bool:
    words = (parameter, *target.aliases.get(parameter, ()))
    lowered = message.lower()
    return any(word.lower() in lowered for word in words)


def _same(a, b) -> bool:
    """Deep equality with a float tolerance, for comparing a variant's result."""
    if isinstance(a, (np.ndarray, numbers.Number)) or isinstance(b, (np.ndarray, numbers.Number)):
        try:
            a_arr, b_arr = np.asarray(a), np.asarray(b)
            if a_arr.dtype.kind in "iufb" and b_arr.dtype.kind in "iufb":
                return a_arr.shape == b_arr.shape and bool(
                    np.allclose(a_arr, b_arr, rtol=1e-6, atol=1e-9, equal_nan=True)
                )
        except (TypeError, ValueError):
            pass
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if hasattr(a, "equals"):  # pandas
        try:
            return bool(a.equals(b))
        except Exception:  # noqa: BLE001
            return False
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - uncomparable objects: not our concern here
        return True


@dataclass
class Outcome:
    target: str
    parameter: str
    label: str
    verdict: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.target}({self.parameter}={self.label}): {self.verdict} {self.detail}"


def _call_bad(target: FuzzTarget, parameter: str, label: str, value) -> Outcome:
    kwargs = target.kwargs()
    kwargs[parameter] = value
    name = str(target)
    try:
        target.function(**kwargs)
    except target.errors as err:
        if _names_parameter(str(err), target, parameter):
            return Outcome(name, parameter, label, CLEAR)
        return Outcome(name, parameter, label, VAGUE, f"{type(err).__name__}: {err}")
    except Exception as err:  # noqa: BLE001 - classifying every other failure is the point
        return Outcome(name, parameter, label, UNHELPFUL, f"{type(err).__name__}: {err}")
    return Outcome(name, parameter, label, GARBAGE, "returned without an error")


def _call_variant(target: FuzzTarget, parameter: str, label: str, value, expected) -> Outcome:
    kwargs = target.kwargs()
    kwargs[parameter] = value
    name = str(target)
    try:
        result = target.function(**kwargs)
    except Exception as err:  # noqa: BLE001
        return Outcome(name, parameter, label, VARIANT_FAILED, f"{type(err).__name__}: {err}")
    if target.deterministic and not _same(result, expected):
        return Outcome(name, parameter, label, VARIANT_FAILED, "result differs from the valid call")
    return Outcome(name, parameter, label, "variant ok")


def fuzz_outcomes(target: FuzzTarget) -> list[Outcome]:
    """Call ``target`` with every catalogue bad value and valid variant, one parameter at a time."""
    expected = target.function(**target.kwargs())  # the valid call must work
    outcomes = []
    for parameter, valid in target.valid.items():
        if parameter in target.skip:
            continue
        accepted = target.accept.get(parameter, set())
        for label, value in bad_values(valid) + list(target.bad.get(parameter, [])):
            if label not in accepted:
                outcomes.append(_call_bad(target, parameter, label, value))
        for label, value in valid_variants(valid):
            outcomes.append(_call_variant(target, parameter, label, value, expected))
    return outcomes


def _random_bad(valid, draw) -> tuple[str, Any] | None:
    """One bad value drawn by hypothesis: NaN/inf somewhere in an array, a huge or negative int."""
    array = _numeric_array(valid)
    if array is not None and np.asarray(array).size:
        array = np.asarray(array, dtype=np.float64)
        position = draw(st.integers(0, array.size - 1))
        value = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
        return (f"{value} at flat index {position}", _with_value(array, value, position))
    if _is_int(valid):
        value = draw(st.sampled_from([-(10**6), -2]))
        return (f"int {value}", value)
    if _is_real(valid):
        value = draw(st.sampled_from([math.nan, math.inf]))
        return (f"float {value}", value)
    return None


def assert_fuzz_clean(target: FuzzTarget, hypothesis_examples: int = 8) -> None:
    """Fail with a readable list of every unclear, crashing or silent outcome."""
    problems = [o for o in fuzz_outcomes(target) if o.verdict not in GOOD]

    params = [p for p, v in target.valid.items() if p not in target.skip]

    @settings(max_examples=hypothesis_examples)
    @given(st.data())
    def random_bad_values(data):
        parameter = data.draw(st.sampled_from(params)) if params else None
        if parameter is None:
            return
        drawn = _random_bad(target.valid[parameter], data.draw)
        if drawn is None:
            return
        label, value = drawn
        accepted = target.accept.get(parameter, set())
        if "nan" in label and accepted & {"NaN inside", "NaN"}:
            return
        if "inf" in label and accepted & {"inf", "-inf", "inf inside"}:
            return
        if label.startswith("int -") and "negative int" in accepted:
            return
        outcome = _call_bad(target, parameter, label, value)
        if outcome.verdict not in GOOD:
            problems.append(outcome)

    random_bad_values()
    assert not problems, f"{len(problems)} unclear outcome(s):\n" + "\n".join(map(str, problems))


def tally(targets: list[FuzzTarget]) -> Counter:
    """Counts of verdicts over the catalogue, for the note: how many bad inputs got what."""
    counts: Counter = Counter()
    for target in targets:
        for outcome in fuzz_outcomes(target):
            counts[outcome.verdict] += 1
    return counts


def assert_right_on_every_draw(check: Callable, right: Callable, seeds=range(100)) -> None:
    """A right answer passes an exercise check on every one of ``seeds``' random draws.

    Checks draw fresh inputs on every call, so a check that rejects a right answer on one
    draw in thirty (say, when two drawn sizes happen to be equal) would fail a learner now
    and then, and CI only by luck. A hundred fixed seeds make that deterministic.
    """
    import contextlib  # noqa: PLC0415
    import io  # noqa: PLC0415

    for seed in seeds:
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                check(right, seed=seed)
        except AssertionError as err:  # WrongAnswer is an AssertionError
            raise AssertionError(
                f"{check.__name__} rejects a right answer on seed {seed}: {err}"
            ) from err


# --- exercise checks: the learner's answer is what gets fuzzed ---------------------------------


def raising(error: BaseException) -> Callable:
    """An answer that raises ``error`` whatever it is given."""

    def answer(*args, **kwargs):
        raise error

    return answer


def returning(value) -> Callable:
    """An answer that returns ``value`` whatever it is given."""
    return lambda *args, **kwargs: value


# Answers a learner's function might give; every exercise check must refuse each with a
# WrongAnswer whose message reads "Not yet — …", never crash or accept it.
BAD_ANSWERS = [
    ("raises ValueError", raising(ValueError("boom"))),
    ("raises NotImplementedError", raising(NotImplementedError())),
    ("returns None", returning(None)),
    ("returns a string", returning("abc")),
    ("returns a dict", returning({"a": 1})),
    ("returns True", returning(True)),
    ("returns NaN", returning(float("nan"))),
    ("returns a float", returning(1.5)),
    ("returns a complex array", returning(np.ones(3) * 1j)),
    ("returns a ragged list", returning([[1.0], [1.0, 2.0]])),
    ("returns an empty list", returning([])),
    ("returns an empty array", returning(np.empty(0))),
    ("returns a 3-D array", returning(np.ones((2, 3, 4)))),
    ("returns its first argument", lambda *args, **kwargs: args[0]),
    (
        "returns NaN like its first argument",
        lambda *args, **kwargs: np.full(np.shape(args[0]), np.nan),
    ),
]


def exercise_check_target(check: Callable, right: Callable) -> FuzzTarget:
    """A FuzzTarget for an exercise check: ``right`` is a right answer, and each of
    ``BAD_ANSWERS`` must get a WrongAnswer (the registry's wrapper calls the answer
    ``answer``; every WrongAnswer reads "Not yet — …")."""
    from lstm_course.exercises import WrongAnswer  # noqa: PLC0415

    return FuzzTarget(
        check,
        {"answer": right},
        bad={"answer": BAD_ANSWERS},
        aliases={"answer": ("not yet",)},
        errors=(WrongAnswer,),
        deterministic=False,  # fresh random inputs on every call
    )
