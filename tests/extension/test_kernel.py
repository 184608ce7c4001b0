"""The extension in real ipykernels (jupyter_client): load/unload/reload, start-up imports, %ctx, D2L_CTX,
the d2l kernelspec, a widget click arriving as a comm message, and %check against the grader's checks."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

HOOKS = "len(get_ipython().events.callbacks['pre_run_cell'])"
MAGICS = "sorted(n for n in ('ctx', 'check') if n in get_ipython().magics_manager.magics['line'])"
FAKE_GPUS = ("import extension.devices as dv\n"
             "dv.PROVIDER = dv.FakeGPUs([dv.GPUInfo(0, 'Tesla T4', 14 * 2**30, 15 * 2**30), dv.GPUInfo(1, None, None, None)])")


def test_importing_and_loading_do_not_import_mxnet_or_ipywidgets():
    code = ("import sys, extension\n"
            "from IPython.core.interactiveshell import InteractiveShell\n"
            "InteractiveShell.instance().extension_manager.load_extension('extension')\n"
            "print(sorted(m for m in ('mxnet', 'ipywidgets') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_load_unload_reload(start_kernel):
    with start_kernel("plain") as k:
        hooks_before = k.value(HOOKS)
        assert k.value(MAGICS) == "[]"
        k.run("%load_ext extension")
        assert k.value(MAGICS) == "['check', 'ctx']"
        assert int(k.value(HOOKS)) == int(hooks_before) + 1
        model_id = k.run("%ctx").data[0]["application/vnd.jupyter.widget-view+json"]["model_id"]
        assert k.value(f"from ipywidgets.widgets.widget import _instances; {model_id!r} in _instances") == "True"

        k.run("%unload_ext extension")
        assert k.value(MAGICS) == "[]"
        assert k.value(HOOKS) == hooks_before
        assert k.value(f"{model_id!r} in _instances") == "False"     # the widget is closed
        assert "D2LMagics" not in k.value("list(get_ipython().magics_manager.registry)")

        k.run("%load_ext extension")
        assert k.value(MAGICS) == "['check', 'ctx']"
        assert "Default context: cpu(0)" in k.run("%ctx").text()


def test_ensure_loaded_is_silent_and_idempotent(start_kernel):
    with start_kernel("plain") as k:
        for _ in range(2):
            out = k.run("import extension; extension.ensure_loaded()")
            assert (out.stdout, out.stderr, out.data) == ("", "", [])
        assert k.value("'extension' in get_ipython().extension_manager.loaded") == "True"
        assert k.value(HOOKS) == "1"                  # loaded once, not twice


def test_d2l_kernelspec_loads_the_extension_at_start_without_mxnet(start_kernel):
    with start_kernel("d2l") as k:
        assert k.value("'extension' in get_ipython().extension_manager.loaded") == "True"
        assert k.value("import sys; 'mxnet' in sys.modules, 'ipywidgets' in sys.modules") == "(False, False)"
        out = k.run("import extension; extension.ensure_loaded()")     # the notebooks' first cell
        assert (out.stdout, out.stderr, out.data) == ("", "", [])


def test_ctx_shows_the_selector_with_a_text_fallback(start_kernel):
    with start_kernel("d2l", D2L_CTX="cpu") as k:
        out = k.run("%ctx")
        assert out.stderr == ""
        (bundle,) = out.data
        assert "application/vnd.jupyter.widget-view+json" in bundle
        assert bundle["text/plain"].startswith("Default context: cpu(0)\nMXNet sees no GPU")
        assert "mxnet-cuXX" in bundle["text/plain"]
        # Showing it again shows the same widget, not a second one.
        again = k.run("%ctx").data[0]["application/vnd.jupyter.widget-view+json"]["model_id"]
        assert again == bundle["application/vnd.jupyter.widget-view+json"]["model_id"]
        assert k.run("%ctx cpu").stdout == "Default context: cpu(0)\n"
        assert "UsageError" in k.run("%ctx tpu").stderr


def test_d2l_ctx_cpu(start_kernel):
    with start_kernel("d2l", D2L_CTX="cpu") as k:
        k.run("import mxnet as mx\nfrom extension import d2l")
        out = k.run("print(d2l.default_context(), d2l.try_gpu(), mx.nd.zeros(1).context)")
        assert (out.stdout, out.stderr) == ("cpu(0) cpu(0) cpu(0)\n", "")


def test_d2l_ctx_gpu_falls_back_to_cpu_with_one_warning(start_kernel):
    with start_kernel("d2l", D2L_CTX="gpu:0") as k:
        outs = [k.run("import mxnet as mx\nfrom extension import d2l\nprint(mx.nd.zeros(1).context)"),
                k.run("print(d2l.default_context(), d2l.try_gpu(), d2l.try_all_gpus())"),
                k.run("print(mx.nd.ones((2, 2)).context)"),
                k.run("%ctx")]
        assert [o.stdout for o in outs[:3]] == ["cpu(0)\n", "cpu(0) cpu(0) [cpu(0)]\n", "cpu(0)\n"]
        stderr = "".join(o.stderr for o in outs)
        assert stderr.count("ContextFallbackWarning") == 1, stderr
        assert "gpu(0) was requested by $D2L_CTX but MXNet sees no GPU; using cpu(0)" in stderr
        assert ".py:" not in stderr and "current =" not in stderr, stderr     # the message only


def test_a_widget_click_switches_the_kernel_and_is_remembered_for_the_next_kernel(start_kernel):
    with start_kernel("d2l") as k:
        k.run(FAKE_GPUS)
        k.run("%ctx")
        buttons = k.value("get_ipython().magics_manager.registry['D2LMagics']._selector.buttons.model_id").strip("'")
        # What JupyterLab sends when gpu(1) is clicked (the browser test does it for real).
        update = {"comm_id": buttons, "data": {"method": "update", "state": {"index": 2}, "buffer_paths": []}}
        k.kc.shell_channel.send(k.kc.session.msg("comm_msg", update))
        k.run("import mxnet as mx\nfrom extension import d2l")
        assert k.run("print(d2l.default_context(), mx.context.current_context(), d2l.try_gpu())").stdout \
            == "gpu(1) gpu(1) gpu(1)\n"
        remembered = k.value("from extension import context; str(context.remember_path())").strip("'")
    assert json.loads(Path(remembered).read_text()) == {"context": "gpu:1"}

    with start_kernel("d2l") as k:       # same isolated data dir: the choice carries over
        k.run(FAKE_GPUS)
        assert k.run("from extension import d2l; print(d2l.default_context())").stdout == "gpu(1)\n"
    with start_kernel("d2l", D2L_CTX="cpu") as k:       # ... unless D2L_CTX says otherwise
        k.run(FAKE_GPUS)
        assert k.run("from extension import d2l; print(d2l.default_context())").stdout == "cpu(0)\n"


RIGHT = "def square_loss(y_hat, y):\n    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2\n"
WRONG = "def square_loss(y_hat, y):\n    return (y_hat - y) ** 2 / 2\n"     # no reshape: broadcasts to (n, n)


def test_check_on_a_right_and_a_wrong_stub(start_kernel):
    with start_kernel("d2l") as k:
        k.run("import extension; extension.ensure_loaded()\nD2L_ASSIGNMENT = 'linreg_scratch'")
        k.run(RIGHT)
        right = k.run("%check square_loss")
        (bundle,) = right.data
        assert "d2l-check-report" in bundle["text/html"]
        assert "linreg_scratch.square_loss" in bundle["text/plain"] and "FAIL" not in bundle["text/plain"]

        k.run(WRONG)
        (bundle,) = k.run("%check square_loss").data
        assert "FAIL" in bundle["text/plain"]
        assert "reshape" in bundle["text/plain"]        # the hint, not just the verdict

        (bundle,) = k.run("%check").data           # the whole notebook: every stub's public checks
        for stub in ("data_iter", "net", "square_loss", "SGD"):
            assert f"linreg_scratch.{stub}." in bundle["text/plain"]
        out = k.run("%check -a linreg_scratch nonexistent", allow_error=True)
        assert "UsageError" in out.stderr and "its stubs: data_iter, net, square_loss, SGD" in out.stderr
        out = k.run("%check data_iter")
        assert "data_iter is not defined yet" in out.stderr


def test_outside_a_frontend_ctx_and_check_print_text(tmp_path, make_isolated_env):
    """Terminal IPython: no widget to show, so %ctx prints the selector in words."""
    code = ("%load_ext extension\n%ctx\n"
            "D2L_ASSIGNMENT = 'linreg_scratch'\n"
            "def square_loss(y_hat, y):\n    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2\n"
            "%check square_loss\n")
    script = tmp_path / "terminal.ipy"
    script.write_text(code)
    out = subprocess.run([sys.executable, "-m", "IPython", "--quick", "--no-banner", str(script)],
                         env=make_isolated_env(tmp_path / "home"), capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "Default context: cpu(0)\nMXNet sees no GPU" in out.stdout
    assert "ContextSelector(" not in out.stdout and "VBox(" not in out.stdout
    assert "linreg_scratch.square_loss.shape" in out.stdout and "<table" not in out.stdout
