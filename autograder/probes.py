"""Probes: how a check reaches the student's code. One interface, two places it can run.

`LocalProbe` runs scenarios directly on a namespace (in the student's kernel: `%check`, nbgrader test
cells). `RemoteProbe` sends them to the sandboxed student process and decodes the reply in the judge.
Both hand checks the same decoded values (`wire.roundtrip` locally), so a check behaves the same in
both places — but only the remote one is trusted for grades.
"""
from __future__ import annotations

import hashlib

from . import wire
from .student_errors import explain, meaning


class ProbeError(Exception):
    """The student's side could not answer: the check fails with `message`."""

    def __init__(self, message: str, function: str | None = None):
        super().__init__(message)
        self.message, self.function = message, function


class StudentFailure(ProbeError):
    """A student function raised."""

    def __init__(self, function: str, ename: str, evalue: str):
        message = explain(function, ename, evalue)       # from the whole text: the meaning is at its end
        evalue = evalue if len(evalue) < 300 else evalue[:300] + "…"
        super().__init__(message, function)
        self.ename, self.evalue = ename, evalue


class MissingName(ProbeError):
    def __init__(self, name: str, why: str = ""):
        hint = why or ("run the cell that defines it (if that cell raised an error, fix it and run it again), "
                       "and keep the name the notebook gave it")
        super().__init__(f"{name} is not defined: {hint}", name)
        self.name = name


class Probe:
    """Base: subclasses implement `_run(name, kwargs, seed)` returning the decoded reply tree.

    Replies are remembered per (scenario, inputs, seed) for the probe's lifetime: checks that look at the
    same behaviour (four data_iter checks reading the same passes) ask the student's process once, and a
    probe that failed (timed out, crashed) fails the same way for each of them without costing time again.
    Scenarios are seeded, so asking twice would give the same answer anyway.
    """

    default_seed = 0          # set per check by the runner, so every probe call is reproducible
    timeout = None            # seconds a probe may take; set per check (None: the session's default)
    hidden_seed = 0           # the grading pipeline derives it from the submission; 0 in the kernel
    judge_cpu_seconds = 0.0   # CPU a check may use in this process (0: no limit; in the kernel the student's
                              # own functions run in this process too, so their time is not the judge's)
    data_root = None          # the folder of the course data the judge reads (None: the loader's search path)
    tampered = False          # the notebook was flagged statically for changing the grader (autograder.tamper)

    def __init__(self):
        self._answers: dict[bytes, object] = {}

    def run(self, scenario: str, **kwargs):
        key = hashlib.sha256(scenario.encode() + b"\0" + str(self.default_seed).encode() + b"\0"
                             + wire.encode(kwargs)).digest()
        if key not in self._answers:
            try:
                self._answers[key] = self._run(scenario, kwargs, self.default_seed)
            except ProbeError as exc:
                self._answers[key] = exc
        answer = self._answers[key]
        if isinstance(answer, ProbeError):
            raise answer
        return answer

    def call(self, function: str, *args, **kwargs):
        """Call a student function with numpy inputs (sent as float32 NDArrays); returns (value, type name)."""
        reply = self.run("call", function=function, args=list(args), **kwargs)
        return reply["value"], reply["type"]

    def get(self, name: str):
        reply = self.run("get", name=name)
        return reply["value"], reply["type"]

    def prepare(self, assignment) -> None:
        """Called once before an assignment's checks run (a local probe imports its scenarios)."""

    def budget(self, function: str | None, groups_left: int) -> None:
        """The checks of `function` start now; they share what is left with the `groups_left - 1` after them.
        Only a remote probe has a clock to share; in the kernel this does nothing."""


class LocalProbe(Probe):
    """Runs scenarios in this process on `namespace` (the notebook's globals)."""

    def __init__(self, namespace: dict):
        super().__init__()
        self.namespace = namespace

    def prepare(self, assignment) -> None:
        """The assignment's own scenarios run here, in this process: import them (once)."""
        if assignment.file("scenarios").is_file():
            from . import harness
            harness.load_scenarios(assignment.id, assignment.file("scenarios"))

    def _run(self, scenario, kwargs, seed):
        from . import harness
        harness.seed_everything(seed)
        try:
            value = harness.run(self.namespace, scenario, wire.roundtrip(kwargs))
        except harness.StudentCodeError as exc:
            raise StudentFailure(exc.function, exc.ename, exc.evalue) from None
        except harness.MissingName as exc:
            raise MissingName(exc.name) from None
        return wire.roundtrip(value)


TRAINING = {"train_linreg": "training with your stubs", "train_softmax": "training with your stubs",
            "train_gluon": "training with your net, loss and trainer"}


class RemoteProbe(Probe):
    """Runs scenarios in the student's process through `session.request(...)`, each stub's checks within a
    budget: what is left of the submission's time is shared out stub by stub as their checks start, so a
    slow or hanging function costs its own checks and never its neighbours'."""

    def __init__(self, session, missing_hints: dict[str, str] | None = None, reply_limit: int | None = None):
        from .judge_limits import JUDGE_CPU_SECONDS
        super().__init__()
        self.judge_cpu_seconds = JUDGE_CPU_SECONDS
        self.session = session
        self.missing_hints = missing_hints or {}
        self.reply_limit = reply_limit
        self.until: float | None = None          # the current stub's deadline (monotonic clock)
        self.spent = "its share of the time"

    def budget(self, function, groups_left):
        import time
        from .student.session import DeadlineExceeded
        try:
            self.session.ensure_running()        # a replay after a crash is the submission's cost, not this stub's
            share = self.session.remaining() / max(groups_left, 1)
        except DeadlineExceeded:
            share = 0.0
        except ProbeError:
            share = self.session.deadline - time.monotonic()
        self.until = time.monotonic() + max(share, 0.0)
        name = function or "the outcome checks"
        self.spent = f"the {share:.0f} s {name} had for its checks"

    def _run(self, scenario, kwargs, seed):
        from .student.process import DEFAULT_REPLY_LIMIT, ProcessGone, RefusedReply
        what = kwargs.get("function") or kwargs.get("name") or TRAINING.get(scenario, scenario)
        limit = self.reply_limit or DEFAULT_REPLY_LIMIT
        message = {"op": "scenario", "name": scenario, "kwargs": kwargs, "seed": seed, "reply_limit": limit}
        try:
            reply = self.session.request(message, self.timeout, self.until, self.spent, limit)
        except (ProcessGone, RefusedReply) as exc:
            raise ProbeError(f"{what}: {exc.message}", kwargs.get("function")) from None
        status = reply.get("status") if isinstance(reply, dict) else None
        if status == "ok" and "value" in reply:
            return reply["value"]
        if status == "student_error":
            raise StudentFailure(str(reply.get("function")), str(reply.get("ename")), str(reply.get("evalue")))
        if status == "missing":
            name = str(reply.get("name"))
            raise MissingName(name, self.missing_hints.get(name, ""))
        if status == "too_large":
            raise ProbeError(f"{what} gave back a value too large to check ({str(reply.get('what'))[:120]}); "
                             "return the array the function is asked for", kwargs.get("function"))
        if status == "harness_error":
            said = meaning(str(reply.get("evalue")))[:200]
            raise ProbeError(f"the grader's probe of {what} failed in the notebook's process "
                             f"({reply.get('ename')}: {said}); did the notebook change a library function?")
        raise ProbeError(f"unexpected reply from the notebook process: {str(reply)[:120]}")
