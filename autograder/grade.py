"""Grade one submission: read it, run its cells in a separate (sandboxed) process, run every check from
here, and return a Report. The pipeline, in order:

    read_cells → check_belongs → structure_notes → StudentSession.run_cells → run_checks(RemoteProbe) → one_per_crash
      → tamper flags (the cells' AST, and the student process's tripwire; advisory, never scored)

Nothing is written here: callers render the Report (terminal, JSON, JUnit, gradebook).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from . import tamper
from .registry import discover, get_assignment
from .judge_limits import JUDGE_MEMORY_MB
from .checks import run_checks
from .course_data import files_for, raise_if_data_missing
from .notebook import NotebookError, cells_to_run, check_belongs, read_cells, structure_notes
from .probes import RemoteProbe
from .results import Report
from .sandbox import Limits, launcher
from .student_errors import one_per_crash
from .student.session import StudentSession

COURSE_DIR = Path(__file__).resolve().parent.parent / "course"


@dataclass(frozen=True)
class GradeOptions:
    sandbox: bool = True
    cell_timeout: float = 300.0          # one notebook cell (softmax training takes ~10 s here)
    total_timeout: float = 1200.0        # the whole submission, replays included
    limits: Limits = field(default_factory=Limits)
    course_dir: Path = COURSE_DIR        # for the release notebook, to spot edited test cells
    judge_memory_mb: int = JUDGE_MEMORY_MB   # the grading process's own address space (applied by the commands)
    data_root: Path | None = None        # Fashion-MNIST's folder; None: the loader's search path


def release_cells(course_dir: Path, assignment_id: str):
    path = Path(course_dir) / "release" / assignment_id / f"{assignment_id}.ipynb"
    try:
        return read_cells(path)
    except NotebookError:
        return None


def hidden_seed(path: Path) -> int:
    """Hidden data differs per submission yet is the same each time that submission is graded."""
    return int.from_bytes(hashlib.sha256(Path(path).read_bytes()).digest()[:4], "big")


def student_side(assignment) -> tuple[dict[str, str], tuple[Path, ...]]:
    """What the student process imports of the assignment (its scenarios.py, if any), and which of its files
    the sandbox must show: none of the kit's (the kit is mounted whole), a course's declaration and scenarios."""
    path = assignment.file("scenarios")
    if not path.is_file():
        return {}, ()
    code = () if assignment.shipped else (assignment.file("assignment").resolve(), path.resolve())
    return {assignment.id: str(path.resolve())}, code


def grading_env(assignment) -> dict[str, str]:
    """What the notebook's process is told about grading: the assignment's data limit, which the course's
    loaders (extension.d2l) honour so the notebook's own training takes seconds. Nothing is graded from
    that training: outcomes come from the judge's own runs of the stubs on hidden data."""
    return {"D2L_DATA_LIMIT": str(assignment.data_limit)} if assignment.data_limit else {}


def grade_notebook(path: str | Path, assignment_id: str, options: GradeOptions = GradeOptions()) -> Report:
    """Grade `path` as `assignment_id`. Raises NotebookError or KeyError when it cannot be graded at all,
    GraderFault when it cannot be graded fairly here (no grade rather than a wrong one)."""
    path = Path(path)
    known = discover(options.course_dir)
    assignment = get_assignment(assignment_id, options.course_dir)
    cells = read_cells(path)
    check_belongs(cells, assignment, path, known)
    errors = structure_notes(cells, assignment, release_cells(options.course_dir, assignment.id))
    stub_cells = {c.grade_id: c for c in cells if c.grade_id in assignment.stubs and not c.is_test}
    data = files_for(assignment, options.data_root)
    scenarios, code = student_side(assignment)
    launch = launcher(options.sandbox, options.limits, data, code, grading_env(assignment))
    with StudentSession(launch, cell_timeout=options.cell_timeout,
                        total_timeout=options.total_timeout, output_limit=options.limits.output_bytes,
                        scenarios=scenarios) as session:
        session.run_cells(cells_to_run(cells))
        raise_if_data_missing(session.cell_errors)
        hints = {name: f"its {msg}; fix that error and run the cell again" for name, cell in stub_cells.items()
                 if (msg := session.cell_errors.get(cell.index))}
        probe = RemoteProbe(session, missing_hints=hints)
        probe.hidden_seed = hidden_seed(path)
        probe.data_root = options.data_root
        ran = cells_to_run(cells)
        static = tamper.static_flags(ran)
        probe.tampered = bool(static)          # a crash in a check is then the forged reply's, not a grader bug
        results = one_per_crash(run_checks(assignment, probe))
        flags = tamper.merge(static, tamper.runtime_flags(session, ran))
    errors += [session.cell_errors[i] for i in sorted(session.cell_errors)]
    return Report(assignment=assignment.id, checks=results, errors=errors, flags=flags)
