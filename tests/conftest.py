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


@pytest.hookimpl(tryfirst=True)   # before xdist's own hook, which reads the groups to rename the node ids
def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        group = item.nodeid.split("::", 1)[0]
        callspec = getattr(item, "callspec", None)
        if getattr(item.module, "GROUP_BY_ASSIGNMENT", False) and callspec and "assignment" in callspec.params:
            group += ":" + str(callspec.params["assignment"])
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node, ids):
    """Stop at once if loadgroup does not group (every test here has a group): nothing else would fail, the
    suite would take twice as long, each worker building the demo course and the nbgrader runs again. Seen
    with pytest 9.2 and pytest-xdist 3.8 (pytest-xdist#1386)."""
    if node.config.getvalue("dist") != "loadgroup":
        return
    ungrouped = [nodeid for nodeid in ids if "@" not in nodeid.rsplit("]", 1)[-1]]
    if ungrouped:
        pytest.exit(f"--dist loadgroup is not grouping the tests (e.g. {ungrouped[0]}), see pytest-xdist#1386: "
                    "install the versions in constraints.txt (make setup)", returncode=3)
