"""The ◆ grading command: exit statuses, the one-line reason, the JSON report and JUnit file."""
from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def grade(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "autograder", "grade", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=600)


def test_unknown_assignment_exits_2_with_one_line_reason(tmp_path):
    nb = tmp_path / "x.ipynb"
    nb.write_text("{}")
    run = grade(nb, "--assignment", "no_such")
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "unknown assignment 'no_such'" in run.stderr


@pytest.mark.parametrize("content, reason", [
    ("", "is empty"),
    ("{not json", "not JSON"),
    ('{"nbformat": 3, "worksheets": []}', "nbformat 3"),
])
def test_unreadable_notebook_exits_2(tmp_path, content, reason):
    nb = tmp_path / "sub.ipynb"
    nb.write_text(content)
    run = grade(nb, "--assignment", "linreg_scratch")
    assert run.returncode == 2, run.stdout
    assert reason in run.stderr and str(nb) in run.stderr
    assert run.stderr.count("\n") == 1


def test_other_assignments_notebook_exits_2():
    run = grade(ROOT / "course/release/ndarray/ndarray.ipynb", "--assignment", "linreg_scratch")
    assert run.returncode == 2 and "--assignment ndarray" in run.stderr


@pytest.mark.slow
def test_json_and_junit_and_fail_under(tmp_path):
    out, xml = tmp_path / "r.json", tmp_path / "r.xml"
    run = grade(ROOT / "course/release/ndarray/ndarray.ipynb", "--assignment", "ndarray",
                "--json", out, "--junit", xml, "--fail-under", "5")
    assert run.returncode == 1, run.stderr
    report = json.loads(out.read_text())
    assert set(report) == {"assignment", "score", "max_score", "checks", "errors"}
    assert report["assignment"] == "ndarray" and report["score"] == 0 and report["max_score"] == 10
    for c in report["checks"]:
        assert set(c) == {"id", "function", "passed", "score", "max_score", "message"}
        assert c["id"].startswith("ndarray.") and not c["passed"] and c["function"] in c["message"]
    suite = ET.parse(xml).getroot()
    assert suite.tag == "testsuite" and int(suite.get("failures")) == len(report["checks"])
    # the untouched release notebook: every stub raises NotImplementedError, named in the table
    assert "NotImplementedError" in run.stdout and "total" in run.stdout


@pytest.mark.slow
def test_same_report_when_graded_twice(tmp_path):
    reports = []
    for i in range(2):
        out = tmp_path / f"r{i}.json"
        run = grade(ROOT / "course/source/linreg_scratch/linreg_scratch.ipynb", "--assignment",
                    "linreg_scratch", "--json", out)
        assert run.returncode == 0, run.stderr
        reports.append(json.loads(out.read_text()))
    assert reports[0] == reports[1]
    assert reports[0]["score"] == reports[0]["max_score"] == 10


def test_missing_bubblewrap_refuses_without_no_sandbox(tmp_path, monkeypatch):
    from autograder import sandbox
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    with pytest.raises(sandbox.SandboxUnavailable, match="--no-sandbox"):
        sandbox.BubblewrapLauncher()
