"""grade-all and missing course data: the submission is listed as failed with the cause, nothing is
written to the gradebook, and the next run (with the data) grades it in full."""
from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))   # --import-mode=importlib: make the sibling helper importable
from classkit import example, grader, isolated_env, make_course, rows, submit

pytestmark = pytest.mark.slow

A = "softmax_scratch"


def test_missing_data_is_not_recorded_and_is_retried(tmp_path):
    env = isolated_env(tmp_path / "jupyter")
    course = make_course(tmp_path / "course", [A], env)
    submit(course, "alice", A, example("example-correct", A))
    empty = tmp_path / "no-data"
    empty.mkdir()

    proc = grader("grade-all", str(course), "--data-dir", str(empty), "--jobs", "1",
                  "--json", str(tmp_path / "first.json"), env=env)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    row = rows(tmp_path / "first.json")[(A, "alice")]
    assert row["status"] == "failed" and row["score"] is None, row
    assert "course data missing" in row["reason"] and "Fashion-MNIST" in row["reason"], row["reason"]
    assert "alice" in proc.stdout and "course data missing" in proc.stdout      # in the summary table
    db = sqlite3.connect(course / "gradebook.db")
    try:
        assert db.execute("SELECT count(*) FROM d2l_grader_graded").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM submitted_assignment").fetchone()[0] == 0
    finally:
        db.close()
    assert not (course / "autograded").exists()

    proc = grader("grade-all", str(course), "--jobs", "1", "--json", str(tmp_path / "second.json"), env=env)
    assert proc.returncode == 0, proc.stderr
    row = rows(tmp_path / "second.json")[(A, "alice")]
    assert row["status"] == "graded" and row["score"] == row["max_score"] == 10, json.dumps(row)[:500]
