"""Regenerate the example submissions in examples/submitted/ from the release notebooks.

    python course/make_examples.py            # rewrite examples/submitted/<student>/<id>/<id>.ipynb
    python course/make_examples.py --check    # exit 1 if the committed examples are out of date

Each example is the released notebook with its stub cells filled in, as a student would hand it in
(nbgrader's submitted layout, so `nbgrader autograde --CourseDirectory.submitted_directory=examples/submitted`
grades them):

    example-correct   every stub holds the reference solution (the source notebook's solution region)
    example-bug       the solution, except for one classic mistake per assignment
    example-crash     the solution, except for one stub that raises when it runs

The buggy and crashing code is each assignment's own (its examples.py: the examples with a `student`).

Run it again after regenerating a release notebook.
"""
from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import nbformat

COURSE = Path(__file__).resolve().parent


def shipped() -> list[str]:
    """The kit's assignments that have a notebook in this course."""
    from autograder.registry import discover
    return sorted(a for a, found in discover(COURSE).items() if found.shipped and (COURSE / "source" / a).is_dir())


def students(assignment: str) -> dict[str, dict[str, str]]:
    """{student: {stub: code}} of the assignment's examples that are also demo submissions (examples.py)."""
    from autograder.registry import find, load
    module = load(find(assignment, COURSE), "examples")
    return {e.student: e.replace for e in getattr(module, "EXAMPLES", ()) if e.student}


BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


def read(path: Path):
    return nbformat.read(path, as_version=4)


def solution_cells(nb) -> dict[str, str]:
    """{grade_id: source with the solution delimiters removed} for the solution cells of a source notebook."""
    out = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            lines = [line for line in cell.source.split("\n") if line.strip() not in (BEGIN, END)]
            out[meta["grade_id"]] = "\n".join(lines)
    return out


def fill(release, answers: dict[str, str]):
    """A copy of the release notebook whose solution cells hold `answers` (by grade_id)."""
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def examples(assignment: str) -> dict[str, object]:
    """{student: notebook} for one assignment."""
    release = read(COURSE / "release" / assignment / f"{assignment}.ipynb")
    solutions = solution_cells(read(COURSE / "source" / assignment / f"{assignment}.ipynb"))
    notebooks = {"example-correct": fill(release, solutions)}
    for student, replace in students(assignment).items():
        unknown = set(replace) - set(solutions)
        if unknown:
            raise KeyError(f"{assignment} has no stub {sorted(unknown)}")
        notebooks[student] = fill(release, {**solutions, **{stub: code.strip("\n") for stub, code in replace.items()}})
    return notebooks


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report examples that are out of date")
    args = parser.parse_args(argv)
    stale = []
    for assignment in shipped():
        for student, nb in examples(assignment).items():
            path = COURSE / "examples" / "submitted" / student / assignment / f"{assignment}.ipynb"
            text = nbformat.writes(nb).rstrip("\n") + "\n"   # as nbformat.write() ends a file
            if path.exists() and path.read_text(encoding="utf-8") == text:
                continue
            stale.append(path)
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    for path in stale:
        print(("out of date: " if args.check else "wrote ") + str(path.relative_to(COURSE)))
    if args.check and stale:
        print("run: python course/make_examples.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
