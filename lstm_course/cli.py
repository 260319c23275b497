"""Learner and instructor command line: ``python -m lstm_course COMMAND`` (or ``lstm-course``).

    python -m lstm_course student --out build/student   # notebooks without solutions
    python -m lstm_course verify-data                    # every snapshot against its sha256

Maintainer commands (building notebooks, set-repo, the course map, new notebooks) live in
the repository's ``tools`` package: ``python -m tools --help``.

Exit codes: 0 done, 1 a check failed (a corrupted snapshot), 2 a bad command line or an
input refused (the message says why). A refusal never prints a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from lstm_course._checks import describe

USAGE_ERROR, CHECK_FAILED = 2, 1


def _student(args: argparse.Namespace) -> int:
    from lstm_course.student import write_student_notebooks

    written = write_student_notebooks(args.out, notebooks_dir=args.notebooks, force=args.force)
    for path in written:
        print(f"wrote {path}")
    print(f"{len(written)} student notebooks in {args.out}")
    return 0


def _verify_data(args: argparse.Namespace) -> int:
    from lstm_course.data import DatasetError, datasets_dir, verify_all

    try:
        verified = verify_all()
    except DatasetError as err:
        print(f"error: {err}", file=sys.stderr)
        return CHECK_FAILED
    for name, digest in verified.items():
        print(f"ok  {digest[:16]}…  {name}")
    print(f"all snapshots in {datasets_dir()} match the manifest")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lstm_course",
        description="LSTM course: student notebooks and dataset checks "
        "(maintainers: python -m tools)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("student", help="write the notebooks with their solutions removed")
    p.add_argument(
        "--out", default="build/student", help="output folder, new or empty (default: %(default)s)"
    )
    p.add_argument(
        "--notebooks", default=None, help="folder of NN_*.ipynb (default: the checkout's)"
    )
    p.add_argument("--force", action="store_true", help="overwrite in a non-empty --out")
    p.set_defaults(func=_student)
    p = sub.add_parser("verify-data", help="check every dataset snapshot against its sha256")
    p.set_defaults(func=_verify_data)
    return parser


def check_argv(argv) -> list[str] | None:
    """None (use ``sys.argv``) or a list/tuple of str; refuses a bare string or bytes."""
    if argv is None:
        return None
    if isinstance(argv, (str, bytes)) or not isinstance(argv, Sequence):
        raise TypeError(f"argv must be a list of str such as ['student'], got {describe(argv)}")
    for item in argv:
        if not isinstance(item, str):
            raise TypeError(f"argv must hold only str, got {describe(item)} in {argv!r}")
    return list(argv)


def run_command(parser: argparse.ArgumentParser, argv) -> int:
    """Parse ``argv`` and run the chosen command; refusals become a message and exit code 2.

    Each (sub)command of ``parser`` names its function with ``set_defaults(func=...)``; the
    function takes the parsed arguments and returns an exit code.

    Shared by ``python -m lstm_course`` and ``python -m tools``: a bad command line and a
    ValueError or OSError from the command print ``error: ...`` on stderr instead of
    a traceback.
    """
    if not isinstance(parser, argparse.ArgumentParser):
        raise TypeError(f"parser must be an argparse.ArgumentParser, got {describe(parser)}")
    argv = check_argv(argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse printed usage and the reason (or --help)
        return exit_.code if isinstance(exit_.code, int) else USAGE_ERROR
    command: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if command is None:
        raise ValueError("parser must give each command a function: set_defaults(func=...)")
    try:
        return command(args)
    except (ValueError, OSError) as err:  # refusals; a TypeError here would be our bug
        print(f"error: {err}", file=sys.stderr)
        return USAGE_ERROR


def main(argv: list[str] | None = None) -> int:
    """Run ``python -m lstm_course``; returns the exit code (0, 1 or 2, see the module doc)."""
    return run_command(_parser(), argv)
