"""Write colab-constraints.txt from Colab's published ``pip freeze``.

Colab publishes its runtime's ``pip freeze`` in https://github.com/googlecolab/backend-info
(``pip-freeze.txt``, CPU runtime). The course mirrors Colab's version of every package that
the course's own pinned environment (constraints.txt: the package, its dev and data-build
extras) also contains, plus pip, setuptools and wheel. A package the course uses that Colab
does not preinstall (e.g. av, nbval, hypothesis) gets no pin: Colab has no version of it.

    python -m tools.colab_constraints FREEZE --source URL --date YYYY-MM-DD [--python X.Y.Z]

Run from the repository root; it rewrites colab-constraints.txt.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ALWAYS = ("pip", "setuptools", "wheel")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(path: Path) -> dict[str, tuple[str, str]]:
    """``{normalised name: (name as written, version)}`` of every ``name==version`` line."""
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" not in line or " @ " in line:
            continue
        name, version = (part.strip() for part in line.split("==", 1))
        pins[_norm(name)] = (name, version)
    return pins


def package_dependencies(pyproject: Path) -> list[str]:
    """Normalised names in pyproject.toml's ``dependencies = [...]`` (none if it is absent).

    Read with a regex, not tomllib, which Python 3.10 (our floor) lacks.
    """
    if not pyproject.exists():
        return []
    block = re.search(r"^dependencies = \[(.*?)^\]", pyproject.read_text(), re.M | re.S)
    specs = re.findall(r'^\s*"([^"]+)"', block.group(1), re.M) if block else []
    return sorted(_norm(re.split(r"[<>=!~;\[ ]", spec, maxsplit=1)[0]) for spec in specs)


def _wrapped(names: list[str], width: int = 92) -> list[str]:
    lines, line = [], "#  "
    for name in names:
        if len(line) + len(name) + 2 > width:
            lines.append(line.rstrip())
            line = "#  "
        line += f" {name},"
    return [*lines, line.rstrip(",") + "."]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("freeze", type=Path, help="Colab's pip-freeze.txt")
    parser.add_argument("--source", required=True, help="URL of that file at its commit")
    parser.add_argument("--date", required=True, help="the commit's date, YYYY-MM-DD")
    parser.add_argument("--python", default="", help="Colab's Python (os-info.txt)")
    parser.add_argument(
        "--installed", type=Path, action="append", default=[],
        help="a pip freeze of the mirror's venv (build/colab/pip-freeze.txt): its packages count too",
    )  # fmt: skip
    parser.add_argument("--output", type=Path, default=REPO / "colab-constraints.txt")
    args = parser.parse_args(argv)

    colab = read_pins(args.freeze)
    ours = read_pins(REPO / "constraints.txt")
    for freeze in args.installed:
        ours |= read_pins(freeze)
    wanted = sorted((set(ours) | set(ALWAYS)) & set(colab))
    missing = sorted(set(ours) - set(colab))
    lines = [
        "# Colab's runtime versions of every package the course touches, for `make test-colab`.",
        f"# Source: {args.source}",
        f"#   (Google's published `pip freeze` of the Colab CPU runtime, committed {args.date};",
        f"#   os-info.txt at the same commit: Python {args.python or '?'}, Ubuntu 22.04.5 LTS).",
        "# Rule: Colab's version of each package that constraints.txt (our pinned environment:",
        "#   the package, its dev and data-build extras) or the mirror's venv (`make test-colab`:",
        "#   TensorFlow 2.20's and IPython 7's own dependencies) also holds, plus pip/setuptools/wheel.",
        "#   The Colab mirror uses this file as pip constraints (-c), so it installs only what the",
        "#   course needs, each at Colab's version.",
        "# Not pinned, because Colab does not preinstall them (so it has no version of them):",
        *_wrapped(missing),
        "#   Of these the package itself needs "
        + ", ".join(
            dep for dep in package_dependencies(REPO / "pyproject.toml") if dep not in colab
        )
        + ":",
        "#   the notebooks' setup cell installs them, and what they need.",
        "# scikit-learn (Colab: "
        + colab.get("scikit-learn", ("", "?"))[1]
        + ") is preinstalled but the course never imports it: not pinned.",
        "# Regenerate: make colab-constraints FREEZE=... SOURCE=... DATE=... COLAB_PY=... (Makefile)",
    ]
    lines += [f"{colab[key][0]}=={colab[key][1]}" for key in wanted]
    args.output.write_text("\n".join(lines) + "\n")
    print(f"{args.output.name}: {len(wanted)} pins from {args.freeze}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
