"""dropout_scratch: scenarios — run in the student's process (students can read this file); they call the student's
functions on the judge's inputs and report plain values, never verdicts.

`net` reads the notebook's globals (num_inputs, W1 … b3, drop_prob1, drop_prob2), so the scenarios set those to the judge's
values for the call and put the notebook's back afterwards. Inside `net`, `dropout` is replaced by `JudgeMasks`:
a trusted dropout whose masks come from the judge's uniform draws, so the judge can recompute `net`'s output
and every training step exactly, and a wrong `dropout` costs only dropout's own checks.
"""
from __future__ import annotations

import numpy as np

from autograder.harness import (backward_or_why, blamed, call_student, lookup, nd_array, notebook_globals, plain,
                                scenario, stacked, type_name)

PARAMS = ("W1", "b1", "W2", "b2", "W3", "b3")


class JudgeMasks:
    """Trusted inverted dropout for `net`: its k-th call keeps the elements whose judge-chosen draw U_k is at
    least drop_prob and scales them by 1/(1 - drop_prob). It notes each call's drop_prob and shape (for the
    judge's wording only). A call it has no draws for, or of another shape (dropout on the input or on the
    scores), keeps every other element: a fixed mask the judge's reference never applies, so it shows."""

    def __init__(self, uniforms=()):
        self.reset(uniforms)

    def reset(self, uniforms) -> None:
        self.uniforms, self.calls = list(uniforms), []

    def __call__(self, X, drop_prob):
        from mxnet import nd
        k = len(self.calls)
        self.calls.append([float(drop_prob), list(X.shape)])
        if float(drop_prob) >= 1:
            return X.zeros_like()
        if k >= len(self.uniforms) or tuple(X.shape) != tuple(self.uniforms[k].shape):
            keep = (nd.arange(X.size, ctx=X.context) % 2 == 0).reshape(X.shape)
        else:
            keep = nd.array(self.uniforms[k], ctx=X.context) >= float(drop_prob)
        return keep * X / (1 - float(drop_prob))


@scenario
def dropout_calls(ns, function, X, drop_prob, calls=1, device=0):
    """Call dropout(X, drop_prob) `calls` times on one X that lives on mx.cpu(device); report every output, the
    context each lives on, and X afterwards."""
    import mxnet as mx
    from mxnet import nd
    array = nd.array(np.asarray(X), ctx=mx.cpu(int(device)), dtype="float32")
    outputs, contexts, result = [], [], None
    for _ in range(int(calls)):
        result = call_student(ns, function, array, drop_prob)
        contexts.append(str(getattr(result, "context", None)))
        outputs.append(plain(result))
    return {"outputs": outputs, "contexts": contexts, "type": type_name(result), "X_after": array.asnumpy()}


def _globals_for_net(params: dict, drop_probs, masks: JudgeMasks, arrays=None) -> dict:
    values = arrays if arrays is not None else {name: nd_array(params[name]) for name in PARAMS}
    first = values["W1"]
    return dict(values, num_inputs=int(first.shape[0]), drop_prob1=float(drop_probs[0]),
                drop_prob2=float(drop_probs[1]), dropout=masks)


@scenario
def net_forward(ns, function, X, params, drop_probs, uniforms, training):
    """net(X) with the judge's W1 … b3 and drop probabilities, dropout's masks drawn from `uniforms`; under
    autograd.record() (training) or not (prediction). Reports the output and the calls net made to dropout."""
    from mxnet import autograd
    masks = JudgeMasks(uniforms)
    with notebook_globals(ns, _globals_for_net(params, drop_probs, masks)):
        if training:
            with autograd.record():
                out = call_student(ns, function, nd_array(X))
        else:
            out = call_student(ns, function, nd_array(X))
    return {"value": plain(out), "type": type_name(out), "dropout_calls": masks.calls}


@scenario
def train_dropout_net(ns, function, features, labels, params, drop_probs, order, uniforms1, uniforms2, lr):
    """The book's training step (summed softmax cross-entropy, SGD dividing by the batch size) on the student's
    net from the judge's parameters, one step per row of `order`; step k draws dropout's masks from
    uniforms1[k], uniforms2[k]. Reports the parameters after every step for the judge to recompute."""
    from mxnet import autograd, gluon, nd
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    lookup(ns, function)
    feats, labs = nd_array(features), nd_array(labels)
    arrays = {name: nd_array(params[name]) for name in PARAMS}
    for array in arrays.values():
        array.attach_grad()
    masks, reply, trajectory = JudgeMasks(), {"stopped": None}, []
    with notebook_globals(ns, _globals_for_net(params, drop_probs, masks, arrays)):
        for k, rows in enumerate(order):
            idx = nd.array(np.asarray(rows, dtype=np.int64), dtype="int64")
            X, y = feats.take(idx), labs.take(idx)
            masks.reset([uniforms1[k], uniforms2[k]])
            with blamed(function):
                with autograd.record():
                    batch_loss = loss(ns[function](X), y).sum()
            stopped = backward_or_why(batch_loss, function)
            if stopped:
                return dict(reply, stopped=stopped, **stacked(trajectory, PARAMS))
            for name in PARAMS:
                array = arrays[name]
                array[:] = array - float(lr) * array.grad / X.shape[0]
            trajectory.append([arrays[name].copy() for name in PARAMS])
    return dict(reply, **stacked(trajectory, PARAMS))
