"""Grade a whole class: nbgrader's submitted/<student>/<assignment>/ tree, in parallel, resumable.

    rows = grade_all("course", ["linreg_scratch"], jobs=2)            # local worker processes
    rows = grade_all("course", None, scheduler="tcp://host:8786")     # a Dask distributed cluster

The steps: `find_submissions` lists the tree → those the gradebook already holds for the same file
content are skipped (`CourseGradebook.is_done`) → each remaining notebook becomes a `WorkUnit` (the
notebook's bytes, the release notebook's bytes, the options: self-contained, so it runs on any machine)
→ `grade_unit` runs in a worker (sandboxed there) → as each finishes, this process alone writes it to
the gradebook in one transaction. A run killed at any moment loses at most the units in flight.

A submission that cannot be read is a "rejected" row with its reason and a zero grade; a grader-side
failure (no sandbox on a worker, a bug) is a "failed" row, nothing is written, and the next run retries it.
"""
from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, TextIO

from .registry import GRADER_FOLDER, PARTS, discover, get_assignment
from .cluster import open_executor
from .gradebook import CourseError, CourseGradebook, Submission
from .results import Report

# Row statuses.
GRADED, REJECTED, FAILED, DONE = "graded", "rejected", "failed", "done earlier"


class Interrupted(Exception):
    """Ctrl-C: `graded` submissions were written this run, `left` were not (the next run does them)."""

    def __init__(self, graded: int, left: int):
        super().__init__(f"interrupted: {graded} graded, {left} left; run again to continue")
        self.graded, self.left = graded, left


@contextmanager
def _finish_before_interrupt():
    """Ctrl-C during a gradebook write takes effect once the write is complete (it is one transaction
    anyway; this also keeps the autograded/ notebook and the gradebook row together)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pressed = []
    previous = signal.signal(signal.SIGINT, lambda *_: pressed.append(True))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed:
        raise KeyboardInterrupt


@dataclass(frozen=True)
class WorkUnit:
    label: str                 # "alice/linreg_scratch", for messages
    assignment: str
    notebook: str
    data: bytes                # the submitted notebook
    release: bytes | None      # the release notebook, to spot edited test cells
    options: object            # GradeOptions
    grader: dict = field(default_factory=dict)   # a course's own assignment: its folder's files (name → bytes)


@dataclass
class Row:
    student: str
    assignment: str
    notebook: str
    status: str
    score: float | None = None
    max_score: float | None = None
    reason: str = ""
    seconds: float = 0.0
    report: dict | None = field(default=None, repr=False)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def grader_files(course_dir: Path, assignment_id: str) -> dict[str, bytes]:
    """A course's own assignment's folder as bytes, for a work unit; {} for the kit's (workers have the kit)."""
    found = get_assignment(assignment_id, course_dir)
    if found.shipped:
        return {}
    return {part + ".py": found.file(part).read_bytes() for part in PARTS if found.file(part).is_file()}


def grade_unit(unit: WorkUnit) -> dict:
    """Grade one notebook in this (worker) process. Returns {"status", "report" | "reason", "seconds"}."""
    from .faults import GraderFault
    from .grade import grade_notebook
    from .judge_limits import limit_judge_memory
    from .notebook import NotebookError
    from .sandbox import SandboxUnavailable

    start = time.monotonic()
    if multiprocessing.parent_process() is not None:      # a worker process of its own, never the caller's
        limit_judge_memory(getattr(unit.options, "judge_memory_mb", 0))
    with tempfile.TemporaryDirectory(prefix="d2l-grade-") as tmp:
        path = Path(tmp) / f"{unit.notebook}.ipynb"
        path.write_bytes(unit.data)
        course = Path(tmp) / "course"
        if unit.release is not None:
            release = course / "release" / unit.assignment / f"{unit.assignment}.ipynb"
            release.parent.mkdir(parents=True)
            release.write_bytes(unit.release)
        if unit.grader:             # a course's own assignment travels with the unit (a Dask worker has no course)
            folder = course / "source" / unit.assignment / GRADER_FOLDER
            folder.mkdir(parents=True)
            for name, content in unit.grader.items():
                (folder / name).write_bytes(content)
        options = dataclasses.replace(unit.options, course_dir=course)
        shown = f"{unit.label}/{unit.notebook}.ipynb"
        try:
            report = grade_notebook(path, unit.assignment, options)
        except NotebookError as exc:
            return {"status": REJECTED, "reason": str(exc).replace(str(path), shown),
                    "seconds": time.monotonic() - start}
        except SandboxUnavailable as exc:
            return {"status": FAILED, "reason": str(exc), "seconds": time.monotonic() - start}
        except GraderFault as exc:          # not the student's doing: nothing recorded, retried next run
            return {"status": FAILED, "reason": f"grader fault: {exc.reason}", "seconds": time.monotonic() - start}
        except Exception as exc:           # a grader bug: surfaced as such, retried next run
            return {"status": FAILED, "reason": f"grader error {type(exc).__name__}: {exc}",
                    "seconds": time.monotonic() - start}
    return {"status": GRADED, "report": report.to_dict(), "seconds": time.monotonic() - start}


def find_submissions(book: CourseGradebook, assignments: Iterable[str] | None) -> list[Submission]:
    """Every submitted notebook of the wanted assignments, sorted by assignment then student."""
    root = book.submitted_root()
    wanted = list(assignments) if assignments else list(discover(book.root))
    found = []
    notebooks: dict[str, list[str]] = {}      # one gradebook query per assignment, not per student
    if not root.is_dir():
        return found
    for student_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for assignment in wanted:
            if not (student_dir / assignment).is_dir():
                continue
            if assignment not in notebooks:
                notebooks[assignment] = book.notebooks_of(assignment)
            for notebook in notebooks[assignment]:
                found.append(book.submission(student_dir.name, assignment, notebook))
    return sorted(found, key=lambda s: (s.assignment, s.student, s.notebook))


class Progress:
    """A one-line progress bar with ETA on a terminal; one line per finished unit otherwise."""

    def __init__(self, total: int, stream: TextIO | None = None, width: int = 24):
        self.total, self.done, self.width = total, 0, width
        self.stream = stream if stream is not None else sys.stderr
        self.start = time.monotonic()
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    @staticmethod
    def _clock(seconds: float) -> str:
        seconds = int(round(seconds))
        return f"{seconds // 60}:{seconds % 60:02d}"

    def step(self, what: str) -> None:
        self.done += 1
        elapsed = time.monotonic() - self.start
        eta = elapsed / self.done * (self.total - self.done)
        filled = int(self.width * self.done / max(self.total, 1))
        bar = "#" * filled + "." * (self.width - filled)
        line = (f"grading [{bar}] {self.done}/{self.total} {100 * self.done // max(self.total, 1):3d}% "
                f"elapsed {self._clock(elapsed)} ETA {self._clock(eta)}  {what}")
        if self.tty:
            self.stream.write("\r\x1b[K" + line + ("\n" if self.done == self.total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _row(sub: Submission, status: str, result: dict) -> Row:
    row = Row(sub.student, sub.assignment, sub.notebook, status, seconds=round(result.get("seconds", 0.0), 2))
    if "report" in result and "score" in result["report"]:
        row.report = result["report"]
        row.score, row.max_score = row.report["score"], row.report["max_score"]
    else:
        row.reason = result.get("reason", "")
        row.score = 0.0 if status == REJECTED else None
    return row


def grade_all(course_dir: str | Path, assignments: Iterable[str] | None = None, *, jobs: int | None = None,
              scheduler: str | None = None, options=None, progress: TextIO | None = None) -> list[Row]:
    """Grade every submission not yet in the gradebook; return one Row per submission (all of them)."""
    from .grade import GradeOptions
    options = options or GradeOptions()
    jobs = jobs or os.cpu_count() or 1
    rows: list[Row] = []
    with CourseGradebook(course_dir) as book:
        submissions = find_submissions(book, assignments)
        todo = []
        for sub in submissions:
            data = sub.path.read_bytes()          # read once: the hash recorded is of the bytes graded
            sha = hashlib.sha256(data).hexdigest()
            if book.is_done(sub, sha):
                status, stored = book.stored_result(sub)
                rows.append(_row(sub, DONE, {"report": stored} if status == GRADED else stored))
            else:
                todo.append((sub, sha, data))
        progress_bar = Progress(len(todo), progress)
        written = 0
        try:
            if todo:
                with open_executor(jobs, scheduler) as pool:
                    pending = {}
                    for sub, sha, data in todo:
                        release = book.release_path(sub.assignment, sub.notebook)
                        unit = WorkUnit(sub.label, sub.assignment, sub.notebook, data,
                                        release.read_bytes() if release.is_file() else None, options,
                                        grader_files(book.root, sub.assignment))
                        pending[pool.submit(grade_unit, unit)] = (sub, sha)
                    for future in pool.as_completed(pending):
                        sub, sha = pending[future]
                        try:
                            result = future.result()
                        except Exception as exc:      # the worker died (killed, out of memory): retry next run
                            result = {"status": FAILED, "reason": f"worker lost: {type(exc).__name__}: {exc}"}
                        row = _row(sub, result["status"], result)
                        with _finish_before_interrupt():
                            if row.status == GRADED:
                                book.record(sub, Report.from_dict(result["report"]), sha256=sha)
                            elif row.status == REJECTED:
                                book.record(sub, None, reason=row.reason, sha256=sha)
                            written += row.status in (GRADED, REJECTED)   # counted before a pending Ctrl-C acts
                        rows.append(row)
                        shown = f"{row.score:g}/{row.max_score:g}" if row.max_score is not None else row.status
                        progress_bar.step(f"{sub.label} {shown}")
        except KeyboardInterrupt:
            if progress_bar.tty and progress_bar.done < progress_bar.total:
                progress_bar.stream.write("\n")     # end the progress line before the message
            raise Interrupted(written, len(todo) - written) from None
    return sorted(rows, key=lambda r: (r.assignment, r.student, r.notebook))


def summary_table(rows: list[Row]) -> str:
    """student · assignment · score · status · flags · reason, then totals."""
    header = ("student", "assignment", "score", "status", "flags", "reason")
    body = []
    for r in rows:
        score = f"{r.score:g}/{r.max_score:g}" if r.max_score is not None else (
            f"{r.score:g}" if r.score is not None else "-")
        reason = r.reason
        if not reason and r.report:
            failed = [c["id"].split(".", 1)[-1] for c in r.report["checks"] if not c["passed"] and c["max_score"] > 0]
            reason = ("failed: " + ", ".join(failed)) if failed else ""
        flags = ",".join(sorted({f.get("code", "?") for f in (r.report or {}).get("flags", [])})) or "-"
        body.append((r.student, r.assignment, score, r.status, flags, reason[:100]))
    widths = [max(len(str(x)) for x in col) for col in zip(header, *body)] if body else [len(h) for h in header]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths[:-1]) + "  {}"
    lines = [fmt.format(*header), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*b) for b in body]
    counts = {s: sum(r.status == s for r in rows) for s in (GRADED, DONE, REJECTED, FAILED)}
    flagged = sum(bool((r.report or {}).get("flags")) for r in rows)
    lines.append(f"{len(rows)} submissions: " + ", ".join(f"{n} {s}" for s, n in counts.items() if n)
                 + (f"; {flagged} flagged for review (flags never change a score)" if flagged else ""))
    return "\n".join(lines)


__all__ = ["grade_all", "grade_unit", "find_submissions", "summary_table", "Row", "WorkUnit",
           "CourseError", "Interrupted", "GRADED", "REJECTED", "FAILED", "DONE"]
