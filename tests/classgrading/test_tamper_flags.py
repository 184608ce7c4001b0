"""Tamper flags through grade-all: a column in the summary, nbgrader's review mark in the gradebook,
the same grade as the clean submission, and nothing of it in the student's feedback."""
from __future__ import annotations

import csv
import sqlite3
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).parent))   # --import-mode=importlib: make the sibling helper importable
from classkit import example, grader, isolated_env, make_course, nbgrader, rows, submit

pytestmark = pytest.mark.slow

# Inert for grading (it changes nothing the checks use), yet plainly a look at the grader's pipes and objects.
SNOOP = """import gc, os
print(os.listdir('/proc/self/fd'))
kit = [o for o in gc.get_objects() if 'autograder' in str(getattr(type(o), '__module__', ''))]
"""


def test_flags_reach_the_instructor_not_the_student_and_not_the_grade(tmp_path):
    env = isolated_env(tmp_path / "jupyter")
    a = "ndarray"
    course = make_course(tmp_path / "course", [a], env)
    submit(course, "alice", a, example("example-correct", a))
    nb = nbformat.read(example("example-correct", a), as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell(SNOOP))
    snooper = tmp_path / "mallory.ipynb"
    nbformat.write(nb, snooper)
    submit(course, "mallory", a, snooper)

    proc = grader("grade-all", str(course), "--jobs", "2", "--json", str(tmp_path / "rows.json"), env=env)
    assert proc.returncode == 0, proc.stderr
    table = {line.split()[0]: line.split() for line in proc.stdout.splitlines()[2:] if line.split()}
    assert proc.stdout.splitlines()[0].split()[4] == "flags"
    assert table["alice"][4] == "-"
    assert set(table["mallory"][4].split(",")) == {"reads-protocol-fds", "walks-gc", "imports-grader"}
    assert "1 flagged for review" in proc.stdout

    got = rows(tmp_path / "rows.json")
    assert got[(a, "mallory")]["score"] == got[(a, "alice")]["score"] == 10
    flags = got[(a, "mallory")]["report"]["flags"]
    assert {f["cell"] for f in flags} == {3} and "flags" not in got[(a, "alice")]["report"]

    db = sqlite3.connect(course / "gradebook.db")
    try:
        marked = dict(db.execute("SELECT sa.student_id, sn.flagged FROM submitted_notebook sn "
                                 "JOIN submitted_assignment sa ON sn.assignment_id = sa.id").fetchall())
    finally:
        db.close()
    assert marked == {"alice": 0, "mallory": 1}

    nbgrader(course, "generate_feedback", a, env=env)
    nbgrader(course, "export", env=env)
    page = (course / "feedback" / "mallory" / a / f"{a}.html").read_text()
    assert "10 / 10" in page or "10/10" in page
    assert not any(f["code"] in page for f in flags)
    with open(course / "grades.csv", newline="") as fh:
        exported = {r["student_id"]: float(r["score"]) for r in csv.DictReader(fh)}
    assert exported == {"alice": 10.0, "mallory": 10.0}
