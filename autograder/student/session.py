"""A student process that survives its notebook: a crashed or hung cell is recorded, the process is
restarted and the cells that worked are replayed, so one broken cell costs only what depends on it.
"""
from __future__ import annotations

import tempfile
import time

from ..notebook import Cell
from ..student_errors import describe_cell_error
from .process import ProcessGone, StudentProcess


class DeadlineExceeded(ProcessGone):
    pass


class StudentSession:
    def __init__(self, launcher, *, cell_timeout: float, total_timeout: float, output_limit: int,
                 workdir: str | None = None):
        self.launcher, self.cell_timeout, self.output_limit = launcher, cell_timeout, output_limit
        self.deadline = time.monotonic() + total_timeout
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

    def _remaining(self) -> float:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise DeadlineExceeded(f"grading stopped: the submission used up its {self.total_timeout:g} s")
        return remaining

    def _ensure_running(self) -> StudentProcess:
        """A live process with every good cell replayed."""
        if self.process and self.process.alive:
            return self.process
        if self.process:
            self.process.stop()               # a dead one: release its pipes and its cgroup
        self.process = StudentProcess(self.launcher, self.workdir, self.output_limit).start()
        self.process.request({"op": "ping"}, min(120.0, self._remaining()))
        for cell in self.good_cells:
            reply = self.process.request({"op": "run_cell", "source": cell.source},
                                         min(self.cell_timeout, self._remaining()))
            if reply.get("status") != "ok":      # replays are deterministic; note it if not
                self.cell_errors.setdefault(cell.index, f"{cell.label} failed when replayed after a restart")
        return self.process

    # ---- work ----

    def run_cells(self, cells: list[Cell]) -> None:
        for cell in cells:
            try:
                process = self._ensure_running()
                reply = process.request({"op": "run_cell", "source": cell.source},
                                        min(self.cell_timeout, self._remaining()))
            except DeadlineExceeded as exc:
                self.cell_errors[cell.index] = f"{cell.label} was not run: {exc.message}"
                return
            except ProcessGone as exc:
                self.cell_errors[cell.index] = f"{cell.label} {exc.message}; it was skipped and the rest run without it"
                continue
            if reply.get("status") == "ok":
                self.good_cells.append(cell)
            else:
                self.cell_errors[cell.index] = f"{cell.label} {describe_cell_error(reply.get('ename'), reply.get('evalue'))}"
                # a cell that raised half-way still defined what came before the error: keep it for replays
                self.good_cells.append(cell)

    def request(self, message: dict, timeout: float | None = None):
        """For probes: a reply, or ProcessGone (after which the next request restarts and replays)."""
        process = self._ensure_running()
        limit = min(timeout or self.cell_timeout, self._remaining())
        return process.request(message, limit)
