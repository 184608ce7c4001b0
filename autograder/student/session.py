"""A student process that survives its notebook: a crashed or hung cell is recorded, the process is
restarted and the cells that worked are replayed, so one broken cell costs only what depends on it.

Time: `total_timeout` bounds the whole submission. The notebook's cells may use at most `cells_share` of
it, so the checks always keep the rest whatever the cells do; the checks then spend it stub by stub
(`remaining`, used by the probe's budgets). A process that cannot even start is a grader fault.
"""
from __future__ import annotations

import tempfile
import time

from ..faults import GraderFault
from ..notebook import Cell
from ..student_errors import describe_cell_error
from .process import DEFAULT_REPLY_LIMIT, ProcessGone, StudentProcess

START_TIMEOUT = 120.0        # a fresh runner answers its first ping in about a second


class DeadlineExceeded(ProcessGone):
    pass


class TimedOut(ProcessGone):
    """The request ran out of time and the process interrupted itself: it is still alive."""


class StudentSession:
    def __init__(self, launcher, *, cell_timeout: float, total_timeout: float, output_limit: int,
                 workdir: str | None = None, cells_share: float = 0.6, scenarios: dict[str, str] | None = None):
        self.launcher, self.cell_timeout, self.output_limit = launcher, cell_timeout, output_limit
        self.scenarios = dict(scenarios or {})      # assignment id → scenarios.py the runner imports at start
        self.started = time.monotonic()
        self.deadline = self.started + total_timeout
        self.cells_deadline = self.started + cells_share * total_timeout
        self.total_timeout = total_timeout
        self._tmp = None if workdir else tempfile.TemporaryDirectory(prefix="d2l-grade-")
        self.workdir = workdir or self._tmp.name
        self.process: StudentProcess | None = None
        self.good_cells: list[Cell] = []
        self.cell_errors: dict[int, str] = {}      # cell index → what went wrong, for the report

    # ---- lifecycle ----

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self) -> None:
        if self.process:
            self.process.stop()
            self.process = None
        if self._tmp:
            self._tmp.cleanup()
            self._tmp = None

    def remaining(self, until: float | None = None, spent: str = "its share of the time") -> float:
        """Seconds left before `until` (default: the submission's deadline); DeadlineExceeded at zero,
        saying who used the time (`spent`) when `until` came first."""
        left = min(until or self.deadline, self.deadline) - time.monotonic()
        if left <= 0:
            if until is not None and until < self.deadline:
                raise DeadlineExceeded(f"grading stopped: {spent} ran out (--timeout {self.total_timeout:g} s)")
            raise DeadlineExceeded(f"grading stopped: the submission used up its {self.total_timeout:g} s")
        return left

    def _start(self) -> StudentProcess:
        """A fresh process that answered its first ping, or GraderFault: the student's code has not run in
        it yet, so a process that cannot start is the grader's problem (a bad interpreter path, bwrap
        refusing, a memory limit too small for Python itself), never a score."""
        process = StudentProcess(self.launcher, self.workdir, self.output_limit, scenarios=self.scenarios).start()
        allowed = min(START_TIMEOUT, self.remaining())
        try:
            process.request({"op": "ping"}, allowed)
        except ProcessGone as exc:
            process.stop()
            if allowed < START_TIMEOUT and "did not finish" in exc.message:
                raise DeadlineExceeded(f"grading stopped: the submission used up its {self.total_timeout:g} s") from None
            said = (process.output.text() if process.output else "").strip().splitlines()
            tail = " | ".join(said[-3:])[-400:] or "it printed nothing"
            raise GraderFault(f"the student process could not start ({exc.message}): {tail}") from None
        return process

    def ensure_running(self) -> StudentProcess:
        """A live process with every good cell replayed."""
        if self.process and self.process.alive:
            return self.process
        if self.process:
            self.process.stop()               # a dead one: release its pipes and its cgroup
        self.process = self._start()
        for cell in self.good_cells:
            reply = self.process.request({"op": "run_cell", "source": cell.source},
                                         min(self.cell_timeout, self.remaining()))
            if reply.get("status") != "ok":      # replays are deterministic; note it if not
                self.cell_errors.setdefault(cell.index, f"{cell.label} failed when replayed after a restart")
        return self.process

    # ---- work ----

    def run_cells(self, cells: list[Cell]) -> None:
        for cell in cells:
            try:
                process = self.ensure_running()
                limit = min(self.cell_timeout, self.remaining(self.cells_deadline,
                                                              "the time the notebook's cells may use"))
                reply = process.request({"op": "run_cell", "source": cell.source}, limit)
            except DeadlineExceeded as exc:
                self.cell_errors[cell.index] = f"{cell.label} was not run: {exc.message}"
                return
            except ProcessGone as exc:
                self.cell_errors[cell.index] = f"{cell.label} {exc.message}; it was skipped and the rest run without it"
                continue
            if reply.get("status") == "ok":
                self.good_cells.append(cell)
            elif reply.get("status") == "timeout":       # interrupted in time: the process goes on, no replay
                self.cell_errors[cell.index] = (f"{cell.label} did not finish within {limit:.3g} s; it was "
                                                "interrupted and the rest run without it")
            else:
                self.cell_errors[cell.index] = f"{cell.label} {describe_cell_error(reply.get('ename'), reply.get('evalue'))}"
                # a cell that raised half-way still defined what came before the error: keep it for replays
                self.good_cells.append(cell)

    def request(self, message: dict, timeout: float | None = None, until: float | None = None,
                spent: str = "its share of the time", reply_limit: int = DEFAULT_REPLY_LIMIT):
        """For probes: a reply, or ProcessGone (after which the next request restarts and replays).
        `timeout` bounds this request; `until` is the caller's own deadline (a stub's budget, `spent`)."""
        process = self.ensure_running()          # a replay is charged to the submission, not to the stub
        limit = min(timeout or self.cell_timeout, self.remaining(until, spent))
        reply = process.request(message, limit, reply_limit)
        status = reply.get("status") if isinstance(reply, dict) else None
        if status == "timeout":
            raise TimedOut(f"did not finish within {limit:.3g} s")
        if status == "too_large":     # MXNet keeps freed memory pooled: start afresh rather than starve the next stub
            process.stop()
        return reply
