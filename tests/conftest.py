"""Shared pytest set-up. Each test package keeps its own fixtures in its own conftest.py.

`make test` runs the suite in two passes (see the Makefile): everything not marked `serial` on two xdist workers
(`-n 2 --dist loadgroup`), then the `serial` tests alone — those assert deadlines and timings that a second busy
worker on a 2-core machine would distort. Under loadgroup, the tests of one file share a worker, so a module fixture
(a graded demo course, an nbgrader run) is built once; files that set `GROUP_BY_ASSIGNMENT = True` are split per
assignment instead, since their fixtures are cached per assignment and those files grow with the course.
"""
import os

import pytest

# Grading and the course helpers must never reach for a GPU or the network in tests.
os.environ.setdefault("D2L_CTX", "cpu")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        group = item.nodeid.split("::", 1)[0]
        callspec = getattr(item, "callspec", None)
        if getattr(item.module, "GROUP_BY_ASSIGNMENT", False) and callspec and "assignment" in callspec.params:
            group += ":" + str(callspec.params["assignment"])
        item.add_marker(pytest.mark.xdist_group(group))
