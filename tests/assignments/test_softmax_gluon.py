"""softmax_gluon facts the shared tests do not show: the checks work on a net whose input size is still
deferred (the test cell right after the net cell) and leave a trained net's parameters as they found them."""
from __future__ import annotations

from autograder.checks import run_checks
from autograder.probes import LocalProbe

CELLS = """
from mxnet import gluon, init, nd
from mxnet.gluon import loss as gloss, nn
net = nn.Sequential()
net.add(nn.Dense(10))
net.initialize(init.Normal(sigma=0.01))
loss = gloss.SoftmaxCrossEntropyLoss()
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1})
"""


def test_a_deferred_net_passes_right_after_its_cell():
    ns: dict = {}
    exec(CELLS, ns)
    assert ns["net"][0].weight.shape == (10, 0)          # input size not known yet
    results = run_checks("softmax_gluon", LocalProbe(ns), "net")
    assert results and all(r.passed for r in results), [r.summary() for r in results if not r.passed]


def test_the_checks_leave_the_trained_net_as_they_found_it():
    ns: dict = {}
    exec(CELLS, ns)
    net, nd = ns["net"], ns["nd"]
    net(nd.ones((1, 1, 28, 28)))
    for param in net.collect_params().values():
        param.set_data(nd.random.normal(shape=param.shape))
    before = [p.data().asnumpy().copy() for p in net.collect_params().values()]
    for stub in ("net", "loss", "trainer"):
        results = run_checks("softmax_gluon", LocalProbe(ns), stub)
        assert all(r.passed for r in results), [r.summary() for r in results if not r.passed]
    after = [p.data().asnumpy() for p in net.collect_params().values()]
    assert all((a == b).all() for a, b in zip(after, before))
