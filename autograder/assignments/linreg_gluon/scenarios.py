"""linreg_gluon: scenarios — run in the student's process (students can read this file); they call the student's
functions on the judge's inputs and report plain values, never verdicts."""
from __future__ import annotations

import numpy as np

from autograder.harness import (backward_or_why, blamed, lookup, nd_array, params_of, restored_parameters, scenario,
                                stacked)


@scenario
def train_gluon(ns, features, labels, order, weight, bias, batch_size):
    """Train the student's net with their loss and trainer from the judge's weight and bias, one step per row
    of `order` (the example indices of that batch, chosen by the judge); report the parameters after every
    step so the judge can recompute each one."""
    from mxnet import autograd, init, nd
    net, loss, trainer = lookup(ns, "net"), lookup(ns, "loss"), lookup(ns, "trainer")
    feats, labs = nd_array(features), nd_array(labels)
    reply, trajectory = {"stopped": None}, []
    with restored_parameters(net):
        with blamed("net"):
            net.initialize(init.Normal(sigma=0.01), force_reinit=True)
            net(feats[:1])                   # Dense infers its input size on the first forward pass
            params = params_of(net)
            for param, value in zip(params, (weight, bias)):
                param.set_data(nd_array(value).reshape(param.shape))
        for rows in order:
            idx = nd.array(np.asarray(rows, dtype=np.int64), dtype="int64")
            X, y = feats.take(idx), labs.take(idx)
            with blamed("net/loss"):
                with autograd.record():
                    batch_loss = loss(net(X), y)
            stopped = backward_or_why(batch_loss, "loss")
            if stopped:
                return dict(reply, stopped=stopped, **stacked(trajectory, ("weight", "bias")))
            with blamed("trainer"):
                trainer.step(int(batch_size))
            trajectory.append([p.data().copy() for p in params[:2]])
    return dict(reply, **stacked(trajectory, ("weight", "bias")))
