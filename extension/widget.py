"""The compute-context selector: pick `cpu` or a `gpu(i)` and the whole kernel computes there.

    from extension.widget import ContextSelector
    ContextSelector()          # or %ctx once the extension is loaded

Plain ipywidgets (no custom JavaScript): a ToggleButtons with one option per device the seam in
`extension.devices` reports, and an HTML note. Choosing calls `context.set_default_context`, so the
course helpers and new MXNet arrays follow; the choice is also remembered for the user's next kernels
(`context.remember`) unless `remember=False`. With no GPU the selector offers only `cpu` and says how
to get a GPU instead of showing an option that cannot work. Where no widget can render (nbconvert,
a terminal) its text/plain form says the same in words.
"""
from __future__ import annotations

import html

import ipywidgets as widgets

from . import context, devices

NO_GPU_HINT = ("MXNet sees no GPU, so this kernel computes on the CPU. To use an NVIDIA GPU, install "
               "MXNet's CUDA build: in environment.yml replace mxnet==1.9.1 with the mxnet-cuXX==1.9.1 "
               "that matches your CUDA version (e.g. mxnet-cu117), recreate the environment and restart "
               "the kernel.")


def _gib(n: int) -> str:
    return f"{n / 2**30:.1f}"


def describe(info: devices.GPUInfo) -> str:
    """'gpu(0) · Tesla T4 · 14.2/15.0 GiB free', leaving out what the provider could not tell."""
    parts = [f"gpu({info.index})"]
    if info.name:
        parts.append(info.name)
    if info.free_bytes is not None and info.total_bytes is not None:
        parts.append(f"{_gib(info.free_bytes)}/{_gib(info.total_bytes)} GiB free")
    return " · ".join(parts)


def parallel_line() -> str:
    """The device list data-parallel lessons use (`d2l.data_parallel_contexts()`), and why."""
    contexts, why = context.parallel_choice()
    return f"Data-parallel lessons: [{', '.join(str(c) for c in contexts)}] — {why}."


class ContextSelector(widgets.VBox):
    """One button per device; the active one is the kernel's default context."""

    def __init__(self, remember: bool = True, **kwargs):
        self.remember = remember
        self._syncing = False
        self.buttons = widgets.ToggleButtons(style={"button_width": "auto"})
        self.note = widgets.HTML()
        super().__init__([widgets.HTML("<b>Compute context</b>"), self.buttons, self.note], **kwargs)
        self.buttons.observe(self._on_choice, names="value")
        self.refresh()

    def refresh(self) -> None:
        """Re-read the devices and the current default context (cheap; `%ctx` calls it on each show)."""
        count = devices.gpu_count()
        infos = [devices.gpu_info(i) for i in range(count)]
        current = context.format_spec(context.default_context())
        self._syncing = True
        try:
            self.buttons.options = [("cpu", "cpu")] + [(describe(i), f"gpu:{i.index}") for i in infos]
            self.buttons.tooltips = ["compute on the CPU"] + [f"compute on {describe(i)}" for i in infos]
            # A choice the seam no longer lists (devices changed under us) highlights nothing.
            self.buttons.value = current if current in [v for _, v in self.buttons.options] else None
        finally:
            self._syncing = False
        self._show_note()

    @property
    def value(self) -> str:
        """The chosen spec: 'cpu' or 'gpu:<i>'."""
        return self.buttons.value

    def _on_choice(self, change) -> None:
        if self._syncing or change["new"] is None:
            return
        ctx = context.set_default_context(change["new"])
        if self.remember:
            context.remember(context.format_spec(ctx))
        self._show_note()

    def _show_note(self) -> None:
        current = context.default_context()
        lines = [f"Default context: <code>{html.escape(str(current))}</code> — course helpers and new "
                 "arrays use it."]
        if len(self.buttons.options) == 1:
            lines.append(html.escape(NO_GPU_HINT))
        lines.append(html.escape(parallel_line()))
        self.note.value = "<br>".join(lines)

    def summary(self) -> str:
        """The selector in words, for frontends that cannot show widgets."""
        lines = [f"Default context: {context.default_context()}"]
        if len(self.buttons.options) == 1:
            lines.append(NO_GPU_HINT)
        else:
            lines.append("Devices: " + "; ".join(label for label, _ in self.buttons.options))
            lines.append("Switch with %ctx gpu:0 (or cpu), or set D2L_CTX before starting the kernel.")
        lines.append(parallel_line())
        return "\n".join(lines)

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = self.summary()
        return bundle

    def close(self) -> None:
        """Close the selector and the widgets it made (their views disappear from the page)."""
        if self.comm is None:       # already closed (ipywidgets closes again on garbage collection)
            return
        self.buttons.unobserve(self._on_choice, names="value")
        for child in self.children:
            child.close()
        super().close()
