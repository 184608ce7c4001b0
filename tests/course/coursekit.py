"""Shared facts and helpers for the course tests (imported as `coursekit`; conftest.py holds the fixtures): the assignments' stubs and points, tmp course copies,
stock nbgrader run as a subprocess, and real kernels.

Every nbgrader or kernel run gets its own Jupyter/IPython directories under the test's temp dir, so a
developer's installed kernelspecs, remembered context or IPython profile never leak in.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.jupyter_env import isolated_jupyter_env

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "course"
COURSE_ID = "d2l"
KERNEL_NAME = "d2l"

def _shipped():
    from autograder.registry import discover
    return {a: found for a, found in sorted(discover(COURSE).items()) if found.shipped}


def _points(assignment) -> dict[str, float]:
    """Points of every graded cell, by the stub it checks ("outcome": the test_outcome cell): the sum of the
    points of the checks that cell runs, as the assignment's folder declares them."""
    from autograder.checks import checks_for
    points: dict[str, float] = {}
    for check in checks_for(assignment):
        key = check.function or "outcome"
        points[key] = points.get(key, 0) + check.points
    return {key: int(v) if float(v).is_integer() else v for key, v in points.items()}


# Every assignment of the kit with its notebook here, found by the registry (never listed by hand).
POINTS = {a: _points(found) for a, found in _shipped().items()}
ASSIGNMENTS = list(POINTS)

# The stubs whose solution cell defines a function, with its parameters (the declaration's SIGNATURES);
# the others build a module-level object in the cell (linreg_gluon).
SIGNATURES = {a: {stub: list(params) for stub, params in found.signatures} for a, found in _shipped().items()}

EXAMPLE_STUDENTS = ("example-correct", "example-bug", "example-crash")


def stubs(assignment: str) -> list[str]:
    return [name for name in POINTS[assignment] if name != "outcome"]


def grade_ids(assignment: str) -> dict[str, int]:
    """{test cell grade_id: points}."""
    return {f"test_{name}": points for name, points in POINTS[assignment].items()}


def source_path(assignment: str) -> Path:
    return COURSE / "source" / assignment / f"{assignment}.ipynb"


def release_path(assignment: str) -> Path:
    return COURSE / "release" / assignment / f"{assignment}.ipynb"


def read(path: Path):
    return nbformat.read(path, as_version=4)


def nbgrader_meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def isolated_env(root: Path, **extra: str | None) -> dict:
    return isolated_jupyter_env(root, **extra)


# Run in front of a tool to take the kernelspecs installed in sys.prefix (the venv's `d2l` and
# `python3`) out of Jupyter's search path, as on a machine where `d2l-kernel install` never ran.
# `python3` still resolves: jupyter_client falls back to ipykernel's built-in spec for this interpreter.
HIDE_ENV_KERNELSPECS = "import jupyter_core.paths; jupyter_core.paths.ENV_JUPYTER_PATH[:] = []\n"


def python_command(code: str, hide_env_kernelspecs: bool) -> list[str]:
    return [sys.executable, "-c", (HIDE_ENV_KERNELSPECS if hide_env_kernelspecs else "") + code]


def visible_kernels(env: dict, hide_env_kernelspecs: bool = False) -> set[str]:
    """The kernelspec names Jupyter finds under `env`."""
    code = ("import json; from jupyter_client.kernelspec import KernelSpecManager\n"
            "print(json.dumps(sorted(KernelSpecManager().find_kernel_specs())))")
    out = subprocess.run(python_command(code, hide_env_kernelspecs), env=env, capture_output=True, text=True,
                         check=True).stdout
    return set(json.loads(out))


def copy_course(dest: Path) -> Path:
    """A fresh course root: the config and the source notebooks, no gradebook, no release."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(COURSE / "nbgrader_config.py", dest / "nbgrader_config.py")
    shutil.copytree(COURSE / "source", dest / "source")
    return dest


def nbgrader(course: Path, *args: str, env: dict, hide_env_kernelspecs: bool = False,
             timeout: float = 1800) -> subprocess.CompletedProcess:
    """Run stock `nbgrader` from the course root; fail with its log when it exits non-zero."""
    code = "import runpy, sys; sys.argv[0] = 'nbgrader'; runpy.run_module('nbgrader', run_name='__main__')"
    proc = subprocess.run(python_command(code, hide_env_kernelspecs) + list(args), cwd=course, env=env,
                          capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        pytest.fail(f"nbgrader {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc


def kernel_name(env: dict) -> str:
    """The course kernel if installed, else ipykernel's python3 (what nbgrader_config.py does)."""
    return KERNEL_NAME if KERNEL_NAME in visible_kernels(env) else "python3"
