"""Command line: ``python -m lstm_course COMMAND`` (also installed as ``lstm-course``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _build(args: argparse.Namespace) -> int:
    from lstm_course import notebook_tools as nt

    results, failed = [], []
    for source in nt.source_files(args.names):
        print(f"executing {source.stem} ...", flush=True)
        try:
            result = nt.build_notebook(source, execute=not args.no_execute)
        except Exception as err:  # keep going: report every broken notebook at once
            print(
                f"  FAILED: {type(err).__name__}: {str(err).splitlines()[-1] if str(err) else ''}"
            )
            failed.append(source.stem)
            continue
        results.append(result)
        flag = "" if result.within_budget else f"  OVER BUDGET ({result.budget_s} s)"
        print(
            f"  {result.seconds:6.1f} s  -> {result.path.relative_to(nt.REPO_ROOT)}{flag}",
            flush=True,
        )
    total = sum(r.seconds for r in results)
    print(f"{len(results)} notebooks in {total:.1f} s")
    over = [r.path.name for r in results if not r.within_budget and not args.no_execute]
    if over:
        print(f"over their run budget (lstm_course/course.py): {over}")
    return 1 if failed or over else 0


def _student(args: argparse.Namespace) -> int:
    from lstm_course.notebook_tools import write_student_notebooks

    for path in write_student_notebooks(Path(args.out)):
        print(f"wrote {path}")
    return 0


def _set_repo(args: argparse.Namespace) -> int:
    from lstm_course.notebook_tools import set_repository

    changed = set_repository(args.repository)
    for path in changed:
        print(f"updated {path}")
    print(f"{len(changed)} files point at {args.repository}")
    return 0


def _verify_data(args: argparse.Namespace) -> int:
    from lstm_course.data import datasets_dir, verify_all

    for name, digest in verify_all().items():
        print(f"ok  {digest[:16]}…  {name}")
    print(f"all snapshots in {datasets_dir()} match the manifest")
    return 0


def _course_map(args: argparse.Namespace) -> int:
    from lstm_course.course import course_map_markdown
    from lstm_course.notebook_tools import repository

    print(course_map_markdown(repository(), link_prefix="notebooks/"), end="")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lstm_course", description="LSTM course tools")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser(
        "build", help="rebuild notebooks/*.ipynb from notebooks/src and execute them"
    )
    p.add_argument("names", nargs="*", help="numbers or stems, e.g. 00 01 (default: all)")
    p.add_argument("--no-execute", action="store_true", help="write the .ipynb without running it")
    p.set_defaults(func=_build)
    p = sub.add_parser("student", help="write notebooks with solutions removed")
    p.add_argument("--out", default="build/student", help="output folder (default: build/student)")
    p.set_defaults(func=_student)
    p = sub.add_parser(
        "set-repo", help="point badges, install cells and README at another repository"
    )
    p.add_argument("repository", help="owner/name or https://github.com/owner/name")
    p.set_defaults(func=_set_repo)
    p = sub.add_parser("verify-data", help="check every dataset snapshot against its sha256")
    p.set_defaults(func=_verify_data)
    p = sub.add_parser("course-map", help="print the course map table used in README.md")
    p.set_defaults(func=_course_map)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
