"""grade-all on a real nbgrader course: end to end with stock feedback/export, crash-resume, Dask.

Slow: every test runs real sandboxed grading and stock nbgrader. Mostly the fast `ndarray` and
`linreg_scratch` assignments, to keep the suite short.
"""
from __future__ import annotations

import csv
import io
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))   # --import-mode=importlib: make the sibling helper importable
from classkit import (ROOT, dump_gradebook, example, graded_count, grader, isolated_env, make_course, nbgrader, rows,
                      scores, submit)

pytestmark = pytest.mark.slow

NOT_JSON = b'{"cells": [ this is not a notebook'


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    return isolated_env(tmp_path_factory.mktemp("jupyter"))


def class_of_six(course: Path) -> None:
    """Two assignments x three example students = six quick submissions."""
    for assignment in ("ndarray", "linreg_scratch"):
        for kind in ("correct", "bug", "crash"):
            submit(course, f"s-{kind}", assignment, example(f"example-{kind}", assignment))


@pytest.fixture(scope="module")
def reference(tmp_path_factory, env):
    """The six-submission class graded in one uninterrupted run with the local pool."""
    course = make_course(tmp_path_factory.mktemp("ref") / "course", ["ndarray", "linreg_scratch"], env)
    class_of_six(course)
    proc = grader("grade-all", str(course), "--jobs", "2", env=env)
    assert proc.returncode == 0, proc.stderr
    return course


def test_end_to_end_generate_submit_grade_feedback_export(tmp_path, env):
    course = make_course(tmp_path / "course", ["linreg_scratch"], env)
    a = "linreg_scratch"
    submit(course, "alice", a, example("example-correct", a))
    submit(course, "bob", a, example("example-bug", a))
    submit(course, "carol", a, example("example-crash", a))
    submit(course, "dave", a, example("example-correct", a))
    submit(course, "eve", a, NOT_JSON)                       # the broken one

    proc = grader("grade-all", str(course), "--assignment", a, "--jobs", "2", "--json",
                  str(tmp_path / "rows.json"), env=env)
    assert proc.returncode == 0, proc.stderr
    assert "ETA" in proc.stderr                              # the progress bar
    assert "eve" in proc.stdout and "rejected" in proc.stdout and "not JSON" in proc.stdout
    got = rows(tmp_path / "rows.json")
    assert got[(a, "alice")]["score"] == got[(a, "alice")]["max_score"] == 10
    assert got[(a, "dave")]["score"] == 10
    assert 0 < got[(a, "bob")]["score"] < 10
    assert got[(a, "eve")]["status"] == "rejected" and got[(a, "eve")]["score"] == 0
    assert "is not a valid notebook" in got[(a, "eve")]["reason"]

    nbgrader(course, "generate_feedback", a, env=env)
    nbgrader(course, "export", env=env)
    with open(course / "grades.csv", newline="") as fh:
        exported = {r["student_id"]: float(r["score"]) for r in csv.DictReader(fh) if r["assignment"] == a}
    assert exported == {s: float(got[(a, s)]["score"]) for s in ("alice", "bob", "carol", "dave", "eve")}

    bob = (course / "feedback" / "bob" / a / f"{a}.html").read_text()
    failed = [c for c in got[(a, "bob")]["report"]["checks"] if not c["passed"]]
    assert failed and all(_html_has(bob, c["message"]) for c in failed if c["message"])
    eve = (course / "feedback" / "eve" / a / f"{a}.html").read_text()
    assert "Could not grade this notebook" in eve
    for student in ("alice", "bob", "carol", "dave", "eve"):
        page = (course / "feedback" / student / a / f"{a}.html").read_text()
        assert "hidden=True" not in page and "HIDDEN TESTS" not in page, student

    again = grader("grade-all", str(course), "--jobs", "2", env=env)  # nothing left to grade
    assert again.returncode == 0 and "5 done earlier" in again.stdout and "grading [" not in again.stderr


def _html_has(page: str, text: str) -> bool:
    import html
    return html.escape(text, quote=False) in page or html.escape(text) in page or text in page


def test_killed_run_resumes_to_the_same_gradebook(tmp_path, env, reference):
    course = make_course(tmp_path / "course", ["ndarray", "linreg_scratch"], env)
    class_of_six(course)
    run = subprocess.Popen([sys.executable, "-m", "autograder", "grade-all", str(course), "--jobs", "2"],
                           cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while graded_count(course) < 2 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.poll() is None, "the run finished before it could be killed"
    run.send_signal(signal.SIGKILL)
    run.wait()
    done_before = graded_count(course)
    assert 2 <= done_before < 6

    proc = grader("grade-all", str(course), "--jobs", "2", "--json", str(tmp_path / "rows.json"), env=env)
    assert proc.returncode == 0, proc.stderr
    statuses = [r["status"] for r in rows(tmp_path / "rows.json").values()]
    assert statuses.count("done earlier") == done_before and statuses.count("graded") == 6 - done_before
    assert dump_gradebook(course) == dump_gradebook(reference)



def test_dask_local_cluster_gives_the_local_pool_scores(tmp_path, env, reference, monkeypatch):
    from distributed import LocalCluster

    from autograder.grade_all import grade_all

    for key in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "PATH"):
        monkeypatch.setenv(key, env[key])
    course = make_course(tmp_path / "course", ["ndarray", "linreg_scratch"], env)
    class_of_six(course)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = grade_all(course, scheduler=cluster.scheduler_address, progress=(bar := io.StringIO()))
    assert [r.status for r in result] == ["graded"] * 6
    assert "6/6 100%" in bar.getvalue()
    assert scores(course) == scores(reference)
    assert dump_gradebook(course) == dump_gradebook(reference)


def test_ci_command_line_on_a_student_repository(tmp_path, env):
    """The workflow's grade step, run as written, in a checkout laid out as the workflow expects."""
    import yaml
    workflow = yaml.safe_load((ROOT / "docs" / "student-repo-workflow.yml").read_text())
    job = workflow["jobs"]["grade"]
    step = next(s for s in job["steps"] if s.get("id") == "grade")
    repo = tmp_path / "student-repo"
    repo.mkdir()
    notebook = repo / job["env"]["NOTEBOOK"]
    notebook.parent.mkdir(parents=True, exist_ok=True)
    cmd_env = {**env, **{k: str(v) for k, v in job["env"].items()}}
    cmd_env["PATH"] = str(Path(sys.executable).parent) + ":" + cmd_env["PATH"]   # `python` is the venv's

    example_nb = example("example-bug", job["env"]["ASSIGNMENT"])
    notebook.write_bytes(example_nb.read_bytes())
    proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, env=cmd_env, capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr                   # graded, below --fail-under
    report = (repo / "report.xml").read_text()
    assert "<testsuite" in report and "<failure" in report
    assert "below --fail-under" in proc.stderr

    notebook.write_bytes(example("example-correct", job["env"]["ASSIGNMENT"]).read_bytes())
    proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, env=cmd_env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "<failure" not in (repo / "report.xml").read_text()
