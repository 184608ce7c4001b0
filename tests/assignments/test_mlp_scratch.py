"""mlp_scratch facts the shared tests do not show: the judge's globals never leak into the notebook, and the
recomputed training (with its slack at relu's kink) passes correct MXNet code on many hidden problems."""
from __future__ import annotations

import pytest

from autograder.checks import run_checks
from autograder.probes import LocalProbe

PRELUDE = "from mxnet import nd\n"
RELU = "def relu(X):\n    return nd.maximum(X, 0)\n"
NET = ("def net(X):\n    X = X.reshape((-1, W1.shape[0]))\n    H = relu(nd.dot(X, W1) + b1)\n"
       "    return nd.dot(H, W2) + b2\n")


def notebook(relu=RELU, net=NET) -> dict:
    ns: dict = {}
    exec(PRELUDE + relu + net, ns)
    exec("W1 = nd.ones((784, 256)); b1 = nd.zeros(256); W2 = nd.ones((256, 10)); b2 = nd.zeros(10)", ns)
    return ns


def test_the_judges_parameters_are_gone_after_the_checks():
    """The checks set W1, b1, W2, b2 to the judge's arrays for each call; the notebook's own come back,
    the very same objects, and the trusted relu is replaced by the student's again."""
    ns = notebook()
    before = {name: ns[name] for name in ("W1", "b1", "W2", "b2", "relu")}
    results = run_checks("mlp_scratch", LocalProbe(ns))
    assert all(r.passed for r in results), [r.summary() for r in results if not r.passed]
    assert all(ns[name] is value for name, value in before.items())


@pytest.mark.parametrize("relu", [RELU, "def relu(X):\n    return (X > 0) * X\n"])
def test_correct_code_passes_the_recomputed_training_on_many_hidden_problems(relu):
    """30 float32 MXNet steps per problem, each compared with the float64 step from the reported parameters:
    no correct relu may fail because float32 rounds a pre-activation to the other side of the kink."""
    ns = notebook(relu=relu)
    for seed in range(4):
        probe = LocalProbe(ns)
        probe.hidden_seed = 7919 * seed
        results = run_checks("mlp_scratch", probe, function=None)
        assert all(r.passed for r in results), (seed, [r.summary() for r in results if not r.passed])


def test_a_net_without_activation_learns_nothing_the_judge_accepts():
    """The outcome is earned by relu and net together: a linear 'MLP' is blocked by its own failed check."""
    ns = notebook(net="def net(X):\n    X = X.reshape((-1, 784))\n    return nd.dot(nd.dot(X, W1) + b1, W2) + b2\n")
    results = {r.id: r for r in run_checks("mlp_scratch", LocalProbe(ns))}
    assert not results["mlp_scratch.net.logits"].passed
    assert not results["mlp_scratch.outcome.training"].passed
    assert "net must pass" in results["mlp_scratch.outcome.training"].message
