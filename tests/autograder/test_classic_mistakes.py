"""Each classic mistake fails the check that names it; other correct styles earn full marks.

The same table runs twice: fast, in this process through a LocalProbe, and slow, by grading a real
notebook in the sandboxed student process — so the in-kernel and the grading verdicts agree.
"""
from __future__ import annotations

import pytest

from autograder.checks import GRADER_BUG, checks_for, run_checks
from autograder.grade import grade_notebook
from autograder.probes import LocalProbe
from autograder.registry import discover, find, load
from autograder.selftest import message_faults

from .conftest import stub_sources

PRELUDE = """
import random
import time
import numpy as np                               # the numpy-only lessons' stubs (q_learning) use it
from extension import d2l                        # every notebook's setup cell imports it
import mxnet as mx
from mxnet import nd, autograd, init, gluon
from mxnet.gluon import nn, loss as gloss
w = nd.random.normal(scale=0.01, shape=(2, 1))   # notebook globals a buggy stub might read
b = nd.zeros(shape=(1,))
W = nd.random.normal(scale=0.01, shape=(784, 10))
true_w, true_b = [2, -3.4], 4.2
"""


def shipped_examples():
    """(assignment, Example) for every example of the kit's assignments: the tables live in their folders."""
    for assignment in sorted(a for a, found in discover().items() if found.shipped):
        for example in load(find(assignment), "examples").EXAMPLES:
            yield assignment, example


# (assignment, stub, source, checks that must fail — all other function checks must pass)
MISTAKES = [(a, stub, source, {f for f in ex.fails if not f.startswith("outcome.")}) for a, ex in shipped_examples()
            if ex.fails for stub, source in ex.replace.items()]
# (assignment, stub, source): other correct styles, full marks
STYLES = [(a, stub, source) for a, ex in shipped_examples() if not ex.fails for stub, source in ex.replace.items()]


def mistake_id(case):
    assignment, stub, _, failing = case[:4] if len(case) == 4 else (*case, None)
    return f"{assignment}-{stub}-{'+'.join(sorted(failing)) if failing else 'style'}"


def namespace_with(assignment: str, stub: str, source: str) -> dict:
    """The reference stubs executed in order, with one replaced: a notebook's globals without a kernel."""
    ns: dict = {}
    exec(PRELUDE, ns)
    for name, reference in stub_sources(assignment).items():
        try:
            exec(source if name == stub else reference, ns)
        except Exception:          # noqa: BLE001 - as in a notebook: the cell's error, then the next cell
            pass
    return ns


def function_results(results, assignment):
    return {r.id.removeprefix(f"{assignment}."): r for r in results if r.function is not None}


def assert_verdicts(results, assignment, stub, failing):
    assert not [r for r in results if GRADER_BUG in r.message], [r.message for r in results]
    by_id = function_results(results, assignment)
    failed = {i for i, r in by_id.items() if not r.passed and r.max_score > 0}
    assert failed == failing, {i: by_id[i].message for i in failed ^ failing}
    for check_id in failing:
        result = by_id[check_id]
        assert result.function == stub and result.score == 0
    assert message_faults(results) == []      # names its stub, no traceback or source path (selftest's rule)


@pytest.mark.parametrize("case", MISTAKES, ids=[mistake_id(c) for c in MISTAKES])
def test_mistake_caught_in_kernel(case):
    assignment, stub, source, failing = case
    results = run_checks(assignment, LocalProbe(namespace_with(assignment, stub, source)), hidden=False)
    assert_verdicts(results, assignment, stub, failing)


@pytest.mark.parametrize("case", STYLES, ids=[f"{a}-{s}-{i}" for i, (a, s, _) in enumerate(STYLES)])
def test_other_correct_style_earns_full_marks_in_kernel(case):
    assignment, stub, source = case
    results = run_checks(assignment, LocalProbe(namespace_with(assignment, stub, source)), stub)
    assert results and all(r.passed for r in results), [r.summary() for r in results if not r.passed]


# Graded in the sandbox: the examples that run whole by tests/course/test_selftest_shipped.py (selftest), the
# demo students by tests/classgrading/test_class_report_demo.py; `python -m autograder selftest` grades them all.


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ["linreg_scratch", "softmax_scratch"])
def test_other_styles_earn_full_marks_when_graded(assignment, notebook_builder):
    """Every alternative style of the assignment at once, graded with training: full marks."""
    replace = {stub: source for a, stub, source in STYLES if a == assignment}
    report = grade_notebook(notebook_builder(assignment, replace=replace), assignment)
    assert report.score == report.max_score, report.summary()


def test_every_scored_check_is_failed_by_some_example():
    """selftest's coverage rule for the suite: no function check goes untested by the mistake table above, and
    every outcome check is declared failed by an example that runs whole — which the sandboxed selftest
    (tests/course/test_selftest_shipped.py) grades and holds to exactly its declared failures."""
    covered = {(a, f"{a}.{check}") for a, _, _, failing in MISTAKES for check in failing}
    covered |= {(a, f"{a}.{check}") for a, ex in shipped_examples() if ex.whole for check in ex.fails}
    for assignment in sorted(a for a, found in discover().items() if found.shipped):
        for c in checks_for(assignment):
            if c.points > 0:
                assert (assignment, c.id) in covered, f"no example fails {c.id}"
