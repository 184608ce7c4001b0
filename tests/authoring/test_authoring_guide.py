"""docs/authoring.md, followed literally, with the kit installed from a wheel (nothing of this checkout on the
path): `new-assignment`, the guide's own snippets written into the folder, the points step, `selftest`; then a
correct and a wrong submission graded by `grade`, `grade-all --jobs 2` and `%check` in a real kernel."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.examples import Example, example_notebook

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "authoring.md"
SNIPPET = re.compile(r"<!-- file: (?P<path>[\w/.]+) -->\n```python\n(?P<code>.*?)```", re.S)
WRONG = "def scale(X, factor):\n    return X * abs(factor)\n"       # the guide's "drops the sign"


def snippets() -> dict[str, str]:
    found = {m["path"]: m["code"] for m in SNIPPET.finditer(GUIDE.read_text())}
    assert set(found) == {f"grader/{p}.py" for p in ("assignment", "checks", "scenarios", "examples")}, found
    return found


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    """A Python with the kit installed from a wheel: a hard-linked copy of this venv without the editable hook."""
    tmp = tmp_path_factory.mktemp("kit")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(tmp / "dist"), str(ROOT)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    [wheel] = (tmp / "dist").glob("d2l_grader-*.whl")
    venv = tmp / "venv"
    subprocess.run(["cp", "-al", sys.prefix, str(venv)], check=True)
    site = next((venv / "lib").glob("python3*/site-packages"))
    for hook in site.glob("__editable__*d2l_grader*"):
        hook.unlink()
    for info in site.glob("d2l_grader-*.dist-info"):
        shutil.rmtree(info)
    python = venv / "bin" / "python"
    installed = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                               capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    where = subprocess.run([str(python), "-c", "import autograder; print(autograder.__file__)"], cwd=tmp,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert where.startswith(str(site)), f"the kit came from {where}, not the wheel"
    return python


def kit_run(python: Path, *args, cwd: Path, timeout: float = 900):
    env = dict(os.environ, PATH=f"{python.parent}{os.pathsep}{os.environ['PATH']}")
    return subprocess.run([str(python), "-m", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def course(kit, tmp_path_factory) -> Path:
    """Section 1 and 2 of the guide, step by step."""
    course = tmp_path_factory.mktemp("guide") / "mycourse"
    course.mkdir()
    made = kit_run(kit, "autograder", "new-assignment", "lab1", "--course-dir", str(course), cwd=course.parent)
    assert made.returncode == 0, made.stderr
    for path, code in snippets().items():
        (course / "source" / "lab1" / path).write_text(code)
    notebook = course / "source" / "lab1" / "lab1.ipynb"
    nb = nbformat.read(str(notebook), as_version=4)
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "test_scale":
            cell.metadata["nbgrader"]["points"] = 2          # "set its points to 2"
    nbformat.write(nb, str(notebook))
    generated = kit_run(kit, "nbgrader", "generate_assignment", "lab1", "--force", cwd=course)
    assert generated.returncode == 0, generated.stderr
    return course


def test_the_guides_assignment_passes_selftest(kit, course):
    tested = kit_run(kit, "autograder", "selftest", "lab1", cwd=course)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "ready to release" in tested.stdout
    assert "example drops the sign" in tested.stdout and "fails scale.negative_factor" in tested.stdout


def submissions(course: Path, folder: Path) -> dict[str, Path]:
    source = course / "source" / "lab1" / "lab1.ipynb"
    out = {}
    for student, replace in (("right", {}), ("wrong", {"scale": WRONG})):
        path = folder / student / "lab1" / "lab1.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(example_notebook(source, Example(student, replace, whole=True)), str(path))
        out[student] = path
    return out


def test_grade_judges_a_course_assignment_from_the_wheel(kit, course, tmp_path):
    for student, path in submissions(course, tmp_path).items():
        report_path = tmp_path / f"{student}.json"
        graded = kit_run(kit, "autograder", "grade", str(path), "--assignment", "lab1", "--json", str(report_path),
                         cwd=course)
        assert graded.returncode == 0, graded.stderr
        report = json.loads(report_path.read_text())
        failed = {c["id"] for c in report["checks"] if not c["passed"]}
        if student == "right":
            assert report["score"] == report["max_score"] == 3.0, report
        else:
            assert failed == {"lab1.scale.negative_factor", "lab1.outcome.hidden_data"}, report
            assert "lost the sign" in graded.stdout


def test_grade_all_with_two_workers(kit, course, tmp_path):
    work = tmp_path / "class"
    shutil.copytree(course, work, ignore=shutil.ignore_patterns("__pycache__"))    # its gradebook knows lab1
    submissions(work, work / "submitted")
    graded = kit_run(kit, "autograder", "grade-all", str(work), "--jobs", "2", "--json", str(tmp_path / "rows.json"),
                     cwd=tmp_path)
    assert graded.returncode == 0, graded.stdout + graded.stderr
    rows = {r["student"]: r for r in json.loads((tmp_path / "rows.json").read_text())}
    assert (rows["right"]["score"], rows["right"]["max_score"]) == (3.0, 3.0), rows["right"]
    assert rows["wrong"]["score"] == 1.0 and rows["wrong"]["status"] == "graded", rows["wrong"]


def test_check_in_a_real_kernel_beside_the_released_notebook(kit, course, tmp_path):
    """A student's kernel runs in release/lab1/: the grader folder released with the notebook is found there."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    spec = tmp_path / "kernels" / "kit"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(kit), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "kit from the wheel", "language": "python"}))
    km = KernelManager(kernel_name="kit", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(spec.parent)]))
    km.start_kernel(cwd=str(course / "release" / "lab1"),
                    env=dict(os.environ, D2L_CTX="cpu", IPYTHONDIR=str(tmp_path / "ipython")))
    kc = km.client()
    outputs = []

    def run(code):
        kc.execute_interactive(code, timeout=180, output_hook=lambda msg: outputs.append(msg["content"]))

    try:
        kc.start_channels()
        kc.wait_for_ready(timeout=120)
        run("import extension; extension.ensure_loaded()\nfrom mxnet import nd\nD2L_ASSIGNMENT = 'lab1'")
        run(WRONG)
        run("%check scale")
        run("import autograder; print(autograder.__file__)")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    text = "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "lab1.scale.negative_factor" in text and "FAIL" in text, text
    assert "lab1.scale.values" in text, text
    assert str(ROOT / "autograder") not in text, "the kernel imported the kit from the checkout"


def test_stock_nbgrader_validate_runs_the_test_cells_of_a_course_assignment(kit, course, tmp_path):
    """The notebook's own test cells find the course's folder from where nbgrader runs them."""
    folder = course / "submitted-by-hand"
    paths = submissions(course, folder)
    for student, path in paths.items():
        checked = kit_run(kit, "nbgrader", "validate", str(path), cwd=path.parent)
        passed = "Success! Your notebook passes all the tests." in checked.stdout
        assert passed == (student == "right"), checked.stdout + checked.stderr
        if student == "wrong":
            assert "lab1.scale.negative_factor" in checked.stdout, checked.stdout
