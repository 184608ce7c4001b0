"""`report`: what the class got wrong, counted from the gradebook. Fast (one exception): hand-made
reports, a real nbgrader gradebook made in process, and the command line. The demo course end to end
(real grading) and the page in Chromium are in test_class_report_demo.py.
"""
from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))   # --import-mode=importlib: make the sibling helper importable
from reportkit import (A, DIVIDE, SHAPE, check, expected_failures, generated_class, record, report, student_name,
                       submit_file, synthetic_report, tiny_course)

from autograder.class_report import (NO_ROW, Graded, NotGraded, group_mistakes, mistake_key, pointer, read_rows, render_csv,
                                     score_histogram, summarise)
from autograder.class_report_html import render_html
from autograder.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """The real command line in this process (a subprocess would pay nbgrader's imports each time)."""
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


# --- counting -----------------------------------------------------------------------------------------

def test_messages_differing_only_in_numbers_are_one_mistake():
    assert mistake_key(DIVIDE.format(4)) == mistake_key(DIVIDE.format(16))
    assert mistake_key("w = [1.5 -2.25e-3] is 0.4 off") == mistake_key("w = [3 4 5 6] is nan off")
    assert mistake_key(DIVIDE.format(4)) != mistake_key("SGD moved the parameters up the gradient")


def test_a_traceback_in_a_message_becomes_one_line_without_its_frames():
    raw = ('net raised MXNetError: Traceback (most recent call last):\n'
           '  File "../src/operator/tensor/./dot-inl.h", line 1241\n'
           'MXNetError: Check failed: L[!Ta].Size() == R[Tb].Size() (1 vs. 7) : dot shape error: [2,1] X [7,2]')
    other = raw.replace("7", "10")
    (mistake,) = group_mistakes([("ann", raw), ("bob", other), ("cat", raw)])
    assert mistake.example == ("net raised MXNetError: Check failed: L[!Ta].Size() == R[Tb].Size() (1 vs. 7) : "
                               "dot shape error: [2,1] X [7,2]")
    assert mistake.students == ["ann", "bob", "cat"] and "\n" not in mistake.key


def class_of_five():
    """ann..eve: SGD.step failed by 3 (two of one mistake, with different numbers), square_loss.shape by
    one, the outcome by two; data_iter.shuffled by nobody."""
    rows = {
        "ann": report(check("data_iter.shuffled", True), check("square_loss.shape", True, points=0.5),
                      check("SGD.step", False, DIVIDE.format(4), 1.5),
                      check("outcome.learned_parameters", False, "w is 0.5 from the true w")),
        "bob": report(check("data_iter.shuffled", True), check("square_loss.shape", False, SHAPE, 0.5),
                      check("SGD.step", False, DIVIDE.format(8), 1.5),
                      check("outcome.learned_parameters", False, "w is 0.25 from the true w")),
        "cat": report(check("data_iter.shuffled", True), check("square_loss.shape", True, points=0.5),
                      check("SGD.step", False, "SGD moved the parameters up the gradient", 1.5),
                      check("outcome.learned_parameters", True)),
        "dan": report(check("data_iter.shuffled", True), check("square_loss.shape", True, points=0.5),
                      check("SGD.step", True, points=1.5), check("outcome.learned_parameters", True)),
        "eve": report(check("data_iter.shuffled", True), check("square_loss.shape", True, points=0.5),
                      check("SGD.step", True, points=1.5), check("outcome.learned_parameters", True),
                      errors=["cell 3 raised NameError: name 'foo' is not defined"]),
    }
    return [Graded(s, A, r) for s, r in rows.items()]


def test_checks_are_ranked_by_students_failing_with_the_most_frequent_mistake():
    r = summarise(A, class_of_five(), [NotGraded("zed", A, NO_ROW)])
    stubs = r.function_checks
    assert [c.short_id for c in stubs] == ["SGD.step", "square_loss.shape", "data_iter.shuffled"]
    sgd = stubs[0]
    assert sgd.failed == ["ann", "bob", "cat"] and sgd.graded == 5 and sgd.share == pytest.approx(0.6)
    assert sgd.top.students == ["ann", "bob"]                       # 4 and 8: one mistake
    assert sgd.top.example in (DIVIDE.format(4), DIVIDE.format(8))  # a real message, not the blanked key
    assert [m.students for m in sgd.mistakes[1:]] == [["cat"]]
    assert stubs[2].failed == []
    # outcomes apart from the stubs' checks
    assert [c.short_id for c in r.outcome_checks] == ["outcome.learned_parameters"]
    assert r.outcome_checks[0].failed == ["ann", "bob"] and len(r.outcome_checks[0].mistakes) == 1
    assert [m.students for m in r.errors] == [["eve"]]
    assert r.max_score == 4.0 and sorted(r.scores) == [1.0, 1.5, 2.5, 4.0, 4.0]


def test_advisory_checks_rank_after_scored_ones_and_stay_off_the_chart():
    rows = [Graded(s, A, report(check("softmax.large_inputs_advisory", False, "advisory: overflows", points=0),
                                check("SGD.step", s == "ann", DIVIDE.format(4), 1.5)))
            for s in ("ann", "bob", "cat")]
    r = summarise(A, rows, [])
    assert [c.short_id for c in r.checks] == ["SGD.step", "softmax.large_inputs_advisory"]
    assert "(advisory, 0 pts): failed by 3 of 3" in r.text()
    page = render_html(r)
    chart = page[page.index("id='mistakes'"):page.index("</figure>", page.index("id='mistakes'"))]
    # matplotlib draws SVG text as paths, each after a comment holding the text
    assert "<!-- SGD.step -->" in chart and "large_inputs_advisory" not in chart
    assert "<code>softmax.large_inputs_advisory</code>" in page


def test_text_names_each_mistake_with_two_example_students_and_says_why_not_graded():
    text = summarise(A, class_of_five(), [NotGraded("zed", A, NO_ROW),
                                          NotGraded("yan", A, "rejected: yan.ipynb is not JSON")]).text()
    assert "7 submissions: 5 graded, 2 not graded" in text
    assert "zed" in text and "grader-side fault" in text and "rejected: yan.ipynb is not JSON" in text
    stubs, outcomes = text.index("mistakes in the stubs"), text.index("outcomes (the whole notebook)")
    assert stubs < text.index("1. SGD.step (1.5 pts): failed by 3 of 5 (60%)") < outcomes
    assert "2x SGD stepped by lr * grad without dividing by batch_size (" in text
    assert "e.g. ann, bob" in text and "+1 other message (1 student)" in text
    assert "passed by every graded submission: data_iter.shuffled" in text
    assert text.index("1. outcome.learned_parameters (1 pts): failed by 2 of 5 (40%)") > outcomes
    assert "NameError" in text


def test_histogram_keeps_full_marks_apart():
    bins = score_histogram([0, 0.5, 9.99, 10, 10, 5, 3], 10)
    assert [b.label for b in bins][:2] == ["[0, 1)", "[1, 2)"] and bins[-1].label == "10"
    assert [b.count for b in bins] == [2, 0, 0, 1, 0, 1, 0, 0, 0, 1, 2]
    assert [b.label for b in score_histogram([], 7.5)][-2:] == ["[7, 7.5)", "7.5"]


def test_csv_has_a_row_per_check_and_mistake():
    rows = list(csv.DictReader(io.StringIO(render_csv(summarise(A, class_of_five(), [])))))
    sgd = [r for r in rows if r["check"] == f"{A}.SGD.step"]
    assert [(r["rank"], r["failed"], r["mistake_students"], r["examples"]) for r in sgd] == [
        ("1", "3", "2", "ann; bob"), ("1", "3", "1", "cat")]
    assert {r["kind"] for r in rows if r["function"] == ""} == {"outcome"}
    assert [r for r in rows if r["check"] == f"{A}.data_iter.shuffled"][0]["mistake"] == ""


def test_html_is_self_contained_with_two_charts_and_the_ranked_table():
    page = render_html(summarise(A, class_of_five(), [NotGraded("zed", A, NO_ROW)]))
    assert page.count("<svg") == 2
    # nothing to fetch: no scripts, stylesheets, fonts or images from elsewhere
    assert not re.search(r"<script|<link|<img|src=|url\((?!#)|@import|href=.(?!#)", page), re.search(
        r".{40}(<script|<link|<img|src=|url\((?!#)|@import|href=.(?!#)).{40}", page)
    assert "id='stub-mistakes'" in page and "id='outcome-mistakes'" in page and "id='not-graded'" in page
    assert page.index("<code>SGD.step</code>") < page.index("<code>square_loss.shape</code>")


def test_pointer_names_the_command():
    assert pointer([A, A], "course") == (f"what the class got wrong: python -m autograder report {A} "
                                         "--course-dir course [--html report.html]")
    assert pointer(["ndarray", A], "c").endswith(f"(ASSIGNMENT: {A}, ndarray)")


# --- reading the gradebook -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return tiny_course(tmp_path_factory.mktemp("template") / "course")


@pytest.fixture
def course(template, tmp_path) -> Path:
    """A fresh copy of a course whose gradebook knows linreg_scratch (creating one costs seconds)."""
    return Path(shutil.copytree(template, tmp_path / "course"))


def test_read_rows_finds_graded_rejected_unrecorded_and_changed_submissions(tmp_path, course):
    for i in range(3):
        record(course, student_name(i), synthetic_report(i))
    record(course, "rejected-one", None, reason="not JSON at line 1")
    submit_file(course, "no-row", b"submitted, grade-all never finished it")
    submit_file(course, student_name(2), b"resubmitted after grading")
    graded, not_graded = read_rows(course, A)
    assert [g.student for g in graded] == ["s0000", "s0001", "s0002"]
    assert [g.report for g in graded] == [synthetic_report(i) for i in range(3)]
    assert [g.stale for g in graded] == [False, False, True]
    assert [(n.student, n.reason) for n in not_graded] == [("no-row", NO_ROW),
                                                           ("rejected-one", "rejected: not JSON at line 1")]


def test_cli_report_on_a_gradebook_writes_text_csv_and_html(tmp_path, course, capsys):
    generated_class(course, 30, rejected=2, missing=1)
    status, out, err = cli(capsys, "report", A, "--course-dir", str(course), "--csv", str(tmp_path / "m.csv"),
                           "--html", str(tmp_path / "r.html"))
    assert status == 0, err
    assert "33 submissions: 30 graded, 3 not graded" in out
    want = expected_failures(30)
    assert f"1. SGD.step (1.5 pts): failed by {want['SGD.step']} of 30" in out
    rows = list(csv.DictReader(io.StringIO((tmp_path / "m.csv").read_text())))
    failed = {r["check"].split(".", 1)[1]: int(r["failed"]) for r in rows}
    assert failed == want
    assert (tmp_path / "r.html").read_text().count("<svg") == 2


def test_500_submissions_are_counted_exactly(tmp_path, course):
    """Hundreds of rows: every count is what the generator put in (the time is in benchmarks/)."""
    generated_class(course, 490, rejected=6, missing=4)
    graded, not_graded = read_rows(course, A)
    r = summarise(A, graded, not_graded)
    assert len(r.graded) == 490 and len(r.not_graded) == 10
    assert sum(b.count for b in r.histogram) == 490
    assert {c.short_id: len(c.failed) for c in r.checks} == expected_failures(490)
    sgd = next(c for c in r.checks if c.short_id == "SGD.step")
    # i odd fails SGD.step; i % 6 == 5 with "up the gradient", the rest with one mistake in 7 numbers
    assert len(sgd.mistakes) == 2 and len(sgd.top.students) == sum(i % 2 == 1 and i % 6 != 5 for i in range(490))
    outcome = r.outcome_checks[0]
    assert len(outcome.mistakes) == 1 and outcome.top.students[:2] == [student_name(0), student_name(3)]


# --- exit status 2 ---------------------------------------------------------------------------------------

def test_cli_refuses_with_one_line_reasons(tmp_path, course, capsys):
    no_gradebook = tmp_path / "fresh"
    no_gradebook.mkdir()
    (no_gradebook / "nbgrader_config.py").write_bytes((course / "nbgrader_config.py").read_bytes())
    cases = {("report", "nosuch", "--course-dir", str(course)): "unknown assignment 'nosuch'",
             ("report", A, "--course-dir", str(no_gradebook)): "has no gradebook",
             ("report", A, "--course-dir", str(tmp_path)): "has no nbgrader_config.py",
             ("report", "ndarray", "--course-dir", str(course)): "not in the gradebook"}
    for args, reason in cases.items():
        status, out, err = cli(capsys, *args)
        assert status == 2, (args, out, err)
        assert reason in err and len(err.strip().splitlines()) == 1, err
    assert not (no_gradebook / "gradebook.db").exists()      # reading never creates an empty gradebook


@pytest.mark.slow
def test_grade_all_ends_with_the_pointer(tmp_path, course, capsys):
    """The real grade-all (a worker pool: slow to start). A notebook that cannot be read is rejected
    before any sandbox starts, so nothing is run."""
    submit_file(course, "eve", b'{"cells": [ this is not a notebook')
    proc = run("grade-all", str(course), "--jobs", "1")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == (
        f"what the class got wrong: python -m autograder report {A} --course-dir {course} [--html report.html]")
    status, out, _ = cli(capsys, "report", A, "--course-dir", str(course))
    assert status == 0 and "1 submissions: 0 graded, 1 not graded" in out and "rejected:" in out
