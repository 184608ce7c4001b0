"""A fault on the grader's side is never a grade: an interpreter the sandbox cannot start, course data
the grader cannot hand to the sandbox. Each gives exit 2 with the cause on one line, or full marks
once the grader resolves the path itself.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.faults import GraderFault
from autograder.grade import GradeOptions, grade_notebook

from .conftest import REPO, require_bwrap

pytestmark = pytest.mark.slow

COURSE = REPO / "course"
EXAMPLES = COURSE / "examples" / "submitted" / "example-correct"
NDARRAY = EXAMPLES / "ndarray" / "ndarray.ipynb"
SOFTMAX = EXAMPLES / "softmax_scratch" / "softmax_scratch.ipynb"
DEBIAN = Path("/usr/share/datasets/fashion-mnist")


def run_grade(args: list[str], python: str = sys.executable, cwd: Path = REPO, env: dict | None = None):
    require_bwrap()
    return subprocess.run([python, "-m", "autograder", "grade", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=400, env=env if env is not None else os.environ.copy())


def one_line_fault(proc, *needles: str) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "not a grade" in errors[0], proc.stderr
    assert "Traceback" not in proc.stderr and "total" not in proc.stdout
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


def test_a_relative_interpreter_path_from_another_directory_grades_in_full():
    """`cd course && ../.venv/bin/python -m autograder grade …` (bwrap could not exec the relative path)."""
    relative = os.path.relpath(sys.executable, COURSE)
    assert not os.path.isabs(relative)
    proc = run_grade([os.path.relpath(NDARRAY, COURSE), "--assignment", "ndarray"], python=relative, cwd=COURSE)
    assert proc.returncode == 0, proc.stderr
    assert "10/10" in proc.stdout.splitlines()[-1], proc.stdout


def test_a_venv_reached_through_a_symlinked_folder_grades_in_full(tmp_path):
    link = tmp_path / "venv"
    link.symlink_to(Path(sys.prefix))
    proc = run_grade([str(NDARRAY), "--assignment", "ndarray"], python=str(link / "bin" / "python"))
    assert proc.returncode == 0, proc.stderr
    assert "10/10" in proc.stdout.splitlines()[-1], proc.stdout


def test_an_interpreter_that_cannot_start_is_a_fault_not_zero_points():
    code = ("import sys; sys.executable = '/nonexistent/bin/python'\n"
            "from autograder.cli import main\n"
            f"sys.exit(main(['grade', {str(NDARRAY)!r}, '--assignment', 'ndarray']))")
    require_bwrap()
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    one_line_fault(proc, "cannot start", "/nonexistent/bin/python")


def test_data_missing_for_the_grader_is_exit_2(tmp_path):
    proc = run_grade([str(SOFTMAX), "--assignment", "softmax_scratch", "--data-dir", str(tmp_path)])
    one_line_fault(proc, "course data missing", "Fashion-MNIST")


@pytest.fixture
def no_default_data(tmp_path, monkeypatch):
    """Neither Debian's folder nor ~/.mxnet nor $D2L_DATA has the data (the loader's search-path seam)."""
    import extension.fashion_mnist as fm
    monkeypatch.setattr(fm, "SYSTEM_DIR", tmp_path / "no-debian")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("D2L_DATA", raising=False)
    return tmp_path


def _copy_data(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for f in DEBIAN.iterdir():
        shutil.copy(f, dest / f.name)
    return dest


@pytest.mark.parametrize("where", ["D2L_DATA", "~/.mxnet"])
def test_data_only_where_the_sandbox_cannot_see_it_still_grades_in_full(no_default_data, monkeypatch, where):
    """The grader mounts the files it finds; before, a correct notebook got 9/10 ('classify 0.096')."""
    require_bwrap()
    if where == "D2L_DATA":
        monkeypatch.setenv("D2L_DATA", str(_copy_data(no_default_data / "data")))
    else:
        _copy_data(no_default_data / "home" / ".mxnet" / "datasets" / "fashion-mnist")
    report = grade_notebook(SOFTMAX, "softmax_scratch", GradeOptions(sandbox=True))
    failed = [c for c in report.checks if not c.passed and c.max_score > 0]   # advisories cost nothing
    assert not failed and not report.errors, (failed, report.errors)
    assert report.score == report.max_score == 10


def test_no_data_anywhere_is_a_fault(no_default_data):
    with pytest.raises(GraderFault, match="course data missing"):
        grade_notebook(SOFTMAX, "softmax_scratch", GradeOptions(sandbox=True))


def test_the_notebooks_loader_failing_inside_the_sandbox_is_a_fault(tmp_path):
    """Whatever the cause (the mount, the files), a cell whose data loader cannot find the data is not
    the student's mistake."""
    import json
    nb = json.loads(SOFTMAX.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and "load_data_fashion_mnist(batch_size)" in "".join(cell["source"]):
            cell["source"] = "".join(cell["source"]).replace(
                "load_data_fashion_mnist(batch_size)", "load_data_fashion_mnist(batch_size, root='/nowhere')")
            break
    else:
        pytest.fail("the softmax notebook no longer loads its data with load_data_fashion_mnist(batch_size)")
    path = tmp_path / "softmax_scratch.ipynb"
    path.write_text(json.dumps(nb))
    with pytest.raises(GraderFault, match="course data missing inside the sandbox"):
        grade_notebook(path, "softmax_scratch", GradeOptions(sandbox=True))


def test_a_grader_bug_is_exit_2_not_exit_1():
    """Exit 1 means "graded, below --fail-under": a student's CI must never read a grader crash as that."""
    code = ("import sys\nimport autograder.grade as g\n"
            "def broken(*args, **kwargs):\n    raise RuntimeError('simulated bug in the judge')\n"
            "g.run_checks = broken\n"
            "from autograder.cli import main\n"
            f"sys.exit(main(['grade', {str(NDARRAY)!r}, '--assignment', 'ndarray', '--fail-under', '5']))")
    require_bwrap()
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert proc.stderr.strip().splitlines() == [
        f"error: could not grade {NDARRAY} (a bug in the grader, not a grade): RuntimeError: simulated bug in the judge"]


def test_the_judges_own_test_set_missing_is_a_fault_naming_the_data(tmp_path):
    """Not "internal error in the grader": the cause and where it looked."""
    from autograder import registry
    _test_set = registry.load(registry.find("softmax_scratch"), "checks")._test_set
    with pytest.raises(GraderFault, match=r"course data missing: the grader cannot find the Fashion-MNIST test set"
                                          rf".*{tmp_path}"):
        _test_set(tmp_path)
