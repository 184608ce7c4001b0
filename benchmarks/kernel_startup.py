"""Kernel start-to-idle time: the "Python 3 (d2l)" kernel (extension loaded at start) vs a plain ipykernel.

    .venv/bin/python benchmarks/kernel_startup.py [--repeat 10]

Both kernelspecs run this interpreter from a temp dir with isolated Jupyter/IPython dirs; starts are
interleaved (plain, d2l, plain, ...) so machine load hits both alike. "Idle" is the first kernel_info
reply, which comes after IPython has loaded its extensions. Also timed: the notebooks' first cell,
`import extension; extension.ensure_loaded()`, in a plain kernel (the fallback path), and, in a fresh
process, the import + load alone (the precise number; kernel starts vary by tens of ms). Target:
< 100 ms added. Prints medians; asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def isolated_env(root: Path) -> dict:
    env = dict(os.environ)
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        (root / var).mkdir(parents=True, exist_ok=True)
        env[var] = str(root / var)
    env.pop("D2L_CTX", None)
    return env


def start_to_idle(ksm, name: str, env: dict, first_cell: str | None = None) -> tuple[float, float | None]:
    """Seconds from start_kernel to the first kernel_info reply; and the first cell's time, if given."""
    from jupyter_client.manager import KernelManager
    km = KernelManager(kernel_name=name, kernel_spec_manager=ksm)
    t0 = time.perf_counter()
    km.start_kernel(env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kc = km.client()
    try:
        kc.start_channels()
        kc.wait_for_ready(timeout=120)
        idle = time.perf_counter() - t0
        cell = None
        if first_cell:
            t1 = time.perf_counter()
            reply = kc.execute_interactive(first_cell, timeout=60, output_hook=lambda msg: None)
            cell = time.perf_counter() - t1
            assert reply["content"]["status"] == "ok", reply["content"]
        return idle, cell
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


IN_PROCESS = """
import time
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
t0 = time.perf_counter()
import extension
shell.extension_manager.load_extension("extension")
elapsed = time.perf_counter() - t0
import sys
assert "mxnet" not in sys.modules and "ipywidgets" not in sys.modules, "loading imported mxnet/ipywidgets"
print(elapsed)
"""


def import_and_load() -> float:
    """Seconds to import the package and load the extension into an existing shell, in a fresh process."""
    out = subprocess.run([sys.executable, "-c", IN_PROCESS], capture_output=True, text=True, check=True)
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    from ipykernel.kernelspec import write_kernel_spec
    from jupyter_client.kernelspec import KernelSpecManager
    from extension import kernelspec

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        kernels = root / "kernels"
        write_kernel_spec(kernels / "plain")
        write_kernel_spec(kernels / "d2l", overrides={"display_name": kernelspec.DISPLAY_NAME},
                          extra_arguments=kernelspec.EXTRA_ARGUMENTS)
        ksm = KernelSpecManager(kernel_dirs=[str(kernels)])
        env = isolated_env(root / "home")
        first_cell = "import extension; extension.ensure_loaded()"
        plain, d2l, cell, load = [], [], [], []
        start_to_idle(ksm, "plain", env)                  # warm the file cache; not counted
        for i in range(args.repeat):
            plain.append(start_to_idle(ksm, "plain", env)[0])
            d2l.append(start_to_idle(ksm, "d2l", env)[0])
            cell.append(start_to_idle(ksm, "plain", env, first_cell)[1])
            load.append(import_and_load())
            print(f"run {i + 1}/{args.repeat}: plain {plain[-1] * 1000:.0f} ms, d2l {d2l[-1] * 1000:.0f} ms, "
                  f"first cell in plain {cell[-1] * 1000:.1f} ms, import+load {load[-1] * 1000:.1f} ms", file=sys.stderr)

    med_plain, med_d2l = statistics.median(plain), statistics.median(d2l)
    print(f"kernel start-to-idle, median of {args.repeat} (interleaved):")
    print(f"  plain ipykernel      {med_plain * 1000:7.0f} ms")
    print(f"  Python 3 (d2l)       {med_d2l * 1000:7.0f} ms")
    print(f"  added by extension   {(med_d2l - med_plain) * 1000:+7.0f} ms   (target < 100 ms)")
    print(f"first cell `import extension; extension.ensure_loaded()` in a plain kernel: "
          f"{statistics.median(cell) * 1000:.1f} ms median (round trip included)")
    print(f"import extension + load_ipython_extension, in process: {statistics.median(load) * 1000:.1f} ms median "
          "(no mxnet, no ipywidgets)")


if __name__ == "__main__":
    main()
