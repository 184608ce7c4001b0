"""Regenerate the example submissions in examples/submitted/ from the release notebooks.

    python course/make_examples.py            # rewrite examples/submitted/<student>/<id>/<id>.ipynb
    python course/make_examples.py --check    # exit 1 if the committed examples are out of date

Each example is the released notebook with its stub cells filled in, as a student would hand it in
(nbgrader's submitted layout, so `nbgrader autograde --CourseDirectory.submitted_directory=examples/submitted`
grades them):

    example-correct   every stub holds the reference solution (the source notebook's solution region)
    example-bug       the solution, except for one classic mistake per assignment
    example-crash     the solution, except for one stub that raises when it runs

Run it again after regenerating a release notebook.
"""
from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import nbformat

COURSE = Path(__file__).resolve().parent
ASSIGNMENTS = ("ndarray", "linreg_scratch", "linreg_gluon", "softmax_scratch")

# One classic mistake per assignment: {assignment: (stub, code the student wrote)}.
BUGS = {
    # Z[:] = X + Y keeps Z's identity but still builds X + Y in a temporary first.
    "ndarray": ("add_into", '''
def add_into(X, Y, Z):
    """Write X + Y into the existing Z without creating any NDArray, not even a temporary."""
    Z[:] = X + Y
'''),
    # y has shape (n,) and y_hat (n, 1): without the reshape, broadcasting gives an (n, n) matrix.
    "linreg_scratch": ("square_loss", '''
def square_loss(y_hat, y):
    """Squared loss, elementwise: (y_hat - y.reshape(y_hat.shape)) ** 2 / 2, shape of y_hat."""
    return (y_hat - y) ** 2 / 2
'''),
    # A zero too many: training crawls and is far from true_w after 3 epochs.
    "linreg_gluon": ("trainer", '''
# Create `trainer`: gluon.Trainer over net's parameters, 'sgd', learning rate 0.03.
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.003})
'''),
    # Normalizes each column instead of each row.
    "softmax_scratch": ("softmax", '''
def softmax(X):
    """Row-wise softmax of a matrix X (n, q): exp(X) divided by the sum of its row."""
    X_exp = X.exp()
    partition = X_exp.sum(axis=0, keepdims=True)
    return X_exp / partition
'''),
}

# One stub per assignment that raises: {assignment: (stub, code the student wrote)}.
CRASHES = {
    # NameError: `columns` is not defined.
    "ndarray": ("arange_matrix", '''
def arange_matrix(rows, cols):
    """A float32 NDArray of shape (rows, cols) holding 0 .. rows*cols - 1, row-major."""
    return nd.arange(rows * cols).reshape((rows, columns))
'''),
    # Shape error: (2, 1) dot (n, 2).
    "linreg_scratch": ("net", '''
def net(X, w, b):
    """The linear regression model (the book's linreg): X @ w + b, shape (n, 1)."""
    return nd.dot(w, X) + b
'''),
    # TypeError: the hyperparameters go in a dict, not as keyword arguments.
    "linreg_gluon": ("trainer", '''
# Create `trainer`: gluon.Trainer over net's parameters, 'sgd', learning rate 0.03.
trainer = gluon.Trainer(net.collect_params(), 'sgd', learning_rate=0.03)
'''),
    # Shape error: the images are not flattened, (256, 1, 28, 28) dot (784, 10).
    "softmax_scratch": ("net", '''
def net(X, W, b):
    """Softmax regression: flatten X to (n, num_inputs), return softmax(X W + b), shape (n, num_outputs)."""
    return softmax(nd.dot(X, W) + b)
'''),
}

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


def read(path: Path):
    return nbformat.read(path, as_version=4)


def solution_cells(nb) -> dict[str, str]:
    """{grade_id: source with the solution delimiters removed} for the solution cells of a source notebook."""
    out = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            lines = [line for line in cell.source.split("\n") if line.strip() not in (BEGIN, END)]
            out[meta["grade_id"]] = "\n".join(lines)
    return out


def fill(release, answers: dict[str, str]):
    """A copy of the release notebook whose solution cells hold `answers` (by grade_id)."""
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def examples(assignment: str) -> dict[str, object]:
    """{student: notebook} for one assignment."""
    release = read(COURSE / "release" / assignment / f"{assignment}.ipynb")
    solutions = solution_cells(read(COURSE / "source" / assignment / f"{assignment}.ipynb"))
    notebooks = {"example-correct": fill(release, solutions)}
    for student, variants in (("example-bug", BUGS), ("example-crash", CRASHES)):
        stub, code = variants[assignment]
        if stub not in solutions:
            raise KeyError(f"{assignment} has no stub {stub!r}")
        notebooks[student] = fill(release, {**solutions, stub: code.strip("\n")})
    return notebooks


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report examples that are out of date")
    args = parser.parse_args(argv)
    stale = []
    for assignment in ASSIGNMENTS:
        for student, nb in examples(assignment).items():
            path = COURSE / "examples" / "submitted" / student / assignment / f"{assignment}.ipynb"
            text = nbformat.writes(nb).rstrip("\n") + "\n"   # as nbformat.write() ends a file
            if path.exists() and path.read_text(encoding="utf-8") == text:
                continue
            stale.append(path)
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    for path in stale:
        print(("out of date: " if args.check else "wrote ") + str(path.relative_to(COURSE)))
    if args.check and stale:
        print("run: python course/make_examples.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
