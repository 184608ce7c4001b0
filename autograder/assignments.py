"""The course's assignments: their stubs and graded test cells (the stub table of docs/contracts.md).

Each stub is one nbgrader solution cell whose grade_id is the function's name; each has a test cell
`test_<name>` whose points are the sum of that stub's checks. `test_outcome` holds the whole-notebook
outcomes (learned parameters, accuracy), which concern no single function.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Assignment:
    id: str
    stubs: tuple[str, ...]
    outcome: bool            # has a test_outcome cell
    variables: tuple[str, ...] = ()   # module-level names the outcome checks read
    datasets: tuple[str, ...] = ()    # course data the notebook loads (see autograder.course_data)

    @property
    def test_cells(self) -> dict[str, str | None]:
        """grade_id of each test cell → the function its checks concern (None: outcomes)."""
        cells = {f"test_{stub}": stub for stub in self.stubs}
        if self.outcome:
            cells["test_outcome"] = None
        return cells


ASSIGNMENTS: dict[str, Assignment] = {a.id: a for a in (
    Assignment("ndarray", ("arange_matrix", "l2_norm", "l1_norm", "grad_f", "add_inplace", "add_into"),
               outcome=False),
    Assignment("linreg_scratch", ("data_iter", "net", "square_loss", "SGD"), outcome=True,
               variables=("w", "b")),
    Assignment("linreg_gluon", ("net", "loss", "trainer"), outcome=True, variables=("net",)),
    Assignment("softmax_scratch", ("softmax", "net", "cross_entropy", "accuracy"), outcome=True,
               variables=("W", "b"), datasets=("fashion-mnist",)),
)}


def get_assignment(assignment_id: str) -> Assignment:
    try:
        return ASSIGNMENTS[assignment_id]
    except KeyError:
        raise KeyError(f"unknown assignment {assignment_id!r}; known: {', '.join(ASSIGNMENTS)}") from None
