"""`python -m autograder new-assignment ID [--course-dir DIR]`: a working skeleton of a course's own assignment.

It writes, in the course (an nbgrader course root; a minimal nbgrader_config.py is written if there is none):

    source/<id>/<id>.ipynb            the source notebook: setup cell, one stub `scale` with its locked test
                                      cell, an outcome cell with a hidden test — correct nbgrader metadata,
                                      cell ids equal to grade ids, points equal to the checks' points
    source/<id>/grader/assignment.py  the declaration
    source/<id>/grader/checks.py      one check over a probe, and one hidden-data outcome
    source/<id>/grader/scenarios.py   the scenario that outcome runs in the student's process
    source/<id>/grader/examples.py    a mistake for each check, so every scored check is failed by one
    release/<id>/<id>.ipynb           what `nbgrader generate_assignment` makes of it

and `selftest ID` passes on it as generated. Edit from there (docs/authoring.md).
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat

from .registry import GRADER_FOLDER

CONFIG = '''"""nbgrader configuration of this course (written by `python -m autograder new-assignment`)."""
import os

c = get_config()  # noqa: F821
COURSE_ROOT = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.root = COURSE_ROOT
c.CourseDirectory.course_id = "course"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(COURSE_ROOT, "gradebook.db")
c.Exchange.root = os.path.join(COURSE_ROOT, "exchange")
c.Execute.timeout = 900
c.Execute.kernel_name = "python3"
'''

DECLARATION = '''"""{id}: the declaration (read as literals by the grader; nothing here runs)."""
ID = "{id}"
STUBS = ("scale",)          # one solution cell each, grade_id = the name
OUTCOME = True              # a test_outcome cell: whole-notebook checks, here one on hidden data
VARIABLES = ()              # notebook names the outcome checks read with probe.get(...)
'''

CHECKS = '''"""{id}: the checks. They run in the judge, never in the student's process: each sends inputs it
chooses, reads back plain values and compares them with its own reference."""
import numpy as np

from autograder.checks import check
from autograder.checks.expect import close, fail, numbers, show

A = "{id}"


@check(A, "scale", "values", points=1)
def scale_values(probe):
    X = np.random.default_rng(1).normal(size=(3, 4))
    out, _ = probe.call("scale", X, 2.5)
    out = numbers(out, function="scale")
    if out.shape != X.shape:
        fail(f"scale returned shape {{out.shape}} for X of shape {{X.shape}}; keep X's shape")
    if close(out, X + 2.5):
        fail("scale added the factor instead of multiplying by it: return X * factor")
    if not close(out, 2.5 * X):
        fail(f"scale(X, 2.5) returned {{show(out)}}; expected {{show(2.5 * X)}}")


@check(A, None, "hidden_data", points=1, hidden=True, requires=("scale",))
def hidden_data(probe):
    """On data the notebook never sees: a factor and rows drawn from the submission's own seed."""
    rng = np.random.default_rng(4_000_037 + probe.hidden_seed)
    factor, rows = float(np.round(rng.uniform(-3, 3), 2)), rng.normal(size=(50, 2))
    reply = probe.run("scale_rows", rows=rows, factor=factor)
    out = numbers(reply["scaled"], function="scale")
    if not close(out, factor * rows):
        fail(f"scale on data the notebook never saw (factor {{factor}}) gave {{show(out)}}; "
             f"expected {{show(factor * rows)}}")
'''

SCENARIOS = '''"""{id}: scenarios. They run in the student's process (students can read this file): they call the
student's functions and report plain values; they never judge."""
from autograder.harness import call_student, nd_array, scenario


@scenario
def scale_rows(ns, rows, factor):
    """scale applied to each row on its own, as the outcome needs: the rows come back stacked."""
    from mxnet import nd
    out = [call_student(ns, "scale", nd_array(row), float(factor)) for row in rows]
    return {{"scaled": nd.stack(*out).asnumpy()}}
'''

EXAMPLES = '''"""{id}: example submissions. selftest grades each; every scored check must be failed by one."""
from autograder.examples import Example

EXAMPLES = (
    Example("adds instead of multiplying", {{"scale": "def scale(X, factor):\\n    return X + factor\\n"}},
            fails={{"scale.values", "outcome.hidden_data"}}, whole=True, student="example-bug"),
    Example("crashes", {{"scale": "def scale(X, factor):\\n    return X.scale(factor)\\n"}},
            fails={{"scale.values", "outcome.hidden_data"}}, whole=True, student="example-crash"),
)
'''


def _cell(kind: str, source: str, cell_id: str, nbgrader: dict | None = None):
    make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    cell = make(textwrap.dedent(source).strip("\n"), id=cell_id)
    if nbgrader is not None:
        cell.metadata["nbgrader"] = {"schema_version": 3, "task": False, **nbgrader}
    return cell


def source_notebook(assignment_id: str):
    test = 'from autograder.incell import assert_checks\nassert_checks("{a}", {f}, globals())'
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.cells = [
        _cell("markdown", f"# {assignment_id}\n\nWrite `scale`; the cell after it checks it, and `%check scale` "
              "shows the checks as a table.", "intro"),
        _cell("code", f'import extension; extension.ensure_loaded()\nfrom extension import d2l\n'
              f'from mxnet import nd\nD2L_ASSIGNMENT = "{assignment_id}"', "setup",
              {"grade": False, "grade_id": "setup", "locked": True, "solution": False}),
        _cell("code", '''
            def scale(X, factor):
                """Every element of the NDArray X multiplied by the number factor."""
                ### BEGIN SOLUTION
                return X * factor
                ### END SOLUTION''', "scale",
              {"grade": False, "grade_id": "scale", "locked": False, "solution": True}),
        _cell("code", test.format(a=assignment_id, f='"scale"'), "test_scale",
              {"grade": True, "grade_id": "test_scale", "locked": True, "points": 1, "solution": False}),
        _cell("markdown", "## Outcome\n\nThis cell also runs checks on data you never see.", "outcome-md"),
        _cell("code", test.format(a=assignment_id, f="None") + "\n### BEGIN HIDDEN TESTS\n"
              f'assert_checks("{assignment_id}", None, globals(), hidden=True)\n### END HIDDEN TESTS',
              "test_outcome",
              {"grade": True, "grade_id": "test_outcome", "locked": True, "points": 1, "solution": False}),
    ]
    return nb


class ScaffoldError(Exception):
    pass


def new_assignment(assignment_id: str, course_dir: str | Path) -> list[Path]:
    """Write the skeleton of `assignment_id` into the course; returns the files written."""
    from .registry import SHIPPED
    if not assignment_id.isidentifier():
        raise ScaffoldError(f"{assignment_id!r} is not a valid assignment id: use letters, digits and _")
    if (SHIPPED / assignment_id).is_dir():
        raise ScaffoldError(f"the kit already has an assignment {assignment_id!r}: choose another id")
    course = Path(course_dir).resolve()
    folder = course / "source" / assignment_id
    if folder.exists():
        raise ScaffoldError(f"{folder} exists already: new-assignment never overwrites")
    written = []
    course.mkdir(parents=True, exist_ok=True)
    if not (course / "nbgrader_config.py").is_file():
        (course / "nbgrader_config.py").write_text(CONFIG)
        written.append(course / "nbgrader_config.py")
    grader = folder / GRADER_FOLDER
    grader.mkdir(parents=True)
    for name, template in (("assignment", DECLARATION), ("checks", CHECKS), ("scenarios", SCENARIOS),
                           ("examples", EXAMPLES)):
        path = grader / f"{name}.py"
        path.write_text(template.format(id=assignment_id))
        written.append(path)
    notebook = folder / f"{assignment_id}.ipynb"
    nbformat.write(source_notebook(assignment_id), str(notebook))
    written.append(notebook)
    written.append(generate_release(course, assignment_id))
    return written


def generate_release(course: Path, assignment_id: str) -> Path:
    """Stock `nbgrader generate_assignment ID --force` in the course: the release students get."""
    from .jupyter_env import with_interpreter_on_path
    import os
    proc = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment_id, "--force"],
                          cwd=course, env=with_interpreter_on_path(dict(os.environ)), capture_output=True, text=True)
    if proc.returncode != 0:
        raise ScaffoldError(f"nbgrader generate_assignment {assignment_id} failed:\n{proc.stderr.strip()[-800:]}")
    return course / "release" / assignment_id / f"{assignment_id}.ipynb"
