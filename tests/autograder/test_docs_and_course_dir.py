"""The README links only files in the repository, and `grade --course-dir` says when it cannot compare
test cells with a release notebook (before, it silently skipped that check for a pip install)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NDARRAY = REPO / "course" / "examples" / "submitted" / "example-correct" / "ndarray" / "ndarray.ipynb"


@pytest.mark.parametrize("doc", ["README.md", "course/README.md", "docs/contracts.md"])
def test_docs_link_only_files_in_the_repository(doc):
    text = (REPO / doc).read_text()
    links = re.findall(r"\]\(([^)#]+)\)", text)
    for target in links:
        if re.match(r"[a-z]+://", target):
            continue
        path = (REPO / doc).parent / target
        assert path.resolve().is_relative_to(REPO) and path.exists(), f"{doc} links {target}"
    assert "shared/" not in text and "DESIGN.md" not in text


def grade(*extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", "grade", str(NDARRAY), "--assignment", "ndarray",
                           *extra], cwd=REPO, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_grade_warns_when_no_release_notebook_can_be_compared(tmp_path):
    proc = grade("--course-dir", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "10/10" in proc.stdout
    warning = [line for line in proc.stderr.splitlines() if line.startswith("warning: no release notebook")]
    assert len(warning) == 1 and str(tmp_path / "release" / "ndarray") in warning[0], proc.stderr
    assert "--course-dir" in warning[0]


@pytest.mark.slow
def test_grade_compares_with_the_course_dir_it_is_given(tmp_path):
    """An edited test cell is spotted against --course-dir's release notebook, and no warning is given."""
    import json
    nb = json.loads(NDARRAY.read_text())
    test_cell = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "test_l2_norm")
    test_cell["source"] = "pass\n"
    edited = tmp_path / "ndarray.ipynb"
    edited.write_text(json.dumps(nb))
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", str(edited), "--assignment", "ndarray",
                           "--course-dir", str(REPO / "course"), "--json", str(tmp_path / "r.json")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "warning: no release notebook" not in proc.stderr
    errors = json.loads((tmp_path / "r.json").read_text())["errors"]
    assert any("test_l2_norm" in e for e in errors), errors
