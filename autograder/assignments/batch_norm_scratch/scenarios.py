"""batch_norm_scratch: scenarios — run in the student's process (students can read this file); they call the
student's batch_norm and BatchNorm on the judge's inputs and report plain values, never verdicts."""
from __future__ import annotations

import contextlib

import numpy as np

from autograder.harness import (blamed, call_student, nd_array, plain, scenario, stacked, stand_in, stand_ins,
                                type_name)


@stand_in("batch_norm")
def reference_batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    """The trusted batch_norm BatchNorm is judged with, so a wrong batch_norm costs only its own checks."""
    from mxnet import autograd, nd
    if not autograd.is_training():
        return gamma * (X - moving_mean) / nd.sqrt(moving_var + eps) + beta, moving_mean, moving_var
    axes = (0,) if X.ndim == 2 else (0, 2, 3)
    mean = X.mean(axis=axes, keepdims=True)
    var = ((X - mean) ** 2).mean(axis=axes, keepdims=True)
    moving_mean = momentum * moving_mean + (1.0 - momentum) * mean.reshape(moving_mean.shape)
    moving_var = momentum * moving_var + (1.0 - momentum) * var.reshape(moving_var.shape)
    return gamma * (X - mean) / nd.sqrt(var + eps) + beta, moving_mean, moving_var


def _mode(training: bool):
    from mxnet import autograd
    return autograd.record() if training else contextlib.nullcontext()


def _three(result):
    """(Y, moving_mean, moving_var) as plain values, or what came back instead."""
    if isinstance(result, (tuple, list)) and len(result) == 3:
        return {"returned": "triple", "Y": plain(result[0]), "moving_mean": plain(result[1]),
                "moving_var": plain(result[2])}
    return {"returned": type_name(result) if not isinstance(result, (tuple, list))
            else f"{type_name(result)} of {len(result)} items"}


@scenario
def batch_norm_call(ns, X, gamma, beta, moving_mean, moving_var, eps, momentum, training, weights=None):
    """batch_norm once, in training mode (under autograd.record()) or prediction mode; with `weights`, also the
    gradients of sum(weights * Y) with respect to X, gamma and beta (training mode only)."""
    arrays = [nd_array(a) for a in (X, gamma, beta, moving_mean, moving_var)]
    if weights is not None:
        for array in arrays[:3]:
            array.attach_grad()
    with _mode(bool(training)):
        result = call_student(ns, "batch_norm", *arrays, eps=float(eps), momentum=float(momentum))
        reply = _three(result)
        total = None
        if weights is not None and reply["returned"] == "triple" and hasattr(result[0], "backward"):
            total = (result[0] * nd_array(weights)).sum()
    if weights is not None:
        grads = None
        if total is not None:
            try:
                total.backward()
                grads = [a.grad.asnumpy() for a in arrays[:3]]
            except Exception:        # noqa: BLE001 - not recorded (numpy inside): reported as no gradient
                grads = None
        reply["grads"] = grads
    return reply


def _block(ns, num_features, num_dims, ctx=None):
    """The student's BatchNorm(num_features, num_dims), initialised (on ctx)."""
    block = call_student(ns, "BatchNorm", int(num_features), num_dims=int(num_dims))
    with blamed("BatchNorm"):
        block.initialize(ctx=ctx)
    return block


def _named(block, suffix):
    return [p for name, p in block.collect_params().items() if name.endswith(suffix)]


def _set(block, gamma, beta):
    with blamed("BatchNorm"):
        for suffix, value in (("gamma", gamma), ("beta", beta)):
            for param in _named(block, suffix):
                param.set_data(nd_array(value).reshape(param.shape))


@scenario
def batch_norm_block(ns, num_features, num_dims, Xs, gamma=None, beta=None, X_predict=None):
    """BatchNorm(num_features, num_dims), initialised; its parameters as created; then (with the judge's gamma
    and beta, if given) one training-mode forward per X in Xs and, last, a prediction-mode forward on X_predict.
    Judged with the trusted batch_norm, so a wrong batch_norm costs only its own checks."""
    with stand_ins(ns, ["batch_norm"]):
        return _block_report(ns, num_features, num_dims, Xs, gamma, beta, X_predict)


def _block_report(ns, num_features, num_dims, Xs, gamma, beta, X_predict):
    block = _block(ns, num_features, num_dims)
    params = {}
    with blamed("BatchNorm"):
        for name, p in block.collect_params().items():
            params[name] = p.data().asnumpy()
    if gamma is not None:
        _set(block, gamma, beta)
    outputs = []
    for X in Xs:
        with _mode(True):
            outputs.append(plain(_forward(block, X)))
    predicted = None
    if X_predict is not None:
        predicted = plain(_forward(block, X_predict))
    return {"params": params, "outputs": outputs, "predicted": predicted}


def _forward(block, X, ctx=None):
    with blamed("BatchNorm"):
        out = block(nd_array(X) if ctx is None else nd_array(X).as_in_context(ctx))
        out.wait_to_read()
    return out


@scenario
def batch_norm_context(ns, num_features, num_dims, X):
    """BatchNorm on mx.cpu(1): initialised there, two training-mode forwards of X (on cpu(1)), one prediction.
    Reports where the output and every array the block keeps (NDArray attributes, parameters) live."""
    import mxnet as mx
    from mxnet import nd
    ctx = mx.cpu(1)
    with stand_ins(ns, ["batch_norm"]):
        block = _block(ns, num_features, num_dims, ctx=ctx)
        outputs = []
        for training in (True, True, False):
            with _mode(training):
                outputs.append(str(_forward(block, X, ctx).context))
    kept = {}
    for name, value in vars(block).items():
        if isinstance(value, nd.NDArray):
            kept[name] = str(value.context)
    with blamed("BatchNorm"):
        for name, p in block.collect_params().items():
            kept[name] = ", ".join(str(c) for c in p.list_ctx())
    return {"outputs": outputs, "kept": kept}


@scenario
def train_bn_mlp(ns, features, labels, order, params, lr, X_test):
    """Dense(H) → the student's BatchNorm(H, 2) → ReLU → Dense(C), its parameters set to the judge's, trained
    with gluon.Trainer('sgd', lr) and the summed softmax cross-entropy, one step per row of `order`; report the
    parameters after every step and the prediction-mode logits on X_test at the end."""
    from mxnet import autograd, gluon, nd
    from mxnet.gluon import nn
    W1, b1, gamma, beta, W2, b2 = params
    hidden, inputs = W1.shape
    net = nn.Sequential()
    block = call_student(ns, "BatchNorm", int(hidden), num_dims=2)
    net.add(nn.Dense(int(hidden), in_units=int(inputs)), block, nn.Activation("relu"),
            nn.Dense(int(W2.shape[0]), in_units=int(hidden)))
    with blamed("BatchNorm"):
        net.initialize()
    net[0].weight.set_data(nd_array(W1))
    net[0].bias.set_data(nd_array(b1))
    net[3].weight.set_data(nd_array(W2))
    net[3].bias.set_data(nd_array(b2))
    _set(block, gamma, beta)
    with blamed("BatchNorm"):
        scale, shift = _named(block, "gamma"), _named(block, "beta")
        if len(scale) != 1 or len(shift) != 1:
            raise AttributeError("BatchNorm needs one parameter named gamma and one named beta")
    watched = [net[0].weight, net[0].bias, scale[0], shift[0], net[3].weight, net[3].bias]
    trainer = gluon.Trainer([p for p in watched], "sgd", {"learning_rate": float(lr)})
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    feats, labs = nd_array(features), nd_array(labels)
    trajectory = []
    for rows in order:
        idx = nd.array(np.asarray(rows, dtype=np.int64), dtype="int64")
        X, y = feats.take(idx), labs.take(idx)
        with blamed("BatchNorm"):
            with autograd.record():
                total = loss(net(X), y).sum()
            total.backward()
        trainer.step(len(rows))
        trajectory.append([p.data().copy() for p in watched])
    with blamed("BatchNorm"):
        logits = net(nd_array(X_test))
    return dict(stacked(trajectory, ("W1", "b1", "gamma", "beta", "W2", "b2")), logits=plain(logits))
