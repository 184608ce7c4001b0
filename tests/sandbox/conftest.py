"""Fixtures for the red-team suite: build hostile submissions from the reference notebook and grade
them with the real command (`python -m autograder grade`, real bubblewrap) in a subprocess.

Each hostile notebook is course/source/linreg_scratch/linreg_scratch.ipynb (all stubs correct) with
one cell inserted or replaced, so the credit of the other stubs can be compared with the clean grade.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "course" / "source" / "linreg_scratch" / "linreg_scratch.ipynb"
# Short limits keep the suite quick; grading under them must still give the clean notebook 10/10.
FAST = ["--cell-timeout", "10", "--timeout", "150"]


@dataclass
class Graded:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    report: dict | None

    def by_id(self) -> dict:
        return {c["id"]: c for c in self.report["checks"]}

    @property
    def errors_text(self) -> str:
        return "\n".join(self.report["errors"]) if self.report else ""


def require_bwrap() -> str:
    path = shutil.which("bwrap")
    if not path:   # fail, never skip: CI must not go green without the sandbox (.ci/run installs it)
        pytest.fail("bubblewrap (bwrap) is not installed: the sandbox tests need it (apt-get install bubblewrap)")
    return path


def grade(notebook: Path, out_dir: Path, *extra: str, assignment: str = "linreg_scratch",
          env: dict | None = None, limit: float = 240) -> Graded:
    report_path = out_dir / f"report-{uuid.uuid4().hex[:8]}.json"
    cmd = [sys.executable, "-m", "autograder", "grade", str(notebook), "--assignment", assignment,
           "--json", str(report_path), *FAST, *extra]
    start = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=limit,
                          env=env if env is not None else os.environ.copy())
    seconds = time.monotonic() - start
    report = json.loads(report_path.read_text()) if report_path.exists() else None
    return Graded(proc.returncode, proc.stdout, proc.stderr, seconds, report)


def load_source() -> dict:
    return json.loads(SOURCE.read_text())


def code_cell(source: str, grade_id: str | None = None, solution: bool = False) -> dict:
    meta = {}
    if grade_id:
        meta["nbgrader"] = {"grade": False, "grade_id": grade_id, "locked": False, "schema_version": 3,
                            "solution": solution, "task": False}
    return {"cell_type": "code", "execution_count": None, "metadata": meta, "outputs": [], "source": source}


def index_of(nb: dict, grade_id: str) -> int:
    for i, cell in enumerate(nb["cells"]):
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            return i
    raise KeyError(grade_id)


def with_cell(source: str, after: str = "test_net") -> dict:
    """The reference notebook with one more (plain) cell after the cell `after`."""
    nb = load_source()
    nb["cells"].insert(index_of(nb, after) + 1, code_cell(source))
    return nb


def write(nb: dict, path: Path) -> Path:
    path.write_text(json.dumps(nb))
    return path


def processes_with(marker: str, wait: float = 5.0) -> list[str]:
    """Command lines on the host that contain `marker`, after giving killed processes `wait` s to go."""
    deadline = time.monotonic() + wait
    while True:
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if marker.encode() in cmdline:
                found.append(entry.name + ": " + cmdline.replace(b"\0", b" ").decode(errors="replace"))
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


@pytest.fixture(scope="session")
def bwrap() -> str:
    return require_bwrap()


@pytest.fixture(scope="session")
def clean(bwrap, tmp_path_factory) -> Graded:
    """The reference notebook graded under the suite's limits: the credit every attack is compared with."""
    out = tmp_path_factory.mktemp("clean")
    graded = grade(write(load_source(), out / "clean.ipynb"), out)
    assert graded.returncode == 0, graded.stderr
    assert graded.report["score"] == graded.report["max_score"] == 10.0, graded.stdout
    return graded


@pytest.fixture
def marker() -> str:
    return f"d2lredteam{uuid.uuid4().hex[:12]}"


@pytest.fixture
def escape_targets(marker):
    """Files an attack tries to create outside its sandbox; each test checks none appears."""
    targets = [REPO / f"PWNED-{marker}", Path("/tmp") / f"PWNED-{marker}", SOURCE.parent / f"PWNED-{marker}"]
    yield targets
    for target in targets:
        target.unlink(missing_ok=True)
