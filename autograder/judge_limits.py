"""Bounds on the judge's own process: its CPU time per check and its memory, so that what a student
returns can never make the grader itself hang or exhaust the machine.

    with judge_cpu_limit(60, "linreg_scratch.SGD.step"):   # GraderFault past 60 s of the judge's CPU
        check.body(probe)
    limit_judge_memory(2048)                               # RLIMIT_AS of this process, in MiB

Neither is charged to the student: the student's time is bounded by the student process's deadlines,
and checks are written to be at most O(n log n) in what the student returned (refused above the
reply limits), so reaching the CPU limit means a bug in a check — a grader fault, never a score.
"""
from __future__ import annotations

import contextlib
import resource
import signal
import threading

from .faults import GraderFault

JUDGE_CPU_SECONDS = 60.0      # a check's own computation; the course's slowest uses well under a second
JUDGE_MEMORY_MB = 2048        # the grading process (`grade`, each `grade-all` worker): it peaks near 200 MiB


class _Overrun(BaseException):
    """Raised by the CPU timer inside the check; BaseException so no `except Exception` in a check eats it."""


@contextlib.contextmanager
def judge_cpu_limit(seconds: float, what: str):
    """GraderFault if the block uses more than `seconds` of this process's CPU time (ITIMER_PROF counts
    every thread). Signals reach only the main thread, so elsewhere (a Dask worker thread) it is a no-op."""
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def overrun(signum, frame):
        raise _Overrun()

    previous = signal.signal(signal.SIGPROF, overrun)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    except _Overrun:
        raise GraderFault(f"{what} used more than {seconds:g} s of the grader's own CPU time: a grader bug, "
                          "please report it") from None
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def limit_judge_memory(megabytes: int) -> None:
    """Cap this process's address space. Called by the `grade` command and in each `grade-all` worker
    (never by library code: a test or notebook importing the grader keeps its own limits)."""
    if megabytes <= 0:
        return
    limit = megabytes << 20
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def memory_plan(jobs: int, judge_mb: int, student_mb: int) -> str:
    """One line for `grade-all`: what `jobs` workers may hold at most (each a grading process and one
    student process), against this machine's memory — with a warning when it does not fit."""
    worst = jobs * (judge_mb + student_mb)
    line = f"memory: {jobs} workers x (grader {judge_mb} MiB + notebook {student_mb} MiB) = {worst} MiB at most"
    try:
        with open("/proc/meminfo") as meminfo:
            total = next(int(l.split()[1]) // 1024 for l in meminfo if l.startswith("MemTotal:"))
    except (OSError, StopIteration, ValueError):
        return line
    if worst > total:
        return (line + f"; warning: more than this machine's {total} MiB — lower --jobs, --memory-mb or "
                "--judge-memory-mb")
    return line + f" (this machine has {total} MiB)"
