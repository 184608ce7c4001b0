"""Example submissions: the source notebook with some stub cells written another way, as a student would
hand them in. An assignment's `examples.py` lists them; `selftest` grades each, the demo and the tests use
them, and `make-examples` writes the ones with a `student` as nbgrader submissions.

    Example("square_loss without reshape", {"square_loss": "def square_loss(y_hat, y): ..."},
            fails={"square_loss.shape"})

`fails` names the scored checks ("<function>.<check>", "outcome.<check>" for whole-notebook ones) the
example must fail; every other check it is judged on must pass. A quick example (`whole=False`, the
default) is cut after the last stub's test cell, so no training runs and only the stubs' checks are
compared; a whole one runs every cell and is compared on every check, outcomes included.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
_MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.M)
_HIDDEN = re.compile(r"^[ \t]*### (BEGIN|END) HIDDEN TESTS[ \t]*\n?", re.M)


@dataclass(frozen=True)
class Example:
    name: str
    replace: dict[str, str] = field(default_factory=dict)     # stub grade_id → that cell's new source
    fails: frozenset[str] = frozenset()                        # checks it must fail, "<function>.<check>"
    whole: bool = False                                        # run every cell and compare the outcomes too
    student: str | None = None                                 # also an nbgrader submission of this student

    def __post_init__(self):
        object.__setattr__(self, "fails", frozenset(self.fails))


def solution_sources(nb) -> dict[str, str]:
    """grade_id → the reference solution of every solution cell, without nbgrader's markers."""
    out = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution") and meta.get("grade_id"):
            out[meta["grade_id"]] = _MARKERS.sub("", cell.source)
    return out


def example_notebook(source_notebook: Path, example: Example):
    """The source notebook as a student would submit it: solutions without markers, hidden tests gone,
    `example.replace` swapped in, and (unless `whole`) cut after the last stub's test cell."""
    nb = copy.deepcopy(nbformat.read(str(source_notebook), as_version=4))
    known = solution_sources(nb)
    unknown = set(example.replace) - set(known)
    if unknown:
        raise KeyError(f"example {example.name!r} replaces {sorted(unknown)}, which are not stub cells of "
                       f"{source_notebook.name} (stubs: {', '.join(known)})")
    cells, last = [], 0
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if cell.cell_type == "code" and meta.get("solution") and grade_id:
            cell.source = example.replace.get(grade_id, known[grade_id]).strip("\n") + "\n"
        elif cell.cell_type == "code" and meta.get("grade"):
            cell.source = re.sub(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", "", cell.source, flags=re.S)
        cells.append(cell)
        if grade_id and grade_id.startswith("test_") and grade_id != "test_outcome":
            last = len(cells)
    nb.cells = cells if example.whole else cells[:last]
    return nb


def write_example(source_notebook: Path, example: Example, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(example_notebook(source_notebook, example), str(path))
    return path
