"""Tamper flags: code in a submission that reaches for the grader instead of doing the exercise.

    flags = static_flags(cells)                       # the cells' AST, in the judge: cannot be suppressed
    flags = merge(flags, runtime_flags(session, cells))   # the student process's tripwire: its testimony

A flag is a plain dict, `{"code", "cell", "where", "detail", "origin"}` — `cell` is the cell's number as
Jupyter shows it (None for something seen while the grader called the notebook's functions), `where`
names it with its first line, `origin` is "static" or "runtime". Flags are for the instructor to
review: they never change a score, and every rule here is kept narrow enough not to fire on the correct
styles the tests use (`tests/autograder/test_tamper.py` scans all of them).
"""
from __future__ import annotations

import ast
import re

from .student.tripwire import cell_tag

# What a notebook may import from the kit: the documented student API (setup cell, test cells, `%check`).
STUDENT_API = {"extension", "extension.d2l", "autograder.incell"}
# Names `from extension import …` may take: the rest of that package is the extension's machinery.
EXTENSION_NAMES = {"d2l", "ensure_loaded", "load_ipython_extension", "unload_ipython_extension"}
KIT_PACKAGES = ("autograder", "extension")

DESCRIPTIONS = {
    "imports-grader": "imports the grader's own modules",
    "reads-protocol-fds": "looks at the process's file descriptors (/proc/…/fd), where the grader's pipes are",
    "uses-inherited-fds": "reads or writes a raw file descriptor the process inherited",
    "walks-gc": "walks the garbage collector's objects",
    "walks-sys-modules": "looks up loaded modules in sys.modules",
    "replaces-grader-code": "replaces or changes the grader's code in the notebook's process",
    "patches-ndarray": "replaces NDArray's methods (the grader counts allocations there)",
    "patches-library": "replaces a function of an imported library",
    "hooks-interpreter": "installs an interpreter or shell hook (audit, trace, profile, input transformer)",
    "inspects-frames": "inspects call-stack frames (can reach the grader's local variables)",
    "uses-ctypes": "uses ctypes (raw memory access)",
}

_PROC_FD = re.compile(r"/proc/[^/]*/fd|/dev/fd\b")
# Raw I/O on a descriptor the code did not open itself. `os.fdopen(fd)`/`os.close(fd)` on a variable are
# how `tempfile.mkstemp` is used, so those count only with a literal descriptor number.
_FD_CALLS = {("os", "write"), ("os", "read"), ("os", "dup2"), ("os", "pwrite"), ("os", "writev"),
             ("os", "sendfile")}
_FD_LITERAL_CALLS = _FD_CALLS | {("os", "fdopen"), ("os", "dup"), ("os", "close"), ("os", "set_blocking")}
_GC_CALLS = {"get_objects", "get_referrers", "get_referents"}
_HOOK_CALLS = {("sys", "addaudithook"), ("sys", "settrace"), ("sys", "setprofile"),
               ("threading", "settrace"), ("threading", "setprofile")}
_SHELL_HOOKS = {"input_transformers_post", "input_transformers_cleanup", "ast_transformers"}
_FRAME_ATTRS = {"f_back", "f_locals", "f_globals", "tb_frame", "gi_frame"}
_FRAME_CALLS = {("sys", "_getframe"), ("inspect", "currentframe"), ("inspect", "stack"),
                ("inspect", "getouterframes"), ("inspect", "trace")}


def where(cell) -> str:
    first = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
    first = first if len(first) <= 60 else first[:57] + "…"
    return f"cell {cell.index + 1} ({first})"


def make_flag(code: str, cell, detail: str, origin: str) -> dict:
    return {"code": code, "cell": None if cell is None else cell.index + 1,
            "where": where(cell) if cell is not None else "while the grader called the notebook's functions",
            "detail": detail, "origin": origin}


def flag_line(flag: dict) -> str:
    """One line for `grade`'s output and the gradebook comment."""
    seen = "found in the code" if flag.get("origin") == "static" else "seen at run time"
    return (f"{flag.get('code')} in {flag.get('where')}: {flag.get('detail')} "
            f"({seen}; {DESCRIPTIONS.get(flag.get('code'), 'flagged')})")


# ---- static scan (judge side) ----

def _python_source(source: str) -> str | None:
    """The cell as IPython would run it (magics and `!` lines become calls); None if it does not parse."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
        return TransformerManager().transform_cell(source)
    except Exception:       # noqa: BLE001 - a cell IPython cannot transform is no flag, just not scanned
        return None


def _dotted(node) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _root(node):
    """The Name at the bottom of an attribute/subscript/call chain."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _kit_module(name: str) -> bool:
    return name.split(".")[0] in KIT_PACKAGES


def _constant_text(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):        # f"/proc/{pid}/fd": placeholders read as '*'
        return "".join(v.value if isinstance(v, ast.Constant) else "*" for v in node.values)
    return None


class _Scanner(ast.NodeVisitor):
    def __init__(self, aliases: dict[str, str]):
        self.aliases = aliases          # local name → the module (or module attribute) it was imported as
        self.found: list[tuple[str, str]] = []

    def add(self, code: str, detail: str) -> None:
        self.found.append((code, detail))

    def qualified(self, node) -> str | None:
        """The dotted name with its first part resolved through imports: `h.SCENARIOS` → autograder.harness.SCENARIOS."""
        dotted = _dotted(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        base = self.aliases.get(head, head)
        return f"{base}.{rest}" if rest else base

    # imports

    def _imported(self, module: str, line: str) -> None:
        if _kit_module(module) and module not in STUDENT_API:
            self.add("imports-grader", line)
        if module.split(".")[0] in ("ctypes", "_ctypes"):
            self.add("uses-ctypes", line)

    def visit_Import(self, node):
        for alias in node.names:
            self._imported(alias.name, f"import {alias.name}")
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:
                self.aliases[alias.name.split(".")[0]] = alias.name.split(".")[0]

    def visit_ImportFrom(self, node):
        module = node.module or ""
        for alias in node.names:
            full = f"{module}.{alias.name}" if module else alias.name
            # `from extension import d2l` imports a module; `from autograder.incell import check` a name of one
            allowed = full in STUDENT_API or (module in STUDENT_API and (
                module != "extension" or alias.name in EXTENSION_NAMES))
            if _kit_module(module) and not allowed:
                self.add("imports-grader", f"from {module} import {alias.name}")
            elif not _kit_module(module):
                self._imported(module, f"from {module} import {alias.name}")
            self.aliases[alias.asname or alias.name] = full
        self.generic_visit(node)

    # calls

    def visit_Call(self, node):
        name = self.qualified(node.func)
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("run_line_magic", "run_cell_magic"):
            self._magic_body(node)             # `%%time` / `%timeit` run Python given as a string
        if name:
            parts = tuple(name.rsplit(".", 1)) if "." in name else ("", name)
            first = node.args[0] if node.args else None
            literal = isinstance(first, ast.Constant) and isinstance(first.value, int)
            if first is not None and not _is_fileno(first) and (
                    (parts in _FD_CALLS and not literal) or (parts in _FD_LITERAL_CALLS and literal and first.value > 2)):
                self.add("uses-inherited-fds", f"{name}({ast.unparse(first)}, …)")
            if name in ("open", "io.open", "builtins.open") and isinstance(first, ast.Constant) \
                    and isinstance(first.value, int) and first.value > 2:
                self.add("uses-inherited-fds", f"open({first.value}, …)")
            if parts[0] == "gc" and parts[1] in _GC_CALLS:
                self.add("walks-gc", f"{name}()")
            if parts in _HOOK_CALLS:
                self.add("hooks-interpreter", f"{name}(…)")
            if parts in _FRAME_CALLS:
                self.add("inspects-frames", f"{name}()")
            if name in ("importlib.import_module", "__import__") and first is not None:
                text = _constant_text(first)
                if text and _kit_module(text) and text not in STUDENT_API:
                    self.add("imports-grader", f"{name}({text!r})")
            if name in ("setattr", "delattr") and first is not None:
                self._changes(first, f"{name}({ast.unparse(first)}, …)")
        self.generic_visit(node)

    def _magic_body(self, node) -> None:
        for arg in node.args[1:]:
            text = _constant_text(arg)
            if text and text.strip():
                try:
                    self.visit(ast.parse(text))
                except (SyntaxError, ValueError):
                    pass                       # not Python (`%%bash`, `%matplotlib inline`): nothing to scan

    # names, strings, attributes

    def visit_Constant(self, node):
        if isinstance(node.value, str):
            self._text(node.value)

    def visit_JoinedStr(self, node):
        self._text(_constant_text(node) or "")
        self.generic_visit(node)

    def _text(self, text: str) -> None:
        if _PROC_FD.search(text):
            self.add("reads-protocol-fds", repr(text[:60]))
        stripped = text.strip()
        if re.fullmatch(r"(autograder|extension)(\.\w+)*", stripped) and stripped not in STUDENT_API:
            self.add("imports-grader", f"the name {stripped!r}")

    def visit_Attribute(self, node):
        name = self.qualified(node)
        if name == "sys.modules":
            self.add("walks-sys-modules", "sys.modules")
        if node.attr in _SHELL_HOOKS:
            self.add("hooks-interpreter", f"….{node.attr}")
        if node.attr in _FRAME_ATTRS:
            self.add("inspects-frames", f"….{node.attr}")
        if name and name.split(".")[0] in ("ctypes", "_ctypes"):
            self.add("uses-ctypes", name)
        self.generic_visit(node)

    # assignments

    def _changes(self, target, text: str) -> None:
        """`target` is written to (assigned, deleted, setattr'd): flag it if it belongs to the kit or a library."""
        item = isinstance(target, ast.Subscript)     # `plt.rcParams[k] = v` configures a library: fine
        while isinstance(target, ast.Subscript):
            target = target.value
        name = self.qualified(target)
        if name is None:
            root = _root(target)
            name = self.aliases.get(root, root) if root else None
        if not name:
            return
        parts = name.split(".")
        if (_kit_module(name) and len(parts) > 1) or {"SCENARIOS", "REFERENCES"} & set(parts):
            self.add("replaces-grader-code", text)
        elif "NDArray" in parts[:-1] or (parts[-1] == "NDArray" and text.startswith(("setattr", "delattr"))):
            self.add("patches-ndarray", text)
        elif not item and len(parts) > 1 and _root(target) in self.aliases:
            self.add("patches-library", text)

    def _targets(self, targets) -> None:
        for target in targets:
            if isinstance(target, (ast.Tuple, ast.List)):
                self._targets(target.elts)
            elif isinstance(target, (ast.Attribute, ast.Subscript)):
                self._changes(target, f"{ast.unparse(target)} = …")

    def visit_Assign(self, node):
        self._targets(node.targets)
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        self._targets([node.target])
        self.generic_visit(node)

    def visit_AnnAssign(self, node):
        self._targets([node.target])
        self.generic_visit(node)

    def visit_Delete(self, node):
        self._targets(node.targets)
        self.generic_visit(node)


def _is_fileno(node) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "fileno"


def static_flags(cells) -> list[dict]:
    """Flags from the code of `cells` (those grading runs), in cell order, one per code and cell."""
    aliases: dict[str, str] = {}
    flags, seen = [], set()
    for cell in cells:
        python = _python_source(cell.source)
        if python is None:
            continue
        try:
            tree = ast.parse(python)
        except (SyntaxError, ValueError):
            continue                     # a cell that does not parse fails when run; nothing to flag
        scanner = _Scanner(aliases)
        scanner.visit(tree)
        for code, detail in scanner.found:
            if (code, cell.index) not in seen:
                seen.add((code, cell.index))
                flags.append(make_flag(code, cell, detail, "static"))
    return flags


# ---- run-time findings (the student process's tripwire, `autograder.student.tripwire`) ----

MAX_RUNTIME_FLAGS = 20


def runtime_flags(session, cells) -> list[dict]:
    """Ask the live student process once for its tripwire's findings; [] when it cannot say.

    A dead process is not restarted for this (a replay costs the cells' time again): its findings are lost,
    which only ever loses an advisory flag. What comes back is testimony: only known codes are kept."""
    from .probes import ProbeError
    process = getattr(session, "process", None)
    if process is None or not process.alive:
        return []
    try:
        reply = session.request({"op": "flags"}, 30.0)
    except ProbeError:
        return []
    value = reply.get("value") if isinstance(reply, dict) and reply.get("status") == "ok" else None
    if not isinstance(value, list):
        return []
    by_tag = {cell_tag(c.source): c for c in cells}
    flags = []
    for finding in value[:MAX_RUNTIME_FLAGS]:
        if not isinstance(finding, dict) or finding.get("code") not in DESCRIPTIONS:
            continue
        cell = by_tag.get(finding.get("cell")) if isinstance(finding.get("cell"), str) else None
        detail = str(finding.get("detail", ""))[:200]
        flags.append(make_flag(finding["code"], cell, detail, "runtime"))
    return flags


def merge(static: list[dict], runtime: list[dict]) -> list[dict]:
    """Static flags first; a run-time finding of the same code in the same cell adds nothing new."""
    seen = {(f["code"], f["cell"]) for f in static}
    merged = list(static)
    for flag in runtime:
        if (flag["code"], flag["cell"]) not in seen:
            seen.add((flag["code"], flag["cell"]))
            merged.append(flag)
    return merged
