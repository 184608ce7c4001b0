"""The README's instructor commands, literally and in order, on a copy of the course as shipped
(release/ included): generate → release → (a student fetches and submits) → collect → grade-all →
generate_feedback → release_feedback → export. The commands are read from the README, so this test
breaks when the README and the code disagree.

Run as the current user. As an ordinary user it would need the interpreter to be reachable by that
user; on this project's machines Python lives under /root (mode 0700), so `nobody` cannot run it.
What the test checks instead: the exchange is a folder of the course (which its owner can create),
not nbgrader's root-only default.
"""
from __future__ import annotations

import csv
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))   # --import-mode=importlib: make the sibling helper importable
from classkit import COURSE, ROOT, example, isolated_env

pytestmark = pytest.mark.slow

A = "linreg_scratch"
NOT_SHIPPED = shutil.ignore_patterns("gradebook.db", "submitted", "autograded", "feedback", "exchange",
                                     ".nbgrader.log", "grades.csv", "__pycache__", ".ipynb_checkpoints")


def readme_instructor_commands() -> list[str]:
    """The command lines of the README's instructor block, comments stripped, `cd course` first."""
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## For instructors"):]
    block = re.search(r"```\n(.*?)```", section, re.S).group(1)
    lines = [line.split("#", 1)[0].strip() for line in block.splitlines() if not line.startswith(" ")]
    lines = [line for line in lines if line]
    assert lines[0] == "cd course", lines
    return lines[1:]


def argv(line: str) -> list[str]:
    words = shlex.split(line)
    if words[0] == "nbgrader":
        return [sys.executable, "-m", "nbgrader", *words[1:]]
    assert words[0] == "python", line
    return [sys.executable, *words[1:]]


def run(cmd: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    print(f"{time.monotonic() - start:6.1f} s  {' '.join(cmd[2:])}")
    assert proc.returncode == 0, f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    return proc


def test_the_readme_instructor_workflow_on_the_course_as_shipped(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(COURSE, course, ignore=NOT_SHIPPED)
    shipped_release = (COURSE / "release" / A / f"{A}.ipynb").read_bytes()
    assert (course / "release" / A).is_dir()          # as shipped: generate_assignment finds it there
    env = isolated_env(tmp_path / "jupyter")
    env["HOME"] = str(tmp_path / "home")
    student_dir = tmp_path / "student"
    student_dir.mkdir()
    student = ["--course", "d2l", f"--Exchange.root={course / 'exchange'}"]   # the student's own config

    commands = readme_instructor_commands()
    ran, outputs = [], {}
    for line in commands:
        if line.startswith("nbgrader formgrader"):     # a web server for optional manual review
            continue
        proc = run(argv(line), course, env)
        words = line.split()
        step = words[1] if words[0] == "nbgrader" else words[2]      # `python -m autograder …`
        ran.append(step)
        outputs[step] = proc
        if line.startswith("nbgrader release_assignment"):
            # What a student does between release and collect (not in the instructor's block).
            run([sys.executable, "-m", "nbgrader", "fetch_assignment", A, *student], student_dir, env)
            shutil.copy(example("example-bug", A), student_dir / A / f"{A}.ipynb")
            run([sys.executable, "-m", "nbgrader", "submit", A, *student], student_dir, env)
    assert ran == ["generate_assignment", "release_assignment", "collect", "autograder", "generate_feedback",
                   "release_feedback", "export"], ran

    assert (course / "release" / A / f"{A}.ipynb").read_bytes() == shipped_release
    assert (course / "exchange" / "d2l" / "outbound" / A).is_dir()            # the course's own exchange
    [who] = [p.name for p in (course / "submitted").iterdir()]
    grading = outputs["autograder"]
    assert who in grading.stdout and "graded" in grading.stdout, grading.stdout
    score = float(re.search(rf"{re.escape(who)}\s+{A}\s+([\d.]+)/10\s+graded", grading.stdout).group(1))
    assert 0 < score < 10, grading.stdout                                      # the buggy example
    feedback = course / "feedback" / who / A / f"{A}.html"
    assert "SGD" in feedback.read_text()
    assert list((course / "exchange" / "d2l" / "feedback").rglob("*.html"))   # released to the student
    with open(course / "grades.csv", newline="") as fh:
        exported = [r for r in csv.DictReader(fh) if r["assignment"] == A]
    assert [(r["student_id"], float(r["score"])) for r in exported] == [(who, score)]


def test_grade_all_names_the_command_that_registers_a_shipped_assignment(tmp_path):
    """Without --force, generate_assignment skips the shipped release/ and registers nothing."""
    course = tmp_path / "course"
    shutil.copytree(COURSE, course, ignore=NOT_SHIPPED)
    env = isolated_env(tmp_path / "jupyter")
    run([sys.executable, "-m", "nbgrader", "generate_assignment", A], course, env)
    (course / "submitted" / "alice" / A).mkdir(parents=True)
    shutil.copy(example("example-correct", A), course / "submitted" / "alice" / A / f"{A}.ipynb")
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade-all", ".", "--assignment", A],
                          cwd=course, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert f"nbgrader generate_assignment {A} --force" in proc.stderr, proc.stderr
    assert "nbgrader generate_assignment" in " ".join(readme_instructor_commands())
    assert f"generate_assignment {A} --force" in " ".join(readme_instructor_commands())
