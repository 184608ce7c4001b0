"""The judge under hostile replies: every wait has a deadline, replies are bounded before they are buffered,
the judge's memory stays small, and a slow function costs only its own checks.

Each test grades a real notebook with the real command under bubblewrap (`conftest.grade`) and asserts:
grading ended within --timeout plus the documented margin, a report was written, the correct stubs kept
their credit, and the failure was named (never "internal error in the grader", never exit 2).
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
import time

import psutil
import pytest

from .conftest import REPO, Graded, code_cell, grade, index_of, load_source, with_cell, write

pytestmark = [pytest.mark.slow, pytest.mark.serial]   # deadlines and timings: run alone, not beside another worker

MARGIN = 30.0      # seconds past --timeout a submission may take: stopping the process, the report (README)
LINREG_STUBS = ("data_iter", "net", "square_loss", "SGD")


def replaced(stub: str, source: str, nb: dict | None = None) -> dict:
    """The reference linreg notebook with the stub cell `stub` holding `source`."""
    nb = nb or load_source()
    nb["cells"][index_of(nb, stub)]["source"] = textwrap.dedent(source)
    return nb


def kept(graded: Graded, clean: Graded, functions) -> None:
    """Every check of `functions` scored exactly what it scores on the clean notebook."""
    ours, theirs = graded.by_id(), clean.by_id()
    for check_id, expected in theirs.items():
        if expected["function"] in functions:
            assert (ours[check_id]["passed"], ours[check_id]["score"]) == (True, expected["score"]), ours[check_id]


def failed_messages(graded: Graded, function) -> list[str]:
    return [c["message"] for c in graded.report["checks"] if c["function"] == function and not c["passed"]]


def no_grader_error(graded: Graded) -> None:
    assert graded.returncode == 0, graded.stderr
    text = json.dumps(graded.report)
    assert "internal error in the grader" not in text
    assert "did the notebook change a library function" not in text


def test_a_process_that_stops_reading_a_large_request_cannot_hold_the_judge(bwrap, tmp_path):
    """softmax's hidden data is a ~9 MB request; the notebook stops reading requests larger than 1 MiB,
    so the judge's write would block forever without a deadline."""
    nb = json.loads((REPO / "course" / "source" / "softmax_scratch" / "softmax_scratch.ipynb").read_text())
    attack = textwrap.dedent("""
        import time
        import autograder.student.framing as framing
        _read_exact = framing.read_exact
        def read_exact(read, size):
            if size > (1 << 20):
                time.sleep(10 ** 6)          # never read the rest: the pipe stays full
            return _read_exact(read, size)
        framing.read_exact = read_exact
        """)
    # stubs only (no 5-epoch training: the outcome fails anyway), plus the attack
    cut = index_of(nb, "test_accuracy") + 1
    nb["cells"] = nb["cells"][:cut] + [code_cell(attack)]
    path = write(nb, tmp_path / "stall.ipynb")
    start = time.monotonic()
    graded = grade(path, tmp_path, "--timeout", "60", "--cell-timeout", "30", assignment="softmax_scratch",
                   limit=60 + MARGIN + 30)
    assert time.monotonic() - start < 60 + MARGIN
    no_grader_error(graded)
    hidden = graded.by_id()["softmax_scratch.outcome.hidden_data"]
    assert not hidden["passed"] and "stopped reading the grader's request" in hidden["message"], hidden
    for stub in ("softmax", "net", "cross_entropy", "accuracy"):          # judged before, and by small requests
        assert all(c["passed"] for c in graded.report["checks"] if c["function"] == stub and c["max_score"]), stub


def test_a_function_that_sleeps_costs_only_its_own_checks(clean, tmp_path):
    """data_iter sleeps 19 s per call, under --cell-timeout 20 --timeout 80: the training cell is cut, data_iter
    and the outcomes fail, and net, square_loss and SGD keep every point."""
    nb = replaced("data_iter", """
        import time, random
        def data_iter(batch_size, features, labels):
            time.sleep(19)
            num_examples = len(features)
            indices = list(range(num_examples))
            random.shuffle(indices)
            for i in range(0, num_examples, batch_size):
                j = nd.array(indices[i: min(i + batch_size, num_examples)])
                yield features.take(j), labels.take(j)
        """)
    graded = grade(write(nb, tmp_path / "sleepy.ipynb"), tmp_path, "--cell-timeout", "20", "--timeout", "80",
                   limit=80 + MARGIN + 30)
    no_grader_error(graded)
    assert graded.seconds < 80 + MARGIN
    kept(graded, clean, ("net", "square_loss", "SGD"))
    assert failed_messages(graded, "data_iter")


def test_a_reply_of_two_255_mib_arrays_is_refused_and_the_judge_stays_small(clean, tmp_path):
    """square_loss returns two 255 MiB uint8 arrays. The judge refuses the reply without buffering it; its own
    peak memory (sampled) stays far below the reply, and under a 400 MiB address-space cap grading works."""
    nb = replaced("square_loss", """
        def square_loss(y_hat, y):
            big = nd.ones((255 << 20,), dtype='uint8')
            return (big, big + 1)
        """)
    path = write(nb, tmp_path / "huge.ipynb")
    peak = {"rss": 0}
    cmd = [sys.executable, "-m", "autograder", "grade", str(path), "--assignment", "linreg_scratch",
           "--json", str(tmp_path / "huge.json"), "--cell-timeout", "60", "--timeout", "240",
           "--judge-memory-mb", "400"]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    judge = psutil.Process(proc.pid)

    def sample():
        while proc.poll() is None:
            try:
                peak["rss"] = max(peak["rss"], judge.memory_info().rss)
            except psutil.Error:
                return
            time.sleep(0.02)
    sampler = threading.Thread(target=sample)
    sampler.start()
    out, err = proc.communicate(timeout=300)
    sampler.join()
    assert proc.returncode == 0, err
    report = json.loads((tmp_path / "huge.json").read_text())
    graded = Graded(proc.returncode, out, err, 0.0, report)
    no_grader_error(graded)
    assert peak["rss"] < 200 << 20, f"the judge peaked at {peak['rss'] >> 20} MiB"
    kept(graded, clean, ("data_iter", "net", "SGD"))
    messages = failed_messages(graded, "square_loss")
    assert messages and any("too large" in m for m in messages), messages


HOSTILE_RETURNS = {
    "nan_and_inf": ("return (y_hat - y.reshape(y_hat.shape)) * float('nan') + float('inf')", "square_loss"),
    "200k_deep_nesting": ("""
        value = 0.0
        for _ in range(200_000):
            value = [value]
        return value""", "nested more than 8 levels"),
    "self_containing_list": ("""
        value = [1.0]
        value.extend([value] * 1000)
        return value""", "contains itself"),
    "ten_million_items": ("return [0.5] * 10_000_000", "10000000 items"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_RETURNS))
def test_hostile_returns_are_named_failures(clean, tmp_path, case):
    body, needle = HOSTILE_RETURNS[case]
    source = "def square_loss(y_hat, y):\n" + textwrap.indent(textwrap.dedent(body).strip("\n"), "    ") + "\n"
    graded = grade(write(replaced("square_loss", source), tmp_path / f"{case}.ipynb"), tmp_path)
    no_grader_error(graded)
    kept(graded, clean, ("data_iter", "net", "SGD"))
    messages = failed_messages(graded, "square_loss")
    assert messages and all("square_loss" in m for m in messages), messages
    assert any(needle in m for m in messages), messages


def test_a_forged_reply_nested_200k_deep_is_refused_by_the_decoder(clean, tmp_path):
    """The notebook writes its own frame to the judge: a header nested 200k levels deep. The decoder refuses
    it before json parses it (no RecursionError in the judge)."""
    attack = textwrap.dedent("""
        import struct
        import autograder.student.framing as framing
        def pack(tree):
            header = b"[" * 200_000 + b"]" * 200_000
            frame = struct.pack(">I", len(header)) + header + struct.pack(">I", 0)
            return struct.pack(">Q", len(frame)) + frame
        framing.pack = pack
        """)
    graded = grade(write(with_cell(attack, after="test_SGD"), tmp_path / "deep.ipynb"), tmp_path)
    no_grader_error(graded)
    messages = [c["message"] for c in graded.report["checks"] if not c["passed"]]
    assert messages and any("nested too deeply" in m for m in messages), messages


def test_threads_left_spinning_do_not_slow_the_judging_of_later_stubs(clean, tmp_path):
    attack = textwrap.dedent("""
        import threading
        def spin():
            while True:
                pass
        for _ in range(2):
            threading.Thread(target=spin, daemon=True).start()
        """)
    graded = grade(write(with_cell(attack, after="test_SGD"), tmp_path / "spin.ipynb"), tmp_path)
    no_grader_error(graded)
    kept(graded, clean, LINREG_STUBS)
    # bounded slowdown: the clean notebook grades in a few seconds; unbounded, this took minutes
    assert graded.seconds < 3 * clean.seconds + 20, (graded.seconds, clean.seconds)


def test_a_batch_of_120k_rows_is_judged_in_seconds(clean, tmp_path):
    """One batch of 120,000 rows for 53 examples: every data_iter check fails, judged in linear-ish time."""
    nb = replaced("data_iter", """
        def data_iter(batch_size, features, labels):
            reps = 120_000 // len(features) + 1
            yield nd.tile(features, (reps, 1))[:120_000], nd.tile(labels, (reps,))[:120_000]
        """)
    graded = grade(write(nb, tmp_path / "rows.ipynb"), tmp_path)
    no_grader_error(graded)
    assert graded.seconds < 60, graded.seconds
    kept(graded, clean, ("net", "square_loss", "SGD"))
    assert failed_messages(graded, "data_iter")
