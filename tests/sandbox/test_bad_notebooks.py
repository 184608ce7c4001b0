"""Notebooks that cannot be graded, or only in part: each gets exit 2 with a one-line reason, or a
report naming what is missing, in bounded time — never a traceback, never a hang.
"""
from __future__ import annotations

import base64
import json
import os
import sys
from pathlib import Path

import pytest

from .conftest import REPO, grade, index_of, load_source, write

ONE_LINE_ERROR = 2


def assert_refused(graded, *needles):
    assert graded.returncode == ONE_LINE_ERROR, (graded.returncode, graded.stdout, graded.stderr)
    lines = graded.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), graded.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert graded.report is None
    assert graded.seconds < 30


@pytest.mark.parametrize("content, needle", [
    (b"", "is empty"),
    (b"{\"cells\": [", "not JSON"),
    (b"\xff\xfe garbage", "not JSON"),
    (b"[1, 2, 3]", "not an object"),
    (json.dumps({"nbformat": 3, "nbformat_minor": 0, "worksheets": []}).encode(), "nbformat 3, not 4"),
    (json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}}).encode(), "no list of cells"),
])
def test_unreadable_notebooks_are_refused_with_one_line(tmp_path, content, needle):
    path = tmp_path / "bad.ipynb"
    path.write_bytes(content)
    assert_refused(grade(path, tmp_path), needle)


def test_a_missing_file_is_refused(tmp_path):
    assert_refused(grade(tmp_path / "nowhere.ipynb", tmp_path), "cannot read it")


def test_an_oversized_notebook_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.ipynb"
    with open(path, "wb") as f:            # sparse: 300 MiB by size, nothing on disk
        f.truncate(300 << 20)
    assert_refused(grade(path, tmp_path), "300 MiB", "Clear All Outputs")


def test_another_assignments_notebook_is_refused(tmp_path):
    softmax = REPO / "course" / "source" / "softmax_scratch" / "softmax_scratch.ipynb"
    assert_refused(grade(softmax, tmp_path), "is the softmax_scratch notebook", "--assignment softmax_scratch")


def test_an_unknown_assignment_is_refused(tmp_path):
    graded = grade(write(load_source(), tmp_path / "nb.ipynb"), tmp_path, assignment="no_such_thing")
    assert_refused(graded, "unknown assignment")


def test_without_bubblewrap_grading_refuses_unless_no_sandbox(bwrap, tmp_path):
    path = write(load_source(), tmp_path / "nb.ipynb")
    env = dict(os.environ, PATH=str(Path(sys.executable).parent))     # a PATH without bwrap on it
    assert_refused(grade(path, tmp_path, env=env), "bubblewrap", "--no-sandbox")


@pytest.mark.slow
def test_no_sandbox_warns_and_grades(tmp_path):
    path = write(load_source(), tmp_path / "nb.ipynb")
    env = dict(os.environ, PATH=str(Path(sys.executable).parent))
    graded = grade(path, tmp_path, "--no-sandbox", env=env)
    assert graded.returncode == 0, graded.stderr
    assert "warning: grading without a sandbox" in graded.stderr
    assert graded.report["score"] == 10.0


@pytest.mark.slow
def test_a_100_mb_notebook_of_embedded_outputs_is_graded_in_bounded_time(clean, tmp_path):
    nb = load_source()
    blob = base64.b64encode(os.urandom(3 << 20)).decode()          # 4 MiB of "PNG" per output
    for cell in (c for c in nb["cells"] if c["cell_type"] == "code"):
        cell["outputs"] = [{"output_type": "display_data", "metadata": {},
                            "data": {"image/png": blob, "text/plain": "<Figure>"}}] * 2
    path = write(nb, tmp_path / "outputs.ipynb")
    assert path.stat().st_size > 100 << 20
    graded = grade(path, tmp_path)
    assert graded.returncode == 0, graded.stderr
    assert graded.report["score"] == 10.0
    assert graded.seconds < 60


def _nb_without(grade_id: str) -> dict:
    nb = load_source()
    del nb["cells"][index_of(nb, grade_id)]
    return nb


@pytest.mark.slow
def test_a_deleted_stub_cell_costs_only_its_checks(clean, tmp_path):
    graded = grade(write(_nb_without("square_loss"), tmp_path / "nb.ipynb"), tmp_path)
    assert graded.returncode == 0, graded.stderr
    assert any("stub cell 'square_loss' is missing" in e for e in graded.report["errors"])
    for check_id, expected in clean.by_id().items():
        got = graded.by_id()[check_id]
        if expected["function"] == "square_loss" or expected["function"] is None:
            continue      # training uses square_loss: the outcome checks depend on it too
        assert got["passed"] == expected["passed"], check_id
    lost = [c for c in graded.report["checks"] if c["function"] == "square_loss"]
    assert lost and not any(c["passed"] for c in lost)
    assert "square_loss" in lost[0]["message"]


@pytest.mark.slow
def test_a_duplicated_stub_cell_is_noted_and_the_last_definition_counts(clean, tmp_path):
    nb = load_source()
    i = index_of(nb, "net")
    wrong = dict(nb["cells"][i], source="def net(X, w, b):\n    return nd.dot(X, w)\n")
    nb["cells"].insert(i + 1, json.loads(json.dumps(nb["cells"][i])))
    nb["cells"].insert(i, wrong)          # the wrong copy first: the correct last one counts
    graded = grade(write(nb, tmp_path / "nb.ipynb"), tmp_path)
    assert graded.returncode == 0, graded.stderr
    assert any("stub cell 'net' appears 3 times" in e for e in graded.report["errors"]), graded.report["errors"]
    assert graded.report["score"] == 10.0


@pytest.mark.slow
def test_edited_and_deleted_test_cells_are_noted_and_ignored(clean, tmp_path):
    nb = _nb_without("test_SGD")
    i = index_of(nb, "test_net")
    nb["cells"][i]["source"] = "print('all good!')\n"      # an edited test cell is never run
    graded = grade(write(nb, tmp_path / "nb.ipynb"), tmp_path)
    assert graded.returncode == 0, graded.stderr
    errors = graded.report["errors"]
    assert any("test cell 'test_SGD' was deleted" in e for e in errors), errors
    assert any("test cell 'test_net' was edited" in e for e in errors), errors
    assert graded.report["score"] == 10.0
