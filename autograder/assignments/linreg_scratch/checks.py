"""Checks for linreg_scratch: data_iter, net, square_loss, SGD, and the learned parameters."""
from __future__ import annotations

import numpy as np

from autograder.checks import check
from autograder.checks.expect import (PARAM_TOLERANCE, TRUE_B, TRUE_W, close, describe, fail, hidden_linear_model,
                                      malformed_reply, numbers, param_error, replies_checked, same_values, shape,
                                      show)
from autograder.checks.trajectory import RowIndex, linear_sgd_step, stopped_message, trajectory, verify_steps

A = "linreg_scratch"
LOSS_LIMIT = 1e-4


# ---- data_iter: random examples (nothing marks them as probe data), matched back by value ----

N_EXAMPLES, BATCH_SIZES = 53, (10, 7)
SUCCESSION_LIMIT = 10


def _probe_data(rng):
    features = rng.normal(size=(N_EXAMPLES, 2))
    return features, features @ TRUE_W + TRUE_B + rng.normal(scale=0.01, size=N_EXAMPLES)


def _passes(probe, batch_size):
    """Two passes of data_iter over the probe data: per pass a list of (example ids, labels) per batch."""
    features, labels = _probe_data(np.random.default_rng(7))
    reply = probe.run("iterate_batches", function="data_iter", batch_size=batch_size, features=features,
                      labels=labels, passes=2)
    with malformed_reply("data_iter"):
        return _decode_passes(reply, features, labels, batch_size)


def _decode_passes(reply, features, labels, batch_size):
    if reply.get("cut_off"):
        limits = reply["cut_off"]
        fail(f"data_iter yielded more than {int(limits['batches'])} batches or {int(limits['rows'])} rows "
             f"in one pass over {N_EXAMPLES} examples with batch_size {batch_size}: one pass yields each "
             "example once, then stops")
    index = RowIndex(features)
    passes = []
    for batches in reply["passes"]:
        decoded = []
        for batch in batches:
            if len(batch) != 2:
                fail(f"data_iter yielded {describe(batch)} per batch; yield a pair (X, y)")
            X = numbers(batch[0], function="data_iter", what="yielded features as")
            y = numbers(batch[1], function="data_iter", what="yielded labels as")
            if X.ndim != 2 or X.shape[1] != features.shape[1]:
                fail(f"data_iter yielded X of shape {shape(X)} for features of shape {features.shape}: "
                     "take whole rows of the features it was given (features.take(j))")
            if y.size != X.shape[0]:
                fail(f"data_iter yielded {X.shape[0]} feature rows with {y.size} labels in one batch")
            decoded.append((index.ids(X), y.reshape(-1)))
        if not decoded:
            fail(f"data_iter yielded nothing for {N_EXAMPLES} examples and batch_size {batch_size}")
        passes.append(decoded)
    return passes, np.asarray(labels, np.float32)


def _ids(batches) -> np.ndarray:
    return np.concatenate([ids for ids, _ in batches])


def every_example_once(ids: np.ndarray, n: int, batch_size: int, who: str = "data_iter"):
    """Fail unless `ids` (one pass, -1 for unknown rows) holds each of 0..n-1 exactly once. O(n)."""
    if (ids < 0).any():
        fail(f"{who} yielded rows that are not in the features it was given: does it read a global "
             "`features` instead of its argument?")
    counts = np.bincount(ids, minlength=n)
    if len(ids) < n and counts.max(initial=0) <= 1:
        missing = n - len(ids)
        hint = (f"the last partial batch of {n % batch_size} was dropped: keep it "
                "(indices[i: min(i + batch_size, num_examples)])" if missing == n % batch_size
                else "every example must appear once per pass")
        fail(f"{who} yielded {len(ids)} of {n} examples in one pass with batch_size {batch_size}: {hint}")
    if len(ids) != n or counts.max(initial=0) > 1:
        repeated = np.flatnonzero(counts > 1)[:5].tolist()
        fail(f"{who} yielded {len(ids)} rows for {n} examples with batch_size {batch_size}, some more than "
             f"once (e.g. examples {repeated}): each example exactly once per pass")


@check(A, "data_iter", "every_example_once", points=1)
def data_iter_every_example_once(probe):
    for batch_size in BATCH_SIZES:
        passes, _ = _passes(probe, batch_size)
        for batches in passes:
            every_example_once(_ids(batches), N_EXAMPLES, batch_size)


@check(A, "data_iter", "labels_match_features", points=0.5)
def data_iter_labels_match_features(probe):
    passes, labels = _passes(probe, BATCH_SIZES[0])
    for ids, y in passes[0]:
        known = ids >= 0
        if not np.array_equal(y[known].astype(np.float32), labels[ids[known]]):
            fail("data_iter paired features with labels of other examples: shuffle one list of indices "
                 "and take the same indices from both features and labels")


@check(A, "data_iter", "batch_sizes", points=0.5)
def data_iter_batch_sizes(probe):
    for batch_size in BATCH_SIZES:
        passes, _ = _passes(probe, batch_size)
        sizes = [len(ids) for ids, _ in passes[0]]
        expected = [batch_size] * (N_EXAMPLES // batch_size) + [N_EXAMPLES % batch_size]
        if sizes != expected:
            if len(sizes) == 1:
                fail(f"data_iter yielded a single batch of {sizes[0]} for batch_size {batch_size}: "
                     "yield inside the loop over batch start positions")
            fail(f"data_iter yielded batches of sizes {sizes[:8]}{'…' if len(sizes) > 8 else ''} for "
                 f"{N_EXAMPLES} examples and batch_size {batch_size}; expected {expected}: use the "
                 "batch_size argument")


@check(A, "data_iter", "shuffled", points=1)
def data_iter_shuffled(probe):
    """Shuffled means a fresh random order of single examples on every pass. A shuffle of fixed blocks keeps
    most neighbours: in a uniformly random order of 53 examples the number of places where example i+1
    directly follows example i is about Poisson(1), so it reaches SUCCESSION_LIMIT (10) with probability
    below 1/10! ≈ 3e-7 per pass (under 2e-6 for the four passes looked at: the false-failure probability);
    a block shuffle with batch_size 10 has about 45. The first batch holding the same examples on two
    passes has probability 1/C(53, 10) ≈ 5e-11."""
    for batch_size in BATCH_SIZES:
        passes, _ = _passes(probe, batch_size)
        first, second = (_ids(p) for p in passes)
        if np.array_equal(first, np.sort(first)):
            fail(f"data_iter yielded the examples in their stored order {first[:5].tolist()}…: shuffle the "
                 "indices (random.shuffle) at the start of every pass")
        if np.array_equal(first, second):
            fail("data_iter yielded the same order in two passes: shuffle anew each time it is called")
        for order in (first, second):
            successions = int(np.sum(np.diff(order) == 1))
            if successions >= SUCCESSION_LIMIT:
                fail(f"data_iter keeps runs of consecutive examples together ({successions} of {N_EXAMPLES} "
                     "examples directly follow their predecessor): shuffle the indices of single examples, "
                     "not blocks of them")
        head, again = passes[0][0][0], passes[1][0][0]
        if len(head) < N_EXAMPLES and set(head.tolist()) == set(again.tolist()):
            fail("data_iter batches the same examples together on every pass: shuffle all the indices, "
                 "not only within fixed batches")


# ---- net ----

def _net_inputs(rng, n_features):
    return (rng.normal(size=(7, n_features)), rng.normal(size=(n_features, 1)), rng.normal(size=(1,)))


@check(A, "net", "output", points=0.5)
def net_output(probe):
    X, w, b = _net_inputs(np.random.default_rng(11), 2)
    out, _ = probe.call("net", X, w, b)
    out = numbers(out, function="net")
    expected = X @ w + b
    if out.size == 7 and close(out.reshape(-1), (X @ w).reshape(-1), atol=1e-4) and abs(b[0]) > 0.1:
        fail("net(X, w, b) returned X·w without the bias: add b")
    if out.shape != (7, 1):
        fail(f"net returned shape {shape(out)} for X (7, 2), w (2, 1), b (1,); expected (7, 1) (nd.dot(X, w) + b)")
    if not close(out, expected):
        fail(f"net returned {show(out)} for X (7, 2), w (2, 1), b (1,); expected {show(expected)} (nd.dot(X, w) + b)")


@check(A, "net", "uses_its_arguments", points=0.25)
def net_uses_its_arguments(probe):
    rng = np.random.default_rng(12)
    for n_features in (3, 5):
        X, w, b = _net_inputs(rng, n_features)
        out, _ = probe.call("net", X, w, b)
        out = numbers(out, function="net")
        if not (same_values(out, X @ w + b) or same_values(out, X @ w)):   # a missing bias is net.output's
            fail(f"net gave {show(out)} for X ({X.shape[0]}, {n_features}) and the w, b passed to it; expected "
                 f"{show(X @ w + b)}: compute with the arguments X, w, b, not notebook globals")


@check(A, "net", "gradient", points=0.25)
def net_gradient(probe):
    """SGD needs the gradients of net's output with respect to w and b: autograd must see both."""
    X, w, b = _net_inputs(np.random.default_rng(13), 2)
    for wrt, name, expected in ((1, "w", X.sum(axis=0).reshape(-1, 1)), (2, "b", np.array([len(X)]))):
        reply = probe.run("call_grad", function="net", args=[X, w, b], wrt=wrt, attach=[1, 2])
        if reply["grad"] is None:
            fail(f"net's result cannot be differentiated with respect to the {name} passed to it: compute with "
                 "the arguments X, w, b and NDArray operations (nd.dot(X, w) + b), not numpy, so autograd "
                 "can record it")
        if not same_values(reply["grad"], expected):
            fail(f"the gradient of net's output sum with respect to {name} is {show(reply['grad'])}; expected "
                 f"{show(expected)}: use {name} itself as an NDArray in the computation (no .asscalar() or "
                 f".asnumpy()), so training can learn it")


# ---- square_loss ----

def _loss_inputs(rng, n=10):
    return rng.normal(size=(n, 1)), rng.normal(size=(n,))


@check(A, "square_loss", "shape", points=0.5)
def square_loss_shape(probe):
    y_hat, y = _loss_inputs(np.random.default_rng(21))
    out, _ = probe.call("square_loss", y_hat, y)
    out = numbers(out, function="square_loss")
    if out.shape == (10, 10):
        fail("square_loss returned shape (10, 10) for y_hat (10, 1) and y (10,): reshape y to y_hat.shape")
    if out.size == 1:
        fail("square_loss returned a single number for 10 examples: return one loss per example "
             "(no mean or sum); the training loop sums them")
    if out.size != 10:
        fail(f"square_loss returned shape {shape(out)} for y_hat (10, 1) and y (10,); expected (10, 1)")


@check(A, "square_loss", "values", points=0.75)
def square_loss_values(probe):
    y_hat, y = _loss_inputs(np.random.default_rng(22))
    y = y.reshape(-1, 1)          # same shapes: a missing reshape costs only the shape check
    out, _ = probe.call("square_loss", y_hat, y)
    out = numbers(out, function="square_loss")
    expected = (y_hat - y) ** 2 / 2
    if same_values(out, expected):
        return
    if same_values(out, 2 * expected):
        fail("square_loss is twice the expected value: divide by 2 — the book's loss is (y_hat - y)² / 2, "
             "like gluon.loss.L2Loss")
    if out.size == 1 and (np.isclose(out.item(), expected.mean(), rtol=1e-3) or
                          np.isclose(out.item(), expected.sum(), rtol=1e-3)):
        fail("square_loss returned the mean or sum of the losses: return one loss per example")
    fail(f"square_loss returned {show(out)} for y_hat {show(y_hat)} and y {show(y)}; expected {show(expected)} "
         "= (y_hat - y)² / 2 elementwise")


@check(A, "square_loss", "gradient", points=0.75)
def square_loss_gradient(probe):
    y_hat, y = _loss_inputs(np.random.default_rng(23))
    y = y.reshape(-1, 1)
    reply = probe.run("call_grad", function="square_loss", args=[y_hat, y], wrt=0)
    if reply["grad"] is None:
        fail("square_loss's result cannot be differentiated: compute it with NDArray operations "
             "(no .asnumpy() or Python floats) so autograd can record it")
    if not close(reply["grad"], y_hat - y):
        fail(f"the gradient of square_loss's sum with respect to y_hat is {show(reply['grad'])}; "
             f"expected y_hat - y = {show(y_hat - y)}")


# ---- SGD ----

def _sgd_inputs(rng):
    params = [rng.normal(size=(3, 1)), rng.normal(size=(1,))]
    grads = [rng.normal(size=(3, 1)), rng.normal(size=(1,))]
    return params, grads, 0.1, 4


@check(A, "SGD", "step", points=1.5)
@replies_checked("SGD")
def sgd_step(probe):
    params, grads, lr, batch_size = _sgd_inputs(np.random.default_rng(31))
    reply = probe.run("sgd_step", function="SGD", params=params, grads=grads, lr=lr, batch_size=batch_size)
    after = [numbers(a, function="SGD") for a in reply["after"]]
    expected = [p - lr * g / batch_size for p, g in zip(params, grads)]
    if all(close(a, e) for a, e in zip(after, expected)):
        return
    if all(close(a, p) for a, p in zip(after, params)):
        listed = reply["list_values"]
        if any(reply["list_replaced"]) and all(isinstance(v, np.ndarray) and same_values(v, e)
                                               for v, e in zip(listed, expected)):
            fail("SGD put new arrays into the params list instead of updating the parameters: "
                 "write into each one in place with param[:] = param - lr * param.grad / batch_size")
        fail("SGD left the parameters unchanged: `param = param - …` only rebinds a local name; "
             "update in place with param[:] = param - lr * param.grad / batch_size")
    if all(close(a, p - lr * g) for a, p, g in zip(after, params, grads)):
        fail(f"SGD stepped by lr * grad without dividing by batch_size ({batch_size}): the gradient is "
             "summed over the batch, so divide by batch_size")
    if all(close(a, p + lr * g / batch_size) for a, p, g in zip(after, params, grads)):
        fail("SGD moved the parameters up the gradient: subtract lr * grad / batch_size")
    fail(f"SGD(params, lr={lr}, batch_size={batch_size}) changed a parameter {show(params[0])} with gradient "
         f"{show(grads[0])} to {show(after[0])}; expected {show(expected[0])}")


@check(A, "SGD", "in_place", points=0.5)
@replies_checked("SGD")
def sgd_in_place(probe):
    params, grads, lr, batch_size = _sgd_inputs(np.random.default_rng(32))
    reply = probe.run("sgd_step", function="SGD", params=params, grads=grads, lr=lr, batch_size=batch_size)
    changed = [not close(numbers(a, function="SGD"), p) for a, p in zip(reply["after"], params)]
    if not all(changed) or not all(reply["same_handles"]):
        fail("SGD must change the parameter arrays it is given, in place (param[:] = … or "
             "nd.sgd_update(…, out=param)); the caller's arrays were not updated")


# ---- outcomes: only for stubs that pass their own checks, from training the judge recomputes ----

STUBS = ("data_iter", "net", "square_loss", "SGD")
TRAIN_EXAMPLES, TRAIN_BATCH, TRAIN_EPOCHS, TRAIN_LR = 100, 8, 3, 0.3     # 39 steps, the last batch partial


def _judge_loss(w, b, rng):
    X = rng.normal(size=(2000, len(TRUE_W)))
    y = X @ TRUE_W + TRUE_B + rng.normal(scale=0.01, size=2000)
    return float(np.mean(((X @ w.reshape(-1) + b.reshape(-1)[0]) - y) ** 2 / 2))


@check(A, None, "learned_parameters", points=1, timeout=120, requires=STUBS)
def learned_parameters(probe):
    w, _ = probe.get("w")
    b, _ = probe.get("b")
    w, b = numbers(w, function="w", what="is"), numbers(b, function="b", what="is")
    if w.size != 2 or b.size != 1:
        fail(f"the notebook's w has shape {shape(w)} and b {shape(b)}; expected (2, 1) and (1,)")
    err = param_error(w, b, TRUE_W, TRUE_B)
    if not err <= PARAM_TOLERANCE:
        fail(f"after training, w = {show(w)} and b = {show(b)} are {err:.3g} from "
             f"true_w = [2, -3.4], true_b = 4.2 (tolerance {PARAM_TOLERANCE}): check the stubs above and run "
             "the training cell")
    loss = _judge_loss(w, b, np.random.default_rng(41))
    if not loss <= LOSS_LIMIT:
        fail(f"the learned w, b give a mean square_loss of {loss:.2g} on fresh data; expected < {LOSS_LIMIT}")
    # w and b only count if the notebook's own stubs can learn them: typed-in values earn nothing
    _train_and_compare(probe, np.random.default_rng(42), TRUE_W, TRUE_B,
                       "a fresh draw of the book's data", lead="w and b match true_w and true_b, but ")


def _train_and_compare(probe, rng, true_w, true_b, what, lead=""):
    """Train with the student's four stubs from the judge's w0, b0; check every pass of data_iter, recompute
    every SGD step, and fail unless the final parameters recover true_w, true_b."""
    true_w = np.asarray(true_w, np.float64)
    X = rng.normal(size=(TRAIN_EXAMPLES, len(true_w)))
    y = X @ true_w + true_b + rng.normal(scale=0.01, size=TRAIN_EXAMPLES)
    w0, b0 = rng.normal(scale=0.01, size=(len(true_w), 1)), np.zeros(1)
    reply = probe.run("train_linreg", features=X, labels=y, w0=w0, b0=b0, lr=TRAIN_LR, batch_size=TRAIN_BATCH,
                      epochs=TRAIN_EPOCHS)
    how = f"{lead}trained with your data_iter, net, square_loss and SGD on {what}"
    with malformed_reply(how):
        w, b = _verified_training(reply, X, y, w0, b0, how)
    err = param_error(w, b, true_w, true_b)
    if not err <= PARAM_TOLERANCE:
        fail(f"{how} (lr {TRAIN_LR}, batch_size {TRAIN_BATCH}, {TRAIN_EPOCHS} epochs), the learned parameters "
             f"are {err:.3g} from the true ones (tolerance {PARAM_TOLERANCE}); see the stubs' own checks")


def _verified_training(reply, X, y, w0, b0, how):
    """Every pass of data_iter holds each example once with its label; every SGD step recomputes."""
    if reply.get("stopped"):
        fail(f"{how}: {stopped_message(reply['stopped'])}")
    if reply.get("cut_off"):
        fail(f"{how}: data_iter yielded more than {int(reply['cut_off']['batches'])} batches for "
             f"{TRAIN_EXAMPLES} examples with batch_size {TRAIN_BATCH}")
    steps, epochs = reply["batches"], [int(n) for n in reply["epochs"]]
    if len(epochs) != TRAIN_EPOCHS or sum(epochs) != len(steps):
        fail(f"{how}: the training reported {len(steps)} steps in {len(epochs)} passes; expected {TRAIN_EPOCHS}")
    index, X32, y32 = RowIndex(X), X.astype(np.float32), y.astype(np.float32)
    batches, start = [], 0
    for count in epochs:
        pass_ids = []
        for step in steps[start:start + count]:
            if not isinstance(step, list) or len(step) != 2:
                fail(f"{how}: data_iter yielded {describe(step)} per batch; yield a pair (X, y)")
            ids = index.ids(numbers(step[0], function="data_iter", what="yielded"))
            labels = numbers(step[1], function="data_iter", what="yielded").reshape(-1)
            known = ids >= 0
            if labels.size != ids.size or not np.array_equal(labels[known].astype(np.float32), y32[ids[known]]):
                fail(f"{how}: data_iter paired features with labels of other examples")
            pass_ids.append(ids)
            batches.append((X32[ids].astype(np.float64), y32[ids].astype(np.float64)))
        every_example_once(np.concatenate(pass_ids) if pass_ids else np.zeros(0, np.int64), TRAIN_EXAMPLES,
                           TRAIN_BATCH, who="during training, data_iter")
        start += count
    return verify_steps([w0.astype(np.float32), b0.astype(np.float32)],
                        trajectory(reply, ("w", "b"), len(steps), how),
                        lambda k, params: linear_sgd_step(params, *batches[k], TRAIN_LR, TRAIN_BATCH), how)


@check(A, None, "hidden_data", points=1, hidden=True, timeout=120, requires=STUBS)
def hidden_data(probe):
    rng = np.random.default_rng(1_000_003 + probe.hidden_seed)
    true_w, true_b = hidden_linear_model(rng, 3)
    _train_and_compare(probe, rng, true_w, true_b, "data the notebook never saw (3 features)")
