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

from .registry import KNOWN_DATASETS, Assignment
from .faults import GraderFault

FASHION_MNIST, TANG_POEMS, ZH_EN_PAIRS = KNOWN_DATASETS    # the names assignment.py's DATASETS may use
# What the kit's loaders raise when the files are absent or damaged; in a notebook cell, never the student's doing.
DATA_ERRORS = ("FashionMNISTNotFound", "IDXFormatError", "TangPoemsNotFound", "PoemsFormatError",
               "ParallelCorpusNotFound", "ParallelCorpusFormatError")


def files_for(assignment: Assignment, root: str | Path | None = None) -> dict[str, Path]:
    """File name → resolved host path of every data file `assignment` needs; GraderFault if any is missing."""
    files = {}
    if FASHION_MNIST in assignment.datasets:
        files.update(_fashion_mnist(assignment, root))
    if TANG_POEMS in assignment.datasets:
        files.update(_tang_poems(assignment, root))
    if ZH_EN_PAIRS in assignment.datasets:
        files.update(_zh_en_pairs(assignment, root))
    return files


def _fashion_mnist(assignment: Assignment, root) -> dict[str, Path]:
    from extension.fashion_mnist import FashionMNISTNotFound, locate
    files = {}
    for train in (True, False):
        try:
            paths = locate(train=train, root=root)
        except FashionMNISTNotFound as exc:
            raise _missing(assignment, "Fashion-MNIST", exc) from None
        files.update({path.name: path.resolve() for path in paths})
    return files


def _tang_poems(assignment: Assignment, root) -> dict[str, Path]:
    from extension.tang_poems import FILE_NAME, TangPoemsNotFound, locate
    try:
        return {FILE_NAME: locate(root).resolve()}   # mounted under its own name, where the loader looks
    except TangPoemsNotFound as exc:
        raise _missing(assignment, "the Tang poems", exc) from None


def _zh_en_pairs(assignment: Assignment, root) -> dict[str, Path]:
    from extension.parallel_corpus import FILE_NAME, KIT_FILE, ParallelCorpusNotFound, locate
    try:
        # a --data-dir without the file still finds the kit's own copy (course/data/): it ships with the kit
        return {FILE_NAME: (locate(root) if root is not None and (Path(root) / FILE_NAME).is_file()
                            else locate()).resolve()}
    except ParallelCorpusNotFound as exc:
        raise _missing(assignment, f"the parallel corpus (kit file {KIT_FILE})", exc) from None


def _missing(assignment: Assignment, what: str, exc: Exception) -> GraderFault:
    return GraderFault(f"course data missing: {assignment.id} needs {what}, which this grader "
                       f"cannot find ({_one_line(exc)})")


def raise_if_data_missing(cell_errors: dict[int, str]) -> None:
    """The notebook's own loader failed to find or read the data inside the sandbox: a GraderFault."""
    for index in sorted(cell_errors):
        if any(name in cell_errors[index] for name in DATA_ERRORS):
            raise GraderFault(f"course data missing inside the sandbox: {_one_line(cell_errors[index])}")


def _one_line(text) -> str:
    return " ".join(str(text).split())[:400]
