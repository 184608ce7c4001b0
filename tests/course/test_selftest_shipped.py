"""Every assignment the kit ships passes its own self-test — the same command an instructor runs before
release: solution full marks, release zero, each example failing exactly what it declares, every scored
check failed by some example, points and cells as declared, release in sync with source.

The sandbox grades the solution, the release and the examples that run whole; the quick examples (one mistake
in one stub each, well over a hundred across the course) are judged in-process by
tests/autograder/test_classic_mistakes.py — the same checks, the same exact-failure and message rules, and the
coverage rule — because a sandboxed process per example would cost the suite a quarter of an hour; the demo
students (example-bug, example-crash) are held to their examples where the demo course grades them anyway
(tests/classgrading/test_class_report_demo.py)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from autograder.registry import discover
from autograder.selftest import selftest, table

sys.path.insert(0, str(Path(__file__).parent))   # --import-mode=importlib: make the sibling helper importable
from coursekit import COURSE  # noqa: E402

pytestmark = pytest.mark.slow
GROUP_BY_ASSIGNMENT = True   # one xdist group per assignment (tests/conftest.py): the file grows with the course


@pytest.mark.parametrize("assignment", sorted(a for a, found in discover(COURSE).items() if found.shipped))
def test_shipped_assignment_passes_its_selftest(assignment):
    findings = selftest(assignment, COURSE, examples="whole")
    print(table(assignment, findings))
    assert all(f.ok for f in findings), table(assignment, [f for f in findings if not f.ok])
    assert {"solution", "release zero", "coverage", "points", "release"} <= {f.what for f in findings}
