"""Checks for softmax_scratch: softmax, net, cross_entropy, accuracy, and accuracy on held-out data."""
from __future__ import annotations

import numpy as np

from autograder.faults import GraderFault
from autograder.checks import check
from autograder.checks.expect import close, fail, malformed_reply, numbers, same_values, shape, show
from autograder.probes import StudentFailure
from autograder.checks.trajectory import softmax_sgd_step, stopped_message, trajectory, verify_steps

A = "softmax_scratch"
NOTEBOOK_ACCURACY = 0.80          # the book reaches ~0.84 after 5 epochs
HIDDEN_ACCURACY = 0.90            # the hidden problem is easy; a working pipeline reaches ~1.0


def reference_softmax(X):
    e = np.exp(X - X.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@check(A, "softmax", "rows", points=1.5)
def softmax_rows(probe):
    X = np.random.default_rng(1).normal(size=(4, 5))
    out, _ = probe.call("softmax", X)
    out = numbers(out, function="softmax")
    expected = reference_softmax(X)
    if close(out, expected):
        return
    if out.shape != X.shape:
        fail(f"softmax returned shape {shape(out)} for X of shape (4, 5); expected (4, 5)")
    if np.allclose(out.sum(axis=0), 1, atol=1e-4):
        fail("softmax normalised each column (axis 0): sum over axis=1, keepdims=True, so each row sums to 1")
    if np.isclose(out.sum(), 1, atol=1e-4):
        fail("softmax normalised over the whole array: sum over axis=1, keepdims=True, so each row sums to 1")
    fail(f"softmax returned rows {show(out[0])} for X[0] = {show(X[0])}; expected {show(expected[0])}")


@check(A, "softmax", "gradient", points=0.5)
def softmax_gradient(probe):
    X = np.random.default_rng(2).normal(size=(3, 4))
    reply = probe.run("call_grad", function="softmax", args=[X], wrt=0)
    if reply["grad"] is None:
        fail("softmax's result cannot be differentiated: use NDArray operations so autograd records them")
    # d/dX sum(softmax(X)) is 0 for every row: the rows always sum to 1
    if not np.allclose(reply["grad"], 0, atol=1e-5):
        fail(f"softmax's gradient is wrong: the sum of a row-wise softmax is constant, so its gradient "
             f"must be 0; got {show(reply['grad'])}")


@check(A, "softmax", "large_inputs_advisory", points=0)
def softmax_large_inputs(probe):
    """Advisory, worth nothing: the book's naive softmax overflows on large scores."""
    X = np.array([[1000.0, 1001.0, 1002.0]])
    out, _ = probe.call("softmax", X)
    out = numbers(out, function="softmax")
    if not close(out, reference_softmax(X), atol=1e-4):
        fail("advisory (0 points): softmax overflows on large inputs (exp(1000) = inf); subtracting each "
             "row's max before exp gives the same result without overflow")


def _net_inputs(rng, n=7):
    return rng.uniform(size=(n, 1, 28, 28)), rng.normal(scale=0.05, size=(784, 10)), rng.normal(size=(10,))


@check(A, "net", "probabilities", points=1)
def net_probabilities(probe):
    X, W, b = _net_inputs(np.random.default_rng(3))
    out, _ = probe.call("net", X, W, b, isolate=["softmax"])   # judged with a trusted softmax
    out = numbers(out, function="net")
    logits = X.reshape(7, 784) @ W + b
    if out.shape != (7, 10):
        fail(f"net returned shape {shape(out)} for X (7, 1, 28, 28), W (784, 10), b (10,); expected (7, 10): "
             "flatten X with X.reshape((-1, W.shape[0]))")
    if close(out, logits):
        fail("net returned the scores X·W + b: pass them through softmax to get probabilities")
    if not close(out, reference_softmax(logits)):
        fail(f"net returned {show(out[0])} for the first example; expected softmax(X·W + b) = "
             f"{show(reference_softmax(logits)[0])}")


@check(A, "net", "uses_its_arguments", points=1)
def net_uses_its_arguments(probe):
    rng = np.random.default_rng(4)
    for n in (5, 9):
        X, W, b = _net_inputs(rng, n)
        out, _ = probe.call("net", X, W, b, isolate=["softmax"])
        out = numbers(out, function="net")
        expected = reference_softmax(X.reshape(n, 784) @ W + b)
        if not same_values(out, expected):
            fail(f"net's output for {n} examples does not follow the W and b passed to it: compute with the "
                 "arguments X, W, b, not notebook globals")


def _ce_inputs(rng, n=6):
    y_hat = reference_softmax(rng.normal(size=(n, 4)))
    return y_hat, rng.integers(0, 4, size=n).astype(np.float64)


@check(A, "cross_entropy", "values", points=1.25)
def cross_entropy_values(probe):
    y_hat, y = _ce_inputs(np.random.default_rng(5))
    out, _ = probe.call("cross_entropy", y_hat, y)
    out = numbers(out, function="cross_entropy")
    picked = y_hat[np.arange(len(y)), y.astype(int)]
    expected = -np.log(picked)
    if out.size == 1 and len(y) > 1:
        fail(f"cross_entropy returned a single number for {len(y)} examples: return one loss per example, "
             "shape (n,)")
    if same_values(out, expected):
        if out.shape != (len(y),):
            fail(f"cross_entropy returned shape {shape(out)}; expected ({len(y)},)")
        return
    if same_values(out, -picked):
        fail("cross_entropy returned -y_hat of the true class: take the log, -log(y_hat[y])")
    if same_values(out, picked) or same_values(out, np.log(picked)):
        fail("cross_entropy has the wrong sign or no log: it is -log of the true class's probability")
    fail(f"cross_entropy returned {show(out)} for y = {show(y)}; expected -log(y_hat[i, y[i]]) = {show(expected)}")


@check(A, "cross_entropy", "gradient", points=0.75)
def cross_entropy_gradient(probe):
    y_hat, y = _ce_inputs(np.random.default_rng(6))
    reply = probe.run("call_grad", function="cross_entropy", args=[y_hat, y], wrt=0)
    if reply["grad"] is None:
        fail("cross_entropy's result cannot be differentiated: use NDArray operations (nd.pick, log)")
    expected = np.zeros_like(y_hat)
    expected[np.arange(len(y)), y.astype(int)] = -1 / y_hat[np.arange(len(y)), y.astype(int)]
    if not close(reply["grad"], expected, rtol=1e-3):
        fail(f"the gradient of cross_entropy's sum with respect to y_hat is {show(reply['grad'][0])} for "
             f"the first example; expected {show(expected[0])} (-1/p at the true class, 0 elsewhere)")


@check(A, "accuracy", "values", points=1.5)
def accuracy_values(probe):
    """Labels are int32, as the notebook's own `y` (nd.array([0, 2], dtype='int32'))."""
    rng = np.random.default_rng(7)
    y_hat = reference_softmax(rng.normal(size=(8, 5)))
    y = y_hat.argmax(axis=1).astype(np.float64)
    y[[1, 4, 6]] = (y[[1, 4, 6]] + 1) % 5                  # 5 of 8 right
    out, _ = probe.call("accuracy", y_hat, y, dtypes=[None, "int32"])
    out = numbers(out, function="accuracy")
    if out.size != 1:
        fail(f"accuracy returned shape {shape(out)}; expected one number, the fraction correct")
    value = float(out.reshape(-1)[0])
    if np.isclose(value, 5):
        fail("accuracy returned the number of correct predictions (5 of 8): divide by the number of examples "
             "(.mean())")
    if not np.isclose(value, 5 / 8, atol=1e-6):
        fail(f"accuracy returned {value:.4g} for predictions of which 5 of 8 are right; expected 0.625: "
             "compare y_hat.argmax(axis=1) with y")


@check(A, "accuracy", "python_float", points=0.5)
def accuracy_python_float(probe):
    """With float32 labels, as d2l.evaluate_accuracy and train_ch3 pass them."""
    rng = np.random.default_rng(8)
    y_hat = reference_softmax(rng.normal(size=(4, 3)))
    try:
        out, type_name = probe.call("accuracy", y_hat, y_hat.argmax(axis=1).astype(np.float64))
    except StudentFailure as exc:
        fail(f"{exc.message} with float32 labels (d2l's training and evaluation pass float32 labels): "
             "compare y_hat.argmax(axis=1) with y.astype('float32'), which works for int32 and float32 labels")
    if type_name not in ("float", "float32", "float64", "int"):
        fail(f"accuracy returned a {type_name}; return a Python float (.asscalar() or float(...))")
    if not np.isclose(float(numbers(out, function="accuracy").reshape(-1)[0]), 1.0):
        fail("accuracy returned something other than 1.0 when every prediction is right")


def _test_set(root=None):
    from extension.fashion_mnist import FashionMNISTNotFound, load_arrays
    try:
        images, labels = load_arrays(train=False, root=root)
    except FashionMNISTNotFound as exc:      # the grader's data, not the student's work: no grade at all
        raise GraderFault("course data missing: the grader cannot find the Fashion-MNIST test set ("
                          + " ".join(str(exc).split())[:300] + ")") from None
    return images.reshape(len(images), -1).astype(np.float64) / 255.0, labels


STUBS = ("softmax", "net", "cross_entropy")
TRAIN_LR, TRAIN_BATCH, TRAIN_EPOCHS = 0.1, 250, 3          # 18 steps on 1500 hidden-problem images


@check(A, None, "test_accuracy", points=1, timeout=180, requires=STUBS)
def test_accuracy(probe):
    """The notebook's W, b count only if the notebook's stubs, trained here on a fresh problem, learn too:
    weights from anywhere else (least squares in numpy, say) earn nothing without working stubs."""
    W, _ = probe.get("W")
    b, _ = probe.get("b")
    W, b = numbers(W, function="W", what="is"), numbers(b, function="b", what="is")
    if W.shape != (784, 10) or b.size != 10:
        fail(f"the notebook's W has shape {shape(W)} and b {shape(b)}; expected (784, 10) and (10,)")
    X, y = _test_set(probe.data_root)
    acc = float(np.mean((X @ W + b.reshape(-1)).argmax(axis=1) == y))
    if not acc >= NOTEBOOK_ACCURACY:
        fail(f"the trained W, b classify {acc:.3f} of the Fashion-MNIST test set correctly (computed by the "
             f"grader); expected at least {NOTEBOOK_ACCURACY}: check the stubs and run the training cell")
    _train_and_evaluate(probe, 2_000_001, "a fresh problem", lead="W and b reach the test accuracy, but ")


def hidden_problem(seed: int, n_train=1500, n_test=500, classes=10):
    """Image-shaped data the notebook never sees: class prototypes plus noise, split into train and test."""
    rng = np.random.default_rng(seed)
    prototypes = rng.uniform(size=(classes, 784))
    labels = rng.integers(0, classes, size=n_train + n_test)
    images = np.clip(prototypes[labels] + rng.normal(scale=0.35, size=(n_train + n_test, 784)), 0, 1)
    images = images.reshape(-1, 1, 28, 28)
    return (images[:n_train], labels[:n_train]), (images[n_train:], labels[n_train:])


def _train_and_evaluate(probe, seed: int, what: str, lead: str = ""):
    """Train the student's net and cross_entropy from the judge's W0, b0 on the judge's batches; recompute
    every SGD step here and evaluate the final W, b on the problem's held-out split."""
    (X_train, y_train), (X_test, y_test) = hidden_problem(seed)
    rng = np.random.default_rng(seed + 1)
    order = np.concatenate([rng.permutation(len(X_train)) for _ in range(TRAIN_EPOCHS)]).reshape(-1, TRAIN_BATCH)
    W0, b0 = rng.normal(scale=0.01, size=(784, 10)), np.zeros(10)
    X32 = X_train.astype(np.float32)
    reply = probe.run("train_softmax", features=X32, labels=y_train.astype(np.float64), W0=W0, b0=b0,
                      order=order, lr=TRAIN_LR)
    how = f"{lead}trained with your net and cross_entropy on {what}"
    flat = X32.reshape(len(X32), -1).astype(np.float64)
    with malformed_reply(how):
        if reply.get("stopped"):
            fail(f"{how}: {stopped_message(reply['stopped'])}")
        W, b = verify_steps([W0.astype(np.float32), b0], trajectory(reply, ("W", "b"), len(order), how),
                            lambda k, params: softmax_sgd_step(params, flat[order[k]], y_train[order[k]],
                                                               TRAIN_LR), how)
    acc = float(np.mean((X_test.reshape(len(X_test), -1) @ W + b.reshape(-1)).argmax(axis=1) == y_test))
    if not acc >= HIDDEN_ACCURACY:
        fail(f"{how}, the model classifies {acc:.3f} of its held-out split correctly (computed by the "
             f"grader); expected at least {HIDDEN_ACCURACY}")


@check(A, None, "hidden_data", points=1, hidden=True, timeout=180, requires=STUBS)
def hidden_data(probe):
    _train_and_evaluate(probe, 2_000_003 + probe.hidden_seed, "held-out data the notebook never saw")
