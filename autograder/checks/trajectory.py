"""Training the judge verifies instead of trusting: every update recomputed in float64.

Training scenarios start from parameters the judge chose and report the parameters after every step (and,
for linreg_scratch, each batch as the student's data_iter yielded it). Each reported step is compared with
one step of the correct algorithm from the *reported* parameters before it, on that step's batch, so a
reply passes only if it is a correct computation, whoever produced it; the final parameters are then judged
here on data the notebook never saw.
"""
from __future__ import annotations

import numpy as np

from ..wire import Opaque
from .expect import close, describe, fail, numbers, show

STEP_RTOL, STEP_ATOL = 1e-4, 2e-5        # float32 in the student's process, float64 here


def linear_sgd_step(params, X, y, lr, batch_size):
    """One SGD step of the book's linear regression (squared loss / 2, gradient of the batch sum)."""
    w, b = params
    residual = X @ w.reshape(-1) + b.reshape(-1)[0] - y
    return [w - lr * (X.T @ residual).reshape(w.shape) / batch_size, b - lr * residual.sum() / batch_size]


def softmax_sgd_step(params, X, y, lr):
    """One SGD step of softmax regression with cross-entropy, averaged over the batch."""
    W, b = params
    logits = X @ W + b
    P = np.exp(logits - logits.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    P[np.arange(len(y)), y.astype(int)] -= 1
    return [W - lr * X.T @ P / len(X), b - lr * P.sum(axis=0) / len(X)]


def trajectory(reply, names, steps: int, what: str) -> list:
    """The reported parameters after each step, [[p0, p1, …] per step], from one stacked array per name."""
    stacks = [reply.get(name) for name in names]
    if steps == 0:
        return []
    if not all(isinstance(s, np.ndarray) and s.ndim >= 1 and len(s) == steps for s in stacks):
        fail(f"{what}: the training reported {steps} steps but not the parameters after each of them")
    return [list(params) for params in zip(*stacks)]


def verify_steps(start, reported, step, what: str):
    """`reported[k]` (a list of parameter arrays) must equal `step(k, previous)` where previous is the
    judge's `start` for k = 0 and `reported[k-1]` after. Returns the last parameters (float64)."""
    previous = [np.asarray(p, np.float64) for p in start]
    for k, params in enumerate(reported):
        params = [numbers(p, function=what, what="reported parameters as") for p in params]
        if len(params) != len(previous) or any(p.size != q.size for p, q in zip(params, previous)):
            fail(f"{what}: step {k + 1} reported {len(params)} parameter arrays of sizes "
                 f"{[p.size for p in params]}; expected sizes {[q.size for q in previous]}")
        params = [p.reshape(q.shape) for p, q in zip(params, previous)]
        if not all(np.isfinite(p).all() for p in params):
            fail(f"{what}: the parameters became nan or inf at step {k + 1}")
        expected = step(k, previous)
        for p, e in zip(params, expected):
            if not np.allclose(p, e, rtol=STEP_RTOL, atol=STEP_ATOL):
                fail(f"{what}: after step {k + 1} a parameter is {show(p)}, but one correct step from the "
                     f"parameters before it on that batch gives {show(e)}")
        previous = params
    return previous


class RowIndex:
    """Which of the judge's examples each returned row is, by value: the probe data is random, so nothing
    marks it as probe data, and a row's float32 bytes identify it. O(1) per row."""

    def __init__(self, features):
        self.rows = np.ascontiguousarray(np.asarray(features, np.float32))
        self.index = {row.tobytes(): i for i, row in enumerate(self.rows)}

    def ids(self, X) -> np.ndarray:
        """The example index of every row of X, -1 for a row that is not one of the examples."""
        X = np.ascontiguousarray(np.asarray(X, np.float64).astype(np.float32))
        if X.ndim != 2 or X.shape[1] != self.rows.shape[1]:
            return np.full(len(X) if X.ndim else 1, -1)
        return np.array([self.index.get(row.tobytes(), -1) for row in X], dtype=np.int64)


def stopped_message(stopped) -> str:
    """A training loop the student's loss broke: name the function and what it did."""
    return (f"training stopped: {stopped.get('function')} {stopped.get('what')}; compute it with NDArray "
            "operations so autograd can differentiate it")


def verify_sgd_trainer(reply: dict, learning_rate: float, batch_size: int) -> None:
    """The `trainer` stub of the Gluon sections: a gluon.Trainer over all of net's parameters whose steps are
    plain SGD at `learning_rate`. The reply (harness `trainer_step`) holds each step's parameters before and
    after and the gradients: every step is recomputed here, so the type and optimizer names it reports only
    sharpen the message, never pass the check."""
    if reply["type"] != "Trainer":
        fail(f"trainer is {describe(Opaque(reply['type']))}; create gluon.Trainer(net.collect_params(), 'sgd', "
             f"{{'learning_rate': {learning_rate}}})")
    if not reply["trainer_covers_net"]:
        fail("trainer does not update all of net's parameters (it was given some of them, or another net's): "
             "give it net.collect_params()")
    if reply["optimizer"] != "SGD":
        fail(f"trainer uses the {reply['optimizer']} optimizer; this section uses plain 'sgd' with learning rate "
             f"{learning_rate}")
    for k, step in enumerate(reply["steps"]):
        for before, after, grad in zip(step["before"], step["after"], step["grads"]):
            expected = before - learning_rate * grad / batch_size
            if close(after, expected, rtol=1e-3, atol=1e-6):
                continue
            if k > 0:
                fail(f"the first trainer.step({batch_size}) was plain SGD, but the second moved a parameter by "
                     f"{show(before - after)} instead of {show(before - expected)}: the step remembers earlier "
                     "gradients (momentum); use plain 'sgd' without momentum")
            rate = float(np.sum(before - after) / (np.sum(grad) / batch_size)) if np.sum(grad) else float("nan")
            fail(f"one trainer.step({batch_size}) moved a parameter by {show(before - after)}; with learning rate "
                 f"{learning_rate} it should move by {show(before - expected)} (the step implies a learning rate "
                 f"of about {rate:.3g}, or weight decay): use {{'learning_rate': {learning_rate}}}")
