"""The feedback page a student reads (`nbgrader generate_feedback` on our gradebook), looked at in headless
Chromium: every hint is its own list item, whole and inside the window, and every error names its cell.

The screenshot is kept in test-artifacts/ (feedback-linreg_scratch.png).
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).parent))   # --import-mode=importlib: make the sibling helper importable
from classkit import ROOT, grader, isolated_env, make_course, nbgrader, submit

pytestmark = pytest.mark.slow

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
WIDTH = 900                       # narrower than the longest hint: it must wrap, not run off the edge
A = "linreg_scratch"

# Two mistakes in one stub (SGD: two hints), a crash with its fix at the end of a long line (net), and a
# cell outside the stubs that raises (an error that must name the cell by its first line).
BUGS = {
    "net": "def net(X, w, b):\n    return X * w + b\n",
    "SGD": "def SGD(params, lr, batch_size):\n    for param in params:\n"
           "        param = param - lr * param.grad / batch_size\n",
}
BROKEN_CELL = "plot_the_losses_please()\n"


def solutions(course: Path) -> dict[str, str]:
    nb = nbformat.read(course / "source" / A / f"{A}.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: re.sub(r"^\s*### (BEGIN|END) SOLUTION\s*$\n?", "", c.source, flags=re.M)
            for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}


def student_notebook(course: Path, dest: Path) -> Path:
    """The released notebook with every stub filled in: the reference, except the bugs above."""
    nb = nbformat.read(course / "release" / A / f"{A}.ipynb", as_version=4)
    filled = {**solutions(course), **BUGS}
    cells = []
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in filled and cell.metadata["nbgrader"].get("solution"):
            cell.source = filled[grade_id]
        cells.append(cell)
        if grade_id == "SGD":
            cells.append(nbformat.v4.new_code_cell(BROKEN_CELL))
    nb.cells = cells
    nbformat.write(nb, dest)
    return dest


@pytest.fixture(scope="module")
def feedback(tmp_path_factory):
    """(feedback HTML path, the JSON row of the graded submission)."""
    import json
    tmp = tmp_path_factory.mktemp("feedback")
    env = isolated_env(tmp / "jupyter")
    course = make_course(tmp / "course", [A], env)
    submit(course, "alice", A, student_notebook(course, tmp / "alice.ipynb"))
    proc = grader("grade-all", str(course), "--assignment", A, "--jobs", "1", "--json", str(tmp / "rows.json"),
                  env=env)
    assert proc.returncode == 0, proc.stderr
    nbgrader(course, "generate_feedback", A, env=env)
    row = json.loads((tmp / "rows.json").read_text())[0]
    return course / "feedback" / "alice" / A / f"{A}.html", row


def test_each_hint_is_whole_on_its_own_line(feedback):
    from playwright.sync_api import sync_playwright
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium; this test must run, not skip")
    page_path, row = feedback
    report = row["report"]
    failed = [c for c in report["checks"] if not c["passed"] and c["message"]]
    sgd = [c for c in failed if c["function"] == "SGD"]
    assert len(sgd) >= 2, failed                          # the case that used to run together
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"])
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": 900})
            page.goto(page_path.as_uri())
            page.screenshot(path=str(ARTIFACTS / "feedback-linreg_scratch.png"), full_page=True)
            hints = page.locator("li.d2l-hint")
            texts = hints.all_inner_texts()
            # every failed check's message is one list item of its own, in the report and in its test cell
            for check in failed:
                line = f"{check['id']}: {check['message']}"
                assert texts.count(line) == 1, (line, texts)
                assert any(t.startswith("FAIL ") and t.endswith(check["message"]) for t in texts), check
            assert any(t.startswith("error: cell ") and "plot_the_losses_please()" in t for t in texts), texts
            for check in sgd:       # and in the stub's comment box, each its own item
                assert texts.count(check["message"]) == 1, (check["message"], texts)
            for i in range(hints.count()):
                hint = hints.nth(i)
                box = hint.bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, (texts[i], box)
                clipped = hint.evaluate("e => e.scrollWidth > e.clientWidth + 1")
                assert not clipped, texts[i]
            longest = max(range(len(texts)), key=lambda i: len(texts[i]))
            height = hints.nth(longest).bounding_box()["height"]
            line_height = hints.nth(longest).evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || 20")
            assert height > 1.5 * line_height, "the longest hint should wrap onto several lines at this width"
        finally:
            browser.close()


def test_feedback_names_the_crash_once_without_internals(feedback):
    page_path, row = feedback
    text = page_path.read_text()
    for internal in ("Traceback (most recent", 'elemwise_binary_broadcast_op.h"', "Check failed", "Stack trace"):
        assert internal not in text
    messages = [c["message"] for c in row["report"]["checks"]]
    assert sum("use nd.dot(X, w), not X * w" in m for m in messages) == 1, messages
