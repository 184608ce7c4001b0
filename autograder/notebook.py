"""Reading a submission and finding its parts: which cells run, which are stubs, what was tampered with.

`NotebookError` means the file cannot be graded at all (exit status 2); everything else a
submission gets wrong becomes a note in the report and costs only the checks it affects.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .registry import Assignment

MAX_NOTEBOOK_BYTES = 256 << 20
_ASSIGNMENT_VAR = re.compile(r"""^\s*D2L_ASSIGNMENT\s*=\s*["']([\w-]+)["']""", re.MULTILINE)


class NotebookError(Exception):
    """The submission cannot be graded; the message is the one-line reason."""


@dataclass(frozen=True)
class Cell:
    index: int                   # position among all cells, as Jupyter shows them (0-based)
    source: str
    grade_id: str | None
    is_test: bool                # an nbgrader test cell: never run for grading

    @property
    def label(self) -> str:
        """'cell 18 (trainer)', or 'cell 24 (the one starting "dense = net[0]")': feedback pages and graded
        copies show no execution counts, so an index alone cannot be found."""
        if self.grade_id:
            return f"cell {self.index + 1} ({self.grade_id})"
        first = next((line.strip() for line in self.source.splitlines() if line.strip()), "")
        first = first if len(first) <= 60 else first[:59] + "…"
        return f"cell {self.index + 1}" + (f' (the one starting "{first}")' if first else "")


def read_cells(path: str | Path) -> list[Cell]:
    """The notebook's code cells; NotebookError for anything that is not a gradeable nbformat-4 file."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise NotebookError(f"{path}: cannot read it ({exc.strerror})") from None
    if size == 0:
        raise NotebookError(f"{path} is empty: submit the saved .ipynb file")
    if size > MAX_NOTEBOOK_BYTES:
        raise NotebookError(f"{path} is {size >> 20} MiB, over the {MAX_NOTEBOOK_BYTES >> 20} MiB limit: "
                            "clear the outputs (Edit → Clear All Outputs) and save again")
    try:
        data = json.loads(path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NotebookError(f"{path} is not a valid notebook: not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise NotebookError(f"{path} is not a valid notebook: the JSON is not an object")
    version = data.get("nbformat")
    if version != 4:
        raise NotebookError(f"{path} is nbformat {version}, not 4: open it in JupyterLab and save it to convert")
    raw_cells = data.get("cells")
    if not isinstance(raw_cells, list):
        raise NotebookError(f"{path} is not a valid notebook: it has no list of cells")
    cells = []
    for index, raw in enumerate(raw_cells):
        if not isinstance(raw, dict) or raw.get("cell_type") != "code":
            continue
        source = raw.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if not isinstance(source, str):
            raise NotebookError(f"{path}: cell {index + 1} has a source that is not text")
        meta = raw.get("metadata", {}).get("nbgrader", {}) if isinstance(raw.get("metadata"), dict) else {}
        meta = meta if isinstance(meta, dict) else {}
        grade_id = meta.get("grade_id") if isinstance(meta.get("grade_id"), str) else None
        is_test = bool(meta.get("grade")) and not meta.get("solution")
        cells.append(Cell(index, source, grade_id, is_test))
    return cells


def declared_assignment(cells: list[Cell]) -> str | None:
    for cell in cells:
        match = _ASSIGNMENT_VAR.search(cell.source)
        if match:
            return match.group(1)
    return None


def check_belongs(cells: list[Cell], assignment: Assignment, path, known: dict[str, Assignment]) -> None:
    """NotebookError when the notebook is plainly another of the `known` assignments'."""
    declared = declared_assignment(cells)
    if declared and declared != assignment.id and declared in known:
        raise NotebookError(f"{path} is the {declared} notebook (D2L_ASSIGNMENT = {declared!r}), "
                            f"not {assignment.id}: grade it with --assignment {declared}")
    ids = {c.grade_id for c in cells if c.grade_id}
    if not ids & set(assignment.stubs) and not declared:
        others = [a.id for a in known.values() if a.id != assignment.id and set(a.stubs) <= ids]
        if others:
            raise NotebookError(f"{path} has the stub cells of {others[0]}, none of {assignment.id}: "
                                f"grade it with --assignment {others[0]}")


def structure_notes(cells: list[Cell], assignment: Assignment, reference: list[Cell] | None) -> list[str]:
    """What is missing, duplicated or edited, said plainly. Grading goes on regardless."""
    notes = []
    for stub in assignment.stubs:
        found = [c for c in cells if c.grade_id == stub and not c.is_test]
        if not found:
            notes.append(f"the stub cell '{stub}' is missing (deleted, or its nbgrader metadata was removed); "
                         f"{stub} is graded from whatever the notebook defines")
        elif len(found) > 1:
            notes.append(f"the stub cell '{stub}' appears {len(found)} times ({', '.join(c.label for c in found)}); "
                         "the last definition counts")
    if reference is not None:
        ours = {c.grade_id: c for c in cells if c.is_test and c.grade_id}
        for ref in (c for c in reference if c.is_test and c.grade_id):
            mine = ours.get(ref.grade_id)
            if mine is None:
                notes.append(f"the test cell '{ref.grade_id}' was deleted (ignored: the grader runs its own checks)")
            elif _strip_hidden(mine.source).strip() != _strip_hidden(ref.source).strip():
                notes.append(f"the test cell '{ref.grade_id}' was edited (ignored: the grader runs its own checks)")
    return notes


def _strip_hidden(source: str) -> str:
    return re.sub(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", "", source, flags=re.S)


def cells_to_run(cells: list[Cell]) -> list[Cell]:
    """Every code cell but nbgrader's test cells: the student's versions of those are never run."""
    return [c for c in cells if not c.is_test and c.source.strip()]
