"""softmax_gluon: scenarios — run in the student's process (students can read this file); they call the student's
net, loss and trainer on the judge's inputs and report plain values, never verdicts."""
from __future__ import annotations

from autograder.harness import (StudentCodeError, blamed, gluon_net, gluon_steps, lookup, nd_array, params_of,
                                restored_parameters, scenario)


def _shapes_known(net, X) -> None:
    """`nn.Dense(10)` learns its input size from the first batch (deferred initialisation): one forward pass
    on the judge's X, so the judge can set a weight of shape (10, 784). Its failure is reported by the call
    that follows, in the student's words."""
    try:
        with blamed("net"):
            net(nd_array(X))
    except StudentCodeError:
        pass


@scenario
def softmax_gluon_net(ns, X, weight=None, bias=None):
    """The harness's `gluon_net` (layers, output on X with the judge's weight and bias, parameters), after the
    input size is known."""
    _shapes_known(lookup(ns, "net"), X)
    return gluon_net(ns, "net", X, weight, bias)


@scenario
def softmax_gluon_train(ns, features, labels, order, weight, bias, batch_size):
    """The book's training step with the student's net, loss and trainer, from the judge's weight and bias,
    one step per row of `order` (the judge's batches, labels int32 as the DataLoader gives them); report
    weight and bias after every step for the judge to recompute."""
    net, loss, trainer = lookup(ns, "net"), lookup(ns, "loss"), lookup(ns, "trainer")
    feats, labs = nd_array(features), nd_array(labels, dtype="int32")
    _shapes_known(net, features[:1])
    with restored_parameters(net):
        with blamed("net"):
            params = params_of(net)
            for param, value in zip(params, (weight, bias)):
                param.set_data(nd_array(value).reshape(param.shape))
        return gluon_steps(net, loss, trainer, feats, labs, order, batch_size, params[:2], ("weight", "bias"))
