"""softmax_scratch: scenarios — run in the student's process (students can read this file); they call the student's
functions on the judge's inputs and report plain values, never verdicts."""
from __future__ import annotations

import numpy as np

from autograder.harness import backward_or_why, call_student, nd_array, scenario, stacked, stand_in


@stand_in("softmax")
def reference_softmax(X):
    """The trusted softmax `net` is judged with, so a wrong softmax costs only softmax's own checks."""
    e = (X - X.max(axis=1, keepdims=True)).exp()
    return e / e.sum(axis=1, keepdims=True)


@scenario
def train_softmax(ns, features, labels, W0, b0, order, lr):
    """Mini-batch SGD (the book's, here) on the student's net and cross_entropy, from the judge's W0, b0, one
    step per row of `order` (the judge's batches); report W, b after every step for the judge to recompute."""
    from mxnet import autograd, nd
    feats, labs = nd_array(features), nd_array(labels)
    W, b = nd_array(W0), nd_array(b0)
    W.attach_grad()
    b.attach_grad()
    reply, trajectory = {"stopped": None}, []
    for rows in order:
        idx = nd.array(np.asarray(rows, dtype=np.int64), dtype="int64")
        X, y = feats.take(idx), labs.take(idx)
        with autograd.record():
            loss = call_student(ns, "cross_entropy", call_student(ns, "net", X, W, b), y)
        stopped = backward_or_why(loss, "cross_entropy")
        if stopped:
            return dict(reply, stopped=stopped, **stacked(trajectory, ("W", "b")))
        for param in (W, b):
            param[:] = param - float(lr) * param.grad / X.shape[0]
        trajectory.append([W.copy(), b.copy()])
    return dict(reply, **stacked(trajectory, ("W", "b")))
