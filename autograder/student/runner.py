"""Main loop of the student's process: run notebook cells, answer scenario requests, nothing else.

Started by `process.StudentProcess` as `python -m autograder.student.runner`. Requests arrive on
stdin and replies leave on the original stdout; the notebook's own output (print, tracebacks,
display) is moved to stderr, which the judge reads with a cap. Cells run in IPython's shell so
magics work as in Jupyter. Nothing here decides a grade.
"""
from __future__ import annotations

import os
import sys


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


def main() -> None:
    proto_in, proto_out = _claim_protocol_streams()
    os.environ.setdefault("MPLBACKEND", "Agg")
    from IPython.core.interactiveshell import InteractiveShell

    from .. import harness
    from . import tripwire
    from .framing import pack, read_message

    shell = InteractiveShell.instance(colors="NoColor")
    shell.enable_gui = lambda gui=None: None     # `%matplotlib inline` asks for a GUI loop; there is none here
    harness.seed_everything(0)
    tripwire.install(shell, (proto_in.fileno(), proto_out.fileno()))    # before any notebook cell runs

    def reply(tree):
        proto_out.write(pack(tree))
        proto_out.flush()

    while True:
        try:
            message = read_message(proto_in.read)
        except EOFError:
            return
        op = message.get("op") if isinstance(message, dict) else None
        if op == "run_cell":
            result = shell.run_cell(str(message.get("source", "")), store_history=False)
            sys.stdout.flush()
            sys.stderr.flush()
            error = result.error_before_exec or result.error_in_exec
            if error is None:
                reply({"status": "ok"})
            else:
                reply({"status": "error", "ename": type(error).__name__, "evalue": str(error)[:2000]})
        elif op == "scenario":
            seed = message.get("seed")
            harness.seed_everything(int(seed) if seed is not None else 0)
            try:
                value = harness.run(shell.user_ns, str(message.get("name")), message.get("kwargs") or {})
                reply({"status": "ok", "value": value})
            except harness.StudentCodeError as exc:
                reply({"status": "student_error", "function": exc.function, "ename": exc.ename,
                       "evalue": exc.evalue[:2000]})
            except harness.MissingName as exc:
                reply({"status": "missing", "name": exc.name})
            except Exception as exc:      # noqa: BLE001 - reported to the judge, which decides what it means
                reply({"status": "harness_error", "ename": type(exc).__name__, "evalue": str(exc)[:2000]})
        elif op == "flags":
            reply({"status": "ok", "value": tripwire.findings()})
        elif op == "ping":
            reply({"status": "ok"})
        else:
            reply({"status": "harness_error", "ename": "ProtocolError", "evalue": f"unknown op {op!r}"})


if __name__ == "__main__":
    main()
