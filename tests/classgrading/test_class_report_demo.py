"""`report` on the demo course, graded for real: its counts are the graded examples' counts, and its
page renders in headless Chromium with both charts and the ranked table (screenshot in test-artifacts/).

It also holds each demo student to its example in examples.py: the notebook grade_all graded fails exactly
the checks the example declares, with messages a student may read (`selftest.judge_example`, the rule
`selftest` applies), and none of the three is flagged for tampering. The suite's selftest (tests/course/test_selftest_shipped.py) leaves the demo students to
this file, which grades them anyway.

Slow: the module grades the three example notebooks of every assignment once (sandboxed, grade_all with two
workers) and shares the course.
"""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from autograder.registry import discover, find
from autograder.selftest import examples_of, judge_example
from autograder.class_report import read_rows, summarise
from autograder.cli import main
from autograder.demo import build_demo_course
from autograder.grade_all import GRADED, REJECTED, grade_all
from autograder.jupyter_env import isolated_jupyter_env

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"           # where tests/extension/test_browser.py keeps its screenshots
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo course graded by grade_all: (course, rows). Jupyter's directories stay in the temp dir."""
    tmp = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        for key, value in isolated_jupyter_env(tmp / "jupyter").items():
            if os.environ.get(key) != value:
                mp.setenv(key, value)
        course = build_demo_course(tmp / "course")
        rows = grade_all(course, None, jobs=2, progress=io.StringIO())
    return course, rows


def failures_in(rows) -> dict[str, list[str]]:
    """check id → students who failed it, straight from the reports grade_all returned."""
    out: dict[str, list[str]] = {}
    for r in rows:
        for c in r.report["checks"]:
            out.setdefault(c["id"], [])
            if not c["passed"]:
                out[c["id"]].append(r.student)
    return {k: sorted(v) for k, v in out.items()}


@pytest.mark.parametrize("assignment", [a for a, found in discover().items() if found.shipped])
def test_report_counts_are_the_graded_examples_counts(demo, assignment, tmp_path, capsys):
    course, rows = demo
    mine = [r for r in rows if r.assignment == assignment]
    assert mine and all(r.status in (GRADED, REJECTED) for r in mine), [(r.student, r.reason) for r in mine]
    graded = [r for r in mine if r.status == GRADED]
    expected = failures_in(graded)

    status = main(["report", assignment, "--course-dir", str(course), "--csv", str(tmp_path / "m.csv")])
    out = capsys.readouterr().out
    assert status == 0
    assert f"{len(mine)} submissions: {len(graded)} graded, {len(mine) - len(graded)} not graded" in out
    for check_id, students in expected.items():
        short = check_id.split(".", 1)[1]
        if students:
            assert f"{short} (" in out and f"failed by {len(students)} of {len(graded)} (" in out, short
    with open(tmp_path / "m.csv", newline="") as fh:
        counted = {row["check"]: int(row["failed"]) for row in csv.DictReader(fh)}
    assert counted == {k: len(v) for k, v in expected.items()}

    report = summarise(assignment, *read_rows(course, assignment))
    assert {c.id: c.failed for c in report.checks} == expected
    assert sorted(report.scores) == sorted(r.score for r in graded)
    full = sum(r.score == r.max_score for r in graded)
    assert report.histogram[-1].count == full and sum(b.count for b in report.histogram) == len(graded)
    # The examples are what their names say: the correct one fails no scored check, the buggy one some.
    points = {c.id: c.max_score for c in report.checks}
    assert all("example-correct" not in s for k, s in expected.items() if points[k] > 0), expected
    assert any("example-bug" in s for k, s in expected.items() if points[k] > 0), expected
    # Advisory checks (0 points) rank after every scored one.
    assert [c.max_score == 0 for c in report.checks] == sorted(c.max_score == 0 for c in report.checks)


def test_report_page_in_chromium_shows_both_charts_and_the_ranked_table(demo, tmp_path, capsys):
    from playwright.sync_api import expect, sync_playwright
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium; this test must run, not skip")
    course, rows = demo
    assignment = "linreg_scratch"
    page_path = tmp_path / "report.html"
    assert main(["report", assignment, "--course-dir", str(course), "--html", str(page_path)]) == 0
    capsys.readouterr()
    report = summarise(assignment, *read_rows(course, assignment))
    failed_stub_checks = [c for c in report.function_checks if c.failed]
    assert failed_stub_checks, "the demo's buggy example fails some linreg_scratch check"

    ARTIFACTS.mkdir(exist_ok=True)
    expect.set_options(timeout=30_000)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage"])
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})   # a projector's width
            requests = []
            page.on("request", lambda req: requests.append(req.url))
            page.goto(page_path.as_uri())
            page.screenshot(path=str(ARTIFACTS / f"class-report-{assignment}.png"), full_page=True)

            expect(page.locator("h1")).to_have_text(f"{assignment}: what the class got wrong")
            for chart in ("#histogram svg", "#mistakes svg"):
                expect(page.locator(chart)).to_be_visible()
                assert page.locator(chart).bounding_box()["width"] > 500, chart
            table = page.locator("#stub-mistakes tbody tr")
            expect(table).to_have_count(len(failed_stub_checks))
            top = failed_stub_checks[0]
            expect(table.first.locator("td.check")).to_have_text(top.short_id)
            expect(table.first).to_contain_text(f"{len(top.failed)}/{top.graded}")
            expect(table.first).to_contain_text(top.top.example[:60])
            font = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
            assert font >= 24, f"body text {font}px: too small for a projector"
            assert requests == [page_path.as_uri()], requests      # nothing fetched beyond the page itself
        finally:
            browser.close()


@pytest.mark.parametrize("assignment", [a for a, found in discover().items() if found.shipped])
def test_demo_students_fail_exactly_what_their_examples_declare(demo, assignment):
    _, rows = demo
    reports = {r.student: r.report for r in rows if r.assignment == assignment and r.status == GRADED}
    students = [ex for ex in examples_of(find(assignment)) if ex.student]
    assert students, f"{assignment} ships no demo students"
    for example in students:
        assert example.student in reports, f"{example.student}'s {assignment} was not graded"
        finding, _ = judge_example(example, reports[example.student])
        assert finding.ok, finding.detail


@pytest.mark.parametrize("assignment", [a for a, found in discover().items() if found.shipped])
def test_no_tamper_flag_on_the_shipped_examples(demo, assignment):
    """Correct, buggy or crashing, an honest notebook is never flagged for the instructor (autograder.tamper)."""
    _, rows = demo
    flagged = {r.student: r.report["flags"] for r in rows
               if r.assignment == assignment and r.status == GRADED and r.report.get("flags")}
    assert flagged == {}
