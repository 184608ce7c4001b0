"""The grading process's own peak memory: a correct linreg_scratch notebook against hostile ones, in one run.

    .venv/bin/python benchmarks/judge_memory.py [--repeat N]

Each grading is the real command (`python -m autograder grade`, bubblewrap on) in a subprocess; a thread
samples that process's resident memory (not its children's: the student process has its own limit)
every 20 ms. Printed: the median peak per notebook and its ratio to the correct notebook's.
The hostile notebooks return two 255 MiB uint8 arrays from square_loss, and forge a reply frame that
announces 400 MiB — before the reply limits, the first took the grading process to 6.4 GiB.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "course" / "source" / "linreg_scratch" / "linreg_scratch.ipynb"

HOSTILE = {
    "square_loss returns 2 x 255 MiB": ("square_loss", """
        def square_loss(y_hat, y):
            big = nd.ones((255 << 20,), dtype='uint8')
            return (big, big + 1)
        """),
    "forged frame announcing 400 MiB": ("SGD", """
        import struct
        import autograder.student.framing as framing
        framing.pack = lambda tree: struct.pack(">Q", 400 << 20) + b"x" * (16 << 20)
        def SGD(params, lr, batch_size):
            for param in params:
                param[:] = param - lr * param.grad / batch_size
        """),
}


def notebook_with(stub: str, source: str, folder: Path) -> Path:
    nb = json.loads(SOURCE.read_text())
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == stub:
            cell["source"] = textwrap.dedent(source)
    path = folder / f"{stub}.ipynb"
    path.write_text(json.dumps(nb))
    return path


def peak_rss(notebook: Path) -> tuple[int, float]:
    """(peak resident bytes of the grading process, seconds)."""
    cmd = [sys.executable, "-m", "autograder", "grade", str(notebook), "--assignment", "linreg_scratch"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    judge, peak = psutil.Process(proc.pid), [0]

    def sample():
        while proc.poll() is None:
            try:
                peak[0] = max(peak[0], judge.memory_info().rss)
            except psutil.Error:
                return
            time.sleep(0.02)
    sampler = threading.Thread(target=sample)
    sampler.start()
    _, err = proc.communicate()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"grading {notebook.name} failed: {err.decode().strip()}")
    return peak[0], time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        notebooks = {"correct": SOURCE}
        notebooks.update({name: notebook_with(stub, src, Path(tmp)) for name, (stub, src) in HOSTILE.items()})
        peaks = {name: [] for name in notebooks}
        for _ in range(args.repeat):
            for name, path in notebooks.items():          # interleaved, so drift hits every notebook alike
                peaks[name].append(peak_rss(path)[0])
    base = statistics.median(peaks["correct"])
    print(f"grading process peak RSS, median of {args.repeat} (linreg_scratch, bubblewrap)")
    for name, values in peaks.items():
        median = statistics.median(values)
        print(f"  {name:34s} {median / (1 << 20):7.1f} MiB   ratio {median / base:.2f}x")


if __name__ == "__main__":
    main()
