"""What `report` costs on a large class: a gradebook with N submissions (default 500), the real command
(`python -m autograder report ... --html ... --csv ...`) against a baseline that only reads the same rows
(sqlite3 + json.loads of every report), both as fresh subprocesses, alternating; medians and their ratio.

    .venv/bin/python benchmarks/class_report.py [--students 500] [--repeat 5]

The gradebook is real (nbgrader creates it, nbgrader knows the assignment); the rows of our table are
written in one transaction with exactly what `CourseGradebook.record` stores (Report.to_dict() as JSON),
because record() itself takes ~40 ms a row. Reports use linreg_scratch's real check ids; each failed
check gets one of three messages with varying numbers, as real ones vary.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENT = "linreg_scratch"
BASELINE = """
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = [json.loads(r) for (r,) in db.execute("SELECT report FROM d2l_grader_graded WHERE assignment = ?", (sys.argv[2],))]
print(len(rows))
"""


def build_course(root: Path, students: int) -> None:
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]   # nbgrader runs alembic
    from nbgrader.api import Gradebook
    from sqlalchemy import insert

    from autograder.checks import checks_for
    from autograder.gradebook import MARKERS, CourseGradebook
    from autograder.results import CheckResult, Report

    shutil.copy(REPO / "course" / "nbgrader_config.py", root / "nbgrader_config.py")
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id="d2l") as gb:
        gb.add_assignment(ASSIGNMENT)
        gb.add_notebook(ASSIGNMENT, ASSIGNMENT)
    rng = random.Random(0)
    checks = checks_for(ASSIGNMENT)
    rates = {c.id: rng.uniform(0.02, 0.5) for c in checks}
    values = []
    for i in range(students):
        student = f"student{i:04d}"
        data = f"notebook {i}".encode()
        folder = root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / f"{ASSIGNMENT}.ipynb").write_bytes(data)
        results = []
        for c in checks:
            passed = rng.random() > rates[c.id]
            message = "" if passed else (f"{c.function or 'the notebook'} gave {rng.uniform(-9, 9):.4g} for "
                                         f"shape ({rng.randint(2, 64)}, 1): likely mistake #{rng.randint(1, 3)}")
            results.append(CheckResult(c.id, c.function, passed, c.points if passed else 0.0, c.points, message))
        values.append(dict(assignment=ASSIGNMENT, student=student, notebook=ASSIGNMENT,
                           sha256=hashlib.sha256(data).hexdigest(), graded_at=dt.datetime(2026, 1, 15),
                           status="graded", report=json.dumps(Report(ASSIGNMENT, results).to_dict())))
    with CourseGradebook(root) as book:
        book.gb.db.execute(insert(MARKERS), values)
        book.gb.db.commit()


def seconds(cmd: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run. CPU (user + system of the child) is what a busy machine does not
    inflate: on an idle one the wall time of this single-threaded command is close to it."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} failed: {proc.stderr.strip()}")
    return took, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def in_process(course: Path, out: Path) -> dict[str, float]:
    """Where the time goes, imports excluded (they are paid before the clock starts)."""
    from autograder.class_report import read_rows, summarise
    from autograder.class_report_html import render_html
    import matplotlib.figure  # noqa: F401
    times = {}
    start = time.perf_counter()
    graded, not_graded = read_rows(course, ASSIGNMENT)
    times["read rows"] = time.perf_counter() - start
    start = time.perf_counter()
    report = summarise(ASSIGNMENT, graded, not_graded)
    report.text(), report.csv()
    times["count + text + csv"] = time.perf_counter() - start
    start = time.perf_counter()
    (out / "r.html").write_text(render_html(report))
    times["html (2 charts)"] = time.perf_counter() - start
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="d2l-report-bench-") as tmp:
        course = Path(tmp) / "course"
        course.mkdir()
        build_course(course, args.students)
        report_cmd = [sys.executable, "-m", "autograder", "report", ASSIGNMENT, "--course-dir", str(course),
                      "--html", str(Path(tmp) / "report.html"), "--csv", str(Path(tmp) / "report.csv")]
        baseline_cmd = [sys.executable, "-c", BASELINE, str(course / "gradebook.db"), ASSIGNMENT]
        seconds(report_cmd)                                   # warm the page cache for both
        times = {"report": [], "baseline": []}
        for _ in range(args.repeat):                          # alternate, so drift hits both equally
            times["baseline"].append(seconds(baseline_cmd))
            times["report"].append(seconds(report_cmd))
        print(f"{args.students} submissions of {ASSIGNMENT}, median of {args.repeat} runs each (fresh processes); "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print("                                       wall s   CPU s")
        for name, label in (("baseline", "read the rows (sqlite3 + json)"), ("report", "report --html --csv")):
            wall, cpu = (statistics.median(t[i] for t in times[name]) for i in (0, 1))
            print(f"  {label:<35} {wall:6.2f}  {cpu:6.2f}")
        ratio = [statistics.median(t[i] for t in times["report"]) / statistics.median(t[i] for t in times["baseline"])
                 for i in (0, 1)]
        print(f"  ratio report / baseline: {ratio[0]:.1f}x wall, {ratio[1]:.1f}x CPU")
        print("  in one process, after imports: " + ", ".join(
            f"{k} {v:.2f} s" for k, v in in_process(course, Path(tmp)).items()))


if __name__ == "__main__":
    main()
