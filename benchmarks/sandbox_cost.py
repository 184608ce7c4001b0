"""What the sandbox costs per submission: grade the same notebook with and without bubblewrap, in
one run, alternating, and print the medians, their ratio and the seconds bubblewrap adds.

    .venv/bin/python benchmarks/sandbox_cost.py [NOTEBOOK] [--assignment ID] [--repeat N]

Each grading is the real command (`python -m autograder grade`) in a subprocess, so interpreter and
MXNet start-up are counted the same way on both sides.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO / "course" / "source" / "linreg_scratch" / "linreg_scratch.ipynb"


def grade_seconds(notebook: Path, assignment: str, sandbox: bool) -> float:
    cmd = [sys.executable, "-m", "autograder", "grade", str(notebook), "--assignment", assignment]
    if not sandbox:
        cmd.append("--no-sandbox")
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"grading failed ({'sandbox' if sandbox else 'no sandbox'}): {proc.stderr.strip()}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--assignment", default=None, help="default: the notebook's file name")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    assignment = args.assignment or args.notebook.stem
    times = {True: [], False: []}
    grade_seconds(args.notebook, assignment, True)          # warm the page cache for both sides
    for _ in range(args.repeat):
        for sandbox in (False, True):                        # alternate, so drift hits both equally
            times[sandbox].append(grade_seconds(args.notebook, assignment, sandbox))
    plain, boxed = statistics.median(times[False]), statistics.median(times[True])
    print(f"{args.notebook.name} ({assignment}), median of {args.repeat} gradings each")
    print(f"  without sandbox: {plain:6.2f} s   {' '.join(f'{t:.2f}' for t in times[False])}")
    print(f"  with bubblewrap: {boxed:6.2f} s   {' '.join(f'{t:.2f}' for t in times[True])}")
    print(f"  ratio {boxed / plain:.2f}x, +{boxed - plain:.2f} s per submission")


if __name__ == "__main__":
    main()
