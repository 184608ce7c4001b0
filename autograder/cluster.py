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


class LocalPool:
    def __init__(self, jobs: int):
        # spawn, not fork: the parent holds an open SQLite connection and maybe threads.
        self.executor = concurrent.futures.ProcessPoolExecutor(
            max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
            initializer=_exit_with_parent, initargs=(os.getpid(),))

    def submit(self, fn, *args):
        return self.executor.submit(fn, *args)

    @staticmethod
    def as_completed(futures):
        return concurrent.futures.as_completed(list(futures))

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


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


@contextmanager
def open_executor(jobs: int, scheduler: str | None = None):
    pool = DaskPool(scheduler) if scheduler else LocalPool(jobs)
    try:
        yield pool
    finally:
        pool.close()
