"""Where the student's process runs: under bubblewrap (the default) or, explicitly, without it.

A launcher turns the runner's argv into the command to start and a `preexec_fn` that applies the
resource limits. The bubblewrap launcher shows the process only what it needs: the system and
Python read-only, the kit's own packages read-only, a private /tmp and a private working directory
holding the submission's copy — not the course's solutions, the gradebook or other submissions.
"""
from __future__ import annotations

import os
import resource
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import autograder

PACKAGE_DIRS = [Path(autograder.__file__).resolve().parent]


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 6144          # address space; MXNet reserves ~2.5 GiB of it at start
    cpu_seconds: int = 1800
    processes: int = 256           # RLIMIT_NPROC counts the user's processes: generous, but bounded
    file_size_mb: int = 256
    output_bytes: int = 1 << 20    # what the judge keeps of the notebook's printed output


class SandboxUnavailable(RuntimeError):
    pass


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
    """No isolation beyond rlimits and a session of its own: for `--no-sandbox` only."""

    sandboxed = False

    def __init__(self, limits: Limits = Limits()):
        self.limits = limits

    def command(self, argv: list[str], workdir: str):
        return argv, _rlimits(self.limits)


def _code_roots() -> list[Path]:
    """Folders the runner needs to import Python, its packages and the kit itself."""
    import extension
    roots = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(),
             Path(autograder.__file__).resolve().parent, Path(extension.__file__).resolve().parent}
    return sorted(roots)


class BubblewrapLauncher:
    """Runs the student's process in its own user, PID, network, IPC and UTS namespaces."""

    sandboxed = True

    def __init__(self, limits: Limits = Limits(), bwrap: str | None = None, data_dirs: tuple[str, ...] = ()):
        self.bwrap = bwrap or shutil.which("bwrap")
        if not self.bwrap:
            raise SandboxUnavailable(
                "bubblewrap (bwrap) is not installed, so student code cannot be contained: install it "
                "(apt-get install bubblewrap) or pass --no-sandbox to grade without isolation")
        self.limits, self.data_dirs = limits, data_dirs

    def command(self, argv: list[str], workdir: str):
        cmd = [self.bwrap, "--unshare-all", "--die-with-parent", "--new-session",
               "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
               "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin",
               "--ro-bind", "/etc", "/etc", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
               "--tmpfs", "/run", "--tmpfs", "/root"]
        for root in _code_roots():
            cmd += ["--ro-bind", str(root), str(root)]
        for extra in self.data_dirs:
            if os.path.isdir(extra):
                cmd += ["--ro-bind", extra, extra]
        cmd += ["--bind", workdir, workdir, "--chdir", workdir,
                "--setenv", "HOME", "/tmp", "--setenv", "MPLBACKEND", "Agg", "--setenv", "D2L_CTX", "cpu",
                "--setenv", "MPLCONFIGDIR", "/tmp", "--"]
        return cmd + argv, _rlimits(self.limits)


def launcher(sandbox: bool, limits: Limits = Limits()):
    return BubblewrapLauncher(limits) if sandbox else PlainLauncher(limits)
