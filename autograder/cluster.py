"""Where grade-all's work units run: a pool of local worker processes, or a Dask distributed cluster.

    with open_executor(jobs=2, scheduler=None) as pool:             # or scheduler="tcp://host:8786"
        futures = [pool.submit(grade_unit, unit) for unit in units]
        for future in pool.as_completed(futures):
            future.result()

Both give the same two verbs, so grade_all does not know which one it has. No scheduling of our own:
the local pool is `concurrent.futures.ProcessPoolExecutor`, the cluster is `distributed.Client`.
"""
from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import signal
import threading
import time
from contextlib import contextmanager


def _exit_with_parent(parent: int) -> None:
    """Worker initializer: a worker whose parent was killed (kill -9) exits instead of lingering.

    ProcessPoolExecutor's workers otherwise wait on their task queue forever once the parent is gone;
    the sandboxed student process of a unit in flight dies with its worker (bwrap --die-with-parent).
    """
    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)
    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
    # Ctrl-C reaches the whole process group: the parent alone decides what stops (no traceback per
    # worker). SIGTERM from `LocalPool.abort` unwinds the unit in flight, so its student process is
    # killed and its scratch folder removed.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _unwind)


class _Stop(SystemExit):
    """Raised by SIGTERM in a worker: unwinds the unit in flight (its `with` blocks clean up)."""


def _unwind(signum, frame):
    signal.signal(signal.SIGTERM, signal.SIG_DFL)     # a second SIGTERM ends the worker at once
    raise _Stop(128 + signum)


def _run(fn, *args):
    """A unit in a worker; once a stop has unwound it, the worker exits instead of taking more work."""
    try:
        return fn(*args)
    except _Stop as stop:
        os._exit(stop.code)


class LocalPool:
    def __init__(self, jobs: int):
        # spawn, not fork: the parent holds an open SQLite connection and maybe threads.
        self.executor = concurrent.futures.ProcessPoolExecutor(
            max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
            initializer=_exit_with_parent, initargs=(os.getpid(),))

    def submit(self, fn, *args):
        return self.executor.submit(_run, fn, *args)

    @staticmethod
    def as_completed(futures):
        return concurrent.futures.as_completed(list(futures))

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)

    def abort(self, patience: float = 1.5) -> None:
        """Stop now (Ctrl-C): queued units are dropped, units in flight unwind and their workers exit."""
        workers = list((self.executor._processes or {}).values())   # the pool gives no public handle
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
        deadline = time.monotonic() + patience
        for worker in workers:
            worker.join(max(0.0, deadline - time.monotonic()))
            if worker.is_alive():
                worker.kill()          # stuck in a cleanup: it must not keep the class waiting
                worker.join(1.0)
        self.executor.shutdown(wait=False, cancel_futures=True)


class DaskPool:
    """Work units on an existing Dask distributed scheduler; each worker sandboxes its own grading."""

    def __init__(self, address: str):
        from distributed import Client
        self.client = Client(address)

    def submit(self, fn, *args):
        return self.client.submit(fn, *args, pure=False)   # a regrade is new work, never a cached result

    @staticmethod
    def as_completed(futures):
        from distributed import as_completed
        return as_completed(list(futures))

    def close(self) -> None:
        self.client.close()

    def abort(self) -> None:
        self.client.close()        # our futures are released, so the scheduler cancels them


@contextmanager
def open_executor(jobs: int, scheduler: str | None = None):
    """The pool; closed when the block ends, aborted at once when it raises (Ctrl-C included)."""
    pool = DaskPool(scheduler) if scheduler else LocalPool(jobs)
    try:
        yield pool
    except BaseException:
        pool.abort()
        raise
    pool.close()
