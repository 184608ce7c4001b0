"""conv_basics: scenarios — run in the student's process (students can read this file); they call the student's
functions on the judge's inputs and report plain values, never verdicts."""
from __future__ import annotations

import numpy as np

from autograder.harness import blamed, call_student, nd_array, scenario, stacked, stand_in


@stand_in("corr2d")
def reference_corr2d(X, K):
    """The trusted corr2d the multi-channel stubs are judged with, so a wrong corr2d costs only its own checks."""
    from mxnet import nd
    h, w = K.shape
    Y = nd.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i: i + h, j: j + w] * K).sum()
    return Y


@stand_in("corr2d_multi_in")
def reference_corr2d_multi_in(X, K):
    from mxnet import nd
    return nd.add_n(*[reference_corr2d(x, k) for x, k in zip(X, K)])


@scenario
def learn_kernel(ns, X, K, weight, lr, steps):
    """The notebook's section 5.1 experiment on the judge's image: labels Y = corr2d(X, K) from the student's
    corr2d, then a fresh nn.Conv2D(1, kernel_size=K.shape) without bias update, started from the judge's
    `weight`, trained by `steps` steps of `weight -= lr * grad` on the summed squared error. Reports the weight
    after every step; the judge recomputes each step with its own labels."""
    from mxnet import autograd
    from mxnet.gluon import nn
    Y = call_student(ns, "corr2d", nd_array(X), nd_array(K))
    y_shape = [int(s) for s in getattr(Y, "shape", ())]
    if y_shape != [X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1] or not hasattr(Y, "reshape"):
        return {"y_shape": y_shape, "weight": None}
    with blamed("corr2d"):
        Y = nd_array(Y.asnumpy() if hasattr(Y, "asnumpy") else np.asarray(Y, np.float64))
        Y = Y.reshape((1, 1) + tuple(y_shape))
    conv2d = nn.Conv2D(1, kernel_size=tuple(int(s) for s in K.shape))
    conv2d.initialize()
    X4 = nd_array(X).reshape((1, 1) + tuple(X.shape))
    conv2d(X4)
    conv2d.weight.set_data(nd_array(weight).reshape(conv2d.weight.shape))
    trajectory = []
    for _ in range(int(steps)):
        with autograd.record():
            loss = (conv2d(X4) - Y) ** 2
        loss.backward()
        conv2d.weight.data()[:] -= float(lr) * conv2d.weight.grad()
        trajectory.append([conv2d.weight.data().copy()])
    return dict(stacked(trajectory, ("weight",)), y_shape=y_shape)
