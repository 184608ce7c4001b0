"""custom_blocks: scenarios — run in the student's process (students can read this file). They instantiate the
student's classes with the judge's arguments, run them on the judge's inputs (with the judge's weights set where
a block has parameters) and report plain values: outputs, the parameters `collect_params()` sees, parameters
after a Trainer step. Never verdicts."""
from __future__ import annotations

import numpy as np

from autograder.harness import blamed, lookup, nd_array, plain, scenario


def _size(value):
    """A decoded number as the int a layer size is (the wire gives 0-d arrays)."""
    return int(value) if isinstance(value, np.ndarray) and value.ndim == 0 else value


def _build(ns, function, args=(), kwargs=None):
    cls = lookup(ns, function)
    with blamed(function):
        return cls(*[_size(a) for a in args], **{k: _size(v) for k, v in (kwargs or {}).items()})


def _seen_params(block, function):
    """{name: shape} of what block.collect_params() returns."""
    with blamed(function):
        return {name: list(p.shape) for name, p in block.collect_params().items()}


def _judge_dense(W, b, activation=None):
    """A trusted nn.Dense holding the judge's W (in, out) and b, initialised before any container sees it."""
    from mxnet.gluon import nn
    layer = nn.Dense(W.shape[1], in_units=W.shape[0], activation=activation or None)
    layer.initialize()
    layer.weight.set_data(nd_array(W.T))
    layer.bias.set_data(nd_array(b))
    return layer


@scenario
def sequential_forward(ns, function, layers, X):
    """The student's container of the judge's Dense layers (each [W, b, activation]), added in order; reports
    the output on X and the parameters collect_params() sees."""
    net = _build(ns, function)
    with blamed(function):
        for W, b, activation in layers:
            net.add(_judge_dense(W, b, activation))
        out = net(nd_array(X))
    return {"value": plain(out), "params": _seen_params(net, function)}


@scenario
def sequential_initialize(ns, function, X):
    """Children added before initialisation: does net.initialize() reach them? Reports the forward pass's
    output, or the error it raised (reported, not blamed: an uninitialised child is the finding)."""
    from mxnet.gluon import nn
    net = _build(ns, function)
    with blamed(function):
        for _ in range(2):             # square layers: the order they are applied in cannot matter here
            net.add(nn.Dense(X.shape[1], in_units=X.shape[1]))
        net.initialize()
    try:
        out = net(nd_array(X))
    except Exception as exc:      # noqa: BLE001 - reported to the judge, which words it
        return {"value": None, "error": f"{type(exc).__name__}: {str(exc)[:300]}"}
    return {"value": plain(out), "error": None}


def _set_params(block, values, function):
    """Set the block's registered parameters whose names end with a key of `values` where the shapes fit (a
    matrix registered transposed gets the value transposed: its shape is the parameters check's business)."""
    with blamed(function):
        for name, p in block.collect_params().items():
            for suffix, value in values.items():
                if not name.endswith(suffix):
                    continue
                if tuple(p.shape) == tuple(value.shape):
                    p.set_data(nd_array(value))
                elif value.ndim == 2 and tuple(p.shape) == tuple(value.T.shape):
                    p.set_data(nd_array(value.T))


@scenario
def block_forward(ns, function, args, kwargs, X, values):
    """cls(*args, **kwargs), initialised, with its parameters named *<suffix> set to `values`, run on X."""
    block = _build(ns, function, args, kwargs)
    with blamed(function):
        block.initialize()
    _set_params(block, values, function)
    with blamed(function):
        out = block(nd_array(X))
    return {"value": plain(out), "params": _seen_params(block, function)}


@scenario
def block_params(ns, function, args, kwargs):
    """cls(*args, **kwargs): the parameters collect_params() sees, by name and shape."""
    block = _build(ns, function, args, kwargs)
    return {"params": _seen_params(block, function)}


@scenario
def block_in_sequential(ns, function, W, b, X):
    """nn.Sequential of the judge's Dense(W, b) then the student's block: the output on X."""
    from mxnet.gluon import nn
    net = nn.Sequential()
    net.add(_judge_dense(W, b))
    block = _build(ns, function)
    with blamed(function):
        net.add(block)
        out = net(nd_array(X))
    return {"value": plain(out)}


@scenario
def block_trainer_steps(ns, function, args, kwargs, X, values, lr, steps=2):
    """cls(*args, **kwargs) with the judge's parameters; `steps` times: backward of sum(block(X)), then one
    step of gluon.Trainer(block.collect_params(), 'sgd', lr). Reports the registered parameters after each."""
    from mxnet import autograd, gluon
    block = _build(ns, function, args, kwargs)
    with blamed(function):
        block.initialize()
    _set_params(block, values, function)
    after = []
    with blamed(function):
        params = block.collect_params()
        if not list(params.keys()):
            return {"after": [], "registered": 0}
        trainer = gluon.Trainer(params, "sgd", {"learning_rate": float(lr)})
        for _ in range(int(steps)):
            with autograd.record():
                total = block(nd_array(X)).sum()
            total.backward()
            trainer.step(1)
            after.append({name.rsplit("_", 1)[-1]: p.data().asnumpy() for name, p in params.items()})
    return {"after": after, "registered": len(list(params.keys()))}
