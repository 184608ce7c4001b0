"""The book's results, reproduced here: each reference notebook run whole (all data, the book's epochs) on
this machine's CPU, its numbers printed beside the range its book.py expects, with the wall time.

The test suite asserts these numbers for notebooks that train in seconds; the ones that train for minutes on
a CPU (book.py's TEST_DATA_LIMIT > 0: LeNet, batch norm, ResNet…) are held to them here. Exit status 1 when a
notebook misses its expected result, so the README's numbers can be re-checked with one command.

    .venv/bin/python benchmarks/book_results.py                 # the notebooks the test suite runs cut short
    .venv/bin/python benchmarks/book_results.py --all           # every assignment with a book.py
    .venv/bin/python benchmarks/book_results.py --assignment lenet resnet
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.book_results import compare, declared, run_source_notebook
from autograder.registry import discover

COURSE = Path(__file__).resolve().parents[1] / "course"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", nargs="*", help="these assignments (default: those cut short in tests)")
    parser.add_argument("--all", action="store_true", help="every assignment that declares a book result")
    args = parser.parse_args()
    found = {a: f for a, f in sorted(discover(COURSE).items()) if f.shipped and declared(f) is not None}
    chosen = args.assignment or [a for a in found if args.all or declared(found[a]).TEST_DATA_LIMIT]
    missed = 0
    for assignment in chosen:
        book = declared(found[assignment])
        run = run_source_notebook(COURSE / "source" / assignment / f"{assignment}.ipynb", book.PROBE, timeout=7200)
        misses = compare(run.values, book.EXPECT) + run.errors
        missed += bool(misses)
        print(f"{assignment}: {run.seconds:.0f} s whole notebook on this CPU")
        for name, value in (run.values or {}).items():
            want = book.EXPECT.get(name, "(reported)")
            print(f"  {name:<24} {value!r:<28} expected {want}")
        for miss in misses:
            print(f"  MISSED: {miss}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
