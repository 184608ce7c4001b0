"""Helpers for the class-report tests: a real nbgrader gradebook made in process (no notebooks to grade),
and hand-made reports with known mistakes.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook
from sqlalchemy import insert

from autograder.gradebook import MARKERS, CourseGradebook
from autograder.results import CheckResult, Report

ROOT = Path(__file__).resolve().parents[2]
A = "linreg_scratch"


def tiny_course(root: Path, assignments=(A,)) -> Path:
    """A course root with the repo's config and a gradebook in which nbgrader knows `assignments`.
    nbgrader runs `alembic` when it creates a gradebook: the interpreter's bin must be on PATH."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "course" / "nbgrader_config.py", root / "nbgrader_config.py")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id="d2l") as gb:
            for assignment in assignments:
                gb.add_assignment(assignment)
                gb.add_notebook(assignment, assignment)
    return root


def check(name: str, passed: bool, message: str = "", points: float = 1.0) -> CheckResult:
    """`name` is "function.check" or "outcome.check" (function None)."""
    function, _ = name.split(".", 1)
    return CheckResult(id=f"{A}.{name}", function=None if function == "outcome" else function, passed=passed,
                       score=points if passed else 0.0, max_score=points, message="" if passed else message)


def report(*checks: CheckResult, errors=()) -> Report:
    return Report(A, list(checks), list(errors))


def submit_file(course: Path, student: str, content: bytes, assignment: str = A) -> Path:
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{assignment}.ipynb"
    path.write_bytes(content)
    return path


def record(course: Path, student: str, result: Report | None, reason: str | None = None) -> None:
    """Submit a file for `student` and record `result` for it the way grade-all does."""
    submit_file(course, student, f"notebook of {student}".encode())
    with CourseGradebook(course) as book:
        book.record(book.submission(student, A, A), result, reason=reason)


DIVIDE = "SGD stepped by lr * grad without dividing by batch_size ({}): the gradient is summed over the batch"
SHAPE = "square_loss returned shape (10, 10) for y_hat (10, 1) and y (10,): reshape y to y_hat.shape"
FAR = "after training, w = [{} {}] and b = [{}] are {} from the true parameters"


def synthetic_report(i: int) -> Report:
    """Student i's report in a generated class: whether each check fails is a known function of i.
    SGD.step fails for i % 2 == 1 (i % 6 == 5 with another mistake), square_loss.shape for i % 5 == 0,
    the outcome for i % 3 == 0; data_iter.shuffled always passes."""
    return report(
        check("data_iter.shuffled", True),
        check("square_loss.shape", i % 5 != 0, SHAPE, points=0.5),
        check("SGD.step", i % 2 == 0,
              "SGD moved the parameters up the gradient" if i % 6 == 5 else DIVIDE.format(i % 7 + 2), points=1.5),
        check("outcome.learned_parameters", i % 3 != 0, FAR.format(i / 3, -i, i * 0.5, i / 100)))


def expected_failures(n: int) -> dict[str, int]:
    return {"SGD.step": sum(i % 2 == 1 for i in range(n)), "square_loss.shape": sum(i % 5 == 0 for i in range(n)),
            "outcome.learned_parameters": sum(i % 3 == 0 for i in range(n)), "data_iter.shuffled": 0}


def student_name(i: int) -> str:
    return f"s{i:04d}"


def generated_class(course: Path, n: int, rejected: int = 0, missing: int = 0) -> None:
    """`n` graded rows (synthetic_report), `rejected` rejected rows and `missing` submissions without a
    row, written as rows of our table in one transaction (record() takes ~40 ms per row; the rows are
    exactly what it stores: Report.to_dict() as JSON, or {"reason": ...})."""
    now = dt.datetime(2026, 1, 15, 12, 0)
    values = []
    for i in range(n + rejected + missing):
        student = student_name(i)
        data = f"notebook of {student}".encode()
        submit_file(course, student, data)
        if i >= n + rejected:
            continue
        graded = i < n
        payload = synthetic_report(i).to_dict() if graded else {"reason": f"{student}.ipynb is not JSON"}
        values.append(dict(assignment=A, student=student, notebook=A, sha256=hashlib.sha256(data).hexdigest(),
                           graded_at=now, status="graded" if graded else "rejected", report=json.dumps(payload)))
    with CourseGradebook(course) as book:
        book.gb.db.execute(insert(MARKERS), values)
        book.gb.db.commit()
