"""Course data for grading: the files the grader itself finds, handed read-only to the sandbox.

    data = files_for(assignment, root=None)        # {"t10k-images-idx3-ubyte.gz": Path(...), ...}
    launcher(True, limits, data)                   # mounted at sandbox.DATA_DIR, D2L_DATA points there
    raise_if_data_missing(session.cell_errors)     # after the notebook ran

The sandboxed notebook has HOME=/tmp and none of the grader's environment, so `$D2L_DATA` and
`~/.mxnet/datasets/…` on the host mean nothing there; this module resolves them on the grader's side
(`extension.fashion_mnist`'s own search path, or the explicit `root`). Data that is missing, or that the
notebook's loader cannot find or read, is a GraderFault: a correct notebook must never lose points
because the machine that grades it lacks the course's data.
"""
from __future__ import annotations

from pathlib import Path

from .registry import Assignment
from .faults import GraderFault

FASHION_MNIST = "fashion-mnist"
# What the kit's loader raises when the files are absent or damaged; in a notebook cell, never the student's doing.
DATA_ERRORS = ("FashionMNISTNotFound", "IDXFormatError")


def files_for(assignment: Assignment, root: str | Path | None = None) -> dict[str, Path]:
    """File name → resolved host path of every data file `assignment` needs; GraderFault if any is missing."""
    if FASHION_MNIST not in assignment.datasets:
        return {}
    from extension.fashion_mnist import FashionMNISTNotFound, locate
    files = {}
    for train in (True, False):
        try:
            paths = locate(train=train, root=root)
        except FashionMNISTNotFound as exc:
            raise GraderFault(f"course data missing: {assignment.id} needs Fashion-MNIST, which this grader "
                              f"cannot find ({_one_line(exc)})") from None
        files.update({path.name: path.resolve() for path in paths})
    return files


def raise_if_data_missing(cell_errors: dict[int, str]) -> None:
    """The notebook's own loader failed to find or read the data inside the sandbox: a GraderFault."""
    for index in sorted(cell_errors):
        if any(name in cell_errors[index] for name in DATA_ERRORS):
            raise GraderFault(f"course data missing inside the sandbox: {_one_line(cell_errors[index])}")


def _one_line(text) -> str:
    return " ".join(str(text).split())[:400]
