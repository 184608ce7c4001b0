"""hybridize: the benchmark check's margin, measured (the shared tests show only that each example fails or passes
once). The check passes a benchmark whose reported seconds cover ≥ MIN_SHARE of the wall time the scenario measured
until the queued work finished; here several runs of a correct and of a waitall-less benchmark show how far each
stays from that line on this (loaded, 2-core) machine."""
from __future__ import annotations

import time

import pytest

from autograder.registry import find, load

CHECKS = load(find("hybridize"), "checks")
SCENARIOS = load(find("hybridize"), "scenarios")
RUNS = 3


def correct(fn, repeats):
    from mxnet import nd
    nd.waitall()
    start = time.time()
    for _ in range(repeats):
        fn()
    nd.waitall()
    return time.time() - start


def without_waitall(fn, repeats):
    start = time.time()
    for _ in range(repeats):
        fn()
    return time.time() - start


def shares(benchmark):
    out = []
    for _ in range(RUNS):
        reply = SCENARIOS.benchmark_lazy_work({"benchmark": benchmark}, repeats=CHECKS.REPEATS, size=CHECKS.SIZE,
                                              chain=CHECKS.CHAIN)
        assert reply["calls"] == CHECKS.REPEATS
        assert reply["finished_after"] >= 0.3, "the queued work must take long enough to tell queueing from work"
        out.append(reply["seconds"] / reply["finished_after"])
    return out


def test_a_correct_benchmark_covers_nearly_all_of_the_measured_time():
    assert min(shares(correct)) >= 0.9 > CHECKS.MIN_SHARE


def test_a_benchmark_without_waitall_covers_almost_none_of_it():
    assert max(shares(without_waitall)) <= 0.25 < CHECKS.MIN_SHARE


@pytest.mark.parametrize("hybridize", [False, True])
def test_the_reference_mlp_matches_the_book_net(hybridize):
    """The judge's float64 reference is the book's get_net(): HybridSequential of Dense 256/128 (ReLU) and 2."""
    import numpy as np
    params, Xs = CHECKS._inputs(7)
    net = SCENARIOS.reference_mlp(params)
    if hybridize:
        net.hybridize()
    from autograder.harness import nd_array
    out = net(nd_array(Xs[0])).asnumpy()
    assert np.allclose(out, CHECKS.reference_mlp(params, Xs[0]), rtol=1e-4, atol=1e-5)
