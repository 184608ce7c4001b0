"""Stock nbgrader grades the course: generate_assignment, then autograde, read back from the gradebook.

Each assignment is generated in a tmp copy of the course and its submissions are autograded in one
`nbgrader autograde` run: the untouched release notebook (zero, and the points of every test cell), and — for
the assignments that run whole in seconds — the source notebook itself (the reference solution, hidden tests
included) and the three shipped examples. The scores come from nbgrader's gradebook API, as an instructor's
`nbgrader export` would see them.

That every source notebook's test cells pass on a real kernel is shown for every assignment by
test_course_execute.py (the same cells, the same data limit); nbgrader's part — full marks from test cells
that pass, kernels started with the course's extension — is the same mechanism for every assignment and is
shown here on the quick ones, so the notebooks that train are not executed a third time.

The notebooks ask for the `d2l` kernelspec. These runs keep every Jupyter directory in tmp, so it is
not installed there and nbgrader_config.py must fall back to `python3`; one more run installs `d2l`
into a tmp prefix and checks that it is used when present.
"""
from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.registry import find

sys.path.insert(0, str(Path(__file__).parent))   # --import-mode=importlib: make the sibling helper importable
from coursekit import (ASSIGNMENTS, COURSE, COURSE_ID, KERNEL_NAME, POINTS, copy_course,  # noqa: E402
                       isolated_env, nbgrader, release_path, source_path, visible_kernels)

pytestmark = pytest.mark.slow
GROUP_BY_ASSIGNMENT = True   # one xdist group per assignment (tests/conftest.py): the file grows with the course

LIMITS = {a: find(a, COURSE).data_limit for a in ASSIGNMENTS}
# The example students under stock nbgrader too, for the assignments that run whole in seconds (no training
# outcome, no data limit). Every example of every assignment is judged by the same in-kernel checks in
# tests/autograder/test_classic_mistakes.py and graded by `grade` in test_selftest_shipped.py and the demo
# tests; a kernel per example per assignment here would add a quarter of an hour for no new mechanism.
WITH_EXAMPLES = [a for a in ASSIGNMENTS if not LIMITS[a] and not find(a, COURSE).outcome]
WITH_SOURCE = WITH_EXAMPLES

SOURCE_SOLUTION = "source-solution"
UNTOUCHED = "untouched-release"
EXTENSION_ARG = "--ext=extension"   # only the d2l kernelspec starts IPython with it


def kernel_commands(log: str) -> list[str]:
    return [line for line in log.splitlines() if "Starting kernel:" in line]


@dataclass
class Graded:
    scores: dict[str, float]                 # student -> total score
    cells: dict[str, dict[str, float]]       # student -> {test cell grade_id: score}
    max_score: float
    log: str


def load_make_examples():
    import importlib.util
    spec = importlib.util.spec_from_file_location("make_examples", COURSE / "make_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def submit(course: Path, student: str, assignment: str, notebook: Path) -> None:
    dest = course / "submitted" / student / assignment
    dest.mkdir(parents=True)
    shutil.copy(notebook, dest / f"{assignment}.ipynb")


def read_gradebook(course: Path, assignment: str) -> tuple[dict, dict, float]:
    from nbgrader.api import Gradebook
    scores, cells = {}, {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as gb:
        max_score = gb.find_assignment(assignment).max_score
        for submission in gb.assignment_submissions(assignment):
            student = submission.student.id
            scores[student] = submission.score
            notebook = gb.find_submission_notebook(assignment, assignment, student)
            cells[student] = {grade.name: grade.score for grade in notebook.grades}
    return scores, cells, max_score


def grade(tmp: Path, assignment: str, students: dict[str, Path], hide_env_kernelspecs: bool = False,
          **env_extra) -> Graded:
    course = copy_course(tmp / "course")
    env = isolated_env(tmp / "jupyter", **env_extra)
    nbgrader(course, "generate_assignment", assignment, env=env, hide_env_kernelspecs=hide_env_kernelspecs)
    for student, notebook in students.items():
        submit(course, student, assignment, notebook)
    # DEBUG makes jupyter_client log each kernel's command line, which tells which kernelspec ran.
    proc = nbgrader(course, "autograde", assignment, "--log-level=DEBUG", env=env,
                    hide_env_kernelspecs=hide_env_kernelspecs)
    scores, cells, max_score = read_gradebook(course, assignment)
    return Graded(scores, cells, max_score, proc.stdout + proc.stderr)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """{assignment: Graded}, each assignment generated and autograded once."""
    runs = {}

    def run(assignment):
        if assignment not in runs:
            examples = COURSE / "examples" / "submitted"
            students = {UNTOUCHED: release_path(assignment)}
            if assignment in WITH_SOURCE:
                students[SOURCE_SOLUTION] = source_path(assignment)
            for student in ("example-correct", "example-bug", "example-crash") if assignment in WITH_EXAMPLES else ():
                students[student] = examples / student / assignment / f"{assignment}.ipynb"
            # An assignment whose notebook trains for minutes declares a DATA_LIMIT; stock nbgrader re-runs
            # that training for every submission, so here its kernels get the same limit grading uses.
            limit = {"D2L_DATA_LIMIT": str(LIMITS[assignment])} if LIMITS[assignment] else {}
            runs[assignment] = grade(tmp_path_factory.mktemp(assignment), assignment, students, **limit)
        return runs[assignment]

    return run


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_gradebook_knows_the_points(assignment, graded):
    result = graded(assignment)
    assert result.max_score == sum(POINTS[assignment].values())
    assert set(result.cells[UNTOUCHED]) == {f"test_{name}" for name in POINTS[assignment]}


@pytest.mark.parametrize("assignment", WITH_SOURCE)
def test_source_solution_gets_full_marks(assignment, graded):
    result = graded(assignment)
    assert result.cells[SOURCE_SOLUTION] == {f"test_{k}": float(v) for k, v in POINTS[assignment].items()}
    assert result.scores[SOURCE_SOLUTION] == result.max_score


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_untouched_release_gets_zero(assignment, graded):
    result = graded(assignment)
    assert result.scores[UNTOUCHED] == 0, result.cells[UNTOUCHED]


@pytest.mark.parametrize("assignment", WITH_EXAMPLES)
def test_example_correct_gets_full_marks(assignment, graded):
    result = graded(assignment)
    assert result.scores["example-correct"] == result.max_score, result.cells["example-correct"]


@pytest.mark.parametrize("student", ["example-bug", "example-crash"])
@pytest.mark.parametrize("assignment", WITH_EXAMPLES)
def test_broken_example_loses_the_points_of_its_stub(assignment, student, graded):
    result = graded(assignment)
    [stub] = load_make_examples().students(assignment)[student]
    cells = result.cells[student]
    assert cells[f"test_{stub}"] == 0, cells
    assert 0 < result.scores[student] < result.max_score, cells


def test_without_the_d2l_kernelspec_grading_falls_back_to_python3(tmp_path):
    env = isolated_env(tmp_path / "jupyter")
    assert KERNEL_NAME not in visible_kernels(env, hide_env_kernelspecs=True)
    students = {SOURCE_SOLUTION: source_path("ndarray"), UNTOUCHED: release_path("ndarray")}
    result = grade(tmp_path, "ndarray", students, hide_env_kernelspecs=True)
    commands = kernel_commands(result.log)
    assert len(commands) == 2 and not any(EXTENSION_ARG in c for c in commands), commands
    assert result.scores[SOURCE_SOLUTION] == result.max_score, result.cells
    assert result.scores[UNTOUCHED] == 0


def test_with_the_d2l_kernelspec_grading_uses_it(tmp_path):
    from extension.kernelspec import install
    prefix = tmp_path / "prefix"
    install(prefix=str(prefix))
    jupyter_path = str(prefix / "share" / "jupyter")
    env = isolated_env(tmp_path / "jupyter", JUPYTER_PATH=jupyter_path)
    assert KERNEL_NAME in visible_kernels(env, hide_env_kernelspecs=True)
    result = grade(tmp_path, "ndarray", {SOURCE_SOLUTION: source_path("ndarray")}, hide_env_kernelspecs=True,
                   JUPYTER_PATH=jupyter_path)
    commands = kernel_commands(result.log)
    assert len(commands) == 1 and EXTENSION_ARG in commands[0], commands   # the d2l kernelspec's argv
    assert result.scores[SOURCE_SOLUTION] == result.max_score, result.cells
