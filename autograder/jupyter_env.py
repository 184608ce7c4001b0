"""Environments for running Jupyter tools (nbgrader, kernels, JupyterLab) from this interpreter.

nbgrader shells out to `alembic` when it creates a gradebook, so the interpreter's bin directory must
be on PATH even when the venv is not activated. Tests and benchmarks also keep every Jupyter
directory in a temporary folder so that nothing reads or writes the user's own.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

JUPYTER_DIRS = [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython")]
LAB_DIRS = [("JUPYTERLAB_SETTINGS_DIR", "lab-settings"), ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces")]


def with_interpreter_on_path(env: dict) -> dict:
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return env


def isolated_jupyter_env(root: Path, lab: bool = False, **extra: str | None) -> dict:
    """os.environ with every Jupyter/IPython directory under `root`, grading's D2L_CTX=cpu, and `extra`
    (a value of None removes that variable)."""
    env = with_interpreter_on_path(dict(os.environ))
    for var, sub in JUPYTER_DIRS + (LAB_DIRS if lab else []):
        (Path(root) / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(Path(root) / sub)
    env.pop("JUPYTER_PATH", None)
    env["D2L_CTX"] = "cpu"
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env
