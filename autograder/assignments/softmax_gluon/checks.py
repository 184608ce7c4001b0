"""Checks for softmax_gluon: the Dense(10) net (scores, not probabilities), SoftmaxCrossEntropyLoss on class
indices, the SGD trainer at learning rate 0.1, and the trained model's test accuracy.

The initializer is not judged: the grader sees the net after the notebook trained it, when the initial
weights are gone, and every training it checks starts from weights the judge sets (docs/course/softmax_gluon.md).
"""
from __future__ import annotations

import numpy as np

from autograder.checks import check
from autograder.checks.expect import (close, describe, fail, malformed_reply, numbers, replies_checked, same_values,
                                      shape, show)
from autograder.checks.images import fashion_mnist_test_set, image_problem
from autograder.checks.trajectory import (softmax_sgd_step, stopped_message, trajectory, verify_sgd_trainer,
                                          verify_steps)
from autograder.probes import StudentFailure
from autograder.wire import Opaque

A = "softmax_gluon"
LEARNING_RATE = 0.1
NOTEBOOK_ACCURACY = 0.80          # the book reaches 0.831-0.842 after 5 epochs
HIDDEN_ACCURACY = 0.90            # the hidden problem is easy; a working pipeline reaches ~1.0
ACTIVATIONS = {"relu": lambda z: np.maximum(z, 0), "sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh,
               "softrelu": lambda z: np.log1p(np.exp(z))}


def softmax(Z):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(Z, y):
    """-log softmax(Z)[y] per row, stable."""
    shifted = Z - Z.max(axis=1, keepdims=True)
    return np.log(np.exp(shifted).sum(axis=1)) - shifted[np.arange(len(y)), y.astype(int)]


def _net_output(reply, n):
    out = reply["output"]
    if isinstance(out, Opaque) and out.type_name == "error":
        fail(out.text)                 # "net raised …": the student's exception, named
    return numbers(out, function="net")


@check(A, "net", "structure", points=0.5)
@replies_checked("net")
def net_structure(probe):
    """Type names the student's process reports (testimony, hence half a point)."""
    reply = probe.run("softmax_gluon_net", X=np.zeros((2, 1, 28, 28)))
    if reply["type"] not in ("Sequential", "HybridSequential"):
        fail(f"net is {describe(Opaque(reply['type']))}; build it with nn.Sequential() and add one nn.Dense(10)")
    layers = reply["layers"]
    if len(layers) != 1 or layers[0]["type"] != "Dense":
        fail(f"net holds {[layer['type'] for layer in layers]}; softmax regression is exactly one nn.Dense(10) "
             "(the loss applies the softmax, so net needs no softmax layer)")
    if layers[0]["units"] != 10:
        fail(f"net's Dense layer has {layers[0]['units']} outputs; Fashion-MNIST has 10 classes: nn.Dense(10)")
    if not layers[0]["use_bias"]:
        fail("net's Dense layer has no bias: leave use_bias at its default (True)")


@check(A, "net", "logits", points=1.5)
@replies_checked("net")
def net_logits(probe):
    """Judged with a weight and bias the judge sets for the call, on images (n, 1, 28, 28) as the DataLoader
    gives them, so the notebook's training cannot change the verdict."""
    rng = np.random.default_rng(3)
    X, weight, bias = rng.uniform(size=(5, 1, 28, 28)), rng.normal(scale=0.05, size=(10, 784)), rng.normal(size=10)
    reply = probe.run("softmax_gluon_net", X=X, weight=weight, bias=bias)
    out, params = _net_output(reply, 5), reply["params"]
    if "weight" not in params:
        fail("net has no initialised weight: call net.initialize(init.Normal(sigma=0.01)) after adding the layer")
    if params["weight"].shape != (10, 784):
        fail(f"net's weight has shape {shape(params['weight'])} for images of 784 pixels; expected (10, 784): one "
             "nn.Dense(10), which flattens each image (flatten=True, the default)")
    scores = X.reshape(5, 784) @ weight.T + bias
    if out.shape != (5, 10):
        fail(f"net returned shape {shape(out)} for images (5, 1, 28, 28); expected (5, 10), one score per class")
    if close(out, scores):
        return
    if close(out, softmax(scores)):
        fail("net returns probabilities (a softmax of the scores): SoftmaxCrossEntropyLoss applies the softmax "
             "itself, so net must return the raw scores X·Wᵀ + b; a softmax in both is a double softmax")
    for name, activation in ACTIVATIONS.items():
        if close(out, activation(scores)):
            fail(f"net applies {name} to the Dense layer's scores: the output layer of softmax regression has "
                 "no activation (nn.Dense(10)), the loss takes the raw scores")
    fail(f"net returned {show(out[0])} for the first image with the weight and bias the grader set; expected the "
         f"scores X·Wᵀ + b = {show(scores[0])}")


def _loss_inputs(rng, n=6):
    return rng.normal(scale=2, size=(n, 10)), rng.integers(0, 10, size=n).astype(np.float64)


@check(A, "loss", "values", points=1.5)
def loss_values(probe):
    """Scores (n, 10) and integer labels (n,), int32 as the DataLoader gives them."""
    Z, y = _loss_inputs(np.random.default_rng(4))
    expected = cross_entropy(Z, y)
    try:
        out, _ = probe.call("loss", Z, y, dtypes=[None, "int32"])
    except StudentFailure as exc:
        _fail_on_class_indices(probe, Z, y, expected, exc)
    if not isinstance(out, np.ndarray):
        fail(f"loss returned {describe(out)}, not an NDArray of losses: define loss as a loss object, "
             "gloss.SoftmaxCrossEntropyLoss() (note the parentheses)")
    out = numbers(out, function="loss")
    if out.size == 1:
        fail(f"loss returned one number for {len(y)} examples: return one loss per example, shape ({len(y)},) "
             "(gloss.SoftmaxCrossEntropyLoss() does; the training loop sums them)")
    if same_values(out, expected):
        return
    if same_values(out, cross_entropy(softmax(Z), y)):
        fail("loss applies softmax twice: it receives scores, applies softmax, then SoftmaxCrossEntropyLoss applies "
             "its own (a double softmax still trains, but worse): give the loss the raw scores")
    if same_values(out, -Z[np.arange(len(y)), y.astype(int)]):
        fail("loss treats the scores as log-probabilities (from_logits=True): it returns -score of the true class; "
             "the net gives raw scores, so keep from_logits=False (the default)")
    fail(f"loss returned {show(out)} for scores of shape {Z.shape} and labels {show(y)}; expected the softmax "
         f"cross-entropy -log softmax(scores)[y] = {show(expected)} (gloss.SoftmaxCrossEntropyLoss())")


def _fail_on_class_indices(probe, Z, y, expected, exc):
    """The loss raised on class indices: does it compute the right thing on one-hot labels (sparse_label=False)?"""
    onehot = np.eye(Z.shape[1])[y.astype(int)]
    try:
        out, _ = probe.call("loss", Z, onehot)
        works_one_hot = same_values(numbers(out, function="loss"), expected)
    except StudentFailure:
        works_one_hot = False
    if works_one_hot:
        fail(f"loss expects one-hot labels (sparse_label=False), but the data gives class indices of shape "
             f"({len(y)},) and it failed on them ({exc.message}): keep sparse_label=True (the default)")
    fail(f"{exc.message} (on scores of shape {Z.shape} and integer class labels of shape ({len(y)},), as the "
         "DataLoader gives them)")


@check(A, "loss", "gradient", points=0.5)
def loss_gradient(probe):
    Z, y = _loss_inputs(np.random.default_rng(5))
    try:
        reply = probe.run("call_grad", function="loss", args=[Z, y], wrt=0)
    except StudentFailure as exc:
        fail(f"{exc.message} (differentiating it on scores of shape {Z.shape} and class labels of shape "
             f"({len(y)},))")
    if reply["grad"] is None:
        if not isinstance(reply["value"], np.ndarray):
            fail(f"loss returned {describe(reply['value'])}, not an NDArray autograd can differentiate: loss must "
                 "be a loss object, gloss.SoftmaxCrossEntropyLoss() (note the parentheses)")
        fail("loss's result cannot be differentiated: compute it with NDArray operations (or Gluon's loss), not "
             "numpy, so autograd records it")
    expected = softmax(Z)
    expected[np.arange(len(y)), y.astype(int)] -= 1
    if close(reply["grad"], expected / len(y), rtol=1e-3, atol=1e-5):
        fail(f"the gradient of loss's sum is 1/{len(y)} of softmax(scores) - one_hot(y): loss averages over "
             "the batch, and trainer.step(batch_size) divides by the batch size again; return one loss per example")
    if not close(reply["grad"], expected, rtol=1e-3, atol=1e-5):
        fail(f"the gradient of loss's sum with respect to the scores is {show(reply['grad'][0])} for the first "
             f"example; expected softmax(scores) - one_hot(y) = {show(expected[0])}")


@check(A, "trainer", "sgd_step", points=2)
@replies_checked("trainer")
def trainer_sgd_step(probe):
    """Two steps after real backward passes through net (a second step shows momentum)."""
    rng = np.random.default_rng(6)
    reply = probe.run("trainer_step", trainer_name="trainer", net_name="net",
                      Xs=[rng.uniform(size=(4, 1, 28, 28)), rng.uniform(size=(4, 1, 28, 28))], batch_size=4)
    verify_sgd_trainer(reply, LEARNING_RATE, 4)


STUBS = ("net", "loss", "trainer")
TRAIN_BATCH, TRAIN_EPOCHS = 250, 3          # 18 steps on 1500 hidden-problem images


@check(A, None, "test_accuracy", points=1, timeout=180, requires=STUBS)
@replies_checked("net")
def test_accuracy(probe):
    """The notebook's trained net counts only if its net, loss and trainer, trained here on a fresh problem,
    learn too: weights from anywhere else (set_data from numpy, say) earn nothing without working stubs."""
    params = probe.run("softmax_gluon_net", X=np.zeros((1, 1, 28, 28)))["params"]
    weight, bias = params.get("weight"), params.get("bias")
    if not isinstance(weight, np.ndarray) or not isinstance(bias, np.ndarray) or weight.shape != (10, 784) \
            or bias.size != 10:
        fail(f"the notebook's net has a weight {shape(weight)} and a bias {shape(bias)}; expected (10, 784) and "
             "(10,): run the training cell")
    X, y = fashion_mnist_test_set(probe.data_root)
    acc = float(np.mean((X @ weight.T.astype(np.float64) + bias.reshape(-1)).argmax(axis=1) == y))
    if not acc >= NOTEBOOK_ACCURACY:
        fail(f"the trained net classifies {acc:.3f} of the Fashion-MNIST test set correctly (computed by the "
             f"grader); expected at least {NOTEBOOK_ACCURACY}: check net, loss and trainer and run the training cell")
    _train_and_evaluate(probe, 5_000_001, "a fresh problem", lead="the net reaches the test accuracy, but ")


def _train_and_evaluate(probe, seed: int, what: str, lead: str = ""):
    """Train the student's net, loss and trainer from the judge's weight and bias on the judge's batches;
    recompute every SGD step here and evaluate the final weight and bias on the problem's held-out split."""
    (X_train, y_train), (X_test, y_test) = image_problem(seed)
    rng = np.random.default_rng(seed + 1)
    order = np.concatenate([rng.permutation(len(X_train)) for _ in range(TRAIN_EPOCHS)]).reshape(-1, TRAIN_BATCH)
    weight0, bias0 = rng.normal(scale=0.01, size=(10, 784)), np.zeros(10)
    X32 = X_train.astype(np.float32)
    reply = probe.run("softmax_gluon_train", features=X32, labels=y_train.astype(np.float64), order=order,
                      weight=weight0, bias=bias0, batch_size=TRAIN_BATCH)
    how = f"{lead}trained with your net, loss and trainer on {what}"
    flat = X32.reshape(len(X32), -1).astype(np.float64)

    def step(k, params):
        W, b = softmax_sgd_step([params[0].T, params[1]], flat[order[k]], y_train[order[k]], LEARNING_RATE)
        return [W.T, b]

    with malformed_reply(how):
        if reply.get("stopped"):
            fail(f"{how}: {stopped_message(reply['stopped'])}")
        weight, bias = verify_steps([weight0.astype(np.float32), bias0],
                                    trajectory(reply, ("weight", "bias"), len(order), how), step, how)
    acc = float(np.mean((X_test.reshape(len(X_test), -1) @ weight.T + bias).argmax(axis=1) == y_test))
    if not acc >= HIDDEN_ACCURACY:
        fail(f"{how}, the model classifies {acc:.3f} of its held-out split correctly (computed by the grader); "
             f"expected at least {HIDDEN_ACCURACY}")


@check(A, None, "hidden_data", points=1, hidden=True, timeout=180, requires=STUBS)
def hidden_data(probe):
    _train_and_evaluate(probe, 5_000_003 + probe.hidden_seed, "held-out data the notebook never saw")
