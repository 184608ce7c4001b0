"""`new-assignment` writes a skeleton that `selftest` passes as generated, and `selftest` catches a broken
assignment — a check nothing fails, wrong test-cell points, a solution that loses points — each by name."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def run(*args, cwd, timeout=600):
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    made = run("new-assignment", "lab1", "--course-dir", str(course), cwd=ROOT)
    assert made.returncode == 0, made.stderr
    return course


def test_the_skeleton_passes_selftest_as_generated(course):
    for part in ("assignment", "checks", "scenarios", "examples"):
        assert (course / "source" / "lab1" / "grader" / f"{part}.py").is_file()
    assert (course / "release" / "lab1" / "lab1.ipynb").is_file()
    assert (course / "release" / "lab1" / "grader" / "scenarios.py").is_file()     # released with the notebook
    tested = run("selftest", "lab1", "--course-dir", str(course), cwd=ROOT)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    for row in ("declaration", "cells", "points", "release", "solution", "release zero", "coverage"):
        assert any(line.split()[:1] == ["ok"] and row in line for line in tested.stdout.splitlines()), row
    assert "ready to release" in tested.stdout


def test_new_assignment_refuses_to_overwrite_and_kit_ids(course):
    again = run("new-assignment", "lab1", "--course-dir", str(course), cwd=ROOT)
    assert again.returncode == 2 and "exists already" in again.stderr
    clash = run("new-assignment", "linreg_scratch", "--course-dir", str(course), cwd=ROOT)
    assert clash.returncode == 2 and "already has an assignment" in clash.stderr


def broken_copy(course: Path, tmp_path: Path) -> Path:
    import shutil
    copy = tmp_path / "broken"
    shutil.copytree(course, copy, ignore=shutil.ignore_patterns("gradebook.db", "__pycache__"))
    return copy


def selftest_rows(course: Path) -> dict[str, str]:
    tested = run("selftest", "lab1", "--course-dir", str(course), cwd=ROOT)
    assert tested.returncode == 1, tested.stdout + tested.stderr
    rows = {}
    for line in tested.stdout.splitlines()[1:-1]:
        verdict, rest = line.split(None, 1)
        rows.setdefault(rest.split("  ")[0].strip(), f"{verdict} {rest}")
    return rows


def test_a_check_nothing_fails_is_reported_untested(course, tmp_path):
    broken = broken_copy(course, tmp_path)
    checks = broken / "source" / "lab1" / "grader" / "checks.py"
    checks.write_text(checks.read_text() + '''

@check(A, "scale", "shape_again", points=0.5)
def shape_again(probe):
    X = np.ones((2, 3))
    out, _ = probe.call("scale", X, 2.0)
    if numbers(out, function="scale").shape != (2, 3):
        fail("scale changed the shape")
''')
    examples = broken / "source" / "lab1" / "grader" / "examples.py"
    # keep the example that adds (it keeps the shape); drop the crash, which fails every check
    examples.write_text(examples.read_text().split('    Example("crashes"')[0] + ")\n")
    rows = selftest_rows(broken)
    assert rows["coverage"].startswith("FAIL") and "scale.shape_again" in rows["coverage"]
    assert rows["points"].startswith("FAIL") and "test_scale has 1 points, its checks 1.5" in rows["points"]


def test_wrong_points_and_a_losing_solution_are_caught(course, tmp_path):
    broken = broken_copy(course, tmp_path)
    notebook = broken / "source" / "lab1" / "lab1.ipynb"
    nb = json.loads(notebook.read_text())
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade_id") == "test_outcome":
            meta["points"] = 3
        if meta.get("grade_id") == "scale":
            cell["source"] = cell["source"].replace("return X * factor", "return X * factor + 1") \
                if isinstance(cell["source"], str) else [l.replace("return X * factor", "return X * factor + 1")
                                                          for l in cell["source"]]
    notebook.write_text(json.dumps(nb))
    rows = selftest_rows(broken)
    assert rows["points"].startswith("FAIL") and "test_outcome has 3 points, its checks 1" in rows["points"]
    assert rows["solution"].startswith("FAIL") and "lab1.scale.values" in rows["solution"]
    assert rows["release"].startswith("FAIL") and "out of date" in rows["release"]
