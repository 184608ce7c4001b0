"""Fixtures for the extension's tests: a clean default context, fake GPUs, and real kernels.

Real kernels run the interpreter running pytest (the project's .venv) with every Jupyter/IPython
directory pointed into the test's temp dir, so nothing reads or writes the developer's home.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from autograder.jupyter_env import isolated_jupyter_env
from extension import context, devices


@pytest.fixture(autouse=True)
def clean_context(monkeypatch, tmp_path):
    """Each test starts with no context chosen, nothing remembered and MXNet's default back on CPU."""
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter-data"))
    context.reset()
    yield
    context.reset()
    mx = sys.modules.get("mxnet")
    if mx is not None:
        mx.context.Context._default_ctx.value = mx.cpu()


@pytest.fixture
def two_gpus(monkeypatch):
    """Two made-up GPUs through the device seam (MXNet cannot allocate on them: only contexts are made)."""
    fake = devices.FakeGPUs([
        devices.GPUInfo(0, "Tesla T4", free_bytes=14 * 2**30, total_bytes=15 * 2**30),
        devices.GPUInfo(1, None, free_bytes=None, total_bytes=None),
    ])
    monkeypatch.setattr(devices, "PROVIDER", fake)
    return fake


@pytest.fixture
def no_gpu(monkeypatch):
    monkeypatch.setattr(devices, "PROVIDER", devices.FakeGPUs([]))


# --- real kernels ---------------------------------------------------------------------------------

def isolated_env(root: Path, **extra: str) -> dict:
    """Every Jupyter/IPython directory under `root`; no D2L_CTX unless a test sets one."""
    return isolated_jupyter_env(root, lab=True, **{"D2L_CTX": None, **extra})


def write_kernelspecs(kernels_dir: Path) -> Path:
    """A plain ipykernel spec (`plain`) and the d2l spec (`d2l`) for this interpreter, in `kernels_dir`."""
    from ipykernel.kernelspec import write_kernel_spec
    from extension import kernelspec
    write_kernel_spec(kernels_dir / "plain", overrides={"display_name": "Python 3 (plain)"})
    kernelspec.install(prefix=str(kernels_dir.parent / "prefix"))
    (kernels_dir / "d2l").symlink_to(kernels_dir.parent / "prefix" / "share" / "jupyter" / "kernels" / "d2l")
    return kernels_dir


@pytest.fixture(scope="session")
def make_isolated_env():
    """isolated_env for fixtures of any scope."""
    return isolated_env


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each test's outcome on the item, so fixtures can save artifacts after a failure."""
    outcome = yield
    if call.when == "call":
        item.rep_call = outcome.get_result()


@pytest.fixture(scope="session")
def kernels_dir(tmp_path_factory) -> Path:
    return write_kernelspecs(tmp_path_factory.mktemp("kernelspecs") / "kernels")


@dataclass
class Outputs:
    stdout: str = ""
    stderr: str = ""
    data: list = field(default_factory=list)        # display_data / execute_result bundles
    error: dict | None = None

    def text(self) -> str:
        return "\n".join(d.get("text/plain", "") for d in self.data)


class Kernel:
    """A running kernel and its client; `run(code)` executes and collects what came back."""

    def __init__(self, km, kc):
        self.km, self.kc = km, kc

    def run(self, code: str, timeout: float = 120, allow_error: bool = False) -> Outputs:
        out = Outputs()

        def hook(msg):
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                setattr(out, content["name"], getattr(out, content["name"]) + content["text"])
            elif kind in ("display_data", "execute_result"):
                out.data.append(content["data"])
            elif kind == "error":
                out.error = content

        self.kc.execute_interactive(code, output_hook=hook, timeout=timeout)
        if out.error and not allow_error:
            raise AssertionError("kernel error:\n" + "\n".join(out.error["traceback"]))
        return out

    def value(self, expr: str) -> str:
        """The kernel's text/plain of `expr`."""
        return self.run(expr).text()


@contextmanager
def running_kernel(kernels_dir: Path, name: str, env: dict):
    """Start kernel `name` from `kernels_dir`; always shut it down."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    km = KernelManager(kernel_name=name, kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels_dir)]))
    km.start_kernel(env=env)
    kc = km.client()
    try:
        kc.start_channels()
        kc.wait_for_ready(timeout=120)
        yield Kernel(km, kc)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


@pytest.fixture
def start_kernel(kernels_dir, tmp_path):
    """start_kernel(name='plain', **env) -> context manager of a Kernel with isolated dirs."""
    def start(name: str = "plain", **extra):
        return running_kernel(kernels_dir, name, isolated_env(tmp_path / "home", **extra))
    return start
