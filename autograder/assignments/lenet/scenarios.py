"""lenet: scenarios — run in the student's process (students can read this file); they call the student's
functions on the judge's inputs and report plain values (and where arrays lived), never verdicts.

Contexts: MXNet lets `mx.cpu(1)` stand for a second device on a CPU-only machine, and it does NOT refuse an
operator whose inputs live on different contexts. So nothing fails when data is left on the wrong device;
these scenarios record where the arrays a net receives live, and the judge decides."""
from __future__ import annotations

import contextlib
import io

import numpy as np

from autograder.harness import (blamed, call_student, lookup, nd_array, params_of, plain, restored_parameters,
                                scenario, stand_in, stand_ins)


def _context(spec):
    import mxnet as mx
    kind, index = spec
    return mx.Context(str(kind), int(index))


def _spec(ctx) -> list:
    return [ctx.device_type, int(ctx.device_id)]


@stand_in("evaluate_accuracy")
def reference_evaluate_accuracy(data_iter, net, ctx):
    """The trusted evaluate_accuracy train_ch5 is judged with, so a wrong one costs only its own checks."""
    correct, n = 0.0, 0
    for X, y in data_iter:
        X, y = X.as_in_context(ctx), y.as_in_context(ctx).astype("float32")
        correct += (net(X).argmax(axis=1) == y).sum().asscalar()
        n += y.size
    return correct / n


def _batches(features, labels, batch_size, label_dtype):
    """The judge's examples in order (no shuffling), as (X, y) NDArrays on cpu(0), like a DataLoader's."""
    X, y = nd_array(features), nd_array(labels, dtype=label_dtype)
    return [(X[i:i + batch_size], y[i:i + batch_size]) for i in range(0, len(features), batch_size)]


class _Recorder:
    """Remembers the context of every input a net receives; `training` tells recorded training calls apart."""

    def __init__(self):
        self.contexts, self.training_contexts = [], []

    def saw(self, X):
        from mxnet import autograd
        spec = _spec(X.context)
        (self.training_contexts if autograd.is_recording() else self.contexts).append(spec)


def _linear_net(W, b, ctx, recorder):
    """A fixed linear classifier as a plain callable, computing where its weights live (ctx)."""
    from mxnet import nd
    W, b = nd_array(W).as_in_context(ctx), nd_array(b).as_in_context(ctx)

    def net(X):
        recorder.saw(X)
        return nd.dot(X.reshape((X.shape[0], -1)).as_in_context(ctx), W, transpose_b=True) + b
    return net


@scenario
def evaluate(ns, features, labels, batch_size, W, b, ctx, label_dtype="float32"):
    """The student's evaluate_accuracy over the judge's batches with a fixed linear classifier whose weights live
    on `ctx`; report what it returned and the contexts of the inputs the classifier received."""
    ctx, recorder = _context(ctx), _Recorder()
    data = _batches(features, labels, int(batch_size), label_dtype)
    with contextlib.redirect_stdout(io.StringIO()):
        result = call_student(ns, "evaluate_accuracy", data, _linear_net(W, b, ctx, recorder), ctx)
    return {"value": plain(result), "type": type(result).__name__, "contexts": recorder.contexts}


def _small_net(num_inputs, num_outputs, recorder):
    """A Dense classifier whose forward reports where its inputs live: train_ch5 must train any net."""
    from mxnet.gluon import nn

    class Recorded(nn.Block):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.flatten_dense = nn.Dense(num_outputs, in_units=num_inputs)

        def forward(self, x):
            recorder.saw(x)
            return self.flatten_dense(x.reshape((x.shape[0], -1)))

    return Recorded()


class _StepLog:
    """Wraps a Trainer's step: the parameters after each step and the batch size it was given."""

    def __init__(self, trainer, params):
        self.trainer, self.params, self.after, self.sizes = trainer, params, [], []
        original = trainer.step

        def step(batch_size, ignore_stale_grad=False):
            original(batch_size, ignore_stale_grad=ignore_stale_grad)
            self.sizes.append(float(batch_size))
            self.after.append([p.data(p.list_ctx()[0]).asnumpy() for p in self.params])
        trainer.step = step


@scenario
def train(ns, features, labels, test_features, test_labels, batch_size, W0, b0, lr, num_epochs, ctx,
          evaluate_with="reference"):
    """The notebook's training cell on the judge's problem: a small Dense net first initialised on cpu(0), then
    re-initialised on `ctx` (the book's `force_reinit=True, ctx=ctx`) and set to the judge's W0, b0; a plain
    SGD Trainer at `lr`; the student's train_ch5 on the judge's batches (in order, cpu(0) arrays, int32 labels
    as the course's DataLoader gives). Reports the parameters after every trainer.step, the batch sizes passed
    to it, the contexts the net's inputs and parameters had, and `evaluate_accuracy` on the test split."""
    import mxnet as mx
    from mxnet import gluon, init
    ctx, recorder = _context(ctx), _Recorder()
    net = _small_net(W0.shape[1], W0.shape[0], recorder)
    net.initialize(init.Normal(0.01), ctx=mx.cpu(0))
    net.initialize(init.Normal(0.01), force_reinit=True, ctx=ctx)
    params = params_of(net)
    params[0].set_data(nd_array(W0).as_in_context(ctx))
    params[1].set_data(nd_array(b0).as_in_context(ctx))
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": float(lr)})
    log = _StepLog(trainer, params)
    train_iter = _batches(features, labels, int(batch_size), "int32")
    test_iter = _batches(test_features, test_labels, int(batch_size), "int32")
    isolate = ["evaluate_accuracy"] if evaluate_with == "reference" else []
    with contextlib.redirect_stdout(io.StringIO()), stand_ins(ns, isolate):
        call_student(ns, "train_ch5", net, train_iter, test_iter, int(batch_size), trainer, ctx, int(num_epochs))
        test_acc = None
        if evaluate_with == "student":
            result = call_student(ns, "evaluate_accuracy", test_iter, net, ctx)
            test_acc = plain(result)
    param_contexts = [[_spec(c) for c in p.list_ctx()] for p in params]
    steps = len(log.after)
    return {"W": np.stack([a[0] for a in log.after]) if steps else None,
            "b": np.stack([a[1] for a in log.after]) if steps else None,
            "sizes": log.sizes, "training_contexts": recorder.training_contexts,
            "param_contexts": param_contexts,
            "final": [p.data(p.list_ctx()[0]).asnumpy() for p in params], "test_acc": test_acc}


@scenario
def lenet_forward(ns, X, params):
    """The student's `net` on X (N, 1, 28, 28), layer by layer, with the judge's parameter values set in the order
    net.collect_params() lists them (where the shapes fit; the notebook's own values are restored afterwards).
    Reports each child's type and output shape, every parameter's shape, and the output."""
    from mxnet import init
    net = lookup(ns, "net")
    X = nd_array(X)
    with blamed("net"):
        try:
            params_of(net)[0].data()
        except Exception:      # noqa: BLE001 - not initialised yet: the notebook initialises it later
            net.initialize(init.Xavier())
    reply = {"type": type(net).__name__, "layers": [], "param_shapes": [], "output": None}
    with restored_parameters(net):
        with blamed("net"):
            ctx = params_of(net)[0].list_ctx()[0] if params_of(net) else X.context
            X = X.as_in_context(ctx)
            net(X)               # deferred shapes become known
            found = params_of(net)
            reply["param_shapes"] = [list(p.shape) for p in found]
            for p, value in zip(found, params):
                if tuple(p.shape) == tuple(np.shape(value)):
                    p.set_data(nd_array(value).as_in_context(ctx))
            out = X
            for child in getattr(net, "_children", {}).values():
                out = child(out)
                reply["layers"].append({"type": type(child).__name__, "shape": list(out.shape)})
            reply["output"] = plain(net(X))
    return reply
