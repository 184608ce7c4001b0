"""End to end in a real JupyterLab, in headless Chromium (Debian's /usr/bin/chromium, driven by playwright).

One server per module, every Jupyter directory in the temp dir, the d2l kernelspec installed there with
the `d2l-kernel` console script. The course notebook (linreg_scratch) is copied into the server root
with a read-out cell after its own `%ctx` cell; a second, small notebook presents two GPUs
through the device seam so a click really switches the kernel. Screenshots go to test-artifacts/.
See ../shared/recipes/jupyterlab-browser-test.md for why the selectors are what they are.
"""
from __future__ import annotations

import json
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.serial]   # deadlines and timings: run alone, not beside another worker

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
COURSE_NOTEBOOK = REPO / "course" / "release" / "linreg_scratch" / "linreg_scratch.ipynb"
READOUT = "import mxnet as mx\nprint('default:', d2l.default_context(), mx.context.current_context())"
ACTIVE = re.compile(r"\bmod-active\b")      # the chosen ToggleButtons button
FAKE_GPUS = ("import extension.devices as dv\n"
             "dv.PROVIDER = dv.FakeGPUs([dv.GPUInfo(0, 'Tesla T4', 14 * 2**30, 15 * 2**30),\n"
             "                           dv.GPUInfo(1, None, None, None)])")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def course_notebook(dest: Path) -> None:
    """The released linreg_scratch notebook as students get it, with a read-out after its own `%ctx` cell."""
    nb = nbformat.read(COURSE_NOTEBOOK, as_version=4)
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    assert nb.cells[code[1]].source.strip() == "%ctx", "the course notebook's second code cell shows the selector"
    nb.cells.insert(code[1] + 1, nbformat.v4.new_code_cell(READOUT))
    nbformat.write(nb, dest)


def fake_gpu_notebook(dest: Path) -> None:
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "d2l", "display_name": "Python 3 (d2l)",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell("import extension; extension.ensure_loaded()\nfrom extension import d2l\n"
                                          + FAKE_GPUS),
                nbformat.v4.new_code_cell("%ctx"),
                nbformat.v4.new_code_cell(READOUT),
                nbformat.v4.new_code_cell("print('array on', mx.nd.zeros(1).context)")]
    nbformat.write(nb, dest)


@pytest.fixture(scope="module")
def lab(tmp_path_factory, make_isolated_env):
    """A JupyterLab server on a free port: yields (base_url, token, root, log_path)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); "
                    "this end-to-end test must run, not skip")
    tmp = tmp_path_factory.mktemp("lab")
    env = make_isolated_env(tmp / "home")
    settings = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    # The console script the README tells students to run, into the isolated data dir.
    subprocess.run([str(Path(sys.executable).parent / "d2l-kernel"), "install", "--user"], env=env, check=True,
                   capture_output=True)
    root = tmp / "root"
    root.mkdir()
    course_notebook(root / "linreg_scratch.ipynb")
    fake_gpu_notebook(root / "fake_gpus.ipynb")

    port, token = free_port(), secrets.token_hex(16)
    log_path = tmp / "server.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
             f"--IdentityProvider.token={token}", "--allow-root", f"--ServerApp.root_dir={root}",
             "--LabApp.news_url=", "--LabApp.extension_manager=readonly",
             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
            env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + log_path.read_text()[-3000:])
                time.sleep(0.5)
        yield base, token, root, log_path
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def page(lab, request):
    from playwright.sync_api import expect, sync_playwright
    expect.set_options(timeout=60_000)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage"])
        try:
            pg = browser.new_page(viewport={"width": 1400, "height": 1000})
            pg.set_default_timeout(60_000)
            yield pg
            failed = getattr(request.node, "rep_call", None)
            if failed is not None and failed.failed:
                pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}-failure.png"))
                (ARTIFACTS / f"{request.node.name}-server.log").write_text(lab[3].read_text()[-20000:])
        finally:
            browser.close()


def open_notebook(page, lab, name: str):
    from playwright.sync_api import expect
    base, token = lab[0], lab[1]
    page.goto(f"{base}/lab/tree/{name}?reset&token={token}")   # reset: no tabs restored from the last test
    # The status bar names the kernel and says Idle only once the kernel really exists (see the recipe).
    status = page.locator('.jp-StatusBar-TextItem[title^="Change kernel"]')
    expect(status).to_have_text(re.compile(r"\(d2l\) \| Idle$"), timeout=120_000)
    return page.locator(".jp-NotebookPanel .jp-Notebook .jp-CodeCell")


def run_cell(cell) -> None:
    from playwright.sync_api import expect
    cell.locator(".jp-InputArea-editor").click()
    cell.page.keyboard.press("Control+Enter")
    expect(cell.locator(".jp-InputPrompt")).to_have_text(re.compile(r"\[\d+\]:"), timeout=120_000)


def test_course_notebook_shows_the_selector_and_the_kernel_computes_where_chosen(lab, page):
    from playwright.sync_api import expect
    cells = open_notebook(page, lab, "linreg_scratch.ipynb")
    for i in range(3):                 # setup cell, %ctx, read-out
        run_cell(cells.nth(i))
    selector = cells.nth(1).locator(".widget-toggle-buttons")
    expect(selector).to_be_visible()
    buttons = selector.locator("button.widget-toggle-button")
    expect(buttons).to_have_count(1)   # no GPU here: no dead gpu option ...
    expect(cells.nth(1).locator(".widget-html", has_text="MXNet sees no GPU")).to_be_visible()   # ... but how to get one
    cpu = buttons.filter(has_text="cpu")
    cpu.click()
    expect(cpu).to_have_class(ACTIVE)
    run_cell(cells.nth(2))
    expect(cells.nth(2).locator(".jp-OutputArea-output")).to_have_text("default: cpu(0) cpu(0)")
    page.screenshot(path=str(ARTIFACTS / "extension-course-notebook-selector.png"))


def test_a_click_switches_the_kernel_to_another_device(lab, page):
    from playwright.sync_api import expect
    cells = open_notebook(page, lab, "fake_gpus.ipynb")
    for i in range(2):
        run_cell(cells.nth(i))
    buttons = cells.nth(1).locator(".widget-toggle-buttons button.widget-toggle-button")
    expect(buttons).to_have_count(3)
    expect(buttons.nth(1)).to_have_text("gpu(0) · Tesla T4 · 14.0/15.0 GiB free")
    expect(buttons.filter(has_text="cpu")).to_have_class(ACTIVE)

    buttons.filter(has_text="gpu(1)").click()
    expect(buttons.filter(has_text="gpu(1)")).to_have_class(ACTIVE)
    expect(cells.nth(1).locator(".widget-html", has_text="Default context: gpu(1)")).to_be_visible()
    run_cell(cells.nth(2))
    expect(cells.nth(2).locator(".jp-OutputArea-output")).to_have_text("default: gpu(1) gpu(1)")
    page.screenshot(path=str(ARTIFACTS / "extension-selector-gpu1.png"))

    buttons.filter(has_text="cpu").click()    # and back: new arrays land on the CPU again
    expect(cells.nth(1).locator(".widget-html", has_text="Default context: cpu(0)")).to_be_visible()
    run_cell(cells.nth(2))
    expect(cells.nth(2).locator(".jp-OutputArea-output")).to_have_text("default: cpu(0) cpu(0)")
    run_cell(cells.nth(3))
    expect(cells.nth(3).locator(".jp-OutputArea-output")).to_have_text("array on cpu(0)")
