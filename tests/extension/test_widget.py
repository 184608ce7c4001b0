"""The context selector without a browser: widget state (get_state/set_state) and observe, as
ipywidgets' own tests do it. GPUs come through the device seam (FakeGPUs); MXNet makes gpu contexts
without a GPU, it just cannot allocate on them, so nothing here allocates on a fake GPU."""
import mxnet as mx
import pytest

from extension import context
from extension.widget import NO_GPU_HINT, ContextSelector


def labels(selector):
    return list(selector.buttons.get_state()["_options_labels"])


def test_without_gpu_it_offers_only_cpu_and_says_how_to_get_one(no_gpu):
    selector = ContextSelector()
    assert labels(selector) == ["cpu"]
    assert selector.value == "cpu"
    assert "mxnet-cuXX" in selector.note.value and "environment.yml" in selector.note.value
    assert NO_GPU_HINT in selector.summary()


def test_gpus_are_listed_with_name_and_memory_where_known(two_gpus):
    selector = ContextSelector()
    assert labels(selector) == ["cpu", "gpu(0) · Tesla T4 · 14.0/15.0 GiB free", "gpu(1)"]
    assert selector.buttons.get_state()["tooltips"][2] == "compute on gpu(1)"
    assert "mxnet-cuXX" not in selector.note.value
    assert "gpu(1)" in selector.summary()


def test_a_frontend_click_sets_the_default_context_and_remembers_it(two_gpus):
    selector = ContextSelector()
    selector.buttons.set_state({"index": 2})       # what a comm message from the browser does
    assert selector.value == "gpu:1"
    assert context.default_context() == mx.gpu(1)
    assert mx.context.current_context() == mx.gpu(1)
    assert "gpu(1)" in selector.note.value
    assert context.recall() == "gpu:1"
    selector.buttons.set_state({"index": 0})
    assert context.default_context() == mx.cpu()
    assert context.recall() == "cpu"


def test_remember_false_leaves_the_next_kernel_alone(two_gpus):
    selector = ContextSelector(remember=False)
    selector.buttons.value = "gpu:0"
    assert context.default_context() == mx.gpu(0)
    assert context.recall() is None


def test_observers_see_the_choice(two_gpus):
    selector = ContextSelector()
    changes = []
    selector.buttons.observe(lambda change: changes.append(change["new"]), names="value")
    selector.buttons.value = "gpu:0"
    assert changes == ["gpu:0"]


def test_it_starts_on_the_current_context_and_refresh_follows_other_switches(two_gpus):
    context.set_default_context("gpu:1")
    selector = ContextSelector()
    assert selector.buttons.get_state()["index"] == 2
    context.set_default_context("cpu")
    selector.refresh()
    assert selector.value == "cpu"
    assert context.recall() is None                # refreshing is not a choice: nothing remembered


def test_it_starts_on_cpu_when_d2l_ctx_asks_for_a_missing_gpu(monkeypatch, no_gpu):
    monkeypatch.setenv("D2L_CTX", "gpu:0")
    with pytest.warns(context.ContextFallbackWarning):
        selector = ContextSelector()
    assert selector.value == "cpu"


def test_text_form_for_frontends_without_widgets(two_gpus):
    bundle = ContextSelector()._repr_mimebundle_()
    assert bundle["text/plain"].startswith("Default context: cpu(0)")
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_close_closes_its_widgets_and_can_be_repeated(two_gpus):
    selector = ContextSelector()
    parts = [selector, *selector.children]
    selector.close()
    selector.close()
    assert all(part.comm is None for part in parts)
