"""Throughput: stock `nbgrader autograde` against `python -m autograder grade-all --jobs 2`, side by side.

    .venv/bin/python benchmarks/throughput.py [--submissions 20] [--jobs 2] [--assignments ndarray,...]

Both grade the same submissions (copies of course/examples, cycled over the assignments and the
correct / bug / crash students) in two fresh nbgrader courses built in a temp dir; setup (nbgrader
generate_assignment) is not timed. grade-all runs with the sandbox on. Prints submissions/minute for each,
their ratio, and the peak memory of each grading run (resident set of the whole process tree, sampled).
Assignments that need course data (softmax_scratch) are left out by default: stock nbgrader trains them for
minutes per notebook.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from autograder.jupyter_env import isolated_jupyter_env

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"
KINDS = ("correct", "bug", "crash")


from autograder.registry import discover

def env_for(root: Path) -> dict:
    return isolated_jupyter_env(root)


def build_course(dest: Path, assignments: list[str], n: int, env: dict) -> None:
    dest.mkdir(parents=True)
    shutil.copy(COURSE / "nbgrader_config.py", dest)
    for a in assignments:
        shutil.copytree(COURSE / "source" / a, dest / "source" / a)
        subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", a], cwd=dest, env=env,
                       check=True, capture_output=True)
    pairs = [(a, k) for a in assignments for k in KINDS]
    for i in range(n):
        a, kind = pairs[i % len(pairs)]
        folder = dest / "submitted" / f"s{i:02d}" / a
        folder.mkdir(parents=True)
        shutil.copy(COURSE / "examples" / "submitted" / f"example-{kind}" / a / f"{a}.ipynb", folder / f"{a}.ipynb")


class PeakMemory:
    """Sum of RSS over a process and its descendants, sampled every 50 ms; keeps the maximum."""

    def __init__(self, pid: int):
        self.root, self.peak, self._stop = psutil.Process(pid), 0, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            try:
                procs = [self.root] + self.root.children(recursive=True)
                total = 0
                for p in procs:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total)
            except psutil.Error:
                pass
            time.sleep(0.05)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self.thread.join()


def timed(commands: list[list[str]], cwd: Path, env: dict) -> tuple[float, int]:
    """Run commands one after another; wall time and peak tree memory (bytes) over all of them."""
    start, peak = time.monotonic(), 0
    for cmd in commands:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        with PeakMemory(proc.pid) as mem:
            out, _ = proc.communicate()
        peak = max(peak, mem.peak)
        if proc.returncode != 0:
            sys.exit(f"{' '.join(cmd)} exited {proc.returncode}:\n{out[-3000:]}")
    return time.monotonic() - start, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--assignments", help="comma-separated ids (default: the kit's assignments that need no "
                        "course data; softmax_scratch trains on Fashion-MNIST for minutes under stock nbgrader)",
                        default=",".join(sorted(a for a, found in discover().items()
                                                if found.shipped and not found.datasets)))
    args = parser.parse_args()
    assignments = args.assignments.split(",")
    with tempfile.TemporaryDirectory(prefix="d2l-throughput-") as tmp:
        tmp = Path(tmp)
        env = env_for(tmp / "jupyter")
        build_course(tmp / "stock", assignments, args.submissions, env)
        build_course(tmp / "ours", assignments, args.submissions, env)
        stock_s, stock_mem = timed([[sys.executable, "-m", "nbgrader", "autograde", a] for a in assignments],
                                   tmp / "stock", env)
        ours_s, ours_mem = timed([[sys.executable, "-m", "autograder", "grade-all", str(tmp / "ours"),
                                   "--jobs", str(args.jobs)]], ROOT, env)
    n = args.submissions
    stock_rate, ours_rate = n / stock_s * 60, n / ours_s * 60
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.1f} GiB, "
          f"Python {platform.python_version()}, {platform.system()} {platform.release()}")
    print(f"{n} submissions ({', '.join(assignments)}; correct/bug/crash examples)")
    print(f"{'runner':<28} {'seconds':>8} {'subs/min':>9} {'peak MiB':>9}")
    print(f"{'nbgrader autograde':<28} {stock_s:8.1f} {stock_rate:9.1f} {stock_mem / 2**20:9.0f}")
    print(f"{f'grade-all --jobs {args.jobs} (sandbox)':<28} {ours_s:8.1f} {ours_rate:9.1f} {ours_mem / 2**20:9.0f}")
    print(f"ratio (grade-all / nbgrader): {ours_rate / stock_rate:.2f}x")


if __name__ == "__main__":
    main()
