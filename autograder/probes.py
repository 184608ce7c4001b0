"""Probes: how a check reaches the student's code. One interface, two places it can run.

`LocalProbe` runs scenarios directly on a namespace (in the student's kernel: `%check`, nbgrader test
cells). `RemoteProbe` sends them to the sandboxed student process and decodes the reply in the judge.
Both hand checks the same decoded values (`wire.roundtrip` locally), so a check behaves the same in
both places — but only the remote one is trusted for grades.
"""
from __future__ import annotations

from . import wire


class ProbeError(Exception):
    """The student's side could not answer: the check fails with `message`."""

    def __init__(self, message: str, function: str | None = None):
        super().__init__(message)
        self.message, self.function = message, function


class StudentFailure(ProbeError):
    """A student function raised."""

    def __init__(self, function: str, ename: str, evalue: str):
        evalue = evalue if len(evalue) < 300 else evalue[:300] + "…"
        super().__init__(f"{function} raised {ename}: {evalue}", function)
        self.ename, self.evalue = ename, evalue


class MissingName(ProbeError):
    def __init__(self, name: str, why: str = ""):
        hint = why or "run the cell that defines it, and keep the name the notebook gave it"
        super().__init__(f"{name} is not defined: {hint}", name)
        self.name = name


class Probe:
    """Base: subclasses implement `_run(name, kwargs, seed)` returning the decoded reply tree."""

    default_seed = 0          # set per check by the runner, so every probe call is reproducible
    timeout = None            # seconds a probe may take; set per check (None: the session's default)
    hidden_seed = 0           # the grading pipeline derives it from the submission; 0 in the kernel
    data_root = None          # the folder of the course data the judge reads (None: the loader's search path)

    def run(self, scenario: str, **kwargs):
        return self._run(scenario, kwargs, self.default_seed)

    def call(self, function: str, *args, **kwargs):
        """Call a student function with numpy inputs (sent as float32 NDArrays); returns (value, type name)."""
        reply = self.run("call", function=function, args=list(args), **kwargs)
        return reply["value"], reply["type"]

    def get(self, name: str):
        reply = self.run("get", name=name)
        return reply["value"], reply["type"]


class LocalProbe(Probe):
    """Runs scenarios in this process on `namespace` (the notebook's globals)."""

    def __init__(self, namespace: dict):
        self.namespace = namespace

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


class RemoteProbe(Probe):
    """Runs scenarios in the student's process through `session.request(message) -> reply`."""

    def __init__(self, session, missing_hints: dict[str, str] | None = None):
        self.session = session
        self.missing_hints = missing_hints or {}

    def _run(self, scenario, kwargs, seed):
        from .student.process import ProcessGone
        try:
            reply = self.session.request({"op": "scenario", "name": scenario, "kwargs": kwargs, "seed": seed},
                                         self.timeout)
        except ProcessGone as exc:
            what = kwargs.get("function") or kwargs.get("name") or {
                "train_linreg": "training with your stubs", "train_softmax": "training with your stubs",
                "train_gluon": "training with your net, loss and trainer"}.get(scenario, scenario)
            raise ProbeError(f"{what}: {exc.message}") from None
        status = reply.get("status") if isinstance(reply, dict) else None
        if status == "ok" and "value" in reply:
            return reply["value"]
        if status == "student_error":
            raise StudentFailure(str(reply.get("function")), str(reply.get("ename")), str(reply.get("evalue")))
        if status == "missing":
            name = str(reply.get("name"))
            raise MissingName(name, self.missing_hints.get(name, ""))
        if status == "harness_error":
            raise ProbeError(f"the grader's probe failed in your kernel ({reply.get('ename')}: "
                             f"{str(reply.get('evalue'))[:200]}); did the notebook change a library function?")
        raise ProbeError(f"unexpected reply from the notebook process: {str(reply)[:120]}")
