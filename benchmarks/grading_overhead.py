"""Grading overhead per submission beyond executing the notebook itself, and the time of one in-kernel check.

For each assignment's reference notebook, in one run, interleaved and repeated:
  execute   the notebook top to bottom with nbclient on a real kernel, test cells included (what nbgrader does)
  cells     the same, without the test cells: exactly the cells grading runs (the fair baseline)
  graded    `grade_notebook` (sandboxed student process + every check from the judge)
and prints the medians and the overhead of grading over `cells`. Targets: overhead ≤ 0.5 s,
one function-level in-kernel check < 1 s.

    .venv/bin/python benchmarks/grading_overhead.py [--repeat 3] [--assignment linreg_scratch ...]
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder.grade import GradeOptions, grade_notebook
from autograder.registry import discover, find

ROOT = Path(__file__).resolve().parents[1]


def execute(path: Path, test_cells: bool = True, data_limit: int = 0) -> float:
    """The notebook on a real kernel; with the assignment's DATA_LIMIT, as grading runs its cells (the
    same first N examples per split), so the baseline trains on what the graded run trains on."""
    nb = nbformat.read(path, as_version=4)
    if not test_cells:
        nb.cells = [c for c in nb.cells if not (c.metadata.get("nbgrader", {}).get("grade")
                                                and not c.metadata.get("nbgrader", {}).get("solution"))]
    env = dict(os.environ, D2L_DATA_LIMIT=str(data_limit)) if data_limit else dict(os.environ)   # None crashes jupyter_client
    start = time.perf_counter()
    NotebookClient(nb, kernel_name="python3", timeout=600,
                   resources={"metadata": {"path": str(path.parent)}}).execute(env=env)
    return time.perf_counter() - start


def graded(path: Path, assignment: str, sandbox: bool) -> float:
    start = time.perf_counter()
    report = grade_notebook(path, assignment, GradeOptions(sandbox=sandbox))
    elapsed = time.perf_counter() - start
    assert report.score == report.max_score, report.summary()
    return elapsed


def in_kernel_check(assignment: str, function: str, repeat: int) -> tuple[float, float]:
    """(first call, median of later calls) of one function's checks, as %check runs them."""
    import re
    from autograder.incell import check
    nb = nbformat.read(ROOT / "course/source" / assignment / f"{assignment}.ipynb", as_version=4)
    ns: dict = {}
    exec("import random\nimport numpy as np\nfrom mxnet import nd, autograd\n", ns)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == function:
            exec(re.sub(r"^\s*### (BEGIN|END) SOLUTION\s*$", "", cell.source, flags=re.M), ns)
    times = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        assert check(assignment, function, ns).passed
        times.append(time.perf_counter() - start)
    return times[0], statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--assignment", nargs="*", help="default: every assignment the kit ships",
                        default=sorted(a for a, found in discover().items() if found.shipped))
    args = parser.parse_args()
    print(f"{'assignment':<18} {'execute':>9} {'cells':>9} {'graded':>9} {'overhead':>9} {'ratio':>6}   "
          f"(medians of {args.repeat}, seconds; overhead = graded - cells, ratio = graded / cells)")
    for assignment in args.assignment:
        path = ROOT / "course/source" / assignment / f"{assignment}.ipynb"
        full, cells, grade = [], [], []
        limit = find(assignment).data_limit
        for _ in range(args.repeat):
            full.append(execute(path, data_limit=limit))
            cells.append(execute(path, test_cells=False, data_limit=limit))
            grade.append(graded(path, assignment, sandbox=True))
        f, c, g = (statistics.median(x) for x in (full, cells, grade))
        print(f"{assignment:<18} {f:9.2f} {c:9.2f} {g:9.2f} {g - c:+9.2f} {g / c:6.2f}"
              + (f"   (D2L_DATA_LIMIT={limit} in all three)" if limit else ""))
    first, later = in_kernel_check("linreg_scratch", "square_loss", 20)
    print(f"in-kernel check of one stub (linreg_scratch.square_loss): first call {first * 1000:.0f} ms "
          f"(MXNet already imported, as in a notebook whose stubs use it), then {later * 1000:.1f} ms median "
          "(target < 1 s)")


if __name__ == "__main__":
    main()
