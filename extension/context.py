"""The kernel's one default compute context, used by every course helper.

Where it comes from, in order: the last `set_default_context()` call (the widget makes one), else
`$D2L_CTX` (`cpu`, `gpu`, `gpu:0`, `gpu(1)`), else CPU. A GPU that does not exist falls back to
CPU with one warning instead of failing at the first `nd.array`. Setting it also sets MXNet's own
default context, so arrays created after a switch land on the new device.
"""
from __future__ import annotations

import os
import re
import warnings

from . import devices

ENV_VAR = "D2L_CTX"
_SPEC = re.compile(r"^\s*(cpu|gpu)\s*(?:[:(]\s*(\d+)\s*\)?)?\s*$", re.IGNORECASE)

_chosen = None          # an mx.Context once chosen; None until first use


class ContextFallbackWarning(UserWarning):
    """A GPU was asked for that this machine does not have; CPU is used instead."""


def parse_context_spec(spec: str) -> tuple[str, int]:
    """'gpu:1' -> ('gpu', 1); 'cpu' -> ('cpu', 0). Raises ValueError naming the accepted forms."""
    match = _SPEC.match(spec or "")
    if not match:
        raise ValueError(f"{ENV_VAR}={spec!r} is not a context: use 'cpu', 'gpu', 'gpu:0' or 'gpu(1)'")
    return match.group(1).lower(), int(match.group(2) or 0)


def resolve(device_type: str, index: int = 0):
    """An mx.Context for the request, or CPU with a warning when that GPU does not exist."""
    import mxnet as mx
    if device_type == "gpu":
        count = devices.gpu_count()
        if index < count:
            return mx.gpu(index)
        have = f"{count} GPU(s)" if count else "no GPU"
        warnings.warn(f"gpu({index}) was requested but MXNet sees {have}; using cpu(0). "
                      "To use a GPU, install the CUDA build of MXNet (see environment.yml).",
                      ContextFallbackWarning, stacklevel=3)
    return mx.cpu(0)


def set_default_context(ctx) -> None:
    """Make `ctx` (an mx.Context) the default for the course helpers and for new MXNet arrays."""
    import mxnet as mx
    global _chosen
    _chosen = ctx
    mx.context.Context._default_ctx.value = ctx


def default_context():
    """The context course code should compute on."""
    if _chosen is None:
        device_type, index = parse_context_spec(os.environ.get(ENV_VAR, "cpu"))
        set_default_context(resolve(device_type, index))
    return _chosen


def reset() -> None:
    """Forget the choice, so the next `default_context()` reads `$D2L_CTX` again (tests, unload)."""
    global _chosen
    _chosen = None


def try_gpu(i: int = 0):
    """The book's try_gpu(): gpu(i) if it exists, else cpu(). Asks the device seam, allocates nothing."""
    import mxnet as mx
    return mx.gpu(i) if i < devices.gpu_count() else mx.cpu()


def try_all_gpus():
    """The book's try_all_gpus(): every GPU, or [cpu()] when there is none."""
    import mxnet as mx
    count = devices.gpu_count()
    return [mx.gpu(i) for i in range(count)] if count else [mx.cpu()]
