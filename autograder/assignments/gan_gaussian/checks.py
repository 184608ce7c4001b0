"""Checks for gan_gaussian: update_D and update_G, one Adam step each from parameters the judge sets, and a GAN
trained with both on a hidden 2-D Gaussian.

The judge recomputes everything in float64 numpy: the book's nets (net_G = Dense(2); net_D = Dense(5, tanh),
Dense(3, tanh), Dense(1)), Gluon's SigmoidBCELoss, the gradients, and MXNet's Adam as `gluon.Trainer(..., 'adam')`
applies it after `trainer.step(batch_size)` (`tests/assignments/test_gan_gaussian.py` proves the step equal to
MXNet's own). The book's update_D: loss_D = (loss(net_D(X), 1) + loss(net_D(net_G(Z).detach()), 0)) / 2 per example,
backward, trainer_D.step(batch_size), return float(loss_D.sum()); update_G: loss_G = loss(net_D(net_G(Z)), 1),
backward, trainer_G.step(batch_size), return float(loss_G.sum()).

Adam normalises the gradient, so a gradient scaled by a constant (a summed loss with trainer.step(1), a loss
without the / 2) moves the parameters exactly as the book's does: those are no mistakes for training, and only the
returned loss value (which train() sums and divides by the number of examples) shows them.
"""
from __future__ import annotations

import numpy as np

from autograder.checks import check
from autograder.checks.expect import fail, malformed_reply, numbers, show
from autograder.checks.trajectory import STEP_ATOL, STEP_RTOL
from autograder.wire import Opaque

A = "gan_gaussian"
STUBS = ("update_D", "update_G")
D_SHAPES = ((5, 2), (5,), (3, 5), (3,), (1, 3), (1,))
G_SHAPES = ((2, 2), (2,))
BETA1, BETA2, EPSILON = 0.9, 0.999, 1e-8


# ---- the book's nets, loss and Adam in float64 ----

def d_forward(P, X):
    W1, b1, W2, b2, W3, b3 = P
    h1 = np.tanh(X @ W1.T + b1)
    h2 = np.tanh(h1 @ W2.T + b2)
    return (h2 @ W3.T + b3)[:, 0], (X, h1, h2)


def d_backward(P, cache, dlogit):
    """Gradients of sum(dlogit * logit) with respect to D's parameters and to its input."""
    W1, b1, W2, b2, W3, b3 = P
    X, h1, h2 = cache
    d3 = dlogit[:, None]
    dh2 = d3 @ W3 * (1 - h2 ** 2)
    dh1 = dh2 @ W2 * (1 - h1 ** 2)
    grads = [dh1.T @ X, dh1.sum(0), dh2.T @ h1, dh2.sum(0), d3.T @ h2, d3.sum(0)]
    return grads, dh1 @ W1


def g_forward(G, Z):
    return Z @ G[0].T + G[1]


def bce(logit, label):
    """Gluon's SigmoidBCELoss (from logits) per example, and its derivative."""
    loss = np.maximum(logit, 0) - logit * label + np.log1p(np.exp(-np.abs(logit)))
    return loss, 1 / (1 + np.exp(-logit)) - label


def d_loss_and_grads(D, G, X, Z, real_label=1.0, fake_label=0.0):
    """The book's per-example loss_D and the gradients of its sum with respect to D's parameters."""
    real, cache_r = d_forward(D, X)
    fake, cache_f = d_forward(D, g_forward(G, Z))
    loss_r, d_r = bce(real, real_label)
    loss_f, d_f = bce(fake, fake_label)
    grads_r, _ = d_backward(D, cache_r, d_r / 2)
    grads_f, _ = d_backward(D, cache_f, d_f / 2)
    return (loss_r + loss_f) / 2, [a + b for a, b in zip(grads_r, grads_f)]


def g_loss_and_grads(D, G, Z, label=1.0):
    """loss_G = loss(net_D(net_G(Z)), label) per example, and the gradients of its sum with respect to G's."""
    fake_logit, cache = d_forward(D, g_forward(G, Z))
    loss, d = bce(fake_logit, label)
    _, dX = d_backward(D, cache, d)
    return loss, [dX.T @ Z, dX.sum(0)]


class Adam:
    """MXNet's Adam as a Trainer applies it: grad / batch_size, bias-corrected step size, epsilon outside the sqrt."""

    def __init__(self, lr, shapes):
        self.lr, self.t = lr, 0
        self.m = [np.zeros(s) for s in shapes]
        self.v = [np.zeros(s) for s in shapes]

    def step(self, params, grads, batch_size):
        self.t += 1
        lr = self.lr * np.sqrt(1 - BETA2 ** self.t) / (1 - BETA1 ** self.t)
        out = []
        for k, (p, g) in enumerate(zip(params, grads)):
            g = g / batch_size
            self.m[k] = BETA1 * self.m[k] + (1 - BETA1) * g
            self.v[k] = BETA2 * self.v[k] + (1 - BETA2) * g ** 2
            out.append(p - lr * self.m[k] / (np.sqrt(self.v[k]) + EPSILON))
        return out


def judge_params(rng, scale=0.5):
    return ([rng.normal(scale=scale, size=s) for s in D_SHAPES],
            [rng.normal(scale=scale, size=s) + (np.eye(2) if len(s) == 2 else 0) for s in G_SHAPES])


# ---- one step of each, from the judge's parameters ----

STEPS = 2           # two calls in a row: the second shows the trainer's state carried over


def _problem(seed):
    rng = np.random.default_rng(seed)
    D, G = judge_params(rng)
    Xs = [rng.normal(size=(8, 2)) @ np.array([[1, 2], [-0.1, 0.5]]) + np.array([1, 2]) for _ in range(STEPS)]
    Zs = [rng.normal(size=(8, 2)) for _ in range(STEPS)]
    return D, G, Xs, Zs


LR_D, LR_G = 0.05, 0.005


def _run(probe, which, seed):
    D, G, Xs, Zs = _problem(seed)
    reply = probe.run("gan_updates", which=which, D=D, G=G, Xs=Xs, Zs=Zs, lr_D=LR_D, lr_G=LR_G)
    return D, G, Xs, Zs, reply


def _params(reply, key, step, shapes, function):
    with malformed_reply(function):
        values = reply["steps"][step][key]
        if len(values) != len(shapes):
            fail(f"{function}: the nets have {len(values)} parameter arrays, expected {len(shapes)}")
        return [numbers(v, function=function, what="left parameters as").reshape(s) for v, s in zip(values, shapes)]


def _same(a, b):
    return all(np.allclose(x, y, rtol=STEP_RTOL, atol=STEP_ATOL) for x, y in zip(a, b))


def _stopped(reply, function):
    """How many calls the scenario reported (a call that raised fails the check before this)."""
    with malformed_reply(function):
        return len(reply["steps"])


def _reference_d(D, G, Xs, Zs, labels=(1.0, 0.0)):
    adam, out, losses = Adam(LR_D, D_SHAPES), [], []
    for X, Z in zip(Xs, Zs):
        loss, grads = d_loss_and_grads(D, G, X, Z, *labels)
        D = adam.step(D, grads, len(X))
        out.append(D)
        losses.append(float(loss.sum()))
    return out, losses


def _reference_g(D, G, Zs, label=1.0):
    adam, out, losses = Adam(LR_G, G_SHAPES), [], []
    for Z in Zs:
        loss, grads = g_loss_and_grads(D, G, Z, label)
        G = adam.step(G, grads, len(Z))
        out.append(G)
        losses.append(float(loss.sum()))
    return out, losses


@check(A, "update_D", "discriminator_step", points=1.5)
def d_step(probe):
    """Two update_D calls from the judge's parameters: D's parameters after each equal MXNet's Adam step on the
    book's loss_D (real labelled 1, fake 0)."""
    D, G, Xs, Zs, reply = _run(probe, "D", 61)
    steps = _stopped(reply, "update_D")
    expected, _ = _reference_d(D, G, Xs, Zs)
    swapped, _ = _reference_d(D, G, Xs, Zs, labels=(0.0, 1.0))
    for k in range(STEPS):
        if k >= steps:
            fail(f"update_D stopped after {k} calls")
        got = _params(reply, "D", k, D_SHAPES, "update_D")
        if _same(got, expected[k]):
            continue
        if _same(got, swapped[k]):
            fail("update_D swapped the labels: real data must be labelled 1 (ones) and generated data 0 (zeros)")
        if k == 0 and _same(got, D):
            fail("update_D left the discriminator's parameters unchanged: call loss_D.backward() and "
                 "trainer_D.step(batch_size)")
        fail(f"after update_D call {k + 1} the discriminator's first weight is {show(got[0])}; one Adam step on "
             f"loss_D = (loss(net_D(X), 1) + loss(net_D(net_G(Z)), 0)) / 2 gives {show(expected[k][0])}")


@check(A, "update_D", "generator_untouched", points=1)
def d_generator_untouched(probe):
    """update_D must neither change net_G nor backpropagate into it (detach the generated batch)."""
    D, G, Xs, Zs, reply = _run(probe, "D", 61)
    steps = _stopped(reply, "update_D")
    for k in range(steps):
        got = _params(reply, "G", k, G_SHAPES, "update_D")
        if not _same(got, G):
            fail("update_D changed the generator's parameters: only trainer_D may step in update_D")
        grads = _params(reply, "G_grad", k, G_SHAPES, "update_D")
        if any(np.abs(g).max() > 0 for g in grads):
            fail("update_D backpropagated into the generator (its gradients were written): pass "
                 "net_G(Z).detach() to net_D, so the discriminator's step computes no generator gradients")


def _loss_value(reply, k, function):
    with malformed_reply(function):
        value, type_name = reply["steps"][k]["value"], reply["steps"][k]["type"]
    if isinstance(value, Opaque) or not isinstance(value, np.ndarray) or value.size != 1:
        fail(f"{function} returned {'an' if type_name[:1] in 'aeiouAEIOU' else 'a'} {type_name}; return the "
             "batch's summed loss as a Python float: float(loss.sum())")
    if type_name not in ("float", "float32", "float64"):
        fail(f"{function} returned {'an' if type_name[:1] in 'aeiouAEIOU' else 'a'} {type_name}; return a Python "
             "float (float(loss.sum()) or .asscalar()), which train() adds up")
    return float(value.reshape(-1)[0])


def _loss_verdict(function, got, expected, batch, formula):
    if np.isclose(got, expected, rtol=1e-4, atol=1e-5):
        return
    if np.isclose(got, expected / batch, rtol=1e-4, atol=1e-6):
        fail(f"{function} returned the batch's mean loss {got:.4f}; train() adds the returned values and divides "
             f"by the number of examples, so return the sum over the batch, float(loss.sum()) = {expected:.4f}")
    if function == "update_D" and np.isclose(got, 2 * expected, rtol=1e-4):
        fail(f"update_D returned {got:.4f}, twice the book's loss: loss_D is the average of the two terms, "
             f"(loss(real) + loss(fake)) / 2, summed over the batch = {expected:.4f}")
    fail(f"{function} returned {got:.4f}; {formula} summed over the batch is {expected:.4f}")


@check(A, "update_D", "loss_value", points=0.5)
def d_loss_value(probe):
    D, G, Xs, Zs, reply = _run(probe, "D", 61)
    steps = _stopped(reply, "update_D")
    if steps == 0:
        fail("update_D stopped before returning")
    _, losses = _reference_d(D, G, Xs, Zs)
    _loss_verdict("update_D", _loss_value(reply, 0, "update_D"), losses[0], len(Xs[0]),
                  "loss_D = (loss(net_D(X), 1) + loss(net_D(net_G(Z)), 0)) / 2")


@check(A, "update_G", "generator_step", points=1.5)
def g_step(probe):
    """Two update_G calls: G's parameters after each equal MXNet's Adam step on loss(net_D(net_G(Z)), 1)."""
    D, G, Xs, Zs, reply = _run(probe, "G", 62)
    steps = _stopped(reply, "update_G")
    expected, _ = _reference_g(D, G, Zs)
    zeros, _ = _reference_g(D, G, Zs, label=0.0)
    for k in range(STEPS):
        if k >= steps:
            fail(f"update_G stopped after {k} calls")
        got = _params(reply, "G", k, G_SHAPES, "update_G")
        if _same(got, expected[k]):
            continue
        if _same(got, zeros[k]):
            fail("update_G labelled the generated data 0: the generator learns to fool the discriminator, so its "
                 "loss uses label 1 (ones)")
        if k == 0 and _same(got, G):
            fail("update_G left the generator's parameters unchanged: call loss_G.backward() and "
                 "trainer_G.step(batch_size) (trainer_G, not trainer_D)")
        fail(f"after update_G call {k + 1} the generator's weight is {show(got[0])}; one Adam step on "
             f"loss(net_D(net_G(Z)), 1) gives {show(expected[k][0])}")


@check(A, "update_G", "discriminator_untouched", points=1)
def g_discriminator_untouched(probe):
    D, G, Xs, Zs, reply = _run(probe, "G", 62)
    steps = _stopped(reply, "update_G")
    for k in range(steps):
        if not _same(_params(reply, "D", k, D_SHAPES, "update_G"), D):
            fail("update_G changed the discriminator's parameters: step only trainer_G in update_G (the "
                 "discriminator's gradients are computed, but it must not move)")


@check(A, "update_G", "loss_value", points=0.5)
def g_loss_value(probe):
    D, G, Xs, Zs, reply = _run(probe, "G", 62)
    if _stopped(reply, "update_G") == 0:
        fail("update_G stopped before returning")
    _, losses = _reference_g(D, G, Zs)
    _loss_verdict("update_G", _loss_value(reply, 0, "update_G"), losses[0], len(Zs[0]),
                  "loss_G = loss(net_D(net_G(Z)), 1)")


# ---- outcome: a GAN trained with update_D and update_G on a hidden Gaussian, every step recomputed ----

HIDDEN_N, HIDDEN_BATCH, HIDDEN_STEPS, HIDDEN_LR_D, HIDDEN_LR_G = 256, 8, 60, 0.05, 0.02
REFERENCE_RATIO = 0.5     # problems are drawn until the judge's own float64 training gets this close…
PASS_RATIO = 0.6          # …and a submission passes at this: float32 training ends within 1e-3 of it (tested)


def hidden_problem(seed: int):
    """Data X = Z·A + b (A, b drawn), the judge's initial parameters (the book's Normal(0.02) init), batches and
    noise; redrawn until the reference training brings the generated mean from its start to within
    REFERENCE_RATIO of the distance to the data's mean (the GAN gets there in about 60 % of draws: a couple of
    draws, well under a second each)."""
    rng = np.random.default_rng(seed)
    while True:
        A, b = rng.normal(scale=0.6, size=(2, 2)), rng.uniform(-1.5, 1.5, size=2)
        data = rng.normal(size=(HIDDEN_N, 2)) @ A + b
        D0 = [rng.normal(scale=0.02, size=s) for s in D_SHAPES]
        G0 = [rng.normal(scale=0.02, size=s) for s in G_SHAPES]
        epochs = -(-HIDDEN_STEPS * HIDDEN_BATCH // HIDDEN_N)
        order = np.concatenate([rng.permutation(HIDDEN_N) for _ in range(epochs)])
        order = order[:HIDDEN_STEPS * HIDDEN_BATCH].reshape(HIDDEN_STEPS, HIDDEN_BATCH)
        Zs = rng.normal(size=(HIDDEN_STEPS, HIDDEN_BATCH, 2))
        problem = dict(A=A, b=b, data=data, D0=D0, G0=G0, order=order, Zs=Zs)
        if mean_ratio(reference_training(problem)[1], problem) <= REFERENCE_RATIO:
            return problem


def reference_training(problem):
    D, G = problem["D0"], problem["G0"]
    adam_D, adam_G = Adam(HIDDEN_LR_D, D_SHAPES), Adam(HIDDEN_LR_G, G_SHAPES)
    for rows, Z in zip(problem["order"], problem["Zs"]):
        _, grads = d_loss_and_grads(D, G, problem["data"][rows], Z)
        D = adam_D.step(D, grads, len(rows))
        _, grads = g_loss_and_grads(D, G, Z)
        G = adam_G.step(G, grads, len(rows))
    return D, G


def mean_ratio(G, problem) -> float:
    """How far the generated mean (net_G's bias: Z has mean 0) is from the data's, relative to where it started."""
    return float(np.abs(G[1] - problem["b"]).max() / np.abs(problem["G0"][1] - problem["b"]).max())


def _verify_training(reply, problem, how):
    """Each reported update_D and update_G step against one Adam step from the reported parameters before it;
    each returned loss against the judge's. Returns the last generator parameters."""
    steps = len(problem["order"])
    with malformed_reply(how):
        Ds = [reply[f"D{i}"] for i in range(6)]
        Gs = [reply[f"G{i}"] for i in range(2)]
        losses = np.asarray(reply["losses"], np.float64)
        if not all(isinstance(a, np.ndarray) and len(a) == steps for a in Ds + Gs) or losses.shape != (steps, 2):
            fail(f"{how}: the training did not report the {steps} steps it was asked for")
        D, G = problem["D0"], problem["G0"]
        adam_D, adam_G = Adam(HIDDEN_LR_D, D_SHAPES), Adam(HIDDEN_LR_G, G_SHAPES)
        for k, (rows, Z) in enumerate(zip(problem["order"], problem["Zs"])):
            X = problem["data"][rows].astype(np.float32).astype(np.float64)
            loss_D, grads = d_loss_and_grads(D, G, X, Z)
            expected_D = adam_D.step(D, grads, len(rows))
            D = [np.asarray(a[k], np.float64).reshape(s) for a, s in zip(Ds, D_SHAPES)]
            if not _same(D, expected_D):
                fail(f"{how}: after update_D at step {k + 1} the discriminator is {show(D[0])}; one Adam step from "
                     f"the parameters before it gives {show(expected_D[0])}")
            loss_G, grads = g_loss_and_grads(D, G, Z)
            expected_G = adam_G.step(G, grads, len(rows))
            G = [np.asarray(a[k], np.float64).reshape(s) for a, s in zip(Gs, G_SHAPES)]
            if not _same(G, expected_G):
                fail(f"{how}: after update_G at step {k + 1} the generator is {show(G[0])}; one Adam step from the "
                     f"parameters before it gives {show(expected_G[0])}")
            if not np.allclose(losses[k], [loss_D.sum(), loss_G.sum()], rtol=1e-3, atol=1e-4):
                fail(f"{how}: at step {k + 1} update_D and update_G returned {show(losses[k])}; the batch's summed "
                     f"losses are {show([loss_D.sum(), loss_G.sum()])}")
    return G


@check(A, None, "hidden_gaussian", points=1, hidden=True, timeout=120, requires=STUBS)
def hidden_gaussian(probe):
    """The book's loop (update_D, then update_G, per batch) for HIDDEN_STEPS (60) steps on a Gaussian the notebook
    never saw; every step and every returned loss is recomputed here, then the generated mean must have come most
    of the way to the data's mean."""
    problem = hidden_problem(8_000_009 + probe.hidden_seed)
    reply = probe.run("train_gan", data=problem["data"].astype(np.float32), order=problem["order"],
                      Zs=problem["Zs"], D=problem["D0"], G=problem["G0"], lr_D=HIDDEN_LR_D, lr_G=HIDDEN_LR_G)
    how = (f"a GAN trained with your update_D and update_G for {HIDDEN_STEPS} steps on a Gaussian the notebook "
           f"never saw (mean {show(problem['b'])})")
    G = _verify_training(reply, problem, how)
    ratio = mean_ratio(G, problem)
    if not ratio <= PASS_RATIO:
        fail(f"{how}: the generated mean {show(G[1])} is still {ratio:.2f} of its initial distance from the data's "
             f"(expected at most {PASS_RATIO})")
