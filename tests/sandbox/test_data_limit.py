"""An assignment's DATA_LIMIT reaches the notebook's process, sandboxed or not, and the course loaders honour
it: grading runs a notebook that trains for minutes on the first N examples of each split."""
from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from autograder.grade import grading_env
from autograder.registry import find
from autograder.sandbox import launcher

from .conftest import require_bwrap

PRINT_LIMIT = ("import os; from extension import d2l; train, test = d2l.load_data_fashion_mnist(100); "
               "print(os.environ.get('D2L_DATA_LIMIT'), sum(len(y) for _, y in train), sum(len(y) for _, y in test))")


def test_no_limit_declared_means_no_variable():
    assert grading_env(find("softmax_scratch")) == {}    # its outcome reads the notebook's own W, b


@pytest.mark.slow
@pytest.mark.parametrize("sandboxed", [True, False], ids=["sandbox", "no-sandbox"])
def test_the_notebook_process_sees_the_assignments_data_limit(sandboxed, tmp_path):
    if sandboxed:
        require_bwrap()
    from autograder.course_data import files_for
    assignment = dataclasses.replace(find("softmax_scratch"), data_limit=300)
    launch = launcher(sandboxed, data=files_for(assignment, None), env=grading_env(assignment)).command(
        [sys.executable, "-c", PRINT_LIMIT], str(tmp_path))
    proc = subprocess.run(launch.argv, preexec_fn=launch.preexec, env=launch.env, capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    launch.cleanup()
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split()[-3:] == ["300", "300", "300"], proc.stdout
