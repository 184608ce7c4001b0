"""`d2l-kernel install`: the "Python 3 (d2l)" kernelspec, an ipykernel that loads the extension at start.

    d2l-kernel install               for this user (~/.local/share/jupyter/kernels/d2l)
    d2l-kernel install --sys-prefix  into the active environment (what a conda/venv setup wants)
    d2l-kernel install --prefix P    under P/share/jupyter/kernels/d2l

The kernel runs the interpreter that ran this command, with `--ext=extension` (IPython's
`extra_extensions`, so a user's own configured extensions stay loaded). The course notebooks name this
kernel (`d2l`) in their metadata; where it is not installed, JupyterLab asks for a kernel and the
notebook's first cell (`import extension; extension.ensure_loaded()`) loads the extension into
whichever Python kernel was picked.
"""
from __future__ import annotations

import argparse
import sys
import tempfile

KERNEL_NAME = "d2l"
DISPLAY_NAME = "Python 3 (d2l)"
EXTRA_ARGUMENTS = ["--ext=extension"]


def install(user: bool = False, prefix: str | None = None, name: str = KERNEL_NAME,
            display_name: str = DISPLAY_NAME) -> str:
    """Write the kernelspec and install it; returns the directory it was installed into."""
    from ipykernel.kernelspec import write_kernel_spec
    from jupyter_client.kernelspec import KernelSpecManager
    with tempfile.TemporaryDirectory() as tmp:
        # ipykernel writes argv for sys.executable and copies its logos; we add the extension.
        path = write_kernel_spec(f"{tmp}/{name}", overrides={"display_name": display_name},
                                 extra_arguments=EXTRA_ARGUMENTS)
        return KernelSpecManager().install_kernel_spec(path, kernel_name=name, user=user, prefix=prefix)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="d2l-kernel", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    cmd = commands.add_parser("install", help=f"install the {DISPLAY_NAME!r} kernelspec")
    where = cmd.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true", help="for the current user (the default)")
    where.add_argument("--sys-prefix", action="store_true", help=f"into this environment ({sys.prefix})")
    where.add_argument("--prefix", help="under PREFIX/share/jupyter/kernels")
    cmd.add_argument("--name", default=KERNEL_NAME, help="kernelspec name (default: %(default)s)")
    cmd.add_argument("--display-name", default=DISPLAY_NAME, help="name shown in JupyterLab")
    args = parser.parse_args(argv)
    prefix = sys.prefix if args.sys_prefix else args.prefix
    dest = install(user=prefix is None, prefix=prefix, name=args.name, display_name=args.display_name)
    print(f"Installed kernelspec {args.name} ({args.display_name}) in {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
