"""Each source notebook runs top to bottom on a real kernel and reaches the book's results.

What each must reach is declared in its assignment folder's book.py (see autograder.book_results): e.g.
linear regression to a loss below 1e-4 with |w - true_w| < 0.01, softmax regression to at least 80% test
accuracy on Fashion-MNIST. The numbers are read from the kernel after the run by one extra cell that prints
them as JSON, computed from the notebook's parameters with plain MXNet (not with the notebook's own functions).
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from autograder.book_results import compare, declared, run_source_notebook

sys.path.insert(0, str(Path(__file__).parent))   # --import-mode=importlib: make the sibling helper importable
from coursekit import ASSIGNMENTS, source_path  # noqa: E402

pytestmark = pytest.mark.slow
GROUP_BY_ASSIGNMENT = True   # one xdist group per assignment (tests/conftest.py): the file grows with the course


@pytest.fixture(scope="module")
def executed():
    """{assignment: BookRun}, each source notebook run once (one at a time), under its book.py's
    TEST_DATA_LIMIT, with its PROBE printed after the last cell."""
    runs = {}

    def run(assignment):
        if assignment not in runs:
            book = declared(assignment)
            runs[assignment] = run_source_notebook(source_path(assignment), book.PROBE, book.TEST_DATA_LIMIT,
                                                   timeout=900)
        return runs[assignment]

    return run


def value_of(nb, cell_id) -> str:
    cell = next(c for c in nb.cells if c.get("id") == cell_id)
    return "".join(o.data.get("text/plain", "") for o in cell.outputs if o.output_type == "execute_result")


def test_every_shipped_assignment_declares_its_book_result():
    """A new assignment cannot skip this file's run: its folder must say what its notebook reaches."""
    assert [a for a in ASSIGNMENTS if declared(a) is None] == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_notebook_runs_without_errors(assignment, executed):
    """Every cell, the check cells included, passes on the reference solution."""
    run = executed(assignment)
    print(f"{assignment}: ran in {run.seconds:.1f} s; {run.values}")   # shown with -s
    assert run.errors == []
    assert run.values is not None, "the probe cell printed nothing"


@pytest.mark.parametrize("assignment", [a for a in ASSIGNMENTS if not declared(a).TEST_DATA_LIMIT])
def test_source_notebook_reaches_the_books_result(assignment, executed):
    """The numbers of the book's section (book.py's EXPECT), computed by the probe with plain MXNet.
    Notebooks that train for minutes are held to their numbers by benchmarks/book_results.py instead."""
    run = executed(assignment)
    assert compare(run.values, declared(assignment).EXPECT) == [], (run.errors, run.values)


def test_ndarray_memory_lesson_shows_the_books_identities(executed):
    nb = executed("ndarray").notebook
    assert value_of(nb, "memory-rebind") == "False"    # Y = Y + X: a new array
    assert value_of(nb, "memory-slice") == "True"      # Z[:] = X + Y: same Z (through a temporary)
    assert value_of(nb, "memory-out") == "True"        # nd.elemwise_add(X, Y, out=Z)
    assert value_of(nb, "memory-iadd") == "True"       # X += Y
