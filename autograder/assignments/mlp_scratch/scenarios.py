"""mlp_scratch: scenarios — run in the student's process (students can read this file). `net(X)` reads the
globals W1, b1, W2, b2, so the judge sets them to its own arrays for the call (and puts the notebook's back
after); they report plain values, never verdicts."""
from __future__ import annotations

import numpy as np

from autograder.harness import (backward_or_why, blamed, call_student, nd_array, notebook_globals, plain, scenario,
                                stacked, stand_in, stand_ins, type_name)

PARAMS = ("W1", "b1", "W2", "b2")


@stand_in("relu")
def reference_relu(X):
    """The trusted relu `net` is judged with, so a wrong relu costs only relu's own checks."""
    from mxnet import nd
    return nd.maximum(X, 0)


def judge_globals(ns, arrays):
    """The judge's W1, b1, W2, b2 as the notebook's globals for the duration; the notebook's own after."""
    return notebook_globals(ns, dict(zip(PARAMS, arrays)))


@scenario
def mlp_scratch_net(ns, X, params, weights=None):
    """net(X) with the judge's W1, b1, W2, b2 and the trusted relu. With `weights`, also the gradients of
    sum(net(X) * weights) with respect to each of the four globals (None where autograd reached none)."""
    from mxnet import autograd
    arrays = [nd_array(p) for p in params]
    if weights is not None:
        for array in arrays:
            array.attach_grad()
    with stand_ins(ns, ["relu"]), judge_globals(ns, arrays):
        if weights is None:
            out = call_student(ns, "net", nd_array(X))
            return {"value": plain(out), "type": type_name(out)}
        with autograd.record():
            out = call_student(ns, "net", nd_array(X))
            total = (out * nd_array(weights)).sum() if hasattr(out, "backward") else None
    try:
        total.backward()
    except Exception:          # noqa: BLE001 - not recorded (numpy inside net): no gradient at all
        return {"value": plain(out), "type": type_name(out), "grads": None}
    return {"value": plain(out), "type": type_name(out), "grads": [a.grad.asnumpy() for a in arrays]}


@scenario
def mlp_scratch_train(ns, features, labels, order, params, lr):
    """The notebook's training step (train_ch3 with d2l.sgd) on the student's net and relu, from the judge's
    W1, b1, W2, b2, one step per row of `order` (the judge's batches); the parameters after every step are
    reported for the judge to recompute."""
    from mxnet import autograd, nd
    from mxnet.gluon import loss as gloss
    loss = gloss.SoftmaxCrossEntropyLoss()
    feats, labs = nd_array(features), nd_array(labels, dtype="int32")
    arrays = [nd_array(p) for p in params]
    for array in arrays:
        array.attach_grad()
    reply, trajectory = {"stopped": None}, []
    with judge_globals(ns, arrays):
        for rows in order:
            idx = nd.array(np.asarray(rows, dtype=np.int64), dtype="int64")
            X, y = feats.take(idx), labs.take(idx)
            with blamed("net"), autograd.record():
                batch_loss = loss(call_student(ns, "net", X), y).sum()
            stopped = backward_or_why(batch_loss, "net")
            if stopped:
                return dict(reply, stopped=stopped, **stacked(trajectory, PARAMS))
            for array in arrays:
                array[:] = array - float(lr) * array.grad / X.shape[0]
            trajectory.append([a.copy() for a in arrays])
    return dict(reply, **stacked(trajectory, PARAMS))
