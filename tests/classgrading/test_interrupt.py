"""Ctrl-C on grade-all: it stops within a couple of seconds with one line, no traceback, nothing
half-written (no scratch folders, no student processes, only whole gradebook rows), and the next
run finishes the class.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))   # --import-mode=importlib: make the sibling helper importable
from classkit import ROOT, example, graded_count, grader, isolated_env, make_course, rows, submit

pytestmark = [pytest.mark.slow, pytest.mark.serial]   # deadlines and timings: run alone, not beside another worker

LINE = re.compile(r"^interrupted: (\d+) graded, (\d+) left; run again to continue$")



def _runners() -> list[str]:
    """Student processes of this checkout still alive (other checkouts on the machine may be grading too)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes() if entry.name.isdigit() else b""
        except OSError:
            continue
        if b"autograder.student.runner" in cmdline and sys.prefix.encode() in cmdline:
            found.append(cmdline.replace(b"\0", b" ").decode(errors="replace"))
    return found


def _sigint_as_in_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_at_once_with_one_line_and_the_next_run_finishes(tmp_path):
    env = isolated_env(tmp_path / "jupyter")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env["TMPDIR"] = str(scratch)             # every scratch folder of this run lands here, to be checked
    course = make_course(tmp_path / "course", ["linreg_scratch"], env)
    students = [f"s{i}" for i in range(6)]
    for student in students:
        submit(course, student, "linreg_scratch", example("example-correct", "linreg_scratch"))
    assert not _runners(), "student processes of another test are still running"

    # Like a terminal's Ctrl-C: SIGINT to the whole foreground process group, workers included.
    # A suite started in the background by a non-interactive shell (`make test &`) inherits SIGINT
    # ignored, and so would grade-all, which then rightly runs on: give it a terminal's disposition.
    run = subprocess.Popen([sys.executable, "-m", "autograder", "grade-all", str(course), "--jobs", "2"],
                           cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           start_new_session=True, preexec_fn=_sigint_as_in_a_terminal)
    deadline = time.monotonic() + 300
    while graded_count(course) < 1 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)                           # the next units are in flight now
    assert run.poll() is None, "the run finished before it could be interrupted"
    pressed = time.monotonic()
    os.killpg(run.pid, signal.SIGINT)
    out, err = run.communicate(timeout=30)
    stopped_after = time.monotonic() - pressed

    assert run.returncode == 130, (run.returncode, out, err)
    assert stopped_after < 3.0, f"took {stopped_after:.1f} s to stop"
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    last = err.strip().splitlines()[-1]
    match = LINE.match(last)
    assert match, err
    graded, left = int(match[1]), int(match[2])
    assert graded == graded_count(course) and graded >= 1 and graded + left == len(students), err
    assert out == ""                          # no summary table for a run that did not finish

    time.sleep(1.0)
    assert not _runners(), "a student process outlived the interrupted run"
    assert not list(scratch.iterdir()), "scratch folders left behind"

    proc = grader("grade-all", str(course), "--json", str(tmp_path / "rows.json"), "--jobs", "2", env=env)
    assert proc.returncode == 0, proc.stderr
    statuses = [r["status"] for r in rows(tmp_path / "rows.json").values()]
    assert statuses.count("done earlier") == graded and statuses.count("graded") == len(students) - graded
    assert all(r["score"] == 10 for r in rows(tmp_path / "rows.json").values())
