"""The one seam between the course code and the GPUs MXNet can see.

Everything that asks "how many GPUs, and what are they?" goes through `gpu_count()` and
`gpu_info(i)`. Tests present GPUs on a CPU-only machine by replacing `PROVIDER` (see
`FakeGPUs`); nothing else in the kit touches `mx.context.num_gpus` directly.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GPUInfo:
    index: int
    name: str | None            # MXNet 1.9 cannot name a device; a provider that can may fill it in
    free_bytes: int | None
    total_bytes: int | None


class MXNetGPUs:
    """Asks MXNet. Imported lazily so that loading the extension stays cheap."""

    def count(self) -> int:
        import mxnet as mx
        try:
            return mx.context.num_gpus()
        except Exception:       # a CPU-only build raises instead of answering 0 on some setups
            return 0

    def info(self, index: int) -> GPUInfo:
        import mxnet as mx
        try:
            free, total = mx.context.gpu_memory_info(index)
        except Exception:
            free = total = None
        return GPUInfo(index=index, name=None, free_bytes=free, total_bytes=total)


class FakeGPUs:
    """Presents made-up GPUs, for tests on machines without one."""

    def __init__(self, infos: list[GPUInfo]):
        self.infos = list(infos)

    def count(self) -> int:
        return len(self.infos)

    def info(self, index: int) -> GPUInfo:
        return self.infos[index]


PROVIDER = MXNetGPUs()


def gpu_count() -> int:
    return PROVIDER.count()


def gpu_info(index: int) -> GPUInfo:
    return PROVIDER.info(index)
