"""What a student's exception means, in one line: the judge's translator for crashes of student code.

MXNet's errors carry its C++ internals (`Traceback … File "../src/operator/…/elemwise_binary_broadcast_op.h",
line 67 … Check failed: l == 1 || r == 1: operands could not be broadcast …`), which tell a student
nothing. `explain` keeps the operator's one-line meaning and, for the classic causes, says which shapes met
and the likely fix; `one_per_crash` keeps one explanation per crashing function in a list of results.

    explain("softmax", "MXNetError", evalue)
    # "softmax raised MXNetError: shapes (4, 10) and (4,) cannot be combined elementwise: …keepdims=True…"

Runs in the judge on the text the student process reported; it never sees the student's objects.
"""
from __future__ import annotations

import re
from dataclasses import replace

MAX_CHARS = 400

_TRACE_LINE = re.compile(r'^\s*(Traceback \(most recent call last\):|File ".*", line \d+.*)$')
_LOG_PREFIX = re.compile(r"\[\d\d:\d\d:\d\d\] \S+:\d+: ")         # "[10:23:45] src/…/op.h:68: " (older builds)
_CHECK_FAILED = re.compile(r"Check failed: .*?(?:\)|\w) ?: ")          # the C++ condition, not its meaning
_INNER_NAME = re.compile(r"^(MXNetError|DeferredInitializationError): ")

_BROADCAST = re.compile(r"could not be broadcast together with shapes (\[[\d,]*\]) (\[[\d,]*\])")
_DOT = re.compile(r"dot shape error: (\[[\d,]*\]) X (\[[\d,]*\])")
_DEFERRED = re.compile(r"Parameter '([^']+)' has not been initialized yet because initialization was deferred")
_UNINITIALISED = re.compile(r"Parameter '([^']+)' has not been initialized(?! yet)")
NOT_IMPLEMENTED = "is not implemented yet (the stub still raises NotImplementedError)"

# How a translated crash reads, so `one_per_crash` can find it again in a check's message.
_CRASH = re.compile(r"(?P<function>[\w./]+) (?:raised (?P<ename>[A-Z]\w*)(?=:|$)|(?P<stub>"
                    + re.escape(NOT_IMPLEMENTED) + "))")


def explain(function: str, ename: str, evalue: str) -> str:
    """'<function> raised <ename>: <meaning and likely fix>', one line, no tracebacks or C++ paths."""
    if ename == "NotImplementedError" and not evalue.strip():
        return f"{function} {NOT_IMPLEMENTED}"
    return f"{function} raised {ename}: {meaning(evalue)}".rstrip(": ")


def reported(error: str) -> str:
    """'<ename>: <evalue>' as a scenario reported a student's exception, made safe to show: the meaning
    kept, MXNet's traceback and C++ paths taken out (scenarios that catch an error to describe it use this)."""
    ename, sep, evalue = str(error).partition(": ")
    return f"{ename}: {meaning(evalue)}".rstrip(": ") if sep else meaning(ename)


def describe_cell_error(ename, evalue) -> str:
    """For a notebook cell that raised: 'raised <ename>: <meaning>' (the caller puts the cell's label first)."""
    ename, evalue = str(ename), str(evalue or "")
    if ename == "NotImplementedError" and not evalue.strip():
        return "raised NotImplementedError: a stub in it is not implemented yet"
    return f"raised {ename}: {meaning(evalue)}".rstrip(": ")


def meaning(evalue: str) -> str:
    """The one-line meaning of an exception's text: a classic cause translated, else MXNet's own words."""
    for translate in (_broadcast, _dot, _deferred, _uninitialised):
        text = translate(evalue)
        if text:
            return text
    return _shorten(_strip_internals(evalue))


def _strip_internals(evalue: str) -> str:
    """Drop traceback and stack-trace lines, log prefixes and C++ conditions; keep the human sentence."""
    lines = []
    for line in evalue.splitlines():
        if line.strip().startswith("Stack trace"):
            break                                   # everything after it is frames of libmxnet.so
        if _TRACE_LINE.match(line) or not line.strip():
            continue
        line = _LOG_PREFIX.sub("", line.strip())
        line = _INNER_NAME.sub("", line)
        lines.append(_CHECK_FAILED.sub("", line))
    return " ".join(lines)


def _shorten(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS - 1] + "…"


def _shape(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in text.strip("[]").split(",") if n)


def _broadcast(evalue: str) -> str | None:
    match = _BROADCAST.search(evalue)
    if not match:
        return None
    a, b = _shape(match.group(1)), _shape(match.group(2))
    said = f"shapes {a} and {b} cannot be combined elementwise (each axis must match or be 1)"
    if len(a) == 2 and len(b) == 1 and b[0] == a[0]:
        fix = (f"{b} lines up with the last axis, not the rows: keep the reduced axis with keepdims=True "
               f"(e.g. X.sum(axis=1, keepdims=True)) or reshape it to ({b[0]}, 1)")
    elif len(a) == 1 and len(b) == 2 and a[0] == b[0]:
        fix = f"{a} lines up with the last axis, not the rows: keepdims=True or reshape it to ({a[0]}, 1)"
    elif len(a) == 2 and len(b) == 2 and a[1] == b[0] and a != b:
        fix = f"for the matrix product of {a} and {b} use nd.dot(X, w), not X * w"
    else:
        fix = "reshape one of them so each axis matches or is 1"
    return f"{said}: {fix}"


def _dot(evalue: str) -> str | None:
    match = _DOT.search(evalue)
    if not match:
        return None
    a, b = _shape(match.group(1)), _shape(match.group(2))
    said = (f"nd.dot cannot multiply shapes {a} and {b}: the last axis of the first ({a[-1] if a else '?'}) "
            f"must equal the first axis of the second ({b[0] if b else '?'})")
    if len(a) > 2 and b and _product(a[1:]) == b[0]:
        return f"{said}; flatten the input first: X.reshape((-1, {b[0]}))"
    return f"{said}; check which operand needs reshaping or transposing"


def _product(shape) -> int:
    out = 1
    for n in shape:
        out *= n
    return out


def _deferred(evalue: str) -> str | None:
    match = _DEFERRED.search(evalue)
    if not match:
        return None
    return (f"parameter {match.group(1)} does not exist yet: its shape is only known after the first forward "
            "pass (deferred initialisation); run net(X) once before reading it, or give the layer in_units")


def _uninitialised(evalue: str) -> str | None:
    match = _UNINITIALISED.search(evalue)
    if not match:
        return None
    return (f"parameter {match.group(1)} is not initialised: call initialize() on the net after building it, "
            "e.g. net.initialize(init.Normal(sigma=0.01))")


def crash_in(message: str) -> tuple[str, str, str] | None:
    """(function, exception name, meaning) when `message` reports a crash of student code, else None."""
    match = _CRASH.search(message)
    if not match:
        return None
    if match.group("stub"):
        return match.group("function"), "NotImplementedError", NOT_IMPLEMENTED
    return match.group("function"), match.group("ename"), message[match.end():].lstrip(": ")


def _raw_crash(message: str) -> re.Match | None:
    """A crash still in MXNet's raw words (a check quoted the student's exception text itself)."""
    return re.search(r"(?P<function>[\w./]+) raised (?P<ename>[A-Z]\w*): (?P<evalue>.*)\Z", message, re.S)


NOT_CHECKED = "not checked: "      # how a check gated on failing stubs begins (autograder.checks.blocked_result)


def one_per_crash(results: list) -> list:
    """Each crash explained once: the first failed check a crash of `f` fails keeps the explanation, later
    ones say "see above: f raised …" (and a message repeated word for word, "see above: <its start>").
    Messages that still hold raw exception text (a check quoted the student's exception) are translated first."""
    seen: dict[tuple, str] = {}
    out = []
    for result in results:
        message = result.message
        if result.passed or not message or message.startswith(NOT_CHECKED):
            out.append(result)            # a gated check says which stubs it waits for, each time: it is short
            continue
        raw = _raw_crash(message)
        if raw:
            head = message[:raw.start()]
            message = head + explain(raw.group("function"), raw.group("ename"), raw.group("evalue"))
        crash = crash_in(message)
        if crash is None:
            keys = [("message", message)]         # the same message twice ("x is not defined: …") counts too
            first = message.split(":")[0]
        else:
            function, ename, meaning = crash
            # The same words with other sizes ("(3, 4)" for "(4, 5)") are the same mistake, also when it
            # reaches another function's checks (net calling a broken softmax: "net raised" it too).
            keys = [("crash", ename, re.sub(r"\d+", "#", meaning))]
            first = (f"{function} is not implemented yet" if ename == "NotImplementedError" and meaning ==
                     NOT_IMPLEMENTED else f"{function} raised {ename}")
        earlier = next((seen[k] for k in keys if k in seen), None)
        if earlier is None:
            seen.update({k: first for k in keys})
        elif crash is None or earlier.startswith(f"{crash[0]} "):
            message = f"see above: {earlier}"
        else:
            message = f"see above: {crash[0]} raised the same {crash[1]} as {earlier.split()[0]}"
        out.append(replace(result, message=message) if message != result.message else result)
    return out
