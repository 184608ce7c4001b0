"""Builders for submissions: take a reference notebook, swap stub cells, add or drop cells."""
from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "course" / "source"


def source_notebook(assignment: str):
    return nbformat.read(SOURCE / assignment / f"{assignment}.ipynb", as_version=4)


def stub_sources(assignment: str) -> dict[str, str]:
    """The reference solution of every stub, without nbgrader's markers."""
    out = {}
    for cell in source_notebook(assignment).cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution") and meta.get("grade_id"):
            out[meta["grade_id"]] = re.sub(r"^\s*### (BEGIN|END) SOLUTION\s*$\n?", "", cell.source, flags=re.M)
    return out


def build_notebook(path: Path, assignment: str, replace: dict[str, str] | None = None,
                   stubs_only: bool = False, insert_after: dict[str, str] | None = None) -> Path:
    """Write a submission: the reference with stub cells replaced (by grade_id), optionally cut after the
    last stub cell (fast: no training), optionally with extra code cells after a given grade_id."""
    nb = copy.deepcopy(source_notebook(assignment))
    cells, last_stub = [], 0
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if replace and grade_id in replace:
            cell.source = replace[grade_id]
        cells.append(cell)
        if cell.metadata.get("nbgrader", {}).get("solution"):
            last_stub = len(cells)
        if insert_after and grade_id in insert_after:
            cells.append(nbformat.v4.new_code_cell(insert_after[grade_id]))
    nb.cells = cells[:last_stub] if stubs_only else cells
    nbformat.write(nb, path)
    return path


@pytest.fixture
def notebook_builder(tmp_path):
    counter = iter(range(10_000))

    def build(assignment, **kwargs):
        return build_notebook(tmp_path / f"{assignment}-{next(counter)}.ipynb", assignment, **kwargs)
    return build
