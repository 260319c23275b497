"""Learner and instructor command line: ``python -m lstm_course COMMAND`` (or ``lstm-course``).

    python -m lstm_course student OUT_DIR                # notebooks without solutions
    python -m lstm_course student OUT_DIR --format nbgrader   # an nbgrader course folder
    python -m lstm_course student OUT_DIR --format otter      # Otter Assign master notebooks
    python -m lstm_course verify-data                    # every snapshot against its sha256

``student`` options: ``--badge-base URL`` (where the student copies are published: each
Colab badge opens ``URL/NN_topic.ipynb``; without it the badges are removed, since they
would open the notebooks with their solutions), ``--force`` (write into a non-empty
folder), ``--notebooks DIR`` (another notebooks folder). ``--out DIR`` still works.

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


_NEXT_STEPS = {
    "plain": "hand these to learners, or publish them where --badge-base points",
    "nbgrader": "cd {out} && nbgrader generate_assignment {stem}   (one assignment per notebook)",
    "otter": "cd {out} && otter assign {stem}.ipynb dist/{stem}   (one assignment per notebook)",
}


def _student(args: argparse.Namespace) -> int:
    from lstm_course.student import write_student_notebooks

    if args.out_dir is not None and args.out is not None and args.out_dir != args.out:
        raise ValueError(
            f"give the output folder once: OUT_DIR {args.out_dir!r} or --out {args.out!r}"
        )
    out = next((o for o in (args.out_dir, args.out) if o is not None), "build/student")
    written = write_student_notebooks(
        out,
        notebooks_dir=args.notebooks,
        force=args.force,
        format=args.format,
        badge_base=args.badge_base,
    )
    for path in written:
        print(f"wrote {path}")
    print(f"{len(written)} notebooks ({args.format}) in {out}")
    print("next: " + _NEXT_STEPS[args.format].format(out=out, stem=written[0].stem))
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
    p = sub.add_parser(
        "student", help="write the notebooks without solutions, for learners, nbgrader or Otter"
    )
    p.add_argument(
        "out_dir", nargs="?", metavar="OUT_DIR", help="output folder, new or empty "
        "(default: build/student)"
    )  # fmt: skip
    p.add_argument("--out", default=None, metavar="OUT_DIR", help="the same as OUT_DIR")
    p.add_argument(
        "--format",
        choices=("plain", "nbgrader", "otter"),
        default="plain",
        help="plain: learners' copies; nbgrader: a course folder (source/ + nbgrader_config.py); "
        "otter: Otter Assign master notebooks (default: %(default)s)",
    )
    p.add_argument(
        "--badge-base",
        default=None,
        metavar="URL",
        help="where the student copies are published; each Colab badge opens URL/NN_topic.ipynb "
        "(default: remove the badges, which would open the solutions)",
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
