"""Grading time of a submission with `grade` against executing its cells and against stock `nbgrader autograde`.

For each assignment, in one run, on the shipped example-correct submission:
  cells     its cells without the test cells, on a real kernel, on the whole data set: the notebook as a student
            runs it (no D2L_DATA_LIMIT)
  grade     `grade_notebook` with the sandbox on: the cells under the assignment's DATA_LIMIT, then every check
  nbgrader  stock `nbgrader autograde` of the same submission in a throwaway course, on the whole data set, as an
            instructor would without this grader (it re-executes every cell, training included)
and prints the seconds and the ratios grade/cells and grade/nbgrader. Default: the assignments that declare a
DATA_LIMIT (their notebooks train for minutes).

    .venv/bin/python benchmarks/grading_vs_nbgrader.py [--assignment conv_basics lenet]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder.grade import GradeOptions, grade_notebook
from autograder.jupyter_env import isolated_jupyter_env
from autograder.registry import discover

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"
COURSE_ID = "d2l"


def submission(assignment: str) -> Path:
    return COURSE / "examples" / "submitted" / "example-correct" / assignment / f"{assignment}.ipynb"


def cells_alone(path: Path, tmp: Path) -> float:
    """The notebook's own cells (test cells dropped), whole data, on a fresh kernel with its own Jupyter dirs."""
    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if not (c.metadata.get("nbgrader", {}).get("grade")
                                            and not c.metadata.get("nbgrader", {}).get("solution"))]
    env = isolated_jupyter_env(tmp / "cells", D2L_DATA_LIMIT=None)
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)           # the kernel inherits this process's environment
    try:
        start = time.perf_counter()
        NotebookClient(nb, kernel_name="python3", timeout=3600, startup_timeout=120,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        return time.perf_counter() - start
    finally:
        os.environ.clear()
        os.environ.update(saved)


def graded(path: Path, assignment: str) -> tuple[float, str]:
    start = time.perf_counter()
    report = grade_notebook(path, assignment, GradeOptions(sandbox=True, course_dir=COURSE))
    return time.perf_counter() - start, f"{report.score:g}/{report.max_score:g}"


def nbgrader(course: Path, env: dict, *args: str) -> None:
    code = "import runpy, sys; sys.argv[0] = 'nbgrader'; runpy.run_module('nbgrader', run_name='__main__')"
    proc = subprocess.run([sys.executable, "-c", code, *args], cwd=course, env=env, capture_output=True, text=True,
                          timeout=7200)
    if proc.returncode != 0:
        raise SystemExit(f"nbgrader {' '.join(args)} exited {proc.returncode}:\n{proc.stdout[-2000:]}\n"
                         f"{proc.stderr[-2000:]}")


def stock_nbgrader(path: Path, assignment: str, tmp: Path) -> tuple[float, str]:
    """generate_assignment (not timed), then `nbgrader autograde` of one submission (timed), whole data."""
    from nbgrader.api import Gradebook
    course = tmp / "course"
    course.mkdir()
    shutil.copy(COURSE / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(COURSE / "source" / assignment, course / "source" / assignment)
    env = isolated_jupyter_env(tmp / "jupyter", D2L_DATA_LIMIT=None)
    nbgrader(course, env, "generate_assignment", assignment)
    dest = course / "submitted" / "student" / assignment
    dest.mkdir(parents=True)
    shutil.copy(path, dest / path.name)
    start = time.perf_counter()
    nbgrader(course, env, "autograde", assignment)
    seconds = time.perf_counter() - start
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as gb:
        sub = gb.find_submission(assignment, "student")
        return seconds, f"{sub.score:g}/{sub.max_score:g}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    found = {a: f for a, f in sorted(discover(COURSE).items()) if f.shipped}
    parser.add_argument("--assignment", nargs="*", default=[a for a, f in found.items() if f.data_limit],
                        help="default: every shipped assignment with a DATA_LIMIT")
    args = parser.parse_args()
    print(f"{'assignment':<14} {'limit':>6} {'cells':>9} {'grade':>9} {'nbgrader':>9} {'grade/cells':>12} "
          f"{'grade/nbgr':>11}   scores (grade, nbgrader)")
    for assignment in args.assignment:
        path = submission(assignment)
        with tempfile.TemporaryDirectory(prefix="d2l-bench-") as tmp:
            tmp = Path(tmp)
            cells = cells_alone(path, tmp)
            grade, grade_score = graded(path, assignment)
            stock, stock_score = stock_nbgrader(path, assignment, tmp)
        print(f"{assignment:<14} {found[assignment].data_limit:>6} {cells:9.1f} {grade:9.1f} {stock:9.1f} "
              f"{grade / cells:12.2f} {grade / stock:11.2f}   {grade_score}, {stock_score}", flush=True)
    print("seconds, one run each; cells and nbgrader on the whole data set, grade under the declared limit "
          f"(sandbox on); {os.cpu_count()} CPU cores, no GPU")


if __name__ == "__main__":
    main()
