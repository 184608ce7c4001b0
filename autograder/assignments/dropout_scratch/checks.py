"""Checks for dropout_scratch: dropout (inverted, random, on X's context) and net (dropout only in training),
and a short training on a hidden problem whose every step the judge recomputes.

dropout is random, so its statistical checks count over tens of thousands of elements and accept what a
correct dropout gives with probability 1 - 1e-9 or more: each says its false-failure probability. A check
reruns the same seeded scenario on a regrade, so a verdict never changes between runs.
"""
from __future__ import annotations

import math

import numpy as np

from autograder.checks import check
from autograder.checks.expect import close, fail, malformed_reply, numbers, shape, show
from autograder.checks.trajectory import stopped_message, trajectory, verify_steps

A = "dropout_scratch"
Z_SAFE = 6.5        # P(|N(0,1)| > 6.5) = 8e-11: the binomial tolerances below use this many standard deviations
PARAMS = ("W1", "b1", "W2", "b2", "W3", "b3")


def binomial_slack(n: int, p: float) -> float:
    """Half-width (in counts) of the interval a Binomial(n, p) count falls in with probability > 1 - 1e-9
    (Z_SAFE standard deviations, the normal approximation being excellent for n p (1 - p) > 1000, plus one
    count for the discreteness)."""
    return Z_SAFE * math.sqrt(n * p * (1 - p)) + 1


def _call(probe, X, drop_prob, calls=1, device=0):
    reply = probe.run("dropout_calls", function="dropout", X=X, drop_prob=drop_prob, calls=calls, device=device)
    with malformed_reply("dropout"):
        outs = [numbers(out, function="dropout") for out in reply["outputs"]]
        return outs, reply


def _survivor_scale(out, X):
    """The factor the kept elements were multiplied by (nan if they disagree or none was kept)."""
    kept = out != 0
    if not kept.any():
        return float("nan")
    ratios = out[kept] / X[kept]
    return float(np.median(ratios)) if np.allclose(ratios, np.median(ratios), rtol=1e-4) else float("nan")


@check(A, "dropout", "values", points=1)
def dropout_values(probe):
    """Every element is either 0 or X / (1 - p), for an X of three dimensions (any shape works); X is left as
    it was. Deterministic: no tolerance on chance (all 6,000 elements dropped has probability 0.3^6000)."""
    rng = np.random.default_rng(11)
    X = rng.uniform(1, 2, size=(10, 20, 30))
    p = 0.3
    (out,), reply = _call(probe, X, p)
    if out.shape != X.shape:
        fail(f"dropout returned shape {shape(out)} for X of shape {X.shape}; keep X's shape (build the mask "
             "with X.shape)")
    if not np.isfinite(out).all():
        fail(f"dropout(X, {p}) returned nan or inf values: only divide by 1 - drop_prob")
    X32 = X.astype(np.float32).astype(np.float64)
    kept = out != 0
    if not kept.any():
        fail(f"dropout(X, {p}) zeroed every element; it should keep each with probability {1 - p}")
    scale = _survivor_scale(out, X32)
    if np.isclose(scale, 1, rtol=1e-4):
        fail(f"dropout(X, {p}) kept elements unchanged: inverted dropout scales the survivors by "
             f"1 / (1 - drop_prob) (here {1 / (1 - p):.4g}) so that the expected output equals X")
    if np.isclose(scale, 1 / p, rtol=1e-4):
        fail(f"dropout(X, {p}) scaled the survivors by 1 / drop_prob ({1 / p:.4g}); divide by the keep "
             f"probability 1 - drop_prob ({1 / (1 - p):.4g})")
    if np.isclose(scale, 1 - p, rtol=1e-4):
        fail(f"dropout(X, {p}) multiplied the survivors by 1 - drop_prob; divide by it instead")
    if not close(out[kept], X32[kept] / (1 - p)):
        fail(f"dropout(X, {p}) returned kept elements {show(out[kept])} for X {show(X32[kept])}; each kept "
             f"element should be X / (1 - drop_prob) = {show(X32[kept] / (1 - p))}")
    with malformed_reply("dropout"):
        after = numbers(reply["X_after"], function="dropout", what="left X as")
    if not close(after, X32):
        fail("dropout changed its input X in place: compute a new array (mask * X / keep_prob) and leave X as "
             "it was")


@check(A, "dropout", "drop_rate", points=1.5)
def dropout_drop_rate(probe):
    """The fraction of zeroed elements is drop_prob, for drop_prob 0.2 and 0.7 (so a swapped keep/drop
    probability shows), over 60,000 elements each. A correct dropout fails with probability below 2e-10
    (each count within binomial_slack: 6.5 standard deviations of Binomial(60000, p), both tails)."""
    X = np.random.default_rng(12).uniform(1, 2, size=(200, 300))
    n = X.size
    for p in (0.2, 0.7):
        (out,), _ = _call(probe, X, p)
        if out.shape != X.shape:
            fail(f"dropout returned shape {shape(out)} for X of shape {X.shape}; keep X's shape")
        zeros = int(np.sum(out == 0))
        if abs(zeros - n * p) <= binomial_slack(n, p):
            continue
        if abs(zeros - n * (1 - p)) <= binomial_slack(n, 1 - p):
            fail(f"dropout(X, {p}) zeroed {zeros / n:.3f} of the elements, about 1 - drop_prob: keep and drop "
                 f"are swapped; an element is dropped with probability drop_prob (keep it when a uniform "
                 f"draw is below keep_prob = 1 - drop_prob)")
        fail(f"dropout(X, {p}) zeroed {zeros} of {n} elements ({zeros / n:.3f}); expected about {p} of them "
             f"(between {(n * p - binomial_slack(n, p)) / n:.3f} and {(n * p + binomial_slack(n, p)) / n:.3f})")


@check(A, "dropout", "extremes", points=1)
def dropout_extremes(probe):
    """drop_prob = 1 drops everything (zeros, not the nan of 0 * X / 0); drop_prob = 0 returns X."""
    X = np.random.default_rng(13).normal(size=(4, 6))
    (out,), _ = _call(probe, X, 1.0)
    if np.isnan(out).any():
        fail("dropout(X, 1) returned nan: with keep_prob = 0, X / keep_prob divides 0 by 0; when drop_prob is 1 "
             "return zeros of X's shape (X.zeros_like())")
    if out.shape != X.shape or not np.all(out == 0):
        fail(f"dropout(X, 1) returned {show(out)}; with drop_prob 1 every element is dropped: zeros of X's shape")
    (out,), _ = _call(probe, X, 0.0)
    X32 = X.astype(np.float32).astype(np.float64)
    if not close(out, X32):
        fail(f"dropout(X, 0) returned {show(out)} for X = {show(X32)}; with drop_prob 0 nothing is dropped "
             "and the output is X")


@check(A, "dropout", "fresh_mask", points=1)
def dropout_fresh_mask(probe):
    """Two calls on the same X draw independent masks: they agree on an element with probability
    q = p² + (1 - p)² (0.5 for p = 0.5); a correct dropout's agreement count over 60,000 elements exceeds
    n q + binomial_slack with probability below 1e-10. The same mask twice agrees everywhere."""
    X = np.random.default_rng(14).uniform(1, 2, size=(200, 300))
    p, n = 0.5, X.size
    (first, second), _ = _call(probe, X, p, calls=2)
    if first.shape != X.shape or second.shape != X.shape:
        fail(f"dropout returned shapes {shape(first)} and {shape(second)} for X of shape {X.shape}")
    agree = int(np.sum((first == 0) == (second == 0)))
    q = p * p + (1 - p) * (1 - p)
    if agree == n:
        fail("dropout dropped exactly the same elements in two calls on the same X: draw a fresh random mask "
             "on every call (do not fix a seed or reuse a mask made once)")
    if agree > n * q + binomial_slack(n, q):
        fail(f"two calls of dropout(X, {p}) dropped the same elements at {agree / n:.3f} of the positions; "
             f"independent masks agree at about {q}: draw each call's mask afresh")


@check(A, "dropout", "context", points=1)
def dropout_context(probe):
    """X on mx.cpu(1): the result must live there too. MXNet runs an operator on mixed CPU contexts without
    complaint, so a mask made on the default context goes unnoticed on a CPU and breaks on a GPU."""
    X = np.random.default_rng(15).uniform(1, 2, size=(20, 30))
    (out,), reply = _call(probe, X, 0.5, device=1)
    with malformed_reply("dropout"):
        where = str(reply["contexts"][0])
    if where != "cpu(1)":
        fail(f"dropout(X, 0.5) with X on cpu(1) returned an array on {where}: make the mask on X's context "
             "(nd.random.uniform(0, 1, X.shape, ctx=X.context)); on a GPU a mask on another device fails")
    if out.shape != X.shape:
        fail(f"dropout returned shape {shape(out)} for X of shape {X.shape}; keep X's shape")


@check(A, "dropout", "gradient", points=0.5)
def dropout_gradient(probe):
    """The gradient of sum(dropout(X)) with respect to X is the mask scaled by 1/(1 - p): out / X element by
    element, from the same call. A mask applied in numpy leaves autograd nothing to differentiate."""
    X = np.random.default_rng(16).uniform(1, 2, size=(30, 40))
    reply = probe.run("call_grad", function="dropout", args=[X, 0.4], wrt=0)
    with malformed_reply("dropout"):
        grad, value = reply["grad"], reply["value"]
    if grad is None:
        fail("dropout's result cannot be differentiated: compute it with NDArray operations (no .asnumpy()), so "
             "autograd can follow it back to X")
    value = numbers(value, function="dropout")
    grad = numbers(grad, function="dropout", what="has a gradient of")
    X32 = X.astype(np.float32).astype(np.float64)
    if grad.shape != X.shape or value.shape != X.shape or not close(grad * X32, value):
        fail(f"the gradient of dropout's sum with respect to X is {show(grad)}; expected the call's own mask "
             "scaled by 1 / (1 - drop_prob) (1 / 0.6 where kept, 0 where dropped)")


# ---- net ----

NET_SIZES = (784, 48, 24, 10)          # other hidden sizes than the notebook's: net must read its globals
NET_PROBS = (0.3, 0.6)                 # other probabilities than the notebook's 0.2 and 0.5


def mlp_params(rng, sizes=NET_SIZES) -> dict:
    params = {}
    for i, (m, k) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{i}"] = rng.normal(scale=1 / math.sqrt(m), size=(m, k))
        params[f"b{i}"] = rng.normal(scale=0.1, size=(k,))
    return params


def keep_scale(U, p: float):
    """The judge's mask for draws U: 1 / (1 - p) where kept (U ≥ p, compared in float32 as in the student's
    process), 0 where dropped."""
    if p >= 1:
        return np.zeros_like(U)
    return (U.astype(np.float32) >= np.float32(p)) / (1 - p)


def mlp_forward(X, params, scales=(1.0, 1.0)):
    """Logits of the 784-h1-h2-10 MLP; `scales` multiply each hidden ReLU's output (dropout's masks)."""
    H = X.reshape(len(X), -1)
    for i in (1, 2):
        H = np.maximum(H @ params[f"W{i}"] + params[f"b{i}"], 0) * scales[i - 1]
    return H @ params["W3"] + params["b3"]


def draws(rng, *shape):
    """Uniform draws on a grid of odd thousandths, never equal to a probability with fewer decimals, so the
    float32 comparison U ≥ p in the student's process and here always agree."""
    return (rng.integers(0, 1000, size=shape) + 0.5) / 1000


def _net_reply(probe, X, params, uniforms, training):
    reply = probe.run("net_forward", function="net", X=X, params=params, drop_probs=list(NET_PROBS),
                      uniforms=uniforms, training=training)
    with malformed_reply("net"):
        return numbers(reply["value"], function="net"), reply["dropout_calls"]


def _net_setup(seed):
    rng = np.random.default_rng(seed)
    X = rng.uniform(size=(6, 1, 28, 28))
    params = mlp_params(rng)
    U = [draws(rng, 6, NET_SIZES[1]), draws(rng, 6, NET_SIZES[2])]
    return X, {k: v.astype(np.float32).astype(np.float64) for k, v in params.items()}, U


def _expect_shape(out):
    if out.shape != (6, 10):
        fail(f"net returned shape {shape(out)} for X of shape (6, 1, 28, 28) and W3 of shape "
             f"({NET_SIZES[2]}, 10); expected (6, 10): reshape X to (-1, num_inputs) and use the globals "
             "W1 … b3")


@check(A, "net", "prediction", points=1)
def net_prediction(probe):
    """Outside autograd.record() (prediction) net is the plain MLP: no dropout. Judged with the judge's W1 … b3
    (other hidden sizes) set as the notebook's globals for the call, dropout replaced by a trusted one."""
    X, params, U = _net_setup(21)
    out, calls = _net_reply(probe, X, params, U, training=False)
    _expect_shape(out)
    expected = mlp_forward(X, params)
    if close(out, expected, rtol=1e-3, atol=1e-4):
        return
    if calls and close(out, mlp_forward(X, params, [keep_scale(U[0], NET_PROBS[0]), keep_scale(U[1], NET_PROBS[1])]),
                       rtol=1e-3, atol=1e-4):
        fail("net applied dropout at prediction time (outside autograd.record()): drop only when "
             "autograd.is_training() is True")
    if calls:
        fail(f"net called dropout {len(calls)} time(s) at prediction time and returned {show(out[0])} for the "
             f"first example; expected the plain MLP's {show(expected[0])}: drop only when "
             "autograd.is_training()")
    fail(f"net returned {show(out[0])} for the first example at prediction time; expected "
         f"relu(relu(X·W1 + b1)·W2 + b2)·W3 + b3 = {show(expected[0])} with the globals W1 … b3")


@check(A, "net", "training", points=1.5)
def net_training(probe):
    """Under autograd.record() net applies dropout(H1, drop_prob1) after the first hidden ReLU and
    dropout(H2, drop_prob2) after the second. The masks come from the judge's draws, so the output is exact."""
    X, params, U = _net_setup(22)
    out, calls = _net_reply(probe, X, params, U, training=True)
    _expect_shape(out)
    p1, p2 = NET_PROBS
    expected = mlp_forward(X, params, [keep_scale(U[0], p1), keep_scale(U[1], p2)])
    if close(out, expected, rtol=1e-3, atol=1e-4):
        return
    if close(out, mlp_forward(X, params), rtol=1e-3, atol=1e-4):
        fail("net applied no dropout while training (under autograd.record()): call dropout(H1, drop_prob1) "
             "and dropout(H2, drop_prob2) after the hidden ReLUs when autograd.is_training()")
    if close(out, mlp_forward(X, params, [keep_scale(U[0], p2), keep_scale(U[1], p1)]), rtol=1e-3, atol=1e-4):
        fail("net used drop_prob2 after the first hidden layer and drop_prob1 after the second: the layer "
             "nearer the input takes drop_prob1")
    probs = [c[0] for c in calls if isinstance(c, list) and c]
    fail(f"while training, net returned {show(out[0])} for the first example; expected {show(expected[0])} "
         f"(dropout(relu(X·W1 + b1), drop_prob1), then dropout(relu(H1·W2 + b2), drop_prob2), then ·W3 + b3); "
         f"net called dropout {len(calls)} time(s)" + (f" with drop_prob {probs}" if probs else ""))


# ---- outcome: training on a hidden problem, every step recomputed ----

HIDDEN_SIZES = (784, 64, 32, 10)
HIDDEN_INIT = (0.01, 0.125, 0.18)   # weight scales: the book's 0.01 for the first layer, ~1/sqrt(fan-in) after
TRAIN_LR, TRAIN_BATCH, TRAIN_EPOCHS, N_TRAIN, N_TEST = 0.2, 50, 2, 600, 400
TRAIN_PROBS = (0.2, 0.5)
HIDDEN_ACCURACY = 0.90              # a correct net reaches 0.99 or more on these problems (measured on 20 seeds)


def hidden_problem(seed: int, classes=10):
    """Image-shaped data the notebook never sees: centred class prototypes plus noise, split into train and
    test. Centred pixels let 24 SGD steps learn it (Fashion-MNIST's [0, 1] pixels need many more)."""
    rng = np.random.default_rng(seed)
    prototypes = rng.normal(scale=0.5, size=(classes, 784))
    labels = rng.integers(0, classes, size=N_TRAIN + N_TEST)
    images = prototypes[labels] + rng.normal(size=(N_TRAIN + N_TEST, 784))
    images = images.reshape(-1, 1, 28, 28).astype(np.float32).astype(np.float64)
    return (images[:N_TRAIN], labels[:N_TRAIN]), (images[N_TRAIN:], labels[N_TRAIN:])


def initial_params(rng) -> dict:
    params = {}
    for i, scale in enumerate(HIDDEN_INIT, start=1):
        m, k = HIDDEN_SIZES[i - 1], HIDDEN_SIZES[i]
        params[f"W{i}"], params[f"b{i}"] = rng.normal(scale=scale, size=(m, k)), np.zeros(k)
    return {name: value.astype(np.float32) for name, value in params.items()}


def dropout_sgd_step(params, X, y, scales, lr):
    """One step of the book's training: summed softmax cross-entropy through the MLP with dropout's scales,
    SGD dividing by the batch size. `params` is [W1, b1, W2, b2, W3, b3] (float64)."""
    W1, b1, W2, b2, W3, b3 = params
    X = X.reshape(len(X), -1)
    Z1 = X @ W1 + b1
    D1 = np.maximum(Z1, 0) * scales[0]
    Z2 = D1 @ W2 + b2
    D2 = np.maximum(Z2, 0) * scales[1]
    logits = D2 @ W3 + b3
    P = np.exp(logits - logits.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    P[np.arange(len(y)), y.astype(int)] -= 1
    dZ2 = (P @ W3.T) * scales[1] * (Z2 > 0)
    dZ1 = (dZ2 @ W2.T) * scales[0] * (Z1 > 0)
    grads = [X.T @ dZ1, dZ1.sum(axis=0), D1.T @ dZ2, dZ2.sum(axis=0), D2.T @ P, P.sum(axis=0)]
    return [p - lr * g / len(X) for p, g in zip(params, grads)]


def train_and_evaluate(probe, seed: int, what: str):
    """Train the student's net (dropout: the judge's masks) from the judge's parameters on the judge's batches;
    recompute every step here and evaluate the final parameters on the problem's held-out split."""
    (X_train, y_train), (X_test, y_test) = hidden_problem(seed)
    rng = np.random.default_rng(seed + 1)
    order = np.concatenate([rng.permutation(N_TRAIN) for _ in range(TRAIN_EPOCHS)]).reshape(-1, TRAIN_BATCH)
    params = initial_params(rng)
    U1 = draws(rng, len(order), TRAIN_BATCH, HIDDEN_SIZES[1])
    U2 = draws(rng, len(order), TRAIN_BATCH, HIDDEN_SIZES[2])
    reply = probe.run("train_dropout_net", function="net", features=X_train, labels=y_train.astype(np.float64),
                      params=params, drop_probs=list(TRAIN_PROBS), order=order, uniforms1=U1, uniforms2=U2,
                      lr=TRAIN_LR)
    how = f"trained with your net on {what}"
    p1, p2 = TRAIN_PROBS
    with malformed_reply(how):
        if reply.get("stopped"):
            fail(f"{how}: {stopped_message(reply['stopped'])}")
        final = verify_steps([params[name] for name in PARAMS], trajectory(reply, PARAMS, len(order), how),
                             lambda k, previous: dropout_sgd_step(previous, X_train[order[k]], y_train[order[k]],
                                                                  [keep_scale(U1[k], p1), keep_scale(U2[k], p2)],
                                                                  TRAIN_LR), how)
    logits = mlp_forward(X_test, dict(zip(PARAMS, final)))
    acc = float(np.mean(logits.argmax(axis=1) == y_test))
    if not acc >= HIDDEN_ACCURACY:
        fail(f"{how}, the model classifies {acc:.3f} of its held-out split correctly (computed by the grader); "
             f"expected at least {HIDDEN_ACCURACY}")


STUBS = ("dropout", "net")


@check(A, None, "trains", points=1, timeout=180, requires=STUBS)
def trains(probe):
    """The notebook's own training is cut short when grading (DATA_LIMIT), so nothing is judged from it; this
    trains the notebook's net here, on a problem every notebook gets, and verifies each step."""
    train_and_evaluate(probe, 3_000_001, "a fresh problem")


@check(A, None, "hidden_data", points=1, hidden=True, timeout=180, requires=STUBS)
def hidden_data(probe):
    train_and_evaluate(probe, 3_000_003 + probe.hidden_seed, "held-out data the notebook never saw")
