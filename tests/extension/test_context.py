"""The one default context: where it comes from, GPU fallback, MXNet's thread-local default, try_gpu."""
import threading
import warnings

import mxnet as mx
import pytest

from extension import context, d2l


def test_parse_context_spec_accepts_the_documented_forms():
    assert context.parse_context_spec("cpu") == ("cpu", 0)
    assert context.parse_context_spec("gpu") == ("gpu", 0)
    assert context.parse_context_spec("GPU:1") == ("gpu", 1)
    assert context.parse_context_spec(" gpu(2) ") == ("gpu", 2)
    with pytest.raises(ValueError, match="use 'cpu', 'gpu'"):
        context.parse_context_spec("tpu")


def test_format_spec_round_trips():
    for ctx in (mx.cpu(), mx.cpu(1), mx.gpu(0), mx.gpu(3)):
        assert context.parse_context_spec(context.format_spec(ctx)) == (ctx.device_type, ctx.device_id)


def test_default_is_cpu_without_d2l_ctx(monkeypatch):
    monkeypatch.delenv("D2L_CTX", raising=False)
    assert context.default_context() == mx.cpu()


def test_d2l_ctx_selects_an_existing_gpu(monkeypatch, two_gpus):
    monkeypatch.setenv("D2L_CTX", "gpu:1")
    assert context.default_context() == mx.gpu(1)
    assert mx.context.current_context() == mx.gpu(1)     # MXNet's own default followed


def test_missing_gpu_falls_back_to_cpu_with_one_warning(monkeypatch, no_gpu):
    monkeypatch.setenv("D2L_CTX", "gpu:0")
    with pytest.warns(context.ContextFallbackWarning, match=r"gpu\(0\) was requested by \$D2L_CTX") as seen:
        assert context.default_context() == mx.cpu()
        assert context.default_context() == mx.cpu()
        assert context.try_gpu() == mx.cpu()
    assert len(seen) == 1


def test_malformed_d2l_ctx_warns_and_uses_cpu(monkeypatch):
    monkeypatch.setenv("D2L_CTX", "tpu:0")
    with pytest.warns(context.ContextFallbackWarning, match="not a context"):
        assert context.default_context() == mx.cpu()


def test_arrays_created_after_a_switch_land_on_the_new_context():
    # cpu(1) is a real, distinct context MXNet can allocate on without a GPU.
    assert mx.nd.zeros(1).context == mx.cpu(0)
    context.set_default_context(mx.cpu(1))
    assert mx.nd.zeros(1).context == mx.cpu(1)
    features, labels = d2l.synthetic_data(mx.nd.array([2, -3.4]), 4.2, 10)
    assert features.context == labels.context == mx.cpu(1)


def test_set_default_context_takes_a_spec_and_reports_the_fallback(no_gpu):
    with pytest.warns(context.ContextFallbackWarning):
        assert context.set_default_context("gpu:0") == mx.cpu()
    assert context.default_context() == mx.cpu()


def test_apply_to_mxnet_sets_the_default_on_the_calling_thread():
    # MXNet's default context is thread-local: a new thread starts on cpu(0) until re-applied.
    context.set_default_context(mx.cpu(1))
    seen = []

    def worker():
        seen.append(mx.context.current_context())
        context.apply_to_mxnet()
        seen.append(mx.context.current_context())

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == [mx.cpu(0), mx.cpu(1)]


def test_apply_to_mxnet_resolves_d2l_ctx_when_nothing_was_chosen(monkeypatch):
    monkeypatch.setenv("D2L_CTX", "cpu(1)")
    context.apply_to_mxnet()
    assert mx.nd.zeros(1).context == mx.cpu(1)


def test_try_gpu_without_index_is_the_chosen_context(two_gpus):
    context.set_default_context("cpu")
    assert context.try_gpu() == mx.cpu()          # the student chose CPU on a GPU machine
    assert context.try_gpu(0) == mx.gpu(0)        # an explicit index keeps the book's meaning
    context.set_default_context("gpu:1")
    assert context.try_gpu() == mx.gpu(1)
    assert d2l.try_gpu is context.try_gpu


def test_try_gpu_with_index_falls_back_silently(no_gpu):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert context.try_gpu(0) == mx.cpu()


def test_try_all_gpus_honours_the_choice(two_gpus):
    context.set_default_context("cpu")
    assert context.try_all_gpus() == [mx.cpu()]
    context.set_default_context("gpu:1")
    assert context.try_all_gpus() == [mx.gpu(0), mx.gpu(1)]


def test_try_all_gpus_without_gpus_is_cpu(no_gpu):
    assert context.try_all_gpus() == [mx.cpu()]


def test_remember_recall_forget(tmp_path):
    assert context.recall() is None
    context.remember("gpu:1")
    assert context.remember_path() == tmp_path / "jupyter-data" / "d2l" / "context.json"
    assert context.recall() == "gpu:1"
    context.forget()
    assert context.recall() is None
    context.forget()                               # nothing to forget is fine


def test_a_malformed_remember_file_is_ignored():
    context.remember_path().parent.mkdir(parents=True)
    context.remember_path().write_text("{not json")
    assert context.recall() is None
    context.remember_path().write_text('{"context": "tpu"}')
    assert context.recall() is None


def test_remembered_choice_stands_in_only_after_use_remembered(monkeypatch, two_gpus):
    monkeypatch.delenv("D2L_CTX", raising=False)
    context.remember("gpu:1")
    assert context.default_context() == mx.cpu()  # plain Python (no extension loaded) ignores it
    context.reset()
    assert context.use_remembered() == "gpu:1"
    assert context.default_context() == mx.gpu(1)


def test_d2l_ctx_beats_the_remembered_choice(monkeypatch, two_gpus):
    monkeypatch.setenv("D2L_CTX", "cpu")           # grading says CPU, whatever the student clicked
    context.remember("gpu:1")
    context.use_remembered()
    assert context.default_context() == mx.cpu()


def test_a_remembered_gpu_that_is_gone_falls_back_naming_the_file(monkeypatch, no_gpu):
    monkeypatch.delenv("D2L_CTX", raising=False)
    context.remember("gpu:0")
    context.use_remembered()
    with pytest.warns(context.ContextFallbackWarning, match="context.json"):
        assert context.default_context() == mx.cpu()


def test_the_fallback_warning_prints_its_message_only(tmp_path):
    """Not `…/extension/widget.py:57: ContextFallbackWarning: …` followed by a line of our source."""
    import os
    import subprocess
    import sys
    env = {**os.environ, "D2L_CTX": "gpu:0", "HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", "from extension import d2l; print(d2l.try_gpu())"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.stdout == "cpu(0)\n", proc.stderr
    assert proc.stderr == ("ContextFallbackWarning: gpu(0) was requested by $D2L_CTX but MXNet sees no GPU; "
                           "using cpu(0). To use a GPU, install the CUDA build of MXNet (mxnet-cuXX, see "
                           "environment.yml).\n"), proc.stderr
    # other warnings keep Python's own format
    other = warnings.formatwarning("x", UserWarning, "f.py", 3)
    assert other.startswith("f.py:3: UserWarning: x")
