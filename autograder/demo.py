"""`python -m autograder demo`: grade the shipped example submissions end to end, never touching the repo.

It builds a throwaway nbgrader course (the repo's config and source notebooks, course/examples/submitted
as its submitted/ tree), runs stock `nbgrader generate_assignment` there so the gradebook knows the
assignments, then `grade_all` over every example, and returns the rows for the summary table.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .registry import discover
from .jupyter_env import with_interpreter_on_path
from .grade import COURSE_DIR


def build_demo_course(dest: Path, course_dir: Path = COURSE_DIR) -> Path:
    """A course at `dest` with the examples as submissions and every assignment generated."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(course_dir / "nbgrader_config.py", dest / "nbgrader_config.py")
    shutil.copytree(course_dir / "source", dest / "source", dirs_exist_ok=True)
    examples = course_dir / "examples" / "submitted"
    if not examples.is_dir():
        raise FileNotFoundError(f"no example submissions at {examples}")
    shutil.copytree(examples, dest / "submitted", dirs_exist_ok=True)
    env = with_interpreter_on_path(dict(os.environ))
    known = discover(dest)
    assignments = sorted(p.name for p in (dest / "source").iterdir() if p.name in known)
    for assignment in assignments:
        proc = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force"],
                              cwd=dest, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"nbgrader generate_assignment {assignment} failed:\n{proc.stdout}{proc.stderr}")
    return dest
