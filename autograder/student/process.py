"""One student process seen from the judge: start it, send a request, wait for the reply with a
deadline, read its output with a cap, and make sure it is gone afterwards.

The process is started through a `Launcher` (plain, or bubblewrap from `autograder.sandbox`), in a
new session so the whole process group can be killed. Errors come back as `ProbeError`s whose
messages can be shown to the student.
"""
from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import threading
import time

from ..probes import ProbeError
from .. import wire
from .framing import ReplyTooLarge, pack, read_frame


class ProcessGone(ProbeError):
    """The student process timed out or died; `reason` says which, for the student."""


class RefusedReply(ProbeError):
    """A whole reply arrived but its content is refused (not plain numbers, nested too deeply, too large)."""


# What a reply may announce unless the request says otherwise: every reply the course's checks expect
# is far smaller (the largest, a trained 784x10 W, is 63 KB); the judge never buffers more than this.
DEFAULT_REPLY_LIMIT = 16 << 20


class OutputTail:
    """Keeps the first `limit` bytes a stream produced and counts the rest (a flood is not buffered)."""

    def __init__(self, stream, limit: int):
        self.limit, self.kept, self.dropped = limit, bytearray(), 0
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream):
        while True:
            chunk = stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536)
            if not chunk:
                return
            room = self.limit - len(self.kept)
            if room > 0:
                self.kept += chunk[:room]
            self.dropped += max(0, len(chunk) - max(room, 0))

    def join(self, timeout: float = 5.0) -> None:
        self._thread.join(timeout)

    def text(self) -> str:
        suffix = f"\n… [{self.dropped} more bytes of output dropped]" if self.dropped else ""
        return self.kept.decode(errors="replace") + suffix


def describe_exit(code: int | None) -> str:
    if code is None:
        return "was stopped"
    signum = -code if code < 0 else code - 128 if 128 < code < 160 else None   # bwrap passes 128 + signal
    if signum in signal.Signals._value2member_map_:
        name = signal.Signals(signum).name
        hint = {"SIGKILL": " (killed: memory or CPU limit?)", "SIGSEGV": " (a segmentation fault)",
                "SIGXCPU": " (CPU time limit)",
                "SIGABRT": " (aborted: it could not start another process or thread?)"}.get(name, "")
        return f"was killed by {name}{hint}"
    return f"exited with status {code}"


class StudentProcess:
    """Context manager around the runner process."""

    def __init__(self, launcher, workdir: str, output_limit: int = 1 << 20, env: dict | None = None,
                 scenarios: dict[str, str] | None = None):
        self.launcher, self.workdir, self.output_limit = launcher, workdir, output_limit
        self.scenarios = dict(scenarios or {})     # assignment id → its scenarios.py, imported at start
        self.env = env
        self.proc: subprocess.Popen | None = None
        self.output: OutputTail | None = None
        self._cleanup = lambda: None

    def start(self) -> "StudentProcess":
        argv = [sys.executable, "-m", "autograder.student.runner"]
        for assignment_id, path in sorted(self.scenarios.items()):
            argv += ["--scenarios", f"{assignment_id}={path}"]
        launch = self.launcher.command(argv, self.workdir)
        self._cleanup = launch.cleanup
        self.proc = subprocess.Popen(launch.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=self.workdir, env=launch.env or self.env,
                                     start_new_session=True, preexec_fn=launch.preexec)
        self.output = OutputTail(self.proc.stderr, self.output_limit)
        return self

    def request(self, message: dict, timeout: float, reply_limit: int = DEFAULT_REPLY_LIMIT):
        """Send one request; its decoded reply, or ProcessGone if the process does not take the request and
        answer within `timeout` seconds in all. A reply announced larger than `reply_limit` bytes is refused
        before any of it is buffered (the process is stopped: the stream is out of step)."""
        proc = self.proc
        deadline = time.monotonic() + timeout
        # The runner interrupts itself a little before our deadline and answers "timeout", so an ordinary
        # slow cell or function costs no restart; one that ignores the interrupt is killed at the deadline.
        message = dict(message, timeout=max(timeout - min(2.0, 0.2 * timeout), 0.01))
        try:
            self._send(pack(message), deadline)
        except TimeoutError:
            self.stop()
            raise ProcessGone(f"stopped reading the grader's request (not taken within {timeout:.3g} s)") from None
        except (BrokenPipeError, OSError):
            self.stop()
            raise ProcessGone(f"the notebook's process {describe_exit(proc.poll())}") from None
        try:
            frame = self._receive(deadline, reply_limit)
        except TimeoutError:
            self.stop()
            raise ProcessGone(f"did not finish within {timeout:.3g} s") from None
        except EOFError:
            code = self.stop()
            raise ProcessGone(f"the notebook's process {describe_exit(code)}") from None
        except ReplyTooLarge as exc:
            self.stop()
            raise ProcessGone(str(exc)) from None
        except Exception as exc:        # noqa: BLE001 - a malformed length: the stream is out of step
            self.stop()
            raise ProcessGone(f"the notebook's process sent a malformed reply ({exc})") from None
        try:
            return wire.decode(frame)
        except wire.WireError as exc:   # a whole frame with refused content: the process can go on
            raise RefusedReply(f"the notebook's process sent a reply the grader refuses ({exc})") from None
        except (MemoryError, RecursionError) as exc:
            raise RefusedReply(f"the reply was too large for the grader to decode ({type(exc).__name__})") from None

    def _send(self, data: bytes, deadline: float) -> None:
        """Write all of `data` to the process's stdin without ever blocking past `deadline`: a process that
        stops reading (say, a notebook that found the pipe and left it full) cannot hold the judge."""
        fd = self.proc.stdin.fileno()
        os.set_blocking(fd, False)
        view, sent = memoryview(data), 0
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_WRITE)
            while sent < len(view):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not sel.select(remaining):
                    raise TimeoutError
                try:
                    sent += os.write(fd, view[sent:sent + (1 << 16)])
                except BlockingIOError:
                    continue

    def _receive(self, deadline: float, reply_limit: int) -> bytes:
        """One whole reply frame, read with the deadline; its announced size checked before reading it."""
        fd = self.proc.stdout.fileno()
        buffer = bytearray()

        def read(n: int) -> bytes:
            with selectors.DefaultSelector() as sel:
                sel.register(fd, selectors.EVENT_READ)
                while len(buffer) < n:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0 or not sel.select(remaining):
                        raise TimeoutError
                    chunk = os.read(fd, min(max(n - len(buffer), 1 << 16), 1 << 20))
                    if not chunk:
                        raise EOFError
                    buffer.extend(chunk)
            out = bytes(buffer[:n])
            del buffer[:n]
            return out

        return read_frame(read, limit=reply_limit)

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> int | None:
        """Kill the process, everything in its session and (as root) everything in its cgroup;
        returns its exit code."""
        proc = self.proc
        if proc is None:
            return None
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        cleanup, self._cleanup = self._cleanup, (lambda: None)
        cleanup()                       # daemons that left the session still hold the output pipe
        if self.output:
            self.output.join()          # the pump ends at EOF, once every holder of the pipe is gone
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            try:
                stream.close()
            except OSError:
                pass
        return proc.returncode

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False
