"""The d2l kernel extension: one compute context for the whole kernel, chosen with a widget, and `%check`.

    %load_ext extension          or the "Python 3 (d2l)" kernel (`d2l-kernel install`), which loads it at start
    import extension; extension.ensure_loaded()     the course notebooks' first cell: works in any kernel

Then `%ctx` shows the context selector and `%check NAME` runs a stub's public checks (see
`extension.magics`). Importing or loading this package does not import MXNet or ipywidgets: both come
in when first needed, so kernel start stays fast (`benchmarks/kernel_startup.py` measures it).
"""
from __future__ import annotations

import sys

_MAGICS = "D2LMagics"


def load_ipython_extension(ip) -> None:
    """Register `%ctx`, `%check` and the pre-cell hook; let a remembered context stand in."""
    from . import context
    from .magics import D2LMagics
    magics = D2LMagics(ip)
    ip.register_magics(magics)
    ip.events.register("pre_run_cell", magics.pre_run_cell)
    context.use_remembered()


def unload_ipython_extension(ip) -> None:
    """Take away every magic, hook and widget `load_ipython_extension` added (the context chosen stays)."""
    from . import context
    magics = ip.magics_manager.registry.pop(_MAGICS, None)
    if magics is None:
        return
    for kind, table in magics.magics.items():
        for name in table:
            registered = ip.magics_manager.magics[kind].get(name)
            if getattr(registered, "__self__", None) is magics:   # ours, not a later namesake
                del ip.magics_manager.magics[kind][name]
    ip.events.unregister("pre_run_cell", magics.pre_run_cell)
    magics.close()
    context.stop_using_remembered()


def ensure_loaded() -> None:
    """Load the extension into the running IPython unless it already is; silent, and a no-op outside IPython."""
    ipython = sys.modules.get("IPython")     # not imported means no shell is running: nothing to do
    shell = ipython.get_ipython() if ipython else None
    if shell is not None and __name__ not in shell.extension_manager.loaded:
        shell.extension_manager.load_extension(__name__)
