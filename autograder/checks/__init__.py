"""The check registry and the loop that runs checks over a probe.

A check is a function `body(probe)` that returns nothing when the stub behaves and raises
`CheckFailed(message)` when it does not. Registering it (`@check(...)`) gives it an id
(`<assignment>.<function>.<name>`), points, and whether it is hidden (outcomes on data the
student never sees). `run_checks` turns every body into a `CheckResult`; it never prints.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Callable

from ..faults import GraderFault
from ..judge_limits import judge_cpu_limit
from ..probes import ProbeError
from ..results import CheckResult
from .expect import CheckFailed

@dataclass(frozen=True)
class Check:
    id: str
    assignment: str
    function: str | None
    points: float
    hidden: bool
    body: Callable
    seed: int = 0
    timeout: float | None = None     # seconds for this check's probes; None = the session default
    requires: tuple[str, ...] = ()   # stubs whose own scored checks must all pass before this one runs


_REGISTRY: dict[str, list[Check]] = {}


def check(assignment: str, function: str | None, name: str, points: float, hidden: bool = False,
          seed: int = 0, timeout: float | None = None, requires: tuple[str, ...] = ()):
    """Register `body(probe)` as a check. With `requires`, it earns nothing (and does not run) when a scored
    check of one of those stubs failed earlier in the same run: outcomes count only for working stubs."""
    def register(body):
        check_id = f"{assignment}.{function or 'outcome'}.{name}"
        checks = _REGISTRY.setdefault(assignment, [])
        if any(c.id == check_id for c in checks):
            raise ValueError(f"check {check_id} registered twice")
        checks.append(Check(check_id, assignment, function, points, hidden, body, seed, timeout, tuple(requires)))
        return body
    return register


def checks_for(assignment, function: str | None = ..., hidden: bool | None = None) -> list[Check]:
    """Registered checks of an assignment (an id, found by the registry, or an Assignment): its folder's
    checks.py is loaded on first use. `function=...` means all of them, `None` the outcome checks."""
    from ..registry import get_assignment, load
    found = get_assignment(assignment)
    load(found, "checks")
    return [c for c in _REGISTRY.get(found.id, [])
            if (function is ... or c.function == function) and (hidden is None or c.hidden == hidden)]


GRADER_BUG = "internal error in the grader"


def run_check(c: Check, probe) -> CheckResult:
    """One check → one result. Failures of the student's code are verdicts. An exception in the check
    itself is a grader bug: it is raised as a GraderFault, so the submission gets no grade (exit 2 from
    `grade`, nothing recorded by `grade-all`, which retries it) rather than a wrong one."""
    def result(passed: bool, message: str = "") -> CheckResult:
        return CheckResult(id=c.id, function=c.function, passed=passed,
                           score=c.points if passed else 0.0, max_score=c.points, message=message)

    probe.default_seed, probe.timeout = c.seed, c.timeout
    try:
        with warnings.catch_warnings(), judge_cpu_limit(probe.judge_cpu_seconds, c.id):
            warnings.simplefilter("ignore")     # stderr output zeroes an nbgrader test cell
            c.body(probe)
    except CheckFailed as exc:
        return result(False, str(exc))
    except ProbeError as exc:
        return result(False, exc.message)
    except GraderFault:
        raise
    except Exception as exc:       # noqa: BLE001
        if getattr(probe, "tampered", False):
            # The notebook tampers with the grader (a static flag): its forged replies can crash a check.
            # That is its doing, not a grader bug — a failed check, recorded with the flags for review.
            return result(False, f"{c.function or 'the outcome'} could not be checked: the notebook's process "
                                 f"answered in a form the grader never sends ({type(exc).__name__}); the notebook "
                                 "was flagged for changing the grader")
        raise GraderFault(f"{GRADER_BUG} while running {c.id} ({type(exc).__name__}: {exc})") from exc
    return result(True)


def run_checks(assignment: str, probe, function: str | None = ..., hidden: bool | None = None
               ) -> list[CheckResult]:
    """Every selected check, stub by stub in registration order; each stub's checks get a share of the
    time left (`probe.budget`), so the order of the stubs cannot starve the later ones. A check that
    `requires` stubs is not run (and scores 0) when one of their scored checks failed earlier."""
    from ..registry import get_assignment
    found = get_assignment(assignment)
    probe.prepare(found)
    checks = checks_for(found, function, hidden)
    groups: dict[str | None, list[Check]] = {}
    for c in checks:
        groups.setdefault(c.function, []).append(c)
    results: dict[str, CheckResult] = {}
    failed: dict[str, list[str]] = {}
    for done, (stub, group) in enumerate(groups.items()):
        probe.budget(stub, len(groups) - done)
        for c in group:
            blocked = [name for name in c.requires if failed.get(name)]
            result = blocked_result(c, blocked, failed) if blocked else run_check(c, probe)
            if not result.passed and c.points > 0 and c.function is not None:
                failed.setdefault(c.function, []).append(c.id.rsplit(".", 1)[-1])
            results[c.id] = result
    return [results[c.id] for c in checks]


def blocked_result(c: Check, blocked: list[str], failed: dict[str, list[str]]) -> CheckResult:
    which = "; ".join(f"{name}: {', '.join(failed[name])}" for name in blocked)
    return CheckResult(id=c.id, function=c.function, passed=False, score=0.0, max_score=c.points,
                       message=f"not checked: {' and '.join(blocked)} must pass "
                               f"{'its' if len(blocked) == 1 else 'their'} own checks first (failed: {which})")
