"""The committed notebooks: release in sync with source, stubs and test cells as DESIGN.md says, examples fresh.

No kernel runs here; regenerating the release runs stock nbgrader (a few seconds per assignment).
"""
from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))   # --import-mode=importlib: make the sibling helper importable
from coursekit import (ASSIGNMENTS, COURSE, copy_course, EXAMPLE_STUDENTS, KERNEL_NAME, POINTS, SIGNATURES, grade_ids,
                      isolated_env, nbgrader, nbgrader_meta, read, release_path, source_path, stubs)

STUB_BODY = "raise NotImplementedError()"
SETUP_CELL = ('import extension; extension.ensure_loaded()   # context widget (%ctx) and %check; '
              'the d2l kernel loads it already\nfrom extension import d2l\nD2L_ASSIGNMENT = "{}"')


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    """A tmp course whose release/ stock nbgrader just generated from the committed source/."""
    tmp = tmp_path_factory.mktemp("regenerate")
    course = copy_course(tmp / "course")
    nbgrader(course, "generate_assignment", "*", env=isolated_env(tmp / "jupyter"))
    return course


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def solution_cells(nb):
    return [c for c in nb.cells if nbgrader_meta(c).get("solution")]


def grade_cells(nb):
    return [c for c in nb.cells if nbgrader_meta(c).get("grade")]


def load_make_examples():
    spec = importlib.util.spec_from_file_location("make_examples", COURSE / "make_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- release == nbgrader generate_assignment(source) ------------------------------------------------

@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_is_generated_from_source(assignment, regenerated):
    fresh = read(regenerated / "release" / assignment / f"{assignment}.ipynb")
    committed = read(release_path(assignment))
    hint = f"release/{assignment} is stale: run `nbgrader generate_assignment {assignment} --force` in course/"
    assert fresh.metadata == committed.metadata, hint
    assert [c.get("id") for c in committed.cells] == [c.get("id") for c in fresh.cells], hint
    for new, old in zip(fresh.cells, committed.cells):
        where = f"{hint} (cell {old.get('id')})"
        assert old.cell_type == new.cell_type, where
        assert old.source == new.source, where
        assert nbgrader_meta(old) == nbgrader_meta(new), where
        assert old.metadata == new.metadata, where
        assert not old.get("outputs"), f"release/{assignment} cell {old.get('id')} has outputs"


# --- the release notebooks' structure ---------------------------------------------------------------

@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_first_code_cell_loads_the_extension(assignment):
    for path in (source_path(assignment), release_path(assignment)):
        nb = read(path)
        assert code_cells(nb)[0].source == SETUP_CELL.format(assignment), path
        assert nb.metadata.kernelspec.name == KERNEL_NAME
        assert nb.metadata.kernelspec.display_name == "Python 3 (d2l)"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_one_solution_cell_per_stub(assignment):
    nb = read(release_path(assignment))
    ids = [nbgrader_meta(c)["grade_id"] for c in solution_cells(nb)]
    assert sorted(ids) == sorted(stubs(assignment))
    for cell in solution_cells(nb):
        meta = nbgrader_meta(cell)
        assert cell.cell_type == "code"
        assert meta["grade"] is False and meta["locked"] is False, meta


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_stub_bodies_are_nbgraders_stub(assignment):
    for cell in solution_cells(read(release_path(assignment))):
        name = nbgrader_meta(cell)["grade_id"]
        assert "SOLUTION" not in cell.source
        assert "# YOUR CODE HERE" in cell.source, name
        tree = ast.parse(cell.source)
        if name in SIGNATURES[assignment]:
            # def name(params): """docstring"""; raise NotImplementedError()
            assert len(tree.body) == 1 and isinstance(tree.body[0], ast.FunctionDef), name
            func = tree.body[0]
            assert func.name == name
            assert [a.arg for a in func.args.args] == SIGNATURES[assignment][name]
            assert ast.get_docstring(func), f"{name} needs a docstring stating its contract"
            body = func.body[1:]
        elif len(tree.body) == 1 and isinstance(tree.body[0], ast.ClassDef):
            # class name(...): """docstring"""; each method ends in nbgrader's stub (a Block the student completes)
            cls = tree.body[0]
            assert cls.name == name and ast.get_docstring(cls), f"{name} needs a docstring stating its contract"
            methods = [node for node in cls.body if isinstance(node, ast.FunctionDef)]
            assert methods and all(ast.unparse(m.body[-1]) == STUB_BODY for m in methods), name
            continue
        else:
            body = tree.body      # a cell that builds `name` at module level
        assert [ast.unparse(node) for node in body] == [STUB_BODY], name


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_stub_is_followed_by_its_locked_test_cell(assignment):
    nb = read(release_path(assignment))
    cells = code_cells(nb)
    for i, cell in enumerate(cells):
        if nbgrader_meta(cell).get("solution"):
            name = nbgrader_meta(cell)["grade_id"]
            assert nbgrader_meta(cells[i + 1]).get("grade_id") == f"test_{name}", name


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_test_cells_are_locked_with_their_points(assignment):
    nb = read(release_path(assignment))
    found = {}
    for cell in grade_cells(nb):
        meta = nbgrader_meta(cell)
        found[meta["grade_id"]] = meta["points"]
        assert meta["locked"] is True and meta["solution"] is False, meta
        assert cell.metadata.get("editable") is False and cell.metadata.get("deletable") is False
        assert cell.metadata.get("nbgrader", {}).get("checksum"), "nbgrader checksums the test cells"
    assert found == grade_ids(assignment)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_test_cells_call_assert_checks_and_leave_no_value(assignment):
    source = read(source_path(assignment))
    for cell in grade_cells(source):
        grade_id = nbgrader_meta(cell)["grade_id"]
        function = "None" if grade_id == "test_outcome" else repr(grade_id[len("test_"):]).replace("'", '"')
        lines = cell.source.split("\n")
        assert lines[0] == "from autograder.incell import assert_checks"
        assert lines[1] == f'assert_checks("{assignment}", {function}, globals())'
        if grade_id == "test_outcome":
            assert lines[2:] == ["### BEGIN HIDDEN TESTS",
                                 f'assert_checks("{assignment}", None, globals(), hidden=True)',
                                 "### END HIDDEN TESTS"]
        else:
            assert len(lines) == 2
        # nbgrader reads a number left as the cell's value as partial credit: leave only the call.
        last = ast.parse(cell.source).body[-1]
        assert isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)
        assert ast.unparse(last.value.func) == "assert_checks"
    release = read(release_path(assignment))
    outcome = [c for c in release.cells if nbgrader_meta(c).get("grade_id") == "test_outcome"]
    assert len(outcome) == ("outcome" in POINTS[assignment])
    for cell in outcome:
        assert "hidden=True" not in cell.source and "HIDDEN" not in cell.source


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_solutions_are_delimited(assignment):
    for cell in solution_cells(read(source_path(assignment))):
        lines = [line.strip() for line in cell.source.split("\n")]
        assert lines.count("### BEGIN SOLUTION") == 1 and lines.count("### END SOLUTION") == 1
        assert lines.index("### BEGIN SOLUTION") < lines.index("### END SOLUTION")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_cells_have_stable_unique_ids(assignment):
    for path in (source_path(assignment), release_path(assignment)):
        ids = [c.get("id") for c in read(path).cells]
        assert all(ids) and len(ids) == len(set(ids)), path


# --- the example submissions ------------------------------------------------------------------------

def test_examples_are_up_to_date(capsys):
    assert load_make_examples().main(["--check"]) == 0, capsys.readouterr().out


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_examples_differ_from_release_only_in_stub_cells(assignment):
    release = read(release_path(assignment))
    make_examples = load_make_examples()
    demo = make_examples.students(assignment)
    bug_stubs, crash_stubs = set(demo["example-bug"]), set(demo["example-crash"])
    for student in EXAMPLE_STUDENTS:
        submitted = read(COURSE / "examples" / "submitted" / student / assignment / f"{assignment}.ipynb")
        assert [c.id for c in submitted.cells] == [c.id for c in release.cells]
        for mine, given in zip(submitted.cells, release.cells):
            assert mine.metadata == given.metadata
            if nbgrader_meta(given).get("solution"):
                assert "NotImplementedError" not in mine.source, (student, mine.id)
            else:
                assert mine.source == given.source, (student, mine.id)
        correct = read(COURSE / "examples" / "submitted" / "example-correct" / assignment / f"{assignment}.ipynb")
        changed = {c.id for c, ok in zip(submitted.cells, correct.cells) if c.source != ok.source}
        expected = {"example-correct": set(), "example-bug": bug_stubs, "example-crash": crash_stubs}[student]
        assert changed == expected, student


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_points_match_the_autograders_checks(assignment):
    """A test cell's points are the sum of the points of the checks it runs (public and hidden)."""
    from autograder.checks import checks_for
    sums = {}
    for check in checks_for(assignment, ..., hidden=None):
        key = check.function or "outcome"
        sums[key] = sums.get(key, 0) + check.points
    assert sums == POINTS[assignment]
