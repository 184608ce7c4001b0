"""The per-submission pids cgroup that caps a root grader's student processes (root ignores RLIMIT_NPROC)."""
from __future__ import annotations

import os
import subprocess
import time

from autograder import sandbox
from autograder.sandbox import Limits, PidsCgroup


def test_not_root_means_no_cgroup(monkeypatch):
    monkeypatch.setattr(sandbox.os, "geteuid", lambda: 1000)
    assert PidsCgroup.create(10) is None
    assert sandbox.PlainLauncher(Limits()).command(["true"], "/tmp").cleanup() is None


def test_root_grader_caps_and_sweeps_a_process_tree():
    assert os.geteuid() == 0, "CI and this machine grade as root; the cgroup path is what is tested here"
    cgroup = PidsCgroup.create(5)
    assert cgroup is not None, "a root grader on this machine must get a pids cgroup"
    try:
        proc = subprocess.Popen(["sh", "-c", "for i in 1 2 3 4 5 6 7 8; do setsid sleep 300 & done; wait"],
                                preexec_fn=cgroup.join, stderr=subprocess.PIPE)
        time.sleep(1)
        assert 1 <= len(cgroup.pids()) <= 5                  # the cap held: some forks were refused
    finally:
        cgroup.remove()
    proc.wait(timeout=10)
    assert not cgroup.path.exists() and cgroup.pids() == []  # every member killed, the cgroup gone
    proc.stderr.close()
