"""d2l.data_parallel_contexts(): every GPU when there are two and a GPU is chosen, else [cpu(0), cpu(1)] — and it
says which and why; the single-device helpers (try_gpu, try_all_gpus) keep their meaning."""
from __future__ import annotations

import sys

import pytest

from extension import context, d2l, devices


@pytest.fixture(autouse=True)
def clean_context(monkeypatch, tmp_path):
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter-data"))
    monkeypatch.delenv("D2L_CTX", raising=False)
    context.reset()
    yield
    context.reset()
    mx = sys.modules.get("mxnet")
    if mx is not None:
        mx.context.Context._default_ctx.value = mx.cpu()


def gpus(monkeypatch, n):
    monkeypatch.setattr(devices, "PROVIDER", devices.FakeGPUs(
        [devices.GPUInfo(i, None, None, None) for i in range(n)]))


def test_no_gpu_gives_two_cpu_contexts_and_says_they_share_cores(monkeypatch, capsys):
    import mxnet as mx
    gpus(monkeypatch, 0)
    assert d2l.data_parallel_contexts() == [mx.cpu(0), mx.cpu(1)]
    said = capsys.readouterr().out
    assert "cpu(0), cpu(1)" in said and "no GPU" in said and "share" in said
    assert d2l.try_gpu() == mx.cpu() and d2l.try_all_gpus() == [mx.cpu()]     # single-device meaning unchanged


def test_one_gpu_is_not_enough(monkeypatch):
    import mxnet as mx
    gpus(monkeypatch, 1)
    context.set_default_context("gpu:0")
    contexts, why = context.parallel_choice()
    assert contexts == [mx.cpu(0), mx.cpu(1)] and "1 GPU" in why
    assert d2l.try_gpu() == mx.gpu(0)          # the chosen GPU still serves single-device chapters


def test_two_gpus_chosen_are_all_used(monkeypatch):
    import mxnet as mx
    gpus(monkeypatch, 2)
    context.set_default_context("gpu:0")
    assert d2l.data_parallel_contexts(quiet=True) == [mx.gpu(0), mx.gpu(1)]


def test_two_gpus_but_cpu_chosen_says_how_to_use_them(monkeypatch):
    import mxnet as mx
    gpus(monkeypatch, 2)
    context.set_default_context("cpu")
    contexts, why = context.parallel_choice()
    assert contexts == [mx.cpu(0), mx.cpu(1)] and "%ctx" in why and "2 GPUs" in why


def test_the_widget_shows_the_data_parallel_list(monkeypatch):
    from extension.widget import ContextSelector
    gpus(monkeypatch, 0)
    selector = ContextSelector(remember=False)
    try:
        assert "Data-parallel lessons: [cpu(0), cpu(1)]" in selector.summary()
        assert "Data-parallel lessons: [cpu(0), cpu(1)]" in selector.note.value
    finally:
        selector.close()


def test_two_cpu_contexts_hold_separate_arrays():
    """The premise of the lesson on a machine without GPUs: an array on cpu(1) is a different array from its copy
    on cpu(0). (Unlike two GPUs, MXNet does not refuse an operator mixing cpu(0) and cpu(1) inputs: so a slice
    left on the wrong CPU context is caught by the checks reading each array's context, not by an error.)"""
    import mxnet as mx
    from mxnet import nd
    a = nd.ones((2, 2), ctx=mx.cpu(1))
    assert a.context == mx.cpu(1)
    b = a.as_in_context(mx.cpu(0))
    assert b.context == mx.cpu(0) and b is not a
    b[:] = 5
    assert float(a.sum().asscalar()) == 4.0
