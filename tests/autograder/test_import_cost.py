"""Start-up cost of every process that reads a notebook (nbgrader, `grade`, grade-all workers, `report`).

jsonschema 4.25+ installs rfc3987-syntax with the format extra Jupyter asks for; importing it builds a lark grammar,
3 of the 3.2 s `import jsonschema` took here. constraints.txt and pyproject.toml keep jsonschema below 4.25; this
fails if an upgrade brings that import back.
"""
from __future__ import annotations

import subprocess
import sys


def test_importing_nbformat_builds_no_grammar():
    code = "import sys, nbformat, nbformat.validator; print(sorted(m for m in ('lark', 'rfc3987_syntax') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]", f"importing nbformat also imported {loaded}: see constraints.txt (jsonschema < 4.25)"
