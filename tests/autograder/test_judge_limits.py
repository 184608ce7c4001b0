"""The judge's own bounds, unit by unit: deadlines on writes, replies refused before they are buffered,
decoder and encoder limits, the judge's CPU limit per check, per-stub budgets and remembered probes."""
from __future__ import annotations

import struct
import sys
import time

import numpy as np
import pytest

from autograder import harness, wire
from autograder.checks import Check, run_check
from autograder.faults import GraderFault
from autograder.judge_limits import judge_cpu_limit
from autograder.probes import Probe, ProbeError
from autograder.sandbox import PlainLauncher
from autograder.student.framing import ReplyTooLarge, read_frame
from autograder.student.process import ProcessGone, StudentProcess


class ScriptLauncher(PlainLauncher):
    """Starts `python -c SCRIPT` in place of the runner: a stand-in student process that misbehaves."""

    def __init__(self, script: str):
        super().__init__()
        self.script = script

    def command(self, argv, workdir):
        return super().command([sys.executable, "-c", self.script], workdir)


def test_a_process_that_never_reads_cannot_block_a_large_request(tmp_path):
    """8 MiB to a process that never reads its stdin: the write gives up at the deadline."""
    with StudentProcess(ScriptLauncher("import time; time.sleep(60)"), str(tmp_path)) as proc:
        start = time.monotonic()
        with pytest.raises(ProcessGone, match="stopped reading the grader's request"):
            proc.request({"op": "scenario", "kwargs": {"x": np.zeros(1 << 20)}}, timeout=2)
        assert time.monotonic() - start < 10
        assert not proc.alive


def test_an_announced_huge_reply_is_refused_before_it_is_read(tmp_path):
    """The process announces 400 MiB and starts sending: nothing of it is buffered, the process is stopped."""
    script = ("import os, struct, sys, time\n"
              "sys.stdin.buffer.read(8)\n"
              "os.write(1, struct.pack('>Q', 400 << 20))\n"
              "os.write(1, b'x' * (1 << 16))\n"
              "time.sleep(60)\n")
    with StudentProcess(ScriptLauncher(script), str(tmp_path)) as proc:
        with pytest.raises(ProcessGone, match="more than the 16 MiB this probe allows"):
            proc.request({"op": "ping"}, timeout=10)
        assert not proc.alive


def test_read_frame_checks_the_announced_size_first():
    calls = []

    def read(n):
        calls.append(n)
        return struct.pack(">Q", 1 << 30) if len(calls) == 1 else b"\0" * n
    with pytest.raises(ReplyTooLarge):
        read_frame(read, limit=1 << 20)
    assert calls == [8]                       # only the length was read


def test_a_header_nested_200k_deep_is_refused_without_recursion():
    header = b"[" * 200_000 + b"]" * 200_000
    frame = struct.pack(">I", len(header)) + header + struct.pack(">I", 0)
    with pytest.raises(wire.WireError, match="nested too deeply"):
        wire.decode(frame)


def test_nesting_inside_strings_does_not_count():
    assert wire.roundtrip({"text": "[[[[" * 1000}) == {"text": "[[[[" * 1000}


@pytest.mark.parametrize("value, needle", [
    (lambda: [0.5] * 10_000_000, "10000000 items"),
    (lambda: (lambda v: (v.extend([v] * 1000), v)[1])([1.0]), "contains itself"),
    (lambda: (lambda v: [v := [v] for _ in range(200_000)][-1])(0.0), "nested more than 8 levels"),
])
def test_plain_bounds_hostile_containers(value, needle):
    out = harness.plain(value())
    assert isinstance(out, wire.Opaque) and needle in out.type_name
    assert len(wire.encode(out)) < 1000


def test_plain_keeps_ordinary_lists():
    assert harness.plain([1.0, [2.0, 3.0], (np.float32(4.0),)]) == [1.0, [2.0, 3.0], [np.float32(4.0)]]


def test_a_check_that_overruns_the_judges_cpu_is_a_grader_fault():
    def spin(probe):
        while True:
            pass
    probe = Probe()
    probe.judge_cpu_seconds = 0.3
    with pytest.raises(GraderFault, match="grader's own CPU time"):
        run_check(Check("x.f.spin", "x", "f", 1.0, False, spin), probe)


def test_the_cpu_limit_is_off_when_zero_and_restores_the_previous_handler():
    import signal
    before = signal.getsignal(signal.SIGPROF)
    with judge_cpu_limit(0, "x"):
        pass
    with judge_cpu_limit(5, "x"):
        assert signal.getitimer(signal.ITIMER_PROF)[0] > 0
    assert signal.getitimer(signal.ITIMER_PROF)[0] == 0 and signal.getsignal(signal.SIGPROF) == before


class CountingProbe(Probe):
    def __init__(self):
        super().__init__()
        self.asked = []

    def _run(self, scenario, kwargs, seed):
        self.asked.append(scenario)
        if scenario == "broken":
            raise ProbeError("f: did not finish within 3 s")
        return {"value": np.zeros(2), "type": "NDArray"}


def test_a_probe_asks_each_question_once_and_remembers_failures():
    probe = CountingProbe()
    probe.run("call", function="f", args=[np.ones(3)])
    probe.run("call", function="f", args=[np.ones(3)])
    probe.run("call", function="f", args=[np.zeros(3)])
    for _ in range(3):
        with pytest.raises(ProbeError, match="did not finish"):
            probe.run("broken")
    assert probe.asked == ["call", "call", "broken"]


def test_remembered_replies_are_read_only():
    probe = CountingProbe()
    value = wire.roundtrip(probe.run("call", function="f")["value"])
    with pytest.raises(ValueError):
        value[0] = 1.0


def test_each_stub_gets_a_share_of_the_time_left(monkeypatch):
    """run_checks calls probe.budget once per stub, with the number of stubs still to come."""
    from autograder import checks as registry
    calls = []

    class BudgetProbe(CountingProbe):
        def budget(self, function, groups_left):
            calls.append((function, groups_left))

    fake = [Check(f"a.{f}.{i}", "a", f, 1.0, False, lambda probe: None) for f, i in
            (("x", 1), ("x", 2), ("y", 1), (None, 1))]
    monkeypatch.setattr(registry, "checks_for", lambda *a, **k: fake)
    results = registry.run_checks("ndarray", BudgetProbe())
    assert [r.id for r in results] == [c.id for c in fake]
    assert calls == [("x", 3), ("y", 2), (None, 1)]


def test_the_memory_plan_warns_when_the_workers_do_not_fit():
    from autograder.judge_limits import memory_plan
    assert "warning" not in memory_plan(1, 16, 16)
    plan = memory_plan(10_000, 2048, 4096)
    assert "10000 workers" in plan and "warning: more than this machine's" in plan


def test_a_crashing_check_is_a_fault_unless_the_notebook_was_flagged_for_tampering():
    """A check that crashes on an unflagged notebook is a grader bug (no grade); on a notebook flagged for
    changing the grader, its forged replies are what crashed it: a failed check, recorded for review."""
    def crash(probe):
        probe.run("call", function="f")["missing field"]
    c = Check("x.f.crash", "x", "f", 1.0, False, crash)
    with pytest.raises(GraderFault, match="internal error in the grader"):
        run_check(c, CountingProbe())
    flagged = CountingProbe()
    flagged.tampered = True
    result = run_check(c, flagged)
    assert not result.passed and "flagged for changing the grader" in result.message
