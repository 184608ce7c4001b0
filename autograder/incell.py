"""The checks inside the student's kernel: notebook test cells, nbgrader validate/autograde, and `%check`.

    from autograder.incell import assert_checks
    assert_checks("linreg_scratch", "square_loss", globals())

These verdicts are for the student's feedback only: `python -m autograder grade` never trusts them and
reruns the same checks from outside the student's process.
"""
from __future__ import annotations

from .checks import checks_for, run_checks
from .probes import LocalProbe
from .registry import get_assignment
from .results import Report
from .student_errors import one_per_crash


def check(assignment: str, function: str | None = ..., namespace: dict | None = None,
          hidden: bool = False) -> Report:
    """Run the public (or only the hidden) checks of one stub — or of all stubs with `function=...`."""
    if namespace is None:
        raise TypeError("check() needs the notebook's namespace: pass globals()")
    found = get_assignment(assignment)          # the kit's, or the course's own (found from the notebook's folder)
    results = one_per_crash(run_checks(found, LocalProbe(namespace), function, hidden=hidden))
    # The public total alone reads as the grade ("4.5/9" of 10): say what the grader adds later.
    later = 0.0 if hidden else sum(c.points for c in checks_for(found, function, hidden=True))
    return Report(assignment=found.id, checks=results, hidden_points=later)


def assert_checks(assignment: str, function: str | None, namespace: dict, hidden: bool = False) -> None:
    """Raise AssertionError listing each failed check's hint; print nothing when all pass."""
    report = check(assignment, function, namespace, hidden=hidden)
    failed = [c for c in report.checks if not c.passed and c.max_score > 0]
    if failed:
        raise AssertionError("\n".join(f"{c.id}: {c.message}" for c in failed))
