"""Every public function and class of the package is fuzzed, so new modules can't skip it.

The ``tests/test_fuzz_<area>.py`` modules each export ``TARGETS`` (see ``tests/fuzzing.py``)
and, optionally, ``EXEMPT``: ``{"module.name": "why it takes no input worth fuzzing"}``.
This test walks the installed package, lists every public callable defined in it, and fails
on any that no area registered — naming it, so the author of a new notebook's module knows
what to add. It also prints the verdict counts over the whole catalogue (``pytest -s``).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import fuzzing

import lstm_course

FUZZ_MODULES = sorted(p.stem for p in Path(__file__).parent.glob("test_fuzz_*.py"))
FUZZ_MODULES.remove("test_fuzz_coverage")


def public_callables() -> set[str]:
    """``module.name`` of every public function and class defined in the package."""
    found = set()
    for info in pkgutil.walk_packages(lstm_course.__path__, "lstm_course."):
        if info.name.startswith("lstm_course._datasets"):
            continue
        module = importlib.import_module(info.name)
        if any(
            part.startswith("_") for part in info.name.split(".")[1:]
        ) and not info.name.endswith("__main__"):
            continue  # private modules are reached through the public functions that use them
        if info.name.endswith("__main__"):
            continue
        for name, obj in vars(module).items():
            if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if getattr(obj, "__module__", None) != module.__name__:
                continue  # re-exported from elsewhere: counted where it is defined
            found.add(f"{module.__name__.removeprefix('lstm_course.')}.{name}")
    return found


def registered() -> tuple[set[str], dict[str, str], list]:
    covered, exempt, targets = set(), {}, []
    for module_name in FUZZ_MODULES:
        module = importlib.import_module(module_name)
        for target in getattr(module, "TARGETS", []):
            fn = target.function
            owner = getattr(fn, "__self__", None)
            if owner is not None and not inspect.ismodule(owner):  # a bound method
                cls = owner if inspect.isclass(owner) else type(owner)
                covered.add(f"{cls.__module__.removeprefix('lstm_course.')}.{cls.__name__}")
            qualname = getattr(fn, "__qualname__", "").split(".")[0]
            covered.add(f"{fn.__module__.removeprefix('lstm_course.')}.{qualname}")
            targets.append(target)
        exempt.update(getattr(module, "EXEMPT", {}))
    return covered, exempt, targets


def test_every_public_callable_is_fuzzed_or_exempt_with_a_reason():
    covered, exempt, _ = registered()
    missing = sorted(public_callables() - covered - set(exempt))
    assert not missing, (
        "public functions/classes with no FuzzTarget in tests/test_fuzz_*.py "
        f"(add one, or an EXEMPT entry with a reason): {missing}"
    )
    assert all(isinstance(why, str) and len(why) > 10 for why in exempt.values())


def test_tally_of_verdicts(capsys):
    _, _, targets = registered()
    counts = fuzzing.tally(targets)
    with capsys.disabled():
        total = sum(counts.values())
        print(f"\nfuzz catalogue: {total} calls over {len(targets)} targets: {dict(counts)}")
    assert counts[fuzzing.UNHELPFUL] == counts[fuzzing.GARBAGE] == counts[fuzzing.VAGUE] == 0
