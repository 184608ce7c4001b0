"""Red team: hostile cells in an otherwise correct submission, graded by the real command under bubblewrap.

Every attack cell first tries to write a file into the repository, the course's source folder and
the host's /tmp; then does its own harm. Each test asserts that grading finished within its limits,
the other stubs kept the clean notebook's credit, the report is the grader's own, no process the
attack started is left on the host, and nothing was written outside the sandbox.
"""
from __future__ import annotations

import socket
import textwrap
from pathlib import Path

import pytest

from .conftest import REPO, SOURCE, grade, processes_with, with_cell, write

pytestmark = [pytest.mark.slow, pytest.mark.serial]   # deadlines and timings: run alone, not beside another worker


def attack(marker: str, targets, body: str) -> str:
    preamble = f"""
    import os, sys, time
    MARKER = {marker!r}
    for _target in {[str(t) for t in targets]!r}:
        try:
            with open(_target, "w") as _f:
                _f.write("escaped")
        except OSError:
            pass
    """
    return textwrap.dedent(preamble) + textwrap.dedent(body)


def assert_contained(graded, clean, marker, targets, *, lost=(), seconds=60):
    assert graded.returncode == 0, graded.stderr
    assert graded.seconds < seconds, f"grading took {graded.seconds:.1f} s"
    report = graded.report
    assert report is not None and report["assignment"] == "linreg_scratch"
    assert report["max_score"] == 10.0
    ours, theirs = graded.by_id(), clean.by_id()
    assert set(ours) == set(theirs)                      # the grader's own report: every check, nothing added
    for check_id, expected in theirs.items():
        if expected["function"] in lost:
            continue
        got = ours[check_id]
        assert (got["passed"], got["score"]) == (expected["passed"], expected["score"]), (check_id, got)
    assert processes_with(marker) == []
    for target in targets:
        assert not target.exists(), f"the attack wrote {target} outside the sandbox"


def attack_cell_error(graded, needle: str) -> str:
    """The report's note about the attack cell (which must name the cell)."""
    notes = [e for e in graded.report["errors"] if needle in e]
    assert notes, graded.report["errors"]
    assert notes[0].startswith("cell "), notes[0]
    return notes[0]


def test_infinite_loop_is_stopped_at_the_cell_limit(clean, tmp_path, marker, escape_targets):
    nb = with_cell(attack(marker, escape_targets, "while True:\n    pass\n"))
    graded = grade(write(nb, tmp_path / "loop.ipynb"), tmp_path)
    assert_contained(graded, clean, marker, escape_targets)
    assert "did not finish within 10 s" in attack_cell_error(graded, "did not finish")


def test_loop_swallowing_keyboard_interrupt_and_sigterm(clean, tmp_path, marker, escape_targets):
    body = """
    import signal
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            time.sleep(0.1)
        except BaseException:
            pass
    """
    graded = grade(write(with_cell(attack(marker, escape_targets, body)), tmp_path / "ki.ipynb"), tmp_path)
    assert_contained(graded, clean, marker, escape_targets)
    attack_cell_error(graded, "did not finish within 10 s")


def test_os_exit(clean, tmp_path, marker, escape_targets):
    graded = grade(write(with_cell(attack(marker, escape_targets, "os._exit(0)\n")), tmp_path / "exit.ipynb"),
                   tmp_path)
    assert_contained(graded, clean, marker, escape_targets)
    attack_cell_error(graded, "exited with status 0")


def test_ctypes_segfault(clean, tmp_path, marker, escape_targets):
    body = "import ctypes\nctypes.string_at(0)\n"
    graded = grade(write(with_cell(attack(marker, escape_targets, body)), tmp_path / "segv.ipynb"), tmp_path)
    assert_contained(graded, clean, marker, escape_targets)
    # MXNet's own SIGSEGV handler prints a stack trace and exits with 255; without MXNet it is SIGSEGV
    note = attack_cell_error(graded, "the notebook's process")
    assert "SIGSEGV" in note or "exited with status 255" in note, note


def test_16_gib_allocation_fails_inside_the_memory_limit(clean, tmp_path, marker, escape_targets):
    body = "hog = bytearray(16 << 30)\n"
    graded = grade(write(with_cell(attack(marker, escape_targets, body)), tmp_path / "hog.ipynb"), tmp_path)
    assert_contained(graded, clean, marker, escape_targets)
    attack_cell_error(graded, "MemoryError")


def test_16_gib_numpy_allocation_touching_pages(clean, tmp_path, marker, escape_targets):
    body = "import numpy as np\nhog = np.ones(16 << 27)   # 16 GiB of float64, written\n"
    graded = grade(write(with_cell(attack(marker, escape_targets, body)), tmp_path / "np.ipynb"), tmp_path)
    assert_contained(graded, clean, marker, escape_targets)
    attack_cell_error(graded, "MemoryError")


def test_setsid_daemons_are_gone_when_grading_ends(clean, tmp_path, marker, escape_targets):
    body = """
    for _ in range(20):
        if os.fork() == 0:                 # a classic daemon: fork, setsid, fork again, exec
            os.setsid()
            if os.fork() == 0:
                os.execv("/usr/bin/sleep", ["sleep-" + MARKER, "600"])
            os._exit(0)
    time.sleep(0.5)
    """
    graded = grade(write(with_cell(attack(marker, escape_targets, body)), tmp_path / "daemons.ipynb"), tmp_path)
    assert_contained(graded, clean, marker, escape_targets)
    assert not graded.report["errors"], graded.report["errors"]     # the daemons did start: the cell passed


@pytest.mark.parametrize("sandbox", ["bubblewrap", "no-sandbox"])
def test_fork_bomb_is_capped_and_leaves_nothing(clean, tmp_path, marker, escape_targets, sandbox):
    """Processes and threads are capped per submission even for a root grader (a pids cgroup, since root
    ignores RLIMIT_NPROC); the cell is lost, the process replayed, nothing survives — sandbox or not."""
    import os
    assert os.geteuid() != 0 or any(p.exists() for p in (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup/cgroup.procs"))), \
        "a root grader needs a pids cgroup hierarchy to cap processes"
    body = """
    children = []
    while True:                            # fork until refused, every child sleeping under the marker
        pid = os.fork()
        if pid == 0:
            os.setsid()
            os.execv("/usr/bin/sleep", ["sleep-" + MARKER, "600"])
        children.append(pid)
    """
    extra = ("--no-sandbox",) if sandbox == "no-sandbox" else ()
    before = set(Path("/sys/fs/cgroup/pids").glob("d2l-grade-*"))   # a SIGKILLed grader elsewhere may leave some
    graded = grade(write(with_cell(attack(marker, escape_targets, body)), tmp_path / "bomb.ipynb"), tmp_path,
                   *extra)
    targets = escape_targets if sandbox == "bubblewrap" else []      # without a sandbox, writes are allowed
    assert_contained(graded, clean, marker, targets)
    note = attack_cell_error(graded, "cell ")
    assert "killed" in note or "raised" in note or "exited" in note, note
    assert set(Path("/sys/fs/cgroup/pids").glob("d2l-grade-*")) <= before, "a pids cgroup was left behind"


def test_200_mb_of_output_is_truncated(clean, tmp_path, marker, escape_targets):
    body = """
    line = "x" * (1 << 20)
    for _ in range(200):
        print(line)
    """
    graded = grade(write(with_cell(attack(marker, escape_targets, body)), tmp_path / "flood.ipynb"), tmp_path)
    assert_contained(graded, clean, marker, escape_targets)
    assert len(graded.stdout) < 1 << 20


def test_reading_proc_cmdlines_cannot_find_or_overwrite_the_report(clean, tmp_path, marker, escape_targets):
    body = """
    import json, pathlib
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        try:
            args = (entry / "cmdline").read_bytes().split(b"\\0")
        except OSError:
            continue
        for i, arg in enumerate(args[:-1]):
            if arg == b"--json":
                found.append(args[i + 1].decode())
    for path in found:
        try:
            pathlib.Path(path).write_text(json.dumps({"assignment": "linreg_scratch", "score": 99.0,
                                                      "max_score": 10.0, "checks": [], "errors": []}))
        except OSError:
            pass
    if found:
        raise RuntimeError("REPORT FOUND " + repr(found))
    """
    graded = grade(write(with_cell(attack(marker, escape_targets, body)), tmp_path / "proc.ipynb"), tmp_path)
    assert_contained(graded, clean, marker, escape_targets)
    assert "REPORT FOUND" not in graded.errors_text
    assert graded.report["score"] == 10.0


def test_walking_the_filesystem_finds_no_solutions(clean, tmp_path, marker, escape_targets):
    body = """
    hits = []
    for root, dirs, files in os.walk("/"):
        if root == "/" :
            dirs[:] = [d for d in dirs if d not in ("proc", "sys", "dev")]
        for name in files:
            if name.endswith(".ipynb"):
                path = os.path.join(root, name)
                try:
                    with open(path, errors="replace") as f:
                        text = f.read()
                        # the course's notebooks (nbgrader's own test fixtures in the venv carry the marker too)
                        if "BEGIN SOLUTION" in text and "D2L_ASSIGNMENT" in text:
                            hits.append(path)
                except OSError:
                    pass
    if hits:
        raise RuntimeError("SOLUTIONS FOUND " + repr(hits[:5]))
    """
    graded = grade(write(with_cell(attack(marker, escape_targets, body)), tmp_path / "walk.ipynb"), tmp_path,
                   "--cell-timeout", "90")       # the walk reads the whole visible tree
    assert_contained(graded, clean, marker, escape_targets, seconds=150)
    assert "SOLUTIONS FOUND" not in graded.errors_text
    assert not graded.report["errors"], graded.report["errors"]


def test_what_the_sandbox_sees(clean, tmp_path, marker, escape_targets, monkeypatch):
    """The grader's secrets, the course, /root and sensitive /etc files are out of sight."""
    body = f"""
    seen = []
    for path in [{str(REPO / 'course')!r}, {str(SOURCE)!r}, {str(REPO / '.git')!r}, {str(tmp_path)!r},
                 "/etc/shadow", "/etc/ssh", "/etc/pip.conf", "/etc/gitconfig", "/root/.ssh", "/home", "/sys",
                 "/var", "/run"]:
        if os.path.exists(path):
            seen.append(path)
    seen += [f"env {{k}}" for k in os.environ if "SECRET" in k or "TOKEN" in k]
    seen += [p for p in os.listdir("/root") if p != ".pyenv"]
    if os.getuid() == 0 or os.geteuid() == 0:
        seen.append("runs as root")
    caps = [l for l in open("/proc/self/status") if l.startswith("CapEff")][0].split()[1]
    if int(caps, 16):
        seen.append("has capabilities " + caps)
    if seen:
        raise RuntimeError("SANDBOX SEES " + repr(seen))
    """
    monkeypatch.setenv("D2L_TEST_SECRET_TOKEN", "hunter2")
    import os
    graded = grade(write(with_cell(attack(marker, escape_targets, body)), tmp_path / "look.ipynb"), tmp_path,
                   env=dict(os.environ))
    assert_contained(graded, clean, marker, escape_targets)
    assert not graded.report["errors"], graded.report["errors"]


def test_no_network_to_the_hosts_loopback(clean, tmp_path, marker, escape_targets):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        server.setblocking(False)
        port = server.getsockname()[1]
        body = f"""
        import socket
        try:
            socket.create_connection(("127.0.0.1", {port}), timeout=3).close()
            raise RuntimeError("CONNECTED to the host")
        except OSError:
            pass
        """
        graded = grade(write(with_cell(attack(marker, escape_targets, body)), tmp_path / "net.ipynb"), tmp_path)
        with pytest.raises(BlockingIOError):
            server.accept()
    assert_contained(graded, clean, marker, escape_targets)
    assert not graded.report["errors"], graded.report["errors"]


def test_a_pickle_payload_from_a_replaced_numpy_save_is_never_unpickled(clean, tmp_path, marker, escape_targets):
    """The judge refuses the reply (a failed check); the payload would create a file on the host if run."""
    planted = tmp_path / f"UNPICKLED-{marker}"
    body = f"""
    import numpy as np, numpy.lib.format as fmt, pickle

    class Payload:
        def __reduce__(self):
            return (os.system, ({"touch " + str(planted)!r},))

    def evil_write_array(fp, array, version=None, allow_pickle=True, pickle_kwargs=None):
        fmt.write_array_header_1_0(fp, {{"descr": "|O", "fortran_order": False, "shape": (1,)}})
        pickle.dump(Payload(), fp, protocol=2)

    def evil_save(file, arr, allow_pickle=True, fix_imports=True):
        evil_write_array(file, arr)

    np.save = evil_save
    fmt.write_array = evil_write_array
    """
    graded = grade(write(with_cell(attack(marker, escape_targets, body)), tmp_path / "pickle.ipynb"), tmp_path)
    # Every reply carrying an array is refused, so the checks that read arrays fail: that is the point.
    # a refused reply is a failed check; the process stays in step and is not restarted
    assert_contained(graded, clean, marker, escape_targets,
                     lost=("data_iter", "net", "square_loss", "SGD", None), seconds=60)
    assert not planted.exists(), "the judge unpickled the student's payload"
    failed = [c for c in graded.report["checks"] if not c["passed"]]
    assert failed and any("reply the grader refuses" in c["message"] and "allow_pickle=False" in c["message"]
                          for c in failed), failed
