"""Command line: `python -m autograder grade NOTEBOOK --assignment ID [--json F] [--junit F] [--fail-under S]`.

Also `grade-all [COURSE_DIR]` (a class, into nbgrader's gradebook) and `demo` (the shipped examples).

Exit status (docs/contracts.md): 0 graded, 1 graded but below --fail-under, 2 could not grade — with a
one-line reason on stderr.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from .faults import GraderFault
from .judge_limits import JUDGE_MEMORY_MB, limit_judge_memory, memory_plan
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
    parser.add_argument("--judge-memory-mb", type=int, default=JUDGE_MEMORY_MB,
                        help="address-space limit of the grading process itself (each grade-all worker); 0: none")
    parser.add_argument("--data-dir", metavar="DIR",
                        help="the folder holding the course data: Fashion-MNIST's files, the poems' tang300 (default: "
                             "$D2L_DATA, ~/.mxnet/datasets/…, /usr/share/datasets/fashion-mnist, "
                             "/usr/share/games/fortunes/tang300)")


def _jobs_and_limits(parser: argparse.ArgumentParser) -> None:
    import os
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="parallel worker processes (default: the number of cores)")
    _limits_args(parser)


def known_assignments(ids, course_dir=None) -> bool:
    """True when every id is an assignment (the kit's or the course's own); otherwise says why not, on stderr."""
    from .registry import AssignmentError, discover
    try:
        known = discover(course_dir)
    except AssignmentError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return False
    unknown = [a for a in ids if a not in known]
    if unknown:
        print(f"error: unknown assignment {unknown[0]!r}; known: {', '.join(sorted(known))}", file=sys.stderr)
    return not unknown


def options_from(args):
    """GradeOptions from the shared flags; warns when the sandbox is off."""
    from .grade import GradeOptions
    if args.no_sandbox:
        print("warning: grading without a sandbox: notebooks run with your permissions", file=sys.stderr)
    limits = Limits(memory_mb=args.memory_mb)
    options = GradeOptions(sandbox=not args.no_sandbox, cell_timeout=args.cell_timeout,
                           total_timeout=args.timeout, limits=limits, judge_memory_mb=args.judge_memory_mb,
                           data_root=Path(args.data_dir).absolute() if args.data_dir else None)
    if args.command == "grade":
        from .registry import course_root
        course = Path(args.course_dir).absolute() if args.course_dir else course_root()
        if course is not None:          # else the kit's own course (an editable install's checkout)
            options = dataclasses.replace(options, course_dir=course)
    return options


def warn_without_release(options, assignment: str) -> None:
    """Edited test cells are spotted by comparing with the release notebook; say so when there is none."""
    from .grade import release_cells
    if release_cells(options.course_dir, assignment) is None:
        print(f"warning: no release notebook {Path(options.course_dir) / 'release' / assignment}/"
              f"{assignment}.ipynb, so edited test cells are not detected: pass --course-dir, the nbgrader "
              f"course root that has release/", file=sys.stderr)


def write_outputs(report, args, name: str) -> None:
    if getattr(args, "json", None):
        Path(args.json).write_text(json.dumps(report.to_dict(), indent=2) + "\n")
    if getattr(args, "junit", None):
        from .junit import to_junit
        Path(args.junit).write_bytes(to_junit(report, name))


def cmd_grade(args) -> int:
    from .grade import grade_notebook
    options = options_from(args)
    if not known_assignments([args.assignment], options.course_dir):
        return EXIT_CANNOT_GRADE
    limit_judge_memory(options.judge_memory_mb)
    warn_without_release(options, args.assignment)
    try:
        report = grade_notebook(args.notebook, args.assignment, options)
    except (NotebookError, SandboxUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CANNOT_GRADE
    except GraderFault as exc:
        print(f"error: could not grade {args.notebook} (a fault on the grader's side, not a grade): {exc.reason}",
              file=sys.stderr)
        return EXIT_CANNOT_GRADE
    except Exception as exc:     # noqa: BLE001 - a grader bug: without this, a traceback and exit 1 ("below")
        print(f"error: could not grade {args.notebook} (a bug in the grader, not a grade): "
              f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_CANNOT_GRADE
    print(f"{args.notebook} — {report.assignment}")
    print(report.summary())
    if report.flags:
        print("\n" + "\n".join(report.flag_lines()))
    write_outputs(report, args, Path(args.notebook).stem)
    if args.fail_under is not None and report.score < args.fail_under:
        print(f"score {report.score:g} is below --fail-under {args.fail_under:g}", file=sys.stderr)
        return EXIT_BELOW
    return EXIT_GRADED


def _grade_all_report(rows, args) -> int:
    from .grade_all import FAILED, summary_table
    print(summary_table(rows))
    if getattr(args, "json", None):
        Path(args.json).write_text(json.dumps([r.to_dict() for r in rows], indent=2) + "\n")
    return 1 if any(r.status == FAILED for r in rows) else EXIT_GRADED


EXIT_INTERRUPTED = 130      # the shell's convention for a command stopped by Ctrl-C


def cmd_grade_all(args) -> int:
    from .grade_all import CourseError, Interrupted, grade_all
    if not known_assignments(args.assignment or [], args.course_dir):
        return EXIT_CANNOT_GRADE
    options = options_from(args)
    if not args.scheduler:
        print(memory_plan(args.jobs, options.judge_memory_mb, options.limits.memory_mb), file=sys.stderr)
    try:
        rows = grade_all(args.course_dir, args.assignment, jobs=args.jobs, scheduler=args.scheduler,
                         options=options)
    except CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CANNOT_GRADE
    except Interrupted as exc:
        print(exc, file=sys.stderr)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:     # before any grading started
        print("interrupted: nothing graded; run again to continue", file=sys.stderr)
        return EXIT_INTERRUPTED
    status = _grade_all_report(rows, args)
    if rows:
        from .class_report import pointer
        print(pointer([r.assignment for r in rows], args.course_dir))
    return status


def cmd_report(args) -> int:
    if not known_assignments([args.assignment], args.course_dir):
        return EXIT_CANNOT_GRADE
    # The report validates no notebook: skip jsonschema's optional IRI checker, whose import (reached via
    # nbgrader → nbformat) builds a Lark grammar: 3 of the command's 7 CPU seconds (benchmarks/class_report.py).
    sys.modules.setdefault("rfc3987_syntax", None)
    from .class_report import CourseError, read_rows, summarise
    try:
        graded, not_graded = read_rows(args.course_dir, args.assignment)
    except CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CANNOT_GRADE
    report = summarise(args.assignment, graded, not_graded)
    print(report.text())
    if args.csv:
        Path(args.csv).write_text(report.csv())
    if args.html:
        from .class_report_html import render_html
        Path(args.html).write_text(render_html(report), encoding="utf-8")
    return EXIT_GRADED


def cmd_demo(args) -> int:
    import shutil
    import tempfile
    from .demo import build_demo_course
    from .grade_all import Interrupted, grade_all
    tmp = None if args.course_dir else tempfile.mkdtemp(prefix="d2l-demo-")
    course = Path(args.course_dir or tmp)
    try:
        print(f"demo course (the examples as nbgrader submissions): {course}", file=sys.stderr)
        build_demo_course(course)
        try:
            rows = grade_all(course, None, jobs=args.jobs, options=options_from(args))
        except Interrupted as exc:
            print(exc, file=sys.stderr)
            return EXIT_INTERRUPTED
        status = _grade_all_report(rows, args)
        if not tmp:
            print(f"\nfeedback and grades: cd {course} && nbgrader generate_feedback ASSIGNMENT && nbgrader export")
        return status
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def cmd_selftest(args) -> int:
    from .registry import AssignmentError
    from .selftest import selftest, table
    try:
        findings = selftest(args.assignment, args.course_dir, options=_selftest_options(args))
    except (KeyError, AssignmentError) as exc:
        print(f"error: {exc.args[0] if isinstance(exc, KeyError) else exc}", file=sys.stderr)
        return EXIT_CANNOT_GRADE
    print(table(args.assignment, findings))
    return 0 if all(f.ok for f in findings) else 1


def _selftest_options(args):
    from dataclasses import replace
    from .registry import course_root
    course = Path(args.course_dir).resolve() if args.course_dir else course_root() or Path.cwd()
    return replace(options_from(args), course_dir=course)


def cmd_new_assignment(args) -> int:
    from .scaffold import ScaffoldError, new_assignment
    try:
        written = new_assignment(args.assignment, args.course_dir or ".")
    except ScaffoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CANNOT_GRADE
    for path in written:
        print(f"wrote {path}")
    print(f"next: edit them (docs/authoring.md), then: python -m autograder selftest {args.assignment} "
          f"--course-dir {args.course_dir or '.'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    grade = sub.add_parser("grade", help="grade one notebook")
    grade.add_argument("notebook")
    grade.add_argument("--assignment", required=True, help="the assignment's id (the kit's, or the course's own)")
    grade.add_argument("--json", metavar="OUT.json")
    grade.add_argument("--junit", metavar="OUT.xml")
    grade.add_argument("--fail-under", type=float, metavar="SCORE")
    grade.add_argument("--course-dir", metavar="DIR",
                       help="the nbgrader course root whose release/ notebook the test cells are compared with "
                            "(default: the course shipped with this kit)")
    _limits_args(grade)
    grade.set_defaults(func=cmd_grade)

    every = sub.add_parser("grade-all", help="grade nbgrader's submitted/ tree into its gradebook (resumable)")
    every.add_argument("course_dir", nargs="?", default=".", help="the nbgrader course root (default: .)")
    every.add_argument("--assignment", action="append", metavar="ID",
                       help="only this assignment (repeatable; default: all)")
    every.add_argument("--scheduler", metavar="ADDRESS", help="run on this Dask distributed scheduler")
    every.add_argument("--json", metavar="OUT.json", help="write the rows as JSON")
    _jobs_and_limits(every)
    every.set_defaults(func=cmd_grade_all)

    report = sub.add_parser("report", help="what the class got wrong: one assignment's mistakes, from the gradebook")
    report.add_argument("assignment", help="the assignment's id (the kit's, or the course's own)")
    report.add_argument("--course-dir", default=".", metavar="DIR", help="the nbgrader course root (default: .)")
    report.add_argument("--html", metavar="OUT.html", help="also write a self-contained page with charts")
    report.add_argument("--csv", metavar="OUT.csv", help="also write one row per check and mistake")
    report.set_defaults(func=cmd_report)

    demo = sub.add_parser("demo", help="grade the example submissions in a throwaway course; print the table")
    demo.add_argument("--course-dir", metavar="DIR", help="build the demo course here and keep it")
    demo.add_argument("--json", metavar="OUT.json")
    _jobs_and_limits(demo)
    demo.set_defaults(func=cmd_demo)

    test = sub.add_parser("selftest", help="prove an assignment before release (solution, release, examples, points)")
    test.add_argument("assignment")
    test.add_argument("--course-dir", metavar="DIR", help="the nbgrader course root (default: found from here)")
    _limits_args(test)
    test.set_defaults(func=cmd_selftest)

    new = sub.add_parser("new-assignment", help="write a working skeleton of a course's own assignment")
    new.add_argument("assignment")
    new.add_argument("--course-dir", metavar="DIR", help="the nbgrader course root (default: .)")
    new.set_defaults(func=cmd_new_assignment)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)
