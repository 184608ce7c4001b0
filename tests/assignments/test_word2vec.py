"""word2vec facts the shared course tests cannot show: the two statistical checks (window sizes, the negatives'
distribution) pass the book's solution on many seeds and fail the classic mistakes on every seed, and their
margins are the Hoeffding bounds the docstrings state."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from autograder.checks import checks_for
from autograder.checks.expect import CheckFailed
from autograder.examples import solution_sources
from autograder.probes import LocalProbe
from autograder.registry import get_assignment, load

ASSIGNMENT = "word2vec"
SEEDS = range(10)


@pytest.fixture(scope="module")
def judge():
    checks_for(ASSIGNMENT)
    return load(get_assignment(ASSIGNMENT), "checks")


def namespace(replace=None):
    """The source notebook's solutions (or `replace`d ones) defined as the notebook defines them."""
    import nbformat
    path = Path(__file__).resolve().parents[2] / "course" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    sources = solution_sources(nbformat.read(str(path), as_version=4))
    sources.update(replace or {})
    ns = {}
    exec("import random\nfrom mxnet import nd\n", ns)
    for name in ("get_centers_and_contexts", "get_negatives"):
        exec(sources[name], ns)
    return ns


def verdicts(check, ns, seeds=SEEDS):
    """Which seeds the check fails for, each with its own fresh probe (answers are cached per probe)."""
    failed = []
    for seed in seeds:
        probe = LocalProbe(ns)
        probe.prepare(get_assignment(ASSIGNMENT))
        probe.default_seed = seed
        try:
            check(probe)
        except CheckFailed as exc:
            failed.append((seed, str(exc)))
    return failed


def test_the_margin_is_hoeffdings_bound(judge):
    for n, outcomes in ((2000, 5), (4000, 4)):
        t = judge.hoeffding_margin(n, outcomes)
        assert math.isclose(2 * outcomes * math.exp(-2 * n * t * t), judge.FALSE_FAILURE)
    assert judge.hoeffding_margin(2000, 5) < 0.2 / 2       # a missing window size (frequency 0) is far outside


def test_the_books_solution_passes_the_statistical_checks_on_every_seed(judge):
    ns = namespace()
    assert verdicts(judge.centers_window_sizes, ns) == []
    assert verdicts(judge.negatives_distribution, ns) == []


@pytest.mark.parametrize("window", ["random.randint(1, max_window_size - 1)", "max_window_size"])
def test_window_mistakes_fail_on_every_seed(judge, window):
    examples = load(get_assignment(ASSIGNMENT), "examples")
    replace = examples.centers(window=window)
    failed = verdicts(judge.centers_window_sizes, namespace(replace), seeds=range(5))
    assert [seed for seed, _ in failed] == list(range(5))
    assert all("get_centers_and_contexts" in message for _, message in failed)


def test_uniform_negatives_fail_on_every_seed(judge):
    examples = load(get_assignment(ASSIGNMENT), "examples")
    failed = verdicts(judge.negatives_distribution, namespace(examples.negatives(weights="")), seeds=range(5))
    assert [seed for seed, _ in failed] == list(range(5))
    assert all("sampling_weights" in message for _, message in failed)
