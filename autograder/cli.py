"""Command line: `python -m autograder grade NOTEBOOK --assignment ID [--json F] [--junit F] [--fail-under S]`.

Exit status (DESIGN.md ◆): 0 graded, 1 graded but below --fail-under, 2 could not grade — with a
one-line reason on stderr.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .assignments import ASSIGNMENTS
from .notebook import NotebookError
from .sandbox import Limits, SandboxUnavailable

EXIT_GRADED, EXIT_BELOW, EXIT_CANNOT_GRADE = 0, 1, 2


def _limits_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run student code without bubblewrap (only for code you trust)")
    parser.add_argument("--cell-timeout", type=float, default=300.0, help="seconds per notebook cell")
    parser.add_argument("--timeout", type=float, default=1200.0, help="seconds per submission, in all")
    parser.add_argument("--memory-mb", type=int, default=Limits.memory_mb,
                        help="address-space limit of the student's process")


def options_from(args):
    from .grade import GradeOptions
    limits = Limits(memory_mb=args.memory_mb)
    return GradeOptions(sandbox=not args.no_sandbox, cell_timeout=args.cell_timeout,
                        total_timeout=args.timeout, limits=limits)


def write_outputs(report, args, name: str) -> None:
    if getattr(args, "json", None):
        Path(args.json).write_text(json.dumps(report.to_dict(), indent=2) + "\n")
    if getattr(args, "junit", None):
        from .junit import to_junit
        Path(args.junit).write_bytes(to_junit(report, name))


def cmd_grade(args) -> int:
    from .grade import grade_notebook
    if args.assignment not in ASSIGNMENTS:
        print(f"error: unknown assignment {args.assignment!r}; known: {', '.join(ASSIGNMENTS)}", file=sys.stderr)
        return EXIT_CANNOT_GRADE
    options = options_from(args)
    if args.no_sandbox:
        print("warning: grading without a sandbox: the notebook runs with your permissions", file=sys.stderr)
    try:
        report = grade_notebook(args.notebook, args.assignment, options)
    except (NotebookError, SandboxUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CANNOT_GRADE
    print(f"{args.notebook} — {report.assignment}")
    print(report.summary())
    write_outputs(report, args, Path(args.notebook).stem)
    if args.fail_under is not None and report.score < args.fail_under:
        print(f"score {report.score:g} is below --fail-under {args.fail_under:g}", file=sys.stderr)
        return EXIT_BELOW
    return EXIT_GRADED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    grade = sub.add_parser("grade", help="grade one notebook")
    grade.add_argument("notebook")
    grade.add_argument("--assignment", required=True, help=f"one of: {', '.join(ASSIGNMENTS)}")
    grade.add_argument("--json", metavar="OUT.json")
    grade.add_argument("--junit", metavar="OUT.xml")
    grade.add_argument("--fail-under", type=float, metavar="SCORE")
    _limits_args(grade)
    grade.set_defaults(func=cmd_grade)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)
