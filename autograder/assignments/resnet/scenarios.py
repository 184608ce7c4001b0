"""resnet: scenarios — run in the student's process (students can read this file); they build the student's
Residual and resnet_block, run them on the judge's inputs with the judge's parameters, and report plain values,
never verdicts."""
from __future__ import annotations

import numpy as np

from autograder.harness import blamed, call_student, nd_array, plain, scenario, stacked, stand_in, stand_ins, type_name


def _residual_class():
    """The trusted Residual resnet_block is judged with (a class, built on first use: MXNet loads lazily)."""
    from mxnet import nd
    from mxnet.gluon import nn

    class TrustedResidual(nn.Block):
        def __init__(self, num_channels, use_1x1conv=False, strides=1, **kwargs):
            super().__init__(**kwargs)
            self.config = [int(num_channels), bool(use_1x1conv), int(strides)]
            self.conv1 = nn.Conv2D(num_channels, kernel_size=3, padding=1, strides=strides)
            self.conv2 = nn.Conv2D(num_channels, kernel_size=3, padding=1)
            self.conv3 = nn.Conv2D(num_channels, kernel_size=1, strides=strides) if use_1x1conv else None
            self.bn1, self.bn2 = nn.BatchNorm(), nn.BatchNorm()

        def forward(self, X):
            Y = self.bn2(self.conv2(nd.relu(self.bn1(self.conv1(X)))))
            return nd.relu(Y + (self.conv3(X) if self.conv3 else X))

    return TrustedResidual


@stand_in("Residual")
def trusted_residual(num_channels, use_1x1conv=False, strides=1, **kwargs):
    return _residual_class()(num_channels, use_1x1conv=use_1x1conv, strides=strides, **kwargs)


def _python(value):
    """Decoded numbers arrive as 0-d arrays; constructors expect ints and floats (nested in args and kwargs too)."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return int(value) if float(value).is_integer() else float(value)
    if isinstance(value, (list, tuple)):
        return [_python(v) for v in value]
    if isinstance(value, dict):
        return {k: _python(v) for k, v in value.items()}
    return value


def _leaves(block):
    """Every Conv2D and BatchNorm inside `block`, however the student nested them."""
    found = []
    for child in getattr(block, "_children", {}).values():
        if type_name(child) in ("Conv2D", "BatchNorm"):
            found.append(child)
        else:
            found.extend(_leaves(child))
    return found


def _layout(net, residuals, X):
    """The parameters of `net` in collect_params() order (names, shapes), and for each of `residuals` its
    Conv2D and BatchNorm layers in the order its forward pass calls them, each as {suffix: parameter index}."""
    from mxnet import autograd
    names = list(net.collect_params().keys())
    calls, handles = [], []
    for k, residual in enumerate(residuals):
        for leaf in _leaves(residual):
            handles.append(leaf.register_forward_hook(
                lambda block, inputs, output, k=k: calls.append((k, block))))
    with blamed("Residual"):
        with autograd.record():
            net(nd_array(X))
    for handle in handles:
        handle.detach()
    layers = [[] for _ in residuals]
    seen = set()
    for k, leaf in calls:
        if id(leaf) in seen:
            continue
        seen.add(id(leaf))
        params = {name.rsplit("_", 1)[-1]: names.index(name) for name in leaf.collect_params().keys()}
        layers[k].append({"kind": type_name(leaf), "params": params})
    shapes = [list(p.shape) for p in net.collect_params().values()]
    return names, shapes, layers


def _set_values(net, values):
    with blamed("Residual"):
        for p, value in zip(net.collect_params().values(), values):
            if value is not None:
                p.set_data(nd_array(value).reshape(p.shape))


@scenario
def residual_forward(ns, args, kwargs, X, values=None):
    """Residual(*args, **kwargs), initialised, run on X in training mode (batch statistics). Without `values`:
    report its layout (parameters and the order its layers are called in). With `values` (one per parameter,
    collect_params() order, None to leave one as it is): set them and report the output."""
    from mxnet import autograd
    block = call_student(ns, "Residual", *_python(args), **_python(kwargs))
    with blamed("Residual"):
        block.initialize()
    names, shapes, layers = _layout(block, [block], X)
    if values is None:
        return {"names": names, "shapes": shapes, "layers": layers[0]}
    _set_values(block, values)
    with blamed("Residual"):
        with autograd.record():
            out = block(nd_array(X))
    return {"output": plain(out)}


@scenario
def resnet_block_structure(ns, args, kwargs, X):
    """resnet_block(*args, **kwargs) built with the trusted Residual: its type, each child's type and
    (num_channels, use_1x1conv, strides), and the output shape on X."""
    from mxnet import autograd
    with stand_ins(ns, ["Residual"]):
        blk = call_student(ns, "resnet_block", *_python(args), **_python(kwargs))
        children = [{"type": type_name(c), "config": getattr(c, "config", None)}
                    for c in getattr(blk, "_children", {}).values()]
        shape = None
        with blamed("resnet_block"):
            blk.initialize()
            with autograd.record():
                shape = list(blk(nd_array(X)).shape)
    return {"type": type_name(blk), "children": children, "shape": shape}


def _small_resnet(ns, classes):
    from mxnet.gluon import nn
    net = nn.Sequential()
    first = call_student(ns, "resnet_block", 2, 1, first_block=True)
    second = call_student(ns, "resnet_block", 4, 1)
    net.add(first, second, nn.GlobalAvgPool2D(), nn.Dense(int(classes)))
    with blamed("resnet_block"):
        net.initialize()
    residuals = [list(first._children.values())[0], list(second._children.values())[0]]
    return net, residuals


@scenario
def resnet_layout(ns, X, classes):
    """The small ResNet the outcome trains (resnet_block(2, 1, first_block=True), resnet_block(4, 1), global
    average pooling, Dense): its parameters and, per Residual, the order its layers are called in."""
    net, residuals = _small_resnet(ns, classes)
    names, shapes, layers = _layout(net, residuals, X)
    dense = {name.rsplit("_", 1)[-1]: names.index(name) for name in net[3].collect_params().keys()}
    return {"names": names, "shapes": shapes, "layers": layers, "dense": dense}


@scenario
def train_resnet(ns, features, labels, order, values, lr, classes):
    """The same small ResNet with the judge's parameters, trained with gluon.Trainer('sgd', lr) on the summed
    softmax cross-entropy, one step per row of `order`; reports every parameter after every step."""
    from mxnet import autograd, gluon, nd
    net, residuals = _small_resnet(ns, classes)
    _layout(net, residuals, features[:2])              # the first forward pass fixes the shapes
    _set_values(net, values)
    params = list(net.collect_params().values())
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": float(lr)})
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    feats, labs = nd_array(features), nd_array(labels)
    trajectory = []
    watched = [i for i, p in enumerate(params) if p.grad_req != "null"]
    for rows in order:
        idx = nd.array(np.asarray(rows, dtype=np.int64), dtype="int64")
        X, y = feats.take(idx), labs.take(idx)
        with blamed("resnet_block"):
            with autograd.record():
                total = loss(net(X), y).sum()
            total.backward()
        trainer.step(len(rows))
        trajectory.append([params[i].data().copy() for i in watched])
    names = [f"p{i}" for i in watched]
    return dict(stacked(trajectory, names), watched=watched)
