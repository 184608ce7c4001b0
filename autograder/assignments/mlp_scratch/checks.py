"""Checks for mlp_scratch: relu (values and gradient), net (the two-layer formula on images, reading the globals
W1, b1, W2, b2 at call time, differentiable in all four), and training the two on hidden image problems.

The notebook trains on D2L_DATA_LIMIT examples when graded, so nothing is graded from its own W1..b2: the
outcomes come from the judge's training of the student's relu and net, every step recomputed here.
"""
from __future__ import annotations

import numpy as np

from autograder.checks import check
from autograder.checks.expect import close, describe, fail, malformed_reply, numbers, replies_checked, shape, show
from autograder.checks.images import image_problem
from autograder.checks.trajectory import STEP_ATOL, STEP_RTOL, stopped_message, trajectory
from autograder.probes import StudentFailure

A = "mlp_scratch"
PARAMS = ("W1", "b1", "W2", "b2")


def relu(Z):
    return np.maximum(Z, 0)


def softmax(O):
    e = np.exp(O - O.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def forward(X, params):
    W1, b1, W2, b2 = params
    return relu(X.reshape(len(X), -1) @ W1 + b1) @ W2 + b2


def _relu_input(rng, size=(3, 4, 5)):
    """Values at least 0.05 from 0, so the gradient's kink is never in doubt."""
    X = rng.uniform(0.05, 2, size=size)
    return X * rng.choice([-1.0, 1.0], size=size)


@check(A, "relu", "values", points=1.5)
def relu_values(probe):
    X = _relu_input(np.random.default_rng(1))
    out, _ = probe.call("relu", X)
    out = numbers(out, function="relu")
    if close(out, relu(X)):
        return
    if out.size == X.size and close(out.reshape(X.shape), relu(X)):
        fail(f"relu returned shape {shape(out)} for X of shape {X.shape}: keep X's shape (elementwise)")
    if out.shape != X.shape:
        fail(f"relu returned shape {shape(out)} for X of shape {X.shape}; expected {X.shape}, elementwise")
    negative = X < 0
    if close(out, (X > 0).astype(np.float64)):
        fail("relu returned a mask (1 where X > 0, 0 elsewhere) instead of the values: max(X, 0) keeps the "
             "positive inputs as they are")
    if close(out[~negative], X[~negative]):
        slopes = out[negative] / X[negative]
        if np.allclose(slopes, slopes.mean(), rtol=1e-3) and abs(slopes.mean()) > 1e-6:
            fail(f"relu scales negative inputs by {slopes.mean():.3g} (a leaky ReLU) instead of zeroing them: "
                 "relu(x) = max(x, 0)")
    fail(f"relu returned {show(out)} for X = {show(X)}; expected max(X, 0) = {show(relu(X))}")


@check(A, "relu", "gradient", points=0.5)
def relu_gradient(probe):
    X = _relu_input(np.random.default_rng(2), size=(4, 6))
    try:
        reply = probe.run("call_grad", function="relu", args=[X], wrt=0)
    except StudentFailure as exc:
        if "computational graph" in exc.message or "inplace" in exc.message:
            fail("relu changes its input in place (X[:] = …), which autograd cannot record "
                 "inside net; return a new array, nd.maximum(X, 0)")
        fail(f"{exc.message} (differentiating relu under autograd.record())")
    grad = reply["grad"]
    if grad is None:
        fail("relu's result cannot be differentiated: compute it with NDArray operations (nd.maximum), not "
             "numpy, so autograd records it")
    expected = (X > 0).astype(np.float64)
    if close(grad, expected):
        return
    if close(grad, 0 * X):
        fail("relu's gradient is 0 everywhere: a comparison (X > 0) has no gradient, so relu must return "
             "values built from X, such as nd.maximum(X, 0) or (X > 0) * X")
    fail(f"relu's gradient is {show(grad)} for X = {show(X)}; expected 1 where X > 0 and 0 elsewhere: "
         f"{show(expected)}")


def judge_params(rng, hidden=256):
    """Weights large enough that about half the hidden units are active and relu's effect shows."""
    return [rng.normal(scale=0.05, size=(784, hidden)), rng.normal(scale=0.5, size=hidden),
            rng.normal(scale=0.2, size=(hidden, 10)), rng.normal(size=10)]


def _net(probe, X, params, weights=None):
    kwargs = {} if weights is None else {"weights": weights}
    reply = probe.run("mlp_scratch_net", X=X, params=params, **kwargs)
    return reply


@check(A, "net", "logits", points=1.5)
@replies_checked("net")
def net_logits(probe):
    """With the judge's W1, b1, W2, b2 set as the notebook's globals for the call and a trusted relu, on images
    (n, 1, 28, 28) as the DataLoader gives them."""
    rng = np.random.default_rng(3)
    X, params = rng.uniform(size=(5, 1, 28, 28)), judge_params(rng)
    out = numbers(_net(probe, X, params)["value"], function="net")
    W1, b1, W2, b2 = params
    flat = X.reshape(5, 784)
    expected = forward(X, params)
    if out.shape != (5, 10):
        fail(f"net returned shape {shape(out)} for images (5, 1, 28, 28); expected (5, 10), one score per class")
    if close(out, expected):
        return
    if close(out, (flat @ W1 + b1) @ W2 + b2):
        fail("net has no activation: without relu on the hidden layer, two linear layers are one linear model; "
             "H = relu(X·W1 + b1)")
    if close(out, relu(expected)):
        fail("net applies relu to the output layer too: the output is raw scores (the loss takes logits), "
             "only the hidden layer has the activation")
    if close(out, softmax(expected)):
        fail("net returns probabilities (a softmax of the scores): SoftmaxCrossEntropyLoss applies the softmax "
             "itself, so net must return the raw scores H·W2 + b2")
    fail(f"net returned {show(out[0])} for the first image with W1, b1, W2, b2 set by the grader; expected "
         f"relu(X·W1 + b1)·W2 + b2 = {show(expected[0])}: does net read the globals W1, b1, W2, b2?")


@check(A, "net", "follows_globals", points=1)
@replies_checked("net")
def net_follows_globals(probe):
    """The same images under two sets of globals, the second with 64 hidden units: the output must change with
    them (a net that closes over other arrays, a params list or default arguments gives the same output)."""
    rng = np.random.default_rng(4)
    X = rng.uniform(size=(3, 1, 28, 28))
    outs = []
    for params in (judge_params(rng), judge_params(rng, hidden=64)):
        try:
            outs.append(numbers(_net(probe, X, params)["value"], function="net"))
        except StudentFailure as exc:
            fail(f"{exc.message} (with globals W1 {params[0].shape}, b1 {params[1].shape}, W2 {params[2].shape}, "
                 f"b2 {params[3].shape} set by the grader)")
    if outs[0].shape == outs[1].shape and close(outs[0], outs[1]):
        fail("net gave the same output for two different sets of W1, b1, W2, b2: it does not read the globals "
             "when called (a list of parameters, default arguments or copies keep the old arrays); read W1, b1, "
             "W2, b2 inside net")


@check(A, "net", "gradient", points=0.5)
@replies_checked("net")
def net_gradient(probe):
    """Autograd must reach all four globals through net: the gradients of sum(net(X) * R) for a random R."""
    rng = np.random.default_rng(5)
    X, params = rng.uniform(size=(4, 1, 28, 28)), judge_params(rng, hidden=16)
    R = rng.normal(size=(4, 10))
    try:
        reply = _net(probe, X, params, weights=R)
    except StudentFailure as exc:
        fail(f"{exc.message} (differentiating net under autograd.record())")
    grads = reply["grads"]
    if grads is None:
        fail(f"net's output cannot be differentiated (net returned {describe(reply['value'])} that autograd did "
             "not record): compute it with NDArray operations, not numpy")
    grads = [numbers(g, function="net", what="gave a gradient of") for g in grads]
    out = numbers(reply["value"], function="net")
    W1, b1, W2, b2 = params
    flat = X.reshape(4, 784)
    Z = flat @ W1 + b1
    H = relu(Z)
    dZ = (R @ W2.T) * (Z > 0)
    expected = [flat.T @ dZ, dZ.sum(axis=0), H.T @ R, R.sum(axis=0)]
    dead = [name for name, g in zip(PARAMS, grads) if not np.any(g)]
    if dead:
        fail(f"net's output does not depend on {', '.join(dead)} as autograd sees it (zero gradient): compute "
             "with the globals through NDArray operations (no .asnumpy(), no copies)")
    if not close(out, forward(X, params)):
        return                         # a wrong formula is net.logits's to name; autograd reaches every global
    for name, g, e in zip(PARAMS, grads, expected):
        if not close(g, e, rtol=1e-3, atol=1e-5):
            fail(f"the gradient with respect to {name} through net is {show(g)}; expected {show(e)}: part of net "
                 "is computed outside autograd")


TRAIN_HIDDEN, TRAIN_LR, TRAIN_BATCH, TRAIN_EPOCHS = 32, 0.1, 100, 2     # 30 steps on 1500 hidden-problem images
HIDDEN_ACCURACY = 0.90            # a working pipeline reaches 1.0 on every one of 300 seeds tried
KINK = 1e-4                       # pre-activations this close to 0 (relative) may round to either side in float32


def mlp_sgd_step(params, X, y, lr):
    """One SGD step of the MLP with softmax cross-entropy averaged over the batch, in float64, and each
    parameter's slack: how far a step may differ because float32 rounds a pre-activation within KINK of 0 to
    the other side of relu's kink (which changes that unit's gradient, legitimately)."""
    W1, b1, W2, b2 = params
    Z = X @ W1 + b1
    H = relu(Z)
    G = softmax(H @ W2 + b2)
    G[np.arange(len(y)), y.astype(int)] -= 1
    G /= len(X)
    dH = G @ W2.T
    dZ = dH * (Z > 0)
    near = np.abs(Z) <= KINK * (np.abs(X) @ np.abs(W1) + np.abs(b1))
    dZ_near, H_near = np.abs(dH) * near, np.abs(Z) * near
    new = [W1 - lr * X.T @ dZ, b1 - lr * dZ.sum(axis=0), W2 - lr * H.T @ G, b2 - lr * G.sum(axis=0)]
    slack = [lr * np.abs(X).T @ dZ_near, lr * dZ_near.sum(axis=0), lr * H_near.T @ np.abs(G), np.zeros_like(b2)]
    return new, slack


def verify_mlp_steps(start, reported, batches, lr, what):
    """Like trajectory.verify_steps, with mlp_sgd_step's slack added to the tolerance of each element."""
    previous = [np.asarray(p, np.float64) for p in start]
    for k, params in enumerate(reported):
        params = [numbers(p, function=what, what="reported parameters as") for p in params]
        if len(params) != 4 or any(p.size != q.size for p, q in zip(params, previous)):
            fail(f"{what}: step {k + 1} reported parameters of sizes {[p.size for p in params]}; expected "
                 f"{[q.size for q in previous]}")
        params = [p.reshape(q.shape) for p, q in zip(params, previous)]
        if not all(np.isfinite(p).all() for p in params):
            fail(f"{what}: the parameters became nan or inf at step {k + 1}")
        expected, slack = mlp_sgd_step(previous, *batches(k), lr)
        for name, p, e, s in zip(PARAMS, params, expected, slack):
            if np.any(np.abs(p - e) > STEP_ATOL + STEP_RTOL * np.abs(e) + s):
                fail(f"{what}: after step {k + 1}, {name} is {show(p)}, but one correct step from the parameters "
                     f"before it on that batch gives {show(e)}")
        previous = params
    return previous


def _train_and_evaluate(probe, seed: int, what: str):
    """Train the student's relu and net from the judge's W1, b1, W2, b2 on the judge's batches (the book's
    SGD on the summed softmax cross-entropy); recompute every step and evaluate on the held-out split."""
    (X_train, y_train), (X_test, y_test) = image_problem(seed)
    rng = np.random.default_rng(seed + 1)
    order = np.concatenate([rng.permutation(len(X_train)) for _ in range(TRAIN_EPOCHS)]).reshape(-1, TRAIN_BATCH)
    start = [rng.normal(scale=0.01, size=(784, TRAIN_HIDDEN)), np.zeros(TRAIN_HIDDEN),
             rng.normal(scale=0.1, size=(TRAIN_HIDDEN, 10)), np.zeros(10)]
    X32 = X_train.astype(np.float32)
    reply = probe.run("mlp_scratch_train", features=X32, labels=y_train.astype(np.float64), order=order,
                      params=start, lr=TRAIN_LR)
    how = f"trained with your relu and net on {what}"
    flat = X32.reshape(len(X32), -1).astype(np.float64)
    with malformed_reply(how):
        if reply.get("stopped"):
            fail(f"{how}: {stopped_message(reply['stopped'])}")
        final = verify_mlp_steps([p.astype(np.float32) for p in start], trajectory(reply, PARAMS, len(order), how),
                                 lambda k: (flat[order[k]], y_train[order[k]]), TRAIN_LR, how)
    acc = float(np.mean(forward(X_test, final).argmax(axis=1) == y_test))
    if not acc >= HIDDEN_ACCURACY:
        fail(f"{how}, the model classifies {acc:.3f} of its held-out split correctly (computed by the grader); "
             f"expected at least {HIDDEN_ACCURACY}")


STUBS = ("relu", "net")


@check(A, None, "training", points=1, timeout=180, requires=STUBS)
def training(probe):
    _train_and_evaluate(probe, 6_000_001, "a fresh image problem")


@check(A, None, "hidden_data", points=1, hidden=True, timeout=180, requires=STUBS)
def hidden_data(probe):
    _train_and_evaluate(probe, 6_000_003 + probe.hidden_seed, "held-out data the notebook never saw")
