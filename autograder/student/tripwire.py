"""A cheap run-time tripwire in the student's process: notes when notebook code reaches for the grader.

    tripwire.install(shell, protocol_fds)     # the runner, before any notebook cell runs
    tripwire.findings()                        # the runner's answer to the judge's {"op": "flags"}

It adds an audit hook (`sys.addaudithook`: it cannot be removed once added) that watches the few
events an attack on the grader needs — listing or opening `/proc/*/fd`, opening the protocol pipes'
descriptors, `gc.get_objects`/`get_referrers`, new audit/trace/profile hooks, attributes set on the
kit's classes or NDArray — and, after every cell and when asked, checks that the kit's functions and
scenario table and NDArray's methods are still the ones installed. Findings name the cell by a digest
of its source (`cell_tag`), which the judge maps back to a cell number.

What this reports is the student process's own testimony: code that knows about it can silence it.
The judge's static scan (`autograder.tamper`) is the part that cannot be suppressed; these findings
only add what the code's text hides. They are advisory flags and never change a score.
"""
from __future__ import annotations

import hashlib
import re
import sys

MAX_FINDINGS = 50
_PROC_FD = re.compile(r"/proc/[^/]*/fd|/dev/fd\b")
_WATCHED = frozenset({"open", "os.listdir", "os.scandir", "gc.get_objects", "gc.get_referrers",
                      "gc.get_referents", "sys.addaudithook", "sys.settrace", "sys.setprofile",
                      "object.__setattr__", "object.__delattr__"})
_HOOK_EVENTS = {"sys.addaudithook": "sys.addaudithook", "sys.settrace": "sys.settrace",
                "sys.setprofile": "sys.setprofile"}


def cell_tag(source: str) -> str:
    """A digest of a cell's source; the judge computes the same one for the cells it sent."""
    return hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:16]


class _State:
    def __init__(self):
        self.cell: str | None = None         # tag of the cell running now; None while the grader calls functions
        self.protocol_fds: frozenset[int] = frozenset()
        self.found: list[dict] = []
        self.seen: set = set()
        self.snapshot: list[list] = []       # [label, container, key, value as installed]
        self.ndarray = None
        self.busy = False                    # the hook's own work raises no findings about itself
        self.library_roots: tuple[str, ...] = ()


_state = _State()


def _note(code: str, detail: str) -> None:
    key = (code, detail, _state.cell)
    if key in _state.seen or len(_state.found) >= MAX_FINDINGS:
        return
    _state.seen.add(key)
    _state.found.append({"code": code, "detail": detail[:200], "cell": _state.cell})


def _from_kit(value) -> bool:
    return str(getattr(value, "__module__", "") or "").startswith("autograder.")


def _is_kit_class(obj) -> bool:
    return isinstance(obj, type) and (obj is _state.ndarray or str(obj.__module__).startswith("autograder."))


def _inspect(event: str, args) -> None:
    if event in ("open", "os.listdir", "os.scandir"):
        path = args[0] if args else None
        if isinstance(path, int):
            if event == "open" and path in _state.protocol_fds:
                _note("uses-inherited-fds", f"opened the grader's pipe (descriptor {path})")
        elif isinstance(path, (str, bytes)):
            text = path.decode(errors="replace") if isinstance(path, bytes) else path
            if _PROC_FD.search(text):
                _note("reads-protocol-fds", f"{event}({text[:60]!r})")
    elif event.startswith("gc."):
        _note("walks-gc", f"{event}()")
    elif event in _HOOK_EVENTS:
        _note("hooks-interpreter", f"{_HOOK_EVENTS[event]}(…)")
    else:   # object.__setattr__/__delattr__: a function's code or defaults; a class's attribute only where the
            # interpreter audits that (3.11 does not: the identity check after each cell covers NDArray and the kit)
        obj, name = args[0], args[1]
        kit_function = callable(obj) and not isinstance(obj, type) and _from_kit(obj) \
            and name in ("__code__", "__defaults__", "__kwdefaults__")
        if not (_is_kit_class(obj) or kit_function) or not _notebook_code(sys._getframe(2)):
            return                           # libraries (dataclasses, abc) and the harness's counter set these too
        if kit_function:
            _note("replaces-grader-code", f"changed {obj.__module__}.{getattr(obj, '__qualname__', '?')}.{name}")
        else:
            _note("patches-ndarray" if obj is _state.ndarray else "replaces-grader-code",
                  f"set {obj.__name__}.{name}")


def _notebook_code(frame) -> bool:
    """Whether `frame` runs the notebook's code (a cell, or a file it wrote), not a library's or the kit's."""
    filename = frame.f_code.co_filename if frame is not None else ""
    return not filename.startswith(_state.library_roots) and not filename.startswith("<frozen")


def _hook(event, args):
    if event not in _WATCHED or _state.busy:
        return
    _state.busy = True
    try:
        _inspect(event, args)
    except Exception:           # noqa: BLE001 - an audit hook that raises would break the notebook's own call
        pass
    finally:
        _state.busy = False


class _ClassView:
    """`get(name)`: what the class resolves `name` to through its MRO, unbound (`__init__` lives in a base)."""

    def __init__(self, cls):
        self.cls = cls

    def get(self, key):
        for klass in self.cls.__mro__:
            if key in klass.__dict__:
                return klass.__dict__[key]
        return None


def _take_snapshot() -> None:
    """The kit's module functions and classes, its scenario tables, NDArray's methods, as installed."""
    entries = []
    for name, module in list(sys.modules.items()):
        if not name.startswith("autograder.") or module is None:
            continue
        for key, value in list(vars(module).items()):
            if isinstance(value, dict) and key.isupper():          # SCENARIOS, REFERENCES
                entries += [[f"{name}.{key}[{k!r}]", value, k, v] for k, v in value.items() if callable(v)]
            if callable(value) and not key.startswith("__"):
                entries.append([f"{name}.{key}", vars(module), key, value])
    try:
        from mxnet.ndarray.ndarray import NDArray
        _state.ndarray = NDArray
        methods = _ClassView(NDArray)
        entries += [[f"NDArray.{key}", methods, key, methods.get(key)]
                    for key in dir(NDArray) if callable(methods.get(key))]
    except Exception:           # noqa: BLE001 - no MXNet: nothing of it to watch
        pass
    _state.snapshot = entries


def check_identities() -> None:
    """Note every kit function, scenario or NDArray method that is no longer the one installed."""
    for entry in _state.snapshot:
        label, container, key, original = entry
        current = container.get(key) if hasattr(container, "get") else None
        if current is original:
            continue
        if label.startswith("NDArray.") and _from_kit(current):
            continue                 # the harness's allocation counter, installed while a probe runs
        _note("patches-ndarray" if label.startswith("NDArray.") else "replaces-grader-code",
              f"{label} was replaced")
        entry[3] = current           # said once, by the cell that did it


def _pre_run_cell(info) -> None:
    _state.cell = cell_tag(str(getattr(info, "raw_cell", "") or ""))


def _post_run_cell(result) -> None:
    try:
        check_identities()
    finally:
        _state.cell = None


def install(shell, protocol_fds=()) -> None:
    """Start watching; call once, after the kit is imported and before the first notebook cell."""
    import os
    _state.protocol_fds = frozenset(int(fd) for fd in protocol_fds)
    kit = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))          # .../autograder
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(kit)}
    roots.update(p for p in sys.path if os.path.isabs(p) and os.path.isdir(p) and p != os.getcwd())
    _state.library_roots = tuple(sorted(os.path.join(r, "") for r in roots if r and r != "/"))
    _take_snapshot()
    shell.events.register("pre_run_cell", _pre_run_cell)
    shell.events.register("post_run_cell", _post_run_cell)
    sys.addaudithook(_hook)


def findings() -> list[dict]:
    """What was seen so far (the identity check runs once more first): [{"code", "detail", "cell"}]."""
    _state.cell = None
    check_identities()
    return list(_state.found)
