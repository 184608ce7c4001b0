"""The kernel's one default compute context, used by every course helper.

Where it comes from, first match wins:

1. `set_default_context()` in this kernel (the `%ctx` widget and `%ctx gpu:0` call it);
2. `$D2L_CTX` (`cpu`, `gpu`, `gpu:0`, `gpu(1)`) — terminals, nbconvert, grading;
3. the choice remembered from the user's last widget click (`remember()`; the extension reads it
   at load, see `use_remembered()`), so a student who picked a GPU once keeps it in new kernels;
4. CPU.

A GPU that does not exist falls back to CPU with one warning instead of failing at the first
`nd.array`. Setting the context also sets MXNet's own default context, so arrays created after a
switch land on the new device. MXNet keeps that default per thread; `apply_to_mxnet()` re-applies
it (the extension calls it before each cell once MXNet is imported).

`try_gpu()` with no argument returns this default context, so the book's chapters that call
`d2l.try_gpu()` compute where the student chose; `try_gpu(i)` with an explicit index keeps the
book's meaning (gpu(i) if it exists, else cpu).

Nothing here imports MXNet until a context is actually needed.
"""
from __future__ import annotations

import json
import os
import re
import sys
import warnings
from pathlib import Path

from . import devices

ENV_VAR = "D2L_CTX"
_SPEC = re.compile(r"^\s*(cpu|gpu)\s*(?:[:(]\s*(\d+)\s*\)?)?\s*$", re.IGNORECASE)

_chosen = None          # an mx.Context once chosen or resolved; None until first use
_remembered = None      # a spec string from the remember file, once use_remembered() has read it


class ContextFallbackWarning(UserWarning):
    """A GPU was asked for that this machine does not have; CPU is used instead."""


def _format_for_users(message, category, filename, lineno, line=None, _default=warnings.formatwarning):
    """Our warnings speak to students: the message only, not the kit's file path and source line."""
    if issubclass(category, ContextFallbackWarning):
        return f"{category.__name__}: {message}\n"
    return _default(message, category, filename, lineno, line)


if getattr(warnings.formatwarning, "__name__", "") != _format_for_users.__name__:   # once, even on reload
    warnings.formatwarning = _format_for_users


def parse_context_spec(spec: str) -> tuple[str, int]:
    """'gpu:1' -> ('gpu', 1); 'cpu' -> ('cpu', 0). Raises ValueError naming the accepted forms."""
    match = _SPEC.match(spec or "")
    if not match:
        raise ValueError(f"{spec!r} is not a context: use 'cpu', 'gpu', 'gpu:0' or 'gpu(1)'")
    return match.group(1).lower(), int(match.group(2) or 0)


def format_spec(ctx) -> str:
    """mx.cpu() -> 'cpu', mx.gpu(1) -> 'gpu:1': the form D2L_CTX, the widget and the remember file use."""
    if ctx.device_type == "cpu" and ctx.device_id == 0:
        return "cpu"
    return f"{ctx.device_type}:{ctx.device_id}"


def resolve(device_type: str, index: int = 0, source: str = "the request"):
    """An mx.Context for the request, or CPU with a warning when that GPU does not exist."""
    import mxnet as mx
    if device_type == "gpu":
        count = devices.gpu_count()
        if index < count:
            return mx.gpu(index)
        have = f"{count} GPU(s)" if count else "no GPU"
        warnings.warn(f"gpu({index}) was requested by {source} but MXNet sees {have}; using cpu(0). "
                      "To use a GPU, install the CUDA build of MXNet (mxnet-cuXX, see environment.yml).",
                      ContextFallbackWarning, stacklevel=3)
        return mx.cpu(0)
    return mx.cpu(index)


def set_default_context(ctx):
    """Make `ctx` (an mx.Context, or a spec such as 'gpu:0') the default for the course helpers and
    for new MXNet arrays. Returns the context actually used (CPU if the GPU does not exist)."""
    global _chosen
    if isinstance(ctx, str):
        ctx = resolve(*parse_context_spec(ctx), source=repr(ctx))
    _chosen = ctx
    apply_to_mxnet()
    return ctx


def apply_to_mxnet() -> None:
    """Set MXNet's (thread-local) default context to the chosen one on the calling thread.

    Cheap, and a no-op until MXNet is imported: the extension calls it before every cell."""
    mx = sys.modules.get("mxnet")
    if mx is None:
        return
    if _chosen is None:
        default_context()       # resolves from D2L_CTX / the remembered choice, then comes back here
        return
    mx.context.Context._default_ctx.value = _chosen


def requested() -> tuple[str, str]:
    """(spec, where it came from) for the context to use when none was chosen in this kernel."""
    if os.environ.get(ENV_VAR, "").strip():
        return os.environ[ENV_VAR], f"${ENV_VAR}"
    if _remembered:
        return _remembered, f"the choice remembered in {remember_path()}"
    return "cpu", "the default"


def default_context():
    """The context course code should compute on."""
    if _chosen is None:
        spec, source = requested()
        try:
            device_type, index = parse_context_spec(spec)
        except ValueError as err:    # a typo in $D2L_CTX must not break every cell: say so, use CPU
            warnings.warn(f"{source}: {err}; using cpu(0)", ContextFallbackWarning, stacklevel=2)
            device_type, index = "cpu", 0
        set_default_context(resolve(device_type, index, source=source))
    return _chosen


def reset() -> None:
    """Forget this kernel's choice, so the next `default_context()` reads `$D2L_CTX` again (tests)."""
    global _chosen, _remembered
    _chosen = None
    _remembered = None


def try_gpu(i: int | None = None):
    """The book's try_gpu(), honouring the choice: with no argument, the default context (the GPU the
    student picked, or CPU if they picked CPU); with an index, gpu(i) if it exists, else cpu().
    Asks the device seam, allocates nothing."""
    import mxnet as mx
    if i is None:
        return default_context()
    return mx.gpu(i) if i < devices.gpu_count() else mx.cpu()


def try_all_gpus():
    """The book's try_all_gpus(), honouring the choice: every GPU when the default context is a GPU,
    [cpu()] when the student chose CPU or there is no GPU."""
    import mxnet as mx
    if default_context().device_type == "cpu":
        return [mx.cpu()]
    return [mx.gpu(i) for i in range(devices.gpu_count())]


# --- remembering the choice for the user's next kernel -------------------------------------------

REMEMBER_FILE = "context.json"


def remember_path() -> Path:
    """`<jupyter data dir>/d2l/context.json` (honours $JUPYTER_DATA_DIR, so tests stay out of ~)."""
    from jupyter_core.paths import jupyter_data_dir
    return Path(jupyter_data_dir()) / "d2l" / REMEMBER_FILE


def remember(spec: str) -> None:
    """Store `spec` as the user's choice for their next kernels. Best effort: a read-only home is fine."""
    parse_context_spec(spec)
    path = remember_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"context": spec}) + "\n")
    except OSError:
        pass


def recall() -> str | None:
    """The remembered spec, or None if there is none or the file is unreadable or malformed."""
    try:
        spec = json.loads(remember_path().read_text())["context"]
        parse_context_spec(spec)
        return spec
    except (OSError, ValueError, KeyError, TypeError):
        return None


def forget() -> None:
    """Delete the remembered choice (`%ctx --forget`)."""
    global _remembered
    _remembered = None
    remember_path().unlink(missing_ok=True)


def use_remembered() -> str | None:
    """Let the remembered choice (if any) stand in when nothing else asks for a context. No MXNet."""
    global _remembered
    _remembered = recall()
    return _remembered


def stop_using_remembered() -> None:
    global _remembered
    _remembered = None


# --- data-parallel lessons (multi_device) ---------------------------------------------------------

def parallel_choice(count: int = 2):
    """(contexts, why): where data-parallel lessons split their batches, and the reason in one sentence.

    Every GPU when the default context is a GPU and MXNet sees at least `count` of them (the book's
    try_all_gpus()); otherwise `count` CPU contexts, cpu(0), cpu(1)…, which MXNet treats as separate
    devices (each array lives on one, copies between them are explicit), so data-parallel code runs
    unchanged — but they share the same cores, so they are not faster than one. Single-device helpers
    (`try_gpu`, `try_all_gpus`) are not affected."""
    import mxnet as mx
    gpus = devices.gpu_count()
    stand_ins = [mx.cpu(i) for i in range(count)]
    names = ", ".join(str(c) for c in stand_ins)
    shared = (f"{names} stand in: MXNet keeps their arrays apart as on separate devices, but they share this "
              "machine's CPU cores, so they are not faster than one")
    if gpus >= count and default_context().device_type == "gpu":
        return try_all_gpus(), f"MXNet sees {gpus} GPUs and the default context is a GPU: all {gpus} are used"
    if gpus >= count:
        return stand_ins, (f"the default context is the CPU (MXNet sees {gpus} GPUs: pick a GPU with %ctx to "
                           f"train on them); {shared}")
    have = f"{gpus} GPU" if gpus == 1 else "no GPU"
    return stand_ins, f"MXNet sees {have}, fewer than {count}; {shared}"


def data_parallel_contexts(count: int = 2, quiet: bool = False):
    """The contexts of `parallel_choice(count)`; prints which and why (unless `quiet`)."""
    contexts, why = parallel_choice(count)
    if not quiet:
        print(f"data-parallel contexts: [{', '.join(str(c) for c in contexts)}] — {why}")
    return contexts
