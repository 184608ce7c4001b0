"""Course helpers: the book's behaviour, on the default context, with clear errors for mixed contexts."""
from __future__ import annotations

import mxnet as mx
import numpy as np
import pytest
from mxnet import nd
from mxnet.gluon import nn

from extension import context, d2l


def test_synthetic_data_follows_the_linear_model():
    mx.random.seed(0)
    features, labels = d2l.synthetic_data([2, -3.4], 4.2, 1000)
    assert features.shape == (1000, 2) and labels.shape == (1000,)
    residual = labels.asnumpy() - (features.asnumpy() @ np.array([2, -3.4]) + 4.2)
    assert abs(residual.std() - 0.01) < 0.002
    assert features.context == context.default_context()


def test_sgd_updates_in_place():
    param = nd.ones((2, 1))
    param.attach_grad()
    param.grad[:] = 4
    handle = param.handle.value
    d2l.sgd([param], lr=0.5, batch_size=2)
    assert param.handle.value == handle and np.allclose(param.asnumpy(), 0)


def test_evaluate_accuracy_returns_a_python_float():
    X, y = nd.ones((4, 5)), nd.array([0, 1, 2, 2])
    acc = d2l.evaluate_accuracy([(X, y)], lambda X: nd.one_hot(nd.array([0, 1, 1, 2]), 3))
    assert type(acc) is float and acc == 0.75


def test_mixed_contexts_get_a_clear_message():
    net = nn.Sequential()
    net.add(nn.Dense(3))
    net.initialize(ctx=mx.cpu(1))       # a second real context on a CPU-only machine
    with pytest.raises(ValueError, match="same context.*reset_ctx"):
        d2l.evaluate_accuracy([(nd.ones((4, 5)), nd.zeros(4))], net, ctx=mx.cpu(0))


def test_train_ch3_refuses_params_on_another_context():
    W = nd.zeros((5, 3), ctx=mx.cpu(1))
    with pytest.raises(ValueError, match="parameters live on cpu\\(1\\)"):
        d2l.train_ch3(lambda X: nd.dot(X, W), [], [], None, 1, 4, [W], 0.1, ctx=mx.cpu(0))


def test_train_ch3_learns_a_separable_problem():
    rng = np.random.default_rng(0)
    X = nd.array(rng.normal(size=(200, 2)))
    y = nd.array((X.asnumpy()[:, 0] > 0).astype("float32"))
    W, b = nd.zeros((2, 2)), nd.zeros(2)
    W.attach_grad()
    b.attach_grad()
    batches = [(X[i:i + 20], y[i:i + 20]) for i in range(0, 200, 20)]
    net = lambda X: nd.softmax(nd.dot(X, W) + b)                       # noqa: E731
    loss = lambda y_hat, y: -nd.pick(y_hat, y).log()                  # noqa: E731
    history = d2l.train_ch3(net, batches, batches, loss, 5, 20, [W, b], 0.5, verbose=False)
    assert history["test acc"][-1] > 0.95 and history["train loss"][-1] < history["train loss"][0]


def test_train_ch5_trains_on_the_context_it_is_given():
    """The book's chapter-5 loop: batches go to ctx, so a net initialised there learns and stays there."""
    from mxnet import gluon, init
    from mxnet.gluon import data as gdata
    mx.random.seed(0)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(512, 1, 4, 4)).astype(np.float32)
    y = (X.reshape(512, -1).sum(axis=1) > 0).astype(np.float32)
    train = gdata.DataLoader(gdata.ArrayDataset(X, y), 64, shuffle=True)
    net = nn.Sequential()
    net.add(nn.Dense(2))
    ctx = mx.cpu(1)
    net.initialize(init.Xavier(), ctx=ctx)
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.5})
    history = d2l.train_ch5(net, train, train, 64, trainer, ctx, 3, verbose=False)
    assert history["test acc"][-1] > 0.9 and len(history["seconds"]) == 3
    assert {p.list_ctx()[0] for p in net.collect_params().values()} == {ctx}


def test_the_loaders_honour_the_graders_data_limit(monkeypatch):
    monkeypatch.setenv("D2L_DATA_LIMIT", "520")
    train, test = d2l.load_data_fashion_mnist(256)
    assert [len(y) for _, y in train] == [256, 256, 8] and sum(len(y) for _, y in test) == 520


def test_scores_of_the_wrong_shape_are_refused_before_mxnet_aborts_the_kernel():
    """A half-built net (its stages' cell raised, leaving only convolutions) returns 4-D scores; MXNet 1.9's
    softmax cross-entropy then segfaults the process. The course loops say what is wrong instead."""
    from mxnet import gluon
    from mxnet.gluon import data as gdata
    net = nn.Sequential()
    net.add(nn.Conv2D(4, kernel_size=3, padding=1))
    net.initialize()
    X = np.zeros((8, 1, 6, 6), dtype=np.float32)
    loader = gdata.DataLoader(gdata.ArrayDataset(X, np.arange(8, dtype=np.float32)), 4)
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    with pytest.raises(ValueError, match=r"returned shape \(4, 4, 6, 6\) for a batch of 4"):
        d2l.train_ch5(net, loader, loader, 4, trainer, mx.cpu(), 1, verbose=False)
    with pytest.raises(ValueError, match="one row of class scores per example"):
        d2l.evaluate_accuracy(loader, net)
