"""dropout_scratch: what the shared tests cannot show.

The statistical checks of `dropout` must never fail a correct dropout by chance: they are run here on the
reference solution under many seeds, and the binomial tolerance they use is checked against the exact
binomial tail. The outcome's recomputed training (float32 in the student's process, float64 in the judge)
must accept the reference net on many hidden problems, with the accuracy the check demands.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from autograder.checks import checks_for
from autograder.examples import solution_sources
from autograder.probes import LocalProbe
from autograder.registry import find, load

A = "dropout_scratch"
SOURCE = Path(__file__).resolve().parents[2] / "course" / "source" / A / f"{A}.ipynb"
STATISTICAL = ("values", "drop_rate", "fresh_mask")


def reference_namespace() -> dict:
    """The notebook's globals as far as the stubs need them: imports, sizes, and the reference stubs."""
    import nbformat
    ns: dict = {}
    exec("import mxnet as mx\nfrom mxnet import autograd, nd\nnum_inputs = 784\n"
         "drop_prob1, drop_prob2 = 0.2, 0.5\n", ns)
    for source in solution_sources(nbformat.read(str(SOURCE), as_version=4)).values():
        exec(source, ns)
    return ns


def check_body(name: str):
    return next(c.body for c in checks_for(A, "dropout") if c.id == f"{A}.dropout.{name}")


@pytest.mark.parametrize("name", STATISTICAL)
def test_statistical_checks_pass_the_reference_under_many_seeds(name):
    """200 seeds: each draws other masks (the scenario seeds MXNet's generator with it)."""
    probe, body = LocalProbe(reference_namespace()), check_body(name)
    probe.prepare(find(A))
    for seed in range(200):
        probe.default_seed = seed
        body(probe)                   # raises CheckFailed on a false failure


def _binomial_tail_outside(n: int, p: float, slack: float) -> float:
    """Exact P(|K - n p| > slack) for K ~ Binomial(n, p), summed in log space."""
    k = np.arange(n + 1)
    lgamma = np.vectorize(math.lgamma)
    log_pmf = lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1) + k * math.log(p) + (n - k) * math.log1p(-p)
    outside = np.abs(k - n * p) > slack
    return float(np.exp(log_pmf[outside]).sum())


@pytest.mark.parametrize("p", [0.2, 0.7, 0.5])       # drop_rate's two probabilities; fresh_mask's agreement q
def test_binomial_slack_leaves_false_failures_below_1e_9(p):
    checks = load(find(A), "checks")
    n = 60_000
    assert _binomial_tail_outside(n, p, checks.binomial_slack(n, p)) < 1e-9


def test_the_checks_catch_what_they_say_at_their_sizes():
    """The tolerance is narrow enough to matter: swapped keep/drop (1 - p) lies far outside it."""
    checks = load(find(A), "checks")
    n = 60_000
    for p in (0.2, 0.7):
        assert abs(n * (1 - p) - n * p) > 10 * checks.binomial_slack(n, p)


@pytest.mark.parametrize("seed", range(8))
def test_recomputed_training_accepts_the_reference_net(seed):
    """Each of the 24 steps recomputed in float64 matches MXNet's float32 step, and the result classifies at
    least HIDDEN_ACCURACY of the held-out split (computed by the judge), on 8 hidden problems."""
    checks = load(find(A), "checks")
    probe = LocalProbe(reference_namespace())
    probe.prepare(find(A))
    checks.train_and_evaluate(probe, 3_000_003 + seed * 7919, f"hidden problem {seed}")
