"""Maintainer command line: ``python -m tools COMMAND`` from the repository root.

    python -m tools build [NN ...] [--no-execute]   # notebooks/src -> executed notebooks/*.ipynb
    python -m tools set-repo OWNER/NAME             # repoint badges, install cells, README
    python -m tools course-map                      # the README's table, from course.py
    python -m tools new-notebook NN SLUG [--title T --idea I ...]   # start the next notebook
    python -m tools instructors [--check]           # INSTRUCTORS.md's exercise tables

Dataset snapshots are rebuilt by ``python -m tools.data_build``. Exit codes: 0 done,
1 a notebook failed or ran over its budget (or INSTRUCTORS.md is stale, with --check),
2 a bad command line or a refused input.
"""

from __future__ import annotations

import argparse
import sys

from lstm_course.cli import run_command


def _build(args: argparse.Namespace) -> int:
    from tools import notebooks as nt

    results, failed = [], []
    for source in nt.source_files(args.names):
        print(f"executing {source.stem} ...", flush=True)
        try:
            result = nt.build_notebook(source, execute=not args.no_execute)
        except Exception as err:  # noqa: BLE001 - keep going: report every broken notebook
            last = str(err).splitlines()[-1] if str(err) else ""
            print(f"  FAILED: {type(err).__name__}: {last}")
            failed.append(source.stem)
            continue
        results.append(result)
        flag = "" if result.within_budget else f"  OVER BUDGET ({result.budget_s} s)"
        where = result.path.relative_to(nt.REPO_ROOT)
        print(f"  {result.seconds:6.1f} s  -> {where}{flag}", flush=True)
    print(f"{len(results)} notebooks in {sum(r.seconds for r in results):.1f} s")
    over = [r.path.name for r in results if not r.within_budget and not args.no_execute]
    if over:
        print(f"over their run budget (lstm_course/course.py): {over}")
    return 1 if failed or over else 0


def _set_repo(args: argparse.Namespace) -> int:
    from tools.notebooks import set_repository

    changed = set_repository(args.repository)
    for path in changed:
        print(f"updated {path}")
    print(f"{len(changed)} files point at {args.repository}")
    return 0


def _course_map(args: argparse.Namespace) -> int:
    from lstm_course.course import course_map_markdown
    from tools.notebooks import repository

    print(course_map_markdown(repository(), link_prefix="notebooks/"), end="")
    return 0


def _new_notebook(args: argparse.Namespace) -> int:
    from tools.new_notebook import new_notebook

    source, course = new_notebook(
        args.number,
        args.slug,
        title=args.title,
        idea=args.idea,
        prerequisites=args.prerequisites,
        study_minutes=args.study_minutes,
        run_budget_s=args.run_budget_s,
    )
    print(f"wrote {source}\nregistered it in {course} (available=True)")
    print(
        f"next: write lstm_course/exercises/{args.slug}.py and its tests, fill in the TODOs, "
        f"then `make notebooks NB={args.number:02d}` and `python -m tools course-map` for README"
    )
    return 0


def _instructors(args: argparse.Namespace) -> int:
    from tools.instructors import GUIDE, update

    current = update(check=args.check)
    if args.check:
        print(
            f"{GUIDE} is up to date"
            if current
            else f"{GUIDE} is stale: run `python -m tools instructors`"
        )
        return 0 if current else 1
    print(f"{GUIDE} was up to date" if current else f"updated the exercise tables in {GUIDE}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools", description="LSTM course maintainer tools"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser(
        "build", help="rebuild notebooks/*.ipynb from notebooks/src and execute them"
    )
    p.add_argument("names", nargs="*", help="numbers or stems, e.g. 00 01 (default: all)")
    p.add_argument("--no-execute", action="store_true", help="write the .ipynb without running it")
    p.set_defaults(func=_build)
    p = sub.add_parser(
        "set-repo", help="point badges, install cells and README at another repository"
    )
    p.add_argument("repository", help="owner/name or https://github.com/owner/name")
    p.set_defaults(func=_set_repo)
    p = sub.add_parser("course-map", help="print the course map table used in README.md")
    p.set_defaults(func=_course_map)
    p = sub.add_parser("new-notebook", help="start notebooks/src/NN_SLUG.py from the template")
    p.add_argument("number", type=int, help="two-digit number, e.g. 06")
    p.add_argument("slug", help="file stem after the number, e.g. weather")
    p.add_argument("--title", help="course-map title (default: course.py's planned one)")
    p.add_argument("--idea", help="one-line idea for the course map (default: course.py's)")
    p.add_argument("--prerequisites", type=int, nargs="*", metavar="NN", help="earlier notebooks")
    p.add_argument("--study-minutes", type=int, help="study time in minutes")
    p.add_argument("--run-budget-s", type=int, help="CPU budget for a full run, in seconds")
    p.set_defaults(func=_new_notebook)
    p = sub.add_parser(
        "instructors", help="regenerate INSTRUCTORS.md's exercise tables from the registry"
    )
    p.add_argument("--check", action="store_true", help="only say whether they are stale (exit 1)")
    p.set_defaults(func=_instructors)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``python -m tools``; returns the exit code (0, 1 or 2, see the module doc)."""
    return run_command(_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
