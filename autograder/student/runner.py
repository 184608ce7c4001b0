"""Main loop of the student's process: run notebook cells, answer scenario requests, nothing else.

Started by `process.StudentProcess` as `python -m autograder.student.runner`. Requests arrive on
stdin and replies leave on the original stdout; the notebook's own output (print, tracebacks,
display) is moved to stderr, which the judge reads with a cap. Cells run in IPython's shell so
magics work as in Jupyter. Nothing here decides a grade.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time


def _claim_protocol_streams():
    """Keep private copies of stdin/stdout for the protocol; point fds 0/1 elsewhere for the notebook."""
    proto_in = os.fdopen(os.dup(0), "rb", buffering=0)
    proto_out = os.fdopen(os.dup(1), "wb", buffering=0)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    sys.stdin = open(os.devnull)
    sys.stdout = os.fdopen(1, "w", buffering=1, closefd=False)
    return proto_in, proto_out


class TimeUp(KeyboardInterrupt):
    """Raised in the main thread when a request's own time is up. A KeyboardInterrupt, as Jupyter's
    interrupt is: the harness lets it through and IPython stops the cell with it. Code that swallows
    it just runs on until the judge's deadline, a little later, kills the process."""


@contextlib.contextmanager
def time_limit(seconds):
    """Interrupt the block after `seconds` (a request's `timeout`); none when no number is given."""
    try:
        seconds = float(seconds)          # numbers arrive as 0-d arrays from the wire
    except (TypeError, ValueError):
        seconds = 0.0
    if not seconds > 0:
        yield
        return

    def time_up(signum, frame):
        raise TimeUp()

    previous = signal.signal(signal.SIGALRM, time_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def packed_within(answer: dict, limit) -> bytes:
    """The answer's frame when it encodes within `limit` bytes; otherwise a small note saying how large it
    was, so an over-large return costs one check, not a restart of the process."""
    from .. import wire
    from .framing import pack
    try:
        frame = pack(answer)
    except (MemoryError, RecursionError, wire.WireError) as exc:
        return pack({"status": "too_large", "what": f"the value could not be encoded ({type(exc).__name__})"})
    try:
        limit = float(limit)              # numbers arrive as 0-d arrays from the wire
    except (TypeError, ValueError):
        limit = float("inf")
    if len(frame) > limit:
        return pack({"status": "too_large", "what": f"the value is {len(frame) / (1 << 20):.1f} MiB"})
    return frame


def _cpu_ticks(native_id: int) -> int:
    try:
        fields = open(f"/proc/self/task/{native_id}/stat").read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])          # utime + stime
    except (OSError, IndexError, ValueError):
        return 0


def stop_spinning_threads(baseline: set, window: float = 0.05) -> None:
    """Threads a notebook cell left running and busy (they starve the probe of the GIL) get SystemExit
    raised in them before a probe runs. Idle threads (a pool waiting for work) are left alone: only a
    thread that used most of a short window's CPU counts as spinning."""
    extra = [t for t in threading.enumerate() if t.ident not in baseline and t.native_id and t.is_alive()]
    if not extra:
        return
    before = {t.ident: _cpu_ticks(t.native_id) for t in extra}
    time.sleep(window)
    ticks = os.sysconf("SC_CLK_TCK") * window
    for thread in extra:
        if _cpu_ticks(thread.native_id) - before[thread.ident] >= 0.5 * ticks:
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(SystemExit))


def _scenario_files(args: list[str]) -> list[tuple[str, str]]:
    """(assignment id, path) from `--scenarios ID=PATH` arguments."""
    return [tuple(value.split("=", 1)) for flag, value in zip(args, args[1:]) if flag == "--scenarios"]


def main() -> None:
    proto_in, proto_out = _claim_protocol_streams()
    os.environ.setdefault("MPLBACKEND", "Agg")
    from IPython.core.interactiveshell import InteractiveShell

    from .. import harness
    from . import tripwire
    from .framing import pack, read_message

    for spec in _scenario_files(sys.argv[1:]):        # before the tripwire: they are the kit's, not the notebook's
        harness.load_scenarios(*spec)
    shell = InteractiveShell.instance(colors="NoColor")
    baseline_threads = {t.ident for t in threading.enumerate()}
    shell.enable_gui = lambda gui=None: None     # `%matplotlib inline` asks for a GUI loop; there is none here
    harness.seed_everything(0)
    tripwire.install(shell, (proto_in.fileno(), proto_out.fileno()))    # before any notebook cell runs

    def reply(tree):
        send(pack(tree))

    def send(frame: bytes):
        proto_out.write(frame)
        proto_out.flush()

    while True:
        try:
            message = read_message(proto_in.read)
        except EOFError:
            return
        op = message.get("op") if isinstance(message, dict) else None
        if op == "run_cell":
            try:
                with time_limit(message.get("timeout")):
                    result = shell.run_cell(str(message.get("source", "")), store_history=False)
            except TimeUp:              # between IPython's own handlers: the cell is over all the same
                result = None
            sys.stdout.flush()
            sys.stderr.flush()
            error = TimeUp() if result is None else result.error_before_exec or result.error_in_exec
            if isinstance(error, TimeUp):
                reply({"status": "timeout"})
            elif error is None:
                reply({"status": "ok"})
            else:
                reply({"status": "error", "ename": type(error).__name__, "evalue": str(error)[:2000]})
        elif op == "scenario":
            seed = message.get("seed")
            stop_spinning_threads(baseline_threads)
            harness.seed_everything(int(seed) if seed is not None else 0)
            try:
                with time_limit(message.get("timeout")):
                    value = harness.run(shell.user_ns, str(message.get("name")), message.get("kwargs") or {})
                answer = {"status": "ok", "value": value}
            except TimeUp:
                answer = {"status": "timeout"}
            except harness.StudentCodeError as exc:
                answer = {"status": "student_error", "function": exc.function, "ename": exc.ename,
                          "evalue": exc.evalue[:2000]}
            except harness.MissingName as exc:
                answer = {"status": "missing", "name": exc.name}
            except MemoryError:
                answer = {"status": "too_large", "what": "building the reply ran out of memory"}
            except Exception as exc:      # noqa: BLE001 - reported to the judge, which decides what it means
                answer = {"status": "harness_error", "ename": type(exc).__name__, "evalue": str(exc)[:2000]}
            send(packed_within(answer, message.get("reply_limit")))
        elif op == "flags":
            send(packed_within({"status": "ok", "value": tripwire.findings()}, message.get("reply_limit")))
        elif op == "ping":
            reply({"status": "ok"})
        else:
            reply({"status": "harness_error", "ename": "ProtocolError", "evalue": f"unknown op {op!r}"})


if __name__ == "__main__":
    main()
