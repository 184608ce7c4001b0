"""Faults on the grader's side: the student's code could not be judged fairly, so there is no grade.

    raise GraderFault("the student process could not start: bwrap: execvp …")

`grade` turns one into exit status 2 with its reason on one line; `grade-all` records nothing for that
submission (it is retried on the next run) and lists it in the summary. A fault is never a score: it is
raised for what the student's code did not cause — a process that cannot start, course data missing in
the sandbox, a check that crashed or overran the judge's own budget.
"""
from __future__ import annotations


class GraderFault(Exception):
    """Grading could not judge this submission fairly; `reason` is one line for the instructor."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
