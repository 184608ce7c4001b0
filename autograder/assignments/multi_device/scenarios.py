"""multi_device: scenarios — run in the student's process (students can read this file); they call the student's
get_params, allreduce, split_and_load and train_batch on the judge's arrays placed on [cpu(0), cpu(1), …] and
report plain values and where each array lives, never verdicts."""
from __future__ import annotations

import numpy as np

from autograder.harness import (REFERENCES, StudentCodeError, call_student, nd_array, notebook_globals, plain, scenario,
                                stacked, stand_in, type_name)


def trusted(ns, names):
    """The trusted versions of `names` in the notebook's namespace for the duration, whether or not the notebook
    defined them (train_batch reads the globals lenet and loss), and the notebook's own back afterwards."""
    return notebook_globals(ns, {name: REFERENCES[name] for name in names})


def _contexts(k):
    import mxnet as mx
    return [mx.cpu(i) for i in range(int(k))]


def _on(value, ctx):
    return nd_array(value).as_in_context(ctx)


def _where(array):
    return str(getattr(array, "context", type_name(array)))


@stand_in("lenet")
def reference_net(X, params):
    """A trusted small model in lenet's place (softmax regression's scores, params = [W, b]), so train_batch is
    judged on the data-parallel step alone and the judge can recompute that step in float64."""
    from mxnet import nd
    return nd.dot(X.reshape((X.shape[0], -1)), params[0]) + params[1]


@stand_in("loss")
def reference_loss(y_hat, y):
    """Cross-entropy of the scores per example (gloss.SoftmaxCrossEntropyLoss's values)."""
    from mxnet import nd
    return -nd.pick(nd.log_softmax(y_hat), y)


@stand_in("split_and_load")
def reference_split_and_load(data, ctx):
    m = data.shape[0] // len(ctx)
    return [data[i * m:(i + 1) * m].as_in_context(c) for i, c in enumerate(ctx)]


@stand_in("allreduce")
def reference_allreduce(data):
    for i in range(1, len(data)):
        data[0][:] += data[i].copyto(data[0].context)
    for i in range(1, len(data)):
        data[0].copyto(data[i])


@scenario
def copies(ns, params, device):
    """get_params(params, cpu(device)) for params on cpu(0). Reports each copy's values and context, whether it
    has a gradient buffer and what backward() of sum(p * p) leaves there, and the copies again after the
    originals were overwritten with zeros (copies are separate memory)."""
    from mxnet import autograd
    ctx = _contexts(int(device) + 1)[-1]
    originals = [_on(p, _contexts(1)[0]) for p in params]
    result = call_student(ns, "get_params", originals, ctx)
    if not isinstance(result, (list, tuple)):
        return {"type": type_name(result)}
    result = list(result)
    items = []
    for p in result:
        if not hasattr(p, "context"):
            items.append({"type": type_name(p)})
            continue
        item = {"value": plain(p), "context": _where(p), "has_grad": p.grad is not None}
        if p.grad is not None:
            item["grad_context"] = _where(p.grad)
            try:
                with autograd.record():
                    total = (p * p).sum()
                total.backward()
                item["grad"] = plain(p.grad)
            except Exception as exc:        # noqa: BLE001 - reported: the buffer does not take gradients
                item["grad_error"] = type(exc).__name__
        items.append(item)
    for p in originals:
        p[:] = 0
    after = [plain(p) if hasattr(p, "context") else None for p in result]
    return {"type": type_name(result), "items": items, "after_zeroing_originals": after}


@scenario
def reduce(ns, arrays):
    """allreduce(data) with data[i] on cpu(i). Reports the arrays the list held before the call (were they
    written in place?) and what the list holds after it, each with its context."""
    ctx = _contexts(len(arrays))
    data = [_on(a, c) for a, c in zip(arrays, ctx)]
    originals = list(data)
    call_student(ns, "allreduce", data)
    return {"originals": [plain(a) for a in originals], "original_contexts": [_where(a) for a in originals],
            "items": [plain(a) for a in data], "item_contexts": [_where(a) for a in data],
            "rebound": [a is not b for a, b in zip(data, originals)]}


@scenario
def split(ns, data, k):
    """split_and_load(data, [cpu(0) … cpu(k-1)]) on data placed on cpu(0); each part's values and context, or
    the error it raised (raising is a fair answer for a batch that does not divide evenly)."""
    batch = _on(data, _contexts(1)[0])
    try:
        parts = call_student(ns, "split_and_load", batch, _contexts(k))
    except StudentCodeError as exc:
        return {"raised": f"{exc.ename}: {exc.evalue}"[:300]}
    if not isinstance(parts, (list, tuple)):
        return {"type": type_name(parts)}
    return {"type": type_name(parts), "parts": [plain(p) for p in parts],
            "contexts": [_where(p) for p in parts]}


def _device_params(params, ctx):
    """The trusted copies train_batch is judged with: one list per context, with gradient buffers."""
    out = []
    for c in ctx:
        copies = [_on(p, c) for p in params]
        for p in copies:
            p.attach_grad()
        out.append(copies)
    return out


@scenario
def one_step(ns, X, y, params, k, lr):
    """One train_batch on k contexts, from the judge's parameters, with trusted lenet (softmax regression),
    loss, split_and_load and allreduce; every device's parameters afterwards, with their contexts."""
    ctx = _contexts(k)
    device_params = _device_params(params, ctx)
    with trusted(ns, ["lenet", "loss", "split_and_load", "allreduce"]):
        call_student(ns, "train_batch", nd_array(X), nd_array(y), device_params, ctx, float(lr))
    return {"params": [[plain(p) for p in copies] for copies in device_params],
            "contexts": [[_where(p) for p in copies] for copies in device_params]}


@scenario
def train_two_devices(ns, features, labels, W0, b0, order, lr):
    """The student's get_params, split_and_load, allreduce and train_batch together on [cpu(0), cpu(1)], lenet
    and loss in their trusted small form: one train_batch per row of `order` (the judge's batches), from the
    judge's W0, b0. Reports device 0's parameters after every step, and whether the devices still agree."""
    ctx = _contexts(2)
    feats, labs = nd_array(features), nd_array(labels)
    device_params = [call_student(ns, "get_params", [nd_array(W0), nd_array(b0)], c) for c in ctx]
    trajectory = []
    with trusted(ns, ["lenet", "loss"]):
        for rows in order:
            idx = nd_array(np.asarray(rows), dtype="int64")
            call_student(ns, "train_batch", feats.take(idx), labs.take(idx), device_params, ctx, float(lr))
            trajectory.append([device_params[0][0].copy(), device_params[0][1].copy()])
    gap = max(float((a.as_in_context(b.context) - b).abs().max().asscalar())
              for a, b in zip(device_params[0], device_params[1]))
    return dict(stacked(trajectory, ("W", "b")), devices_gap=gap)
