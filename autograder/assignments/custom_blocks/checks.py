"""Checks for custom_blocks: MySequential (registers children, applies them in order, initialises them),
CenteredLayer (x - x.mean()) and MyDense (parameters registered with self.params.get, relu(x·W + b), updated
by a Trainer).

The classes are instantiated in the student's process with the judge's arguments; Dense layers inside them
are trusted `nn.Dense` holding the judge's weights, so every output is compared with a float64 reference here.

No outcome: nothing trains in this lesson, and what a training of these blocks would show — a Trainer
updating MyDense's parameters by the right amount — is checked directly (MyDense.trainer_step, two SGD
steps recomputed here), without spending seconds on a longer run.
"""
from __future__ import annotations

import contextlib

import numpy as np

from autograder.checks import check
from autograder.student_errors import reported
from autograder.checks.expect import close, fail, malformed_reply, numbers, shape, show
from autograder.probes import StudentFailure

A = "custom_blocks"
NO_SUPER = ("{name}'s __init__ did not call super().__init__(**kwargs) (Gluon reports the missing '{attr}'): "
            "call it first in __init__, so that nn.Block sets up the children and parameters")


@contextlib.contextmanager
def super_init_named(name: str):
    """A Block whose __init__ skipped super().__init__ fails inside Gluon with an AttributeError about one of
    Block's private attributes; say what to do instead of quoting it."""
    try:
        yield
    except StudentFailure as exc:
        if exc.ename == "AttributeError" and "has no attribute '_" in exc.evalue:
            attr = exc.evalue.split("has no attribute '", 1)[1].split("'", 1)[0]
            fail(NO_SUPER.format(name=name, attr=attr))
        raise


def relu(Z):
    return np.maximum(Z, 0)


def f32(*arrays):
    out = tuple(np.asarray(a, np.float64).astype(np.float32).astype(np.float64) for a in arrays)
    return out if len(out) > 1 else out[0]


# ---- MySequential ----

def _book_layers(rng, n_in=20):
    """The book's MySequential example: Dense(256, relu) then Dense(10), here with the judge's weights."""
    W1, b1 = f32(rng.normal(scale=0.2, size=(n_in, 256)), rng.normal(scale=0.1, size=256))
    W2, b2 = f32(rng.normal(scale=0.1, size=(256, 10)), rng.normal(scale=0.1, size=10))
    return [[W1, b1, "relu"], [W2, b2, ""]]


def _sequential(probe, layers, X):
    with super_init_named("MySequential"):
        reply = probe.run("sequential_forward", function="MySequential", layers=layers, X=X)
    with malformed_reply("MySequential"):
        return numbers(reply["value"], function="MySequential"), dict(reply["params"])


def _reference(layers, X):
    for W, b, activation in layers:
        X = X @ W + b
        X = relu(X) if activation == "relu" else X
    return X


@check(A, "MySequential", "forward", points=1)
def sequential_forward(probe):
    """A MySequential of Dense(256, relu), Dense(10) computes what nn.Sequential does (the book's example)."""
    rng = np.random.default_rng(31)
    layers, X = _book_layers(rng), f32(rng.uniform(size=(2, 20)))
    out, _ = _sequential(probe, layers, X)
    expected = _reference(layers, X)
    if out.shape != expected.shape:
        fail(f"a MySequential of Dense(256, activation='relu') and Dense(10) returned shape {shape(out)} for X of "
             f"shape (2, 20); nn.Sequential returns (2, 10): forward must pass x through every child in turn")
    if not close(out, expected, rtol=1e-3, atol=1e-4):
        fail(f"a MySequential of Dense(256, activation='relu') and Dense(10) returned {show(out[0])} for the first "
             f"example; nn.Sequential with the same layers returns {show(expected[0])}")


@check(A, "MySequential", "order", points=1)
def sequential_order(probe):
    """Three square layers that do not commute: the output shows the order they were applied in."""
    rng = np.random.default_rng(32)
    layers = [[*f32(rng.normal(size=(4, 4)), rng.normal(size=4)), act] for act in ("relu", "", "relu")]
    X = f32(rng.normal(size=(3, 4)))
    out, _ = _sequential(probe, layers, X)
    expected = _reference(layers, X)
    if close(out, expected, rtol=1e-3, atol=1e-4):
        return
    if close(out, _reference(layers[::-1], X), rtol=1e-3, atol=1e-4):
        fail("MySequential applied its children last-added first: forward must apply them in the order they "
             "were added")
    for k, layer in enumerate(layers):
        if close(out, _reference([layer], X), rtol=1e-3, atol=1e-4):
            fail(f"MySequential's output is child {k + 1}'s alone applied to x: forward must feed each child's "
                 "output to the next (x = block(x) in the loop) and return the last one")
    fail(f"a MySequential of three layers returned {show(out[0])} for the first example; applying them in the "
         f"order added gives {show(expected[0])}")


@check(A, "MySequential", "registers_children", points=1.5)
def sequential_registers_children(probe):
    """collect_params() sees every child's parameters, and net.initialize() initialises children added
    before it: both need the children registered with the Block (not kept in a plain list or dict)."""
    rng = np.random.default_rng(33)
    layers = [[*f32(rng.normal(size=(6, 6)), rng.normal(size=6)), act] for act in ("relu", "")]
    X = f32(rng.uniform(size=(2, 6)))
    _, params = _sequential(probe, layers, X)
    shapes = sorted(tuple(s) for s in params.values())
    expected = sorted([(6, 6), (6,), (6, 6), (6,)])
    if not params:
        fail("MySequential.collect_params() sees no parameters of its children: they are kept where Gluon cannot "
             "see them (a plain list or dict); register each child (self._children[block.name] = block, or "
             "self.register_child(block)) so collect_params() and initialize() reach it")
    if shapes != expected:
        fail(f"MySequential.collect_params() sees parameters of shapes {shapes} for two children Dense(6) on 6 "
             f"inputs; expected {expected}: register every child added")
    with super_init_named("MySequential"):
        reply = probe.run("sequential_initialize", function="MySequential", X=X)
    with malformed_reply("MySequential"):
        if reply["error"] and "initializ" in reply["error"]:
            fail(f"net.initialize() did not initialise the children added to MySequential (its forward pass then "
                 f"raised {reported(reply['error'])[:120]}): register each child with the Block")


# ---- CenteredLayer ----

def _centered(probe, X):
    with super_init_named("CenteredLayer"):
        reply = probe.run("block_forward", function="CenteredLayer", args=[], kwargs={}, X=X, values={})
    with malformed_reply("CenteredLayer"):
        return numbers(reply["value"], function="CenteredLayer")


@check(A, "CenteredLayer", "values", points=1.5)
def centered_values(probe):
    """The book's example [1, 2, 3, 4, 5] → [-2, -1, 0, 1, 2], then a matrix: the mean is over all elements."""
    out = _centered(probe, np.arange(1.0, 6.0))
    if not close(out, np.arange(-2.0, 3.0)):
        fail(f"CenteredLayer()(nd.array([1, 2, 3, 4, 5])) returned {show(out)}; expected [-2, -1, 0, 1, 2] "
             "(x - x.mean())")
    X = f32(np.random.default_rng(34).normal(loc=3, size=(4, 6)))
    out = _centered(probe, X)
    expected = X - X.mean()
    if close(out, expected):
        return
    if out.shape != X.shape:
        fail(f"CenteredLayer returned shape {shape(out)} for x of shape {X.shape}; keep x's shape")
    if close(out, X - X.mean(axis=0, keepdims=True)):
        fail("CenteredLayer subtracted each column's mean (axis=0): subtract the mean of all elements, "
             "x - x.mean()")
    if close(out, X - X.mean(axis=1, keepdims=True)):
        fail("CenteredLayer subtracted each row's mean (axis=1): subtract the mean of all elements, x - x.mean()")
    fail(f"CenteredLayer returned {show(out)} for a (4, 6) matrix; expected x - x.mean() = {show(expected)}")


@check(A, "CenteredLayer", "in_network", points=1)
def centered_in_network(probe):
    """After a Dense layer inside nn.Sequential (the book's use): the whole output has mean 0."""
    rng = np.random.default_rng(35)
    W, b, X = f32(rng.normal(size=(5, 8)), rng.normal(loc=2, size=8), rng.uniform(size=(4, 5)))
    with super_init_named("CenteredLayer"):
        reply = probe.run("block_in_sequential", function="CenteredLayer", W=W, b=b, X=X)
    with malformed_reply("CenteredLayer"):
        out = numbers(reply["value"], function="CenteredLayer")
    Y = X @ W + b
    if not close(out, Y - Y.mean(), rtol=1e-3, atol=1e-4):
        fail(f"nn.Sequential of Dense(8) and CenteredLayer() returned {show(out[0])} for the first example; "
             f"expected the Dense output minus its overall mean, {show((Y - Y.mean())[0])}")


# ---- MyDense ----

def _dense_values(rng, in_units, units):
    return {"weight": f32(rng.normal(size=(in_units, units))), "bias": f32(rng.normal(size=units))}


def _dense_param_shapes(params):
    by_suffix = {}
    for name, s in params.items():
        by_suffix[name.rsplit("_", 1)[-1]] = tuple(s)
    return by_suffix


@check(A, "MyDense", "parameters", points=1.5)
def dense_parameters(probe):
    """MyDense(3, in_units=5): collect_params() sees exactly `weight` (5, 3) and `bias` (3,) — the book's example —
    and MyDense(2, in_units=7) weight (7, 2), bias (2,): the shapes follow the arguments."""
    for units, in_units in ((3, 5), (2, 7)):
        with super_init_named("MyDense"):
            reply = probe.run("block_params", function="MyDense", args=[units], kwargs={"in_units": in_units})
        with malformed_reply("MyDense"):
            seen = _dense_param_shapes(dict(reply["params"]))
        if not seen:
            fail(f"MyDense({units}, in_units={in_units}).collect_params() is empty: create weight and bias with "
                 "self.params.get('weight', shape=...) so Gluon (initialize, collect_params, a Trainer) sees them")
        if set(seen) != {"weight", "bias"}:
            fail(f"MyDense({units}, in_units={in_units}) registers parameters {sorted(seen)}; expected exactly "
                 "'weight' and 'bias' (self.params.get('weight', ...), self.params.get('bias', ...))")
        if seen["weight"] == (units, in_units) and units != in_units:
            fail(f"MyDense({units}, in_units={in_units})'s weight has shape {seen['weight']}, i.e. (units, in_units); "
                 f"this layer computes x·weight, so its weight is (in_units, units) = {(in_units, units)}")
        if seen["weight"] != (in_units, units) or seen["bias"] != (units,):
            fail(f"MyDense({units}, in_units={in_units}) has weight {seen['weight']} and bias {seen['bias']}; "
                 f"expected weight {(in_units, units)} and bias {(units,)}")


@check(A, "MyDense", "forward", points=1.5)
def dense_forward(probe):
    """relu(x·weight + bias) with the judge's weight and bias set on the registered parameters."""
    rng = np.random.default_rng(36)
    values, X = _dense_values(rng, 5, 3), f32(rng.normal(size=(4, 5)))
    with super_init_named("MyDense"):
        reply = probe.run("block_forward", function="MyDense", args=[3], kwargs={"in_units": 5}, X=X,
                          values=values)
    with malformed_reply("MyDense"):
        out = numbers(reply["value"], function="MyDense")
        registered = bool(reply["params"])
    Z = X @ values["weight"] + values["bias"]
    if close(out, relu(Z)):
        return
    if not registered:
        fail("MyDense's parameters are not registered (collect_params() is empty), so the grader could not set "
             "them: create weight and bias with self.params.get and use weight.data() and bias.data() in forward")
    if out.shape != Z.shape:
        fail(f"MyDense(3, in_units=5) returned shape {shape(out)} for x of shape (4, 5); expected (4, 3)")
    if close(out, Z):
        fail("MyDense returned x·weight + bias without the ReLU: return relu(x·weight + bias)")
    if close(out, relu(X @ values["weight"])):
        fail("MyDense left out the bias: return relu(x·weight + bias)")
    fail(f"MyDense(3, in_units=5) returned {show(out[0])} for the first example with the grader's weight and bias; "
         f"expected relu(x·weight + bias) = {show(relu(Z)[0])}")


TRAIN_LR = 0.1


@check(A, "MyDense", "trainer_step", points=1)
def dense_trainer_step(probe):
    """Two steps of gluon.Trainer(net.collect_params(), 'sgd') on sum(MyDense(x)) move weight and bias by
    exactly lr times their gradient (recomputed here): the parameters are the ones Gluon trains."""
    rng = np.random.default_rng(37)
    values, X = _dense_values(rng, 5, 3), f32(rng.normal(size=(6, 5)))
    with super_init_named("MyDense"):
        reply = probe.run("block_trainer_steps", function="MyDense", args=[3], kwargs={"in_units": 5}, X=X,
                          values=values, lr=TRAIN_LR, steps=2)
    with malformed_reply("MyDense"):
        after = list(reply["after"])
        if not after:
            fail("a Trainer over MyDense's collect_params() has nothing to update: create weight and bias with "
                 "self.params.get, so that training changes them")
        W, b = values["weight"], values["bias"]
        for k, step in enumerate(after):
            active = (X @ W + b > 0).astype(np.float64)
            W, b = W - TRAIN_LR * X.T @ active, b - TRAIN_LR * active.sum(axis=0)
            got_W = numbers(step.get("weight"), function="MyDense", what="has a weight of")
            got_b = numbers(step.get("bias"), function="MyDense", what="has a bias of")
            if got_W.shape == W.T.shape and W.shape[0] != W.shape[1]:
                got_W = got_W.T          # registered transposed: the parameters check's business, not this one's
            if not (close(got_W, W, rtol=1e-3, atol=1e-4) and close(got_b.reshape(-1), b, rtol=1e-3, atol=1e-4)):
                fail(f"after trainer step {k + 1} MyDense's weight is {show(got_W)}; one SGD step on sum(relu(x·W + "
                     f"b)) gives {show(W)}: forward must compute with weight.data() and bias.data() of the "
                     "registered parameters so their gradients reach the Trainer")
