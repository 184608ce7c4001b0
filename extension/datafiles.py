"""Where the course's single-file data sets are looked for (the Tang poems, the parallel corpus): one search
order for all, so the notebooks, the grader (autograder.course_data) and the docs agree.

A `root` the caller names is the only place searched (a file, or a folder holding the file); otherwise
`$D2L_DATA/<name>`, `~/.mxnet/datasets/<name>`, then the file's home (a Debian package's path, the kit's copy).
"""
from __future__ import annotations

import os
from pathlib import Path


def candidate_files(file_name: str, home: Path, root=None) -> list[Path]:
    if root is not None:
        root = Path(root).expanduser()
        return [root / file_name if root.is_dir() else root]
    paths = []
    env = os.environ.get("D2L_DATA")
    if env:
        paths.append(Path(env).expanduser() / file_name)
    return paths + [Path.home() / ".mxnet" / "datasets" / file_name, home]


def first_existing(candidates: list[Path]) -> Path | None:
    return next((path for path in candidates if path.is_file()), None)
