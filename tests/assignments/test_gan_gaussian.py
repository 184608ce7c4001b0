"""gan_gaussian facts the shared course tests cannot show: the hidden outcome cannot fail a correct submission.

The judge draws hidden problems until its own float64 training brings the generated mean within REFERENCE_RATIO
of the data's (relative to where it started) and passes a submission at PASS_RATIO. These tests show (1) the
draw always ends, quickly, on many seeds, and (2) MXNet's float32 training with the reference update_D and
update_G, run through the real scenario, passes the real check — every one of its 60 steps verified against the
judge's float64 Adam — and ends within 1e-3 of the judge's own float64 run (the margin is 0.1)."""
from __future__ import annotations

from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.checks import checks_for
from autograder.examples import solution_sources
from autograder.probes import LocalProbe
from autograder.registry import get_assignment, load

SOURCE = Path(__file__).resolve().parents[2] / "course" / "source" / "gan_gaussian" / "gan_gaussian.ipynb"
PRELUDE = "from mxnet import autograd, gluon, init, nd\nfrom mxnet.gluon import nn\n"


@pytest.fixture(scope="module")
def judge():
    checks_for("gan_gaussian")          # loads the folder's checks.py
    return load(get_assignment("gan_gaussian"), "checks")


@pytest.mark.parametrize("seed", range(0, 60, 6))
def test_hidden_problems_are_drawn_with_the_reference_margin(judge, seed):
    problem = judge.hidden_problem(8_000_009 + seed)
    assert judge.mean_ratio(judge.reference_training(problem)[1], problem) <= judge.REFERENCE_RATIO
    assert np.abs(problem["b"] - problem["G0"][1]).max() > 0.1          # a distance worth closing


@pytest.mark.parametrize("seed", [0])
def test_float32_training_with_the_reference_stubs_passes_the_hidden_check(judge, seed):
    ns: dict = {}
    exec(PRELUDE, ns)
    for source in solution_sources(nbformat.read(str(SOURCE), as_version=4)).values():
        exec(source, ns)
    probe = LocalProbe(ns)
    probe.prepare(get_assignment("gan_gaussian"))
    probe.hidden_seed = seed
    judge.hidden_gaussian(probe)                     # raises CheckFailed on any wrong step or a missed mean
    problem = judge.hidden_problem(8_000_009 + seed)
    reply = probe.run("train_gan", data=problem["data"].astype(np.float32), order=problem["order"],
                      Zs=problem["Zs"], D=problem["D0"], G=problem["G0"], lr_D=judge.HIDDEN_LR_D,
                      lr_G=judge.HIDDEN_LR_G)
    _, reference_G = judge.reference_training(problem)
    assert np.abs(reply["G1"][-1] - reference_G[1]).max() < 1e-3
