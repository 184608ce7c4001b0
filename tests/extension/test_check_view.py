"""`%check`'s table as a student sees it in JupyterLab (headless Chromium): padded columns, hints that wrap
inside the output area, and a total that says what the hidden checks add. Screenshot: test-artifacts/check-table.png.

Uses the JupyterLab server and page fixtures of test_browser.py (same recipe, its own server).
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).parent))   # --import-mode=importlib: make the sibling module importable
from test_browser import ARTIFACTS, lab, open_notebook, page, run_cell  # noqa: E402,F401 - lab, page: fixtures

pytestmark = pytest.mark.slow

CELLS = [
    "import extension; extension.ensure_loaded()\nfrom extension import d2l\nD2L_ASSIGNMENT = 'linreg_scratch'\n"
    "from mxnet import nd",
    "def net(X, w, b):\n    return X * w + b\n\n"
    "def SGD(params, lr, batch_size):\n    for param in params:\n"
    "        param = param - lr * param.grad / batch_size\n",
    "%check net",
    "%check SGD",
    "%check",
]


def check_notebook(dest: Path) -> None:
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "d2l", "display_name": "Python 3 (d2l)",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    nbformat.write(nb, dest)


def test_check_table_is_padded_and_wraps_inside_the_output(lab, page):
    from playwright.sync_api import expect
    check_notebook(lab[2] / "check_view.ipynb")
    cells = open_notebook(page, lab, "check_view.ipynb")
    for i in range(len(CELLS)):
        run_cell(cells.nth(i))
    tables = page.locator("table.d2l-check-report")
    expect(tables).to_have_count(3)
    for i in range(3):
        table = tables.nth(i)
        output = cells.nth(2 + i).locator(".jp-OutputArea-output")
        area = output.bounding_box()
        box = table.bounding_box()
        assert box["x"] + box["width"] <= area["x"] + area["width"] + 1, (box, area)   # nothing off the edge
        heads = table.locator("th")
        assert heads.all_inner_texts() == ["check", "result", "score", "hint"]
        for h in range(heads.count()):
            padding = heads.nth(h).evaluate("e => parseFloat(getComputedStyle(e).paddingLeft)")
            assert padding >= 6, padding                    # "resultscorehint" was the bug
    # SGD's two hints: separate rows, each wrapped inside the table
    sgd_hints = tables.nth(1).locator("tbody tr td:nth-child(4)")
    texts = [t for t in sgd_hints.all_inner_texts() if t]
    assert len(texts) == 2, texts
    net_hint = tables.nth(0).locator("tbody tr td:nth-child(4)").first
    assert "use nd.dot(X, w), not X * w" in net_hint.inner_text()
    assert not net_hint.evaluate("e => e.scrollWidth > e.clientWidth + 1")
    expect(tables.nth(2).locator("tfoot")).to_contain_text("of hidden checks, graded later")
    ARTIFACTS.mkdir(exist_ok=True)
    cells.nth(3).screenshot(path=str(ARTIFACTS / "check-table.png"))
    cells.nth(4).screenshot(path=str(ARTIFACTS / "check-table-all.png"))
