"""The book's results: each reference (source) notebook, run top to bottom on a real kernel, must reach them.

An assignment folder's optional `book.py` declares what its notebook must show:

    PROBE            a Python expression the kernel evaluates after the last cell: a dict of plain values,
                     computed with plain MXNet from the notebook's variables (not with its own stubs)
    EXPECT           name → (low, high) as a tuple, either end None for open; anything else (a list
                     included) is an exact value, == compared
    TEST_DATA_LIMIT  0: the test suite runs the notebook whole and asserts EXPECT. N > 0: training takes
                     minutes on a CPU, so the suite runs it on the first N examples of each split (every cell
                     must pass, nothing asserted) and `benchmarks/book_results.py` runs it whole and asserts EXPECT.

Used by tests/course/test_course_execute.py and benchmarks/book_results.py; nothing here grades students.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

MARK = "D2L_RESULT "


@dataclass(frozen=True)
class BookRun:
    notebook: object          # the executed nbformat notebook
    values: dict | None       # what PROBE printed (None: the probe cell did not print)
    seconds: float

    @property
    def errors(self) -> list[str]:
        return [f"cell {c.get('id')}: {o.ename}: {o.evalue}" for c in self.notebook.cells
                if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]


def declared(assignment) -> object | None:
    """The assignment's book.py module, or None when it declares no result."""
    from .registry import get_assignment, load
    return load(get_assignment(assignment), "book")


def run_source_notebook(notebook_path: Path, probe: str = "{}", data_limit: int = 0,
                        timeout: float = 1800, kernel: str | None = None) -> BookRun:
    """Execute the notebook on a fresh kernel (its own Jupyter dirs, D2L_CTX=cpu), then print `probe`."""
    import nbformat
    from nbclient import NotebookClient
    from .jupyter_env import isolated_jupyter_env

    nb = nbformat.read(str(notebook_path), as_version=4)
    # numpy and MXNet scalars (a float32 loss, a numpy bool) print as the plain numbers they hold
    nb.cells.append(nbformat.v4.new_code_cell(
        "_plain = lambda v: v.item() if hasattr(v, 'item') else str(v)", id="book-plain"))
    nb.cells.append(nbformat.v4.new_code_cell(
        f"import json as _json\nprint({MARK!r} + _json.dumps({probe}, default=_plain))", id="book-probe"))
    with tempfile.TemporaryDirectory(prefix="d2l-book-") as tmp:
        env = isolated_jupyter_env(Path(tmp), D2L_DATA_LIMIT=str(data_limit) if data_limit else None)
        saved = {key: os.environ.get(key) for key in env if key.startswith(("JUPYTER_", "IPYTHON"))}
        os.environ.update({key: env[key] for key in saved})     # the kernelspec lookup reads os.environ
        try:
            client = NotebookClient(nb, kernel_name=kernel or _kernel_name(), timeout=timeout,
                                    startup_timeout=120, allow_errors=True,
                                    resources={"metadata": {"path": str(Path(notebook_path).parent)}})
            start = time.perf_counter()
            client.execute(env=env)
            seconds = time.perf_counter() - start
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    values = json.loads(text.split(MARK, 1)[1]) if MARK in text else None
    return BookRun(nb, values, seconds)


def _kernel_name() -> str:
    """The course kernel where `d2l-kernel install` ran, else ipykernel's python3 (as nbgrader_config.py)."""
    from jupyter_client.kernelspec import KernelSpecManager
    return "d2l" if "d2l" in KernelSpecManager().find_kernel_specs() else "python3"


def compare(values: dict | None, expect: dict) -> list[str]:
    """Every way `values` misses `expect`, one line each (empty: the notebook reached the book's result)."""
    if values is None:
        return ["the probe printed nothing (a cell before it failed?)"]
    misses = []
    for name, want in expect.items():
        if name not in values:
            misses.append(f"{name}: not reported by the probe")
            continue
        got = values[name]
        if isinstance(want, tuple) and len(want) == 2:         # a range; a list is an exact value
            low, high = want
            if (low is not None and not got >= low) or (high is not None and not got <= high):
                misses.append(f"{name} = {got!r}, expected in [{low}, {high}]")
        elif got != want:
            misses.append(f"{name} = {got!r}, expected {want!r}")
    return misses
