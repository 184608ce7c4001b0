"""Checks for linreg_gluon: the Sequential/Dense net, L2Loss, the SGD trainer, and learned parameters."""
from __future__ import annotations

import numpy as np

from autograder.checks import check
from autograder.checks.expect import (close, fail, hidden_linear_model, malformed_reply, numbers,
                                      param_error, replies_checked, same_values, show)
from autograder.wire import Opaque
from autograder.checks.expect import PARAM_TOLERANCE, TRUE_B, TRUE_W
from autograder.checks.trajectory import (linear_sgd_step, stopped_message, trajectory, verify_sgd_trainer,
                                          verify_steps)

A = "linreg_gluon"
LEARNING_RATE = 0.03


def _describe_net(probe, X):
    """The student's net: its type, layers, initialised parameters, and its output on X."""
    return probe.run("gluon_net", name="net", X=X)


@check(A, "net", "structure", points=1)
@replies_checked("net")
def net_structure(probe):
    reply = _describe_net(probe, np.zeros((2, 2)))
    if reply["type"] not in ("Sequential", "HybridSequential"):
        fail(f"net is a {reply['type']}; build it with nn.Sequential() and add one nn.Dense(1)")
    layers = reply["layers"]
    if len(layers) != 1 or layers[0]["type"] != "Dense":
        fail(f"net holds {[layer['type'] for layer in layers]}; expected exactly one nn.Dense(1)")
    if layers[0]["units"] != 1:
        fail(f"net's Dense layer has {layers[0]['units']} outputs; linear regression needs nn.Dense(1)")
    if not layers[0]["use_bias"]:
        fail("net's Dense layer has no bias: leave use_bias at its default (True)")


@check(A, "net", "forward", points=1)
@replies_checked("net")
def net_forward(probe):
    """Judged with a weight and bias the judge sets for the call, not the notebook's trained ones (a broken
    trainer must not cost net its points)."""
    rng = np.random.default_rng(3)
    X, weight, bias = rng.normal(size=(6, 2)), rng.normal(size=(1, 2)), rng.normal(size=(1,))
    reply = probe.run("gluon_net", name="net", X=X, weight=weight, bias=bias)
    out, params = reply["output"], reply["params"]
    if isinstance(out, Opaque) and out.type_name == "error":
        fail(out.text)                 # "net raised …": the student's exception, named
    out = numbers(out, function="net", what="returned")
    if "weight" not in params or "bias" not in params:
        fail("net has no initialised weight and bias: call net.initialize(init.Normal(sigma=0.01))")
    if out.shape != (6, 1) or params["weight"].shape != (1, 2):
        fail(f"net(X) returned shape {out.shape} for X of shape (6, 2) (its weight has shape "
             f"{params['weight'].shape}); expected (6, 1) from a single nn.Dense(1)")
    expected = X @ weight.reshape(-1, 1) + bias
    if not close(out, expected):
        fail(f"net(X) returned {show(out)} for X of shape (6, 2) with weight {show(weight)} and bias "
             f"{show(bias)}; expected X·Wᵀ + b = {show(expected)}")


@check(A, "loss", "values", points=2)
def loss_values(probe):
    rng = np.random.default_rng(4)
    y_hat, y = rng.normal(size=(8, 1)), rng.normal(size=(8,))
    out, type_name = probe.call("loss", y_hat, y)
    out = numbers(out, function="loss")
    diff = y_hat.reshape(-1) - y
    expected = diff ** 2 / 2
    if same_values(out, expected):
        return
    if same_values(out, np.abs(diff)):
        fail("loss computes |y_hat - y| (L1Loss); linear regression uses the squared loss gloss.L2Loss()")
    if same_values(out, diff ** 2):
        fail("loss computes (y_hat - y)² without the 1/2: use gloss.L2Loss()")
    fail(f"loss({type_name}) returned {show(out)}; expected (y_hat - y)² / 2 = {show(expected)} (gloss.L2Loss())")


@check(A, "trainer", "sgd_step", points=2)
@replies_checked("trainer")
def trainer_sgd_step(probe):
    rng = np.random.default_rng(5)
    reply = probe.run("trainer_step", trainer_name="trainer", net_name="net",
                      Xs=[rng.normal(size=(10, 2)), rng.normal(size=(10, 2))], batch_size=10)
    verify_sgd_trainer(reply, LEARNING_RATE, 10)


STUBS = ("net", "loss", "trainer")
TRAIN_EXAMPLES, TRAIN_BATCH, TRAIN_EPOCHS = 1000, 10, 3


def _params_of(reply):
    params = reply["params"]
    if "weight" not in params or "bias" not in params:
        fail("net has no initialised weight and bias")
    return params["weight"].reshape(-1), params["bias"].reshape(-1)


@check(A, None, "learned_parameters", points=2, timeout=120, requires=STUBS)
def learned_parameters(probe):
    w, b = _params_of(_describe_net(probe, np.zeros((1, 2))))
    if w.size != 2 or b.size != 1:
        fail(f"net's weight has {w.size} entries and bias {b.size}; expected 2 and 1")
    err = param_error(w, b, TRUE_W, TRUE_B)
    if not err <= PARAM_TOLERANCE:
        fail(f"after training, weight = {show(w)} and bias = {show(b)} are {err:.3g} from true_w = [2, -3.4], "
             f"true_b = 4.2 (tolerance {PARAM_TOLERANCE}): check net, loss and trainer, and run the training cell")
    # parameters only count if the notebook's net, loss and trainer can learn them: set_data earns nothing
    _train_and_compare(probe, np.random.default_rng(43), TRUE_W, TRUE_B, "a fresh draw of the book's data")


def _train_and_compare(probe, rng, true_w, true_b, what):
    """Train the student's net, loss and trainer from the judge's parameters on the judge's batches; recompute
    every step (SGD, learning rate 0.03) and fail unless the final parameters recover true_w, true_b."""
    X = rng.normal(size=(TRAIN_EXAMPLES, 2))
    y = X @ np.asarray(true_w, np.float64) + true_b + rng.normal(scale=0.01, size=TRAIN_EXAMPLES)
    order = np.concatenate([rng.permutation(TRAIN_EXAMPLES) for _ in range(TRAIN_EPOCHS)]).reshape(-1, TRAIN_BATCH)
    weight, bias = rng.normal(scale=0.01, size=(1, 2)), np.zeros(1)
    reply = probe.run("train_gluon", features=X, labels=y, order=order, weight=weight, bias=bias,
                      batch_size=TRAIN_BATCH)
    how = f"re-initialised and trained with your net, loss and trainer on {what}"
    with malformed_reply(how):
        if reply.get("stopped"):
            fail(f"{how}: {stopped_message(reply['stopped'])}")
        reported = trajectory(reply, ("weight", "bias"), len(order), how)
    X32, y32 = X.astype(np.float32).astype(np.float64), y.astype(np.float32).astype(np.float64)

    def step(k, params):
        w, b = linear_sgd_step([params[0].reshape(-1, 1), params[1]], X32[order[k]], y32[order[k]],
                               LEARNING_RATE, TRAIN_BATCH)
        return [w.reshape(1, -1), b]

    with malformed_reply(how):
        w, b = verify_steps([weight.astype(np.float32), bias.astype(np.float32)], reported, step, how)
    err = param_error(w, b, true_w, true_b)
    if not err <= PARAM_TOLERANCE:
        fail(f"{how}, the learned parameters are {err:.3g} from the true ones (tolerance {PARAM_TOLERANCE})")


@check(A, None, "hidden_data", points=2, hidden=True, timeout=120, requires=STUBS)
def hidden_data(probe):
    rng = np.random.default_rng(3_000_017 + probe.hidden_seed)
    true_w, true_b = hidden_linear_model(rng, 2)
    _train_and_compare(probe, rng, true_w, true_b, "data the notebook never saw")
