"""Where the student's process runs: under bubblewrap (the default) or, explicitly, without it.

A launcher turns the runner's argv into the command to start and a `preexec_fn` that applies the
resource limits. The bubblewrap launcher shows the process only what it needs:

- read-only: /usr, a short allow-list of /etc (the loader cache, passwd/group, time zone, fonts —
  not shadow, ssh keys or pip/git credentials), the Python prefix and venv, the kit's own packages,
  and the course data files the grader itself found (at DATA_DIR, which the sandbox's D2L_DATA names);
- private and size-bounded: /tmp (a tmpfs that also holds the working directory) — nothing the
  student writes reaches the host's disk;
- not at all: /root, /home, /work (beyond the venv and the kit), the course (solutions, gradebook,
  other submissions), /sys, /var, the grader's environment variables and command line.

It runs as `nobody` with no capabilities in its own user, PID, network, IPC, UTS and cgroup
namespaces, in a session of its own, and dies with the grader (the PID namespace takes every
process the notebook started with it, daemons included).

Limits (defaults chosen on the course's notebooks, see `Limits`) are rlimits applied before exec.
Linux never enforces RLIMIT_NPROC for uid 0, so when the grader runs as root each student process
tree also gets a pids cgroup of its own (`PidsCgroup`), capped at the same count; when the process
stops, whatever is left in that cgroup is killed — with or without bubblewrap.
"""
from __future__ import annotations

import os
import resource
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import autograder
from .faults import GraderFault

# What of /etc a Python + MXNet + matplotlib process reads; everything else there stays hidden.
ETC_ALLOW = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "nsswitch.conf",
             "passwd", "group", "host.conf", "fonts", "mime.types", "alternatives", "os-release",
             "debian_version", "python3", "python3.11", "matplotlibrc")
NOBODY = 65534
DATA_DIR = "/d2l-data"    # course data files inside the sandbox; its D2L_DATA points here


@dataclass(frozen=True)
class Limits:
    """Per-process limits of the student's process. Defaults fit every course notebook with room to spare.

    memory_mb: RLIMIT_AS. Measured on 2 cores: linreg_scratch fails at 1 GiB and grades 10/10 at 1.5 GiB;
      softmax_scratch (Fashion-MNIST) fails at 1.5 GiB and grades 10/10 at 2.5 GiB. Address space grows
      with threads (stacks, malloc arenas), so 4 GiB leaves headroom for bigger machines while a runaway
      allocation (say 16 GiB) fails with MemoryError instead of pressing on the host.
    cpu_seconds: RLIMIT_CPU of one process lifetime (replays after a restart start a new one); above
      --timeout at 2 cores, so the wall-clock limits normally speak first.
    processes: processes and threads of one submission (a runner uses ~10 on 2 cores; MXNet adds some per
      core). RLIMIT_NPROC for an ordinary grader; a pids cgroup for a root grader, whom RLIMIT_NPROC
      does not bind. A notebook that hits it loses the cell (MXNet aborts when it cannot start a thread).
    file_size_mb: RLIMIT_FSIZE, the largest file the notebook may write.
    scratch_mb: size of the private tmpfs holding /tmp and the working directory (memory, not disk).
    output_bytes: how much of the notebook's printed output the judge keeps; the rest is counted, not kept.
    """
    memory_mb: int = 4096
    cpu_seconds: int = 1800
    processes: int = 256
    file_size_mb: int = 256
    scratch_mb: int = 512
    output_bytes: int = 1 << 20


class SandboxUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class Launch:
    """How to start one student process: the command, what runs in the child before exec, and what
    to do once the process has stopped."""
    argv: list[str]
    preexec: Callable[[], None]
    cleanup: Callable[[], None] = lambda: None
    env: dict[str, str] | None = None      # the child's whole environment (None: the grader's own)


class PidsCgroup:
    """A pids cgroup for one student process tree: a process cap that binds root too, and a list of
    every process the tree started (setsid daemons included), so none outlives grading.

    Only for a grader running as root with a writable pids hierarchy (cgroup v1 `pids`, or v2 with
    pids enabled); `create` returns None elsewhere, where RLIMIT_NPROC does the capping.
    """

    HIERARCHIES = (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup"))

    def __init__(self, path: Path):
        self.path = path

    @classmethod
    def create(cls, limit: int) -> "PidsCgroup | None":
        if os.geteuid() != 0:
            return None
        for root in cls.HIERARCHIES:
            if not (root / "cgroup.procs").exists():
                continue
            try:
                path = Path(tempfile.mkdtemp(prefix="d2l-grade-", dir=root))
            except OSError:
                continue
            try:
                (path / "pids.max").write_text(str(limit))
                return cls(path)
            except OSError:
                cls(path).remove()
        return None

    def join(self) -> None:
        """Called in the child before exec: everything it starts from now on is counted and capped."""
        (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def pids(self) -> list[int]:
        try:
            return [int(p) for p in (self.path / "cgroup.procs").read_text().split()]
        except (OSError, ValueError):
            return []

    def remove(self, patience: float = 5.0) -> None:
        """Kill what is left in the cgroup, then remove it (the kernel needs a moment to reap)."""
        deadline = time.monotonic() + patience
        while True:
            for pid in self.pids():
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            try:
                self.path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:
                if time.monotonic() > deadline:
                    return          # an empty, harmless leftover; never a reason to fail grading
                time.sleep(0.05)


def _launch(argv: list[str], limits: "Limits") -> Launch:
    """argv with the rlimits applied in the child and, as root, a pids cgroup around it."""
    rlimits = _rlimits(limits)
    cgroup = PidsCgroup.create(limits.processes)
    if cgroup is None:
        return Launch(argv, rlimits)

    def preexec():
        cgroup.join()
        rlimits()
    return Launch(argv, preexec, cgroup.remove)


def _rlimits(limits: Limits):
    def apply():
        mb = 1 << 20
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * mb, limits.memory_mb * mb))
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size_mb * mb, limits.file_size_mb * mb))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        try:
            resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
        except (ValueError, OSError):
            pass
    return apply


class PlainLauncher:
    """No isolation beyond rlimits and a session of its own: for `--no-sandbox` only.

    Limits of this mode: the notebook sees everything its user can (solutions included), has the
    network, and a process that calls setsid() (a daemon) leaves the session the grader kills, so it
    can outlive grading. Use it only for code you trust.
    """

    def __init__(self, limits: Limits = Limits(), env: dict[str, str] | None = None):
        self.limits, self.env = limits, dict(env or {})

    def command(self, argv: list[str], workdir: str) -> Launch:
        launch = _launch([str(_executable(argv[0]))] + argv[1:], self.limits)
        return replace(launch, env={**os.environ, **self.env}) if self.env else launch


def _executable(argv0: str) -> Path:
    """The interpreter as an absolute, normalised path, or a GraderFault: a process that cannot start
    must never look like a notebook whose every cell failed.

    `sys.executable` may be relative or go through folders the sandbox does not show
    (`cd course && ../.venv/bin/python …` gives `/…/course/../.venv/bin/python`): normalised with
    abspath, not realpath, because a venv's python is a symlink and resolving it would leave the venv.
    """
    path = Path(os.path.abspath(argv0 if os.sep in argv0 else shutil.which(argv0) or argv0))
    if not path.is_file() or not os.access(path, os.X_OK):
        raise GraderFault(f"the student process cannot start: the interpreter {path} is not an executable file")
    return path


def _interpreter(argv0: str, roots: list[Path]) -> str:
    """argv0 as a path that exists inside the sandbox, whose code roots are mounted at resolved paths."""
    path = _executable(argv0)
    for prefix in (sys.prefix, sys.base_prefix):
        base = Path(os.path.abspath(prefix))
        if path.is_relative_to(base):       # mounted at its resolved path (see _code_roots)
            return str(base.resolve() / path.relative_to(base))
    if any(path.is_relative_to(root) for root in roots):
        return str(path)
    raise GraderFault(f"the student process cannot start: the interpreter {path} is outside the folders "
                      f"the sandbox shows ({', '.join(map(str, roots))})")


def _code_roots() -> list[Path]:
    """Folders the runner needs to import Python, its packages and the kit itself."""
    import extension
    roots = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(),
             Path(autograder.__file__).resolve().parent, Path(extension.__file__).resolve().parent}
    return sorted(roots)


class BubblewrapLauncher:
    """Runs the student's process as nobody, without capabilities, in namespaces of its own."""

    def __init__(self, limits: Limits = Limits(), bwrap: str | None = None, data: dict[str, Path] | None = None,
                 code: tuple[Path, ...] = (), env: dict[str, str] | None = None):
        self.bwrap = bwrap or shutil.which("bwrap")
        if not self.bwrap:
            raise SandboxUnavailable(
                "bubblewrap (bwrap) is not installed, so student code cannot be contained: install it "
                "(apt-get install bubblewrap) or pass --no-sandbox to grade without isolation")
        self.limits, self.data, self.code = limits, dict(data or {}), tuple(code)
        self.env = dict(env or {})

    def command(self, argv: list[str], workdir: str) -> Launch:
        scratch = str(self.limits.scratch_mb << 20)
        cmd = [self.bwrap, "--unshare-all", "--unshare-user", "--uid", str(NOBODY), "--gid", str(NOBODY),
               "--disable-userns", "--cap-drop", "ALL", "--die-with-parent", "--new-session",
               "--clearenv", "--hostname", "sandbox",
               "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
               "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin",
               "--proc", "/proc", "--dev", "/dev", "--size", scratch, "--tmpfs", "/tmp", "--dir", "/etc"]
        for name in ETC_ALLOW:
            cmd += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
        roots = _code_roots()
        argv = [_interpreter(argv[0], roots)] + argv[1:]
        for root in roots:
            cmd += ["--ro-bind", str(root), str(root)]
        # Course data the grader found (its HOME or D2L_DATA are not the sandbox's): each file by itself,
        # so symlinks into folders the sandbox does not show still work.
        for name, source in sorted(self.data.items()):
            cmd += ["--ro-bind", str(source), f"{DATA_DIR}/{name}"]
        # A course's own assignment: only its declaration and scenarios, read-only at their own paths (its
        # checks and examples stay outside: the judge runs those).
        for path in self.code:
            cmd += ["--ro-bind", str(path), str(path)]
        # The working directory lives on the private tmpfs: same path as the host's, none of its content.
        if not Path(workdir).is_relative_to("/tmp"):
            cmd += ["--size", scratch, "--tmpfs", workdir]
        cmd += ["--dir", workdir, "--chdir", workdir]
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8", "USER": "nobody",
               "MPLBACKEND": "Agg", "MPLCONFIGDIR": "/tmp", "D2L_CTX": "cpu", "PYTHONDONTWRITEBYTECODE": "1"}
        if self.data:
            env["D2L_DATA"] = DATA_DIR
        env.update(self.env)
        for key, value in env.items():
            cmd += ["--setenv", key, value]
        return _launch(cmd + ["--"] + argv, self.limits)


def launcher(sandbox: bool, limits: Limits = Limits(), data: dict[str, Path] | None = None,
             code: tuple[Path, ...] = (), env: dict[str, str] | None = None):
    """`data`: file name → host path of course data to show the sandboxed notebook (see course_data);
    `code`: files of a course's own assignment the student process imports (its scenarios);
    `env`: variables the grader sets for the notebook (e.g. D2L_DATA_LIMIT, see grading_env)."""
    if sandbox:
        return BubblewrapLauncher(limits, data=data, code=code, env=env)
    return PlainLauncher(limits, env=env)
