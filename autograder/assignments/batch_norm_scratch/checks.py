"""Checks for batch_norm_scratch: batch_norm (training and prediction, 2-D and 4-D, moving statistics, gradients),
the BatchNorm block (parameters, initial statistics, forward, statistics kept, context), and an outcome: a small
network with the student's BatchNorm trained on a problem the judge chose, every step recomputed here."""
from __future__ import annotations

import numpy as np

from autograder.checks import check
from autograder.checks.expect import close, fail, malformed_reply, numbers, replies_checked, same_values, show
from autograder.checks.trajectory import trajectory, verify_steps

A = "batch_norm_scratch"
EPS, MOMENTUM = 1e-5, 0.9


def stat_axes(ndim: int) -> tuple[int, ...]:
    return (0,) if ndim == 2 else (0, 2, 3)


def reference(X, gamma, beta, moving_mean, moving_var, training, eps=EPS, momentum=MOMENTUM, axes=None,
              variance=None, swap=False):
    """(Y, moving_mean, moving_var) in float64. `axes`, `variance` (a function of X, mean and axes) and `swap`
    (momentum on the batch statistic) describe classic mistakes, so a check can name the one it sees."""
    if not training:
        return gamma * (X - moving_mean) / np.sqrt(moving_var + eps) + beta, moving_mean, moving_var
    axes = stat_axes(X.ndim) if axes is None else axes
    mean = X.mean(axis=axes, keepdims=True)
    var = ((X - mean) ** 2).mean(axis=axes, keepdims=True) if variance is None else variance(X, mean, axes)
    Y = gamma * (X - mean) / np.sqrt(var + eps) + beta
    if mean.size != moving_mean.size:
        return Y, None, None
    mean, var = mean.reshape(moving_mean.shape), var.reshape(moving_var.shape)
    if swap:
        return Y, (1 - momentum) * moving_mean + momentum * mean, (1 - momentum) * moving_var + momentum * var
    return Y, momentum * moving_mean + (1 - momentum) * mean, momentum * moving_var + (1 - momentum) * var


def std_variance(X, mean, axes):
    return np.sqrt(((X - mean) ** 2).mean(axis=axes, keepdims=True))


def unbiased_variance(X, mean, axes):
    n = X.size // mean.size
    return ((X - mean) ** 2).sum(axis=axes, keepdims=True) / (n - 1)


def problem(seed: int, shape) -> dict:
    """X with its own mean and spread per feature (channel), and gamma, beta and moving statistics of the
    broadcasting shape the notebook uses: (1, C) for 2-D, (1, C, 1, 1) for 4-D."""
    rng = np.random.default_rng(seed)
    C = shape[1]
    stat = (1, C) if len(shape) == 2 else (1, C, 1, 1)
    loc, scale = rng.uniform(-3, 3, size=stat), rng.uniform(0.3, 3, size=stat)
    return {"X": loc + scale * rng.normal(size=shape), "gamma": rng.uniform(0.5, 2, size=stat),
            "beta": rng.normal(size=stat), "moving_mean": rng.normal(size=stat),
            "moving_var": rng.uniform(0.5, 2, size=stat)}


SHAPES = {2: (8, 5), 4: (4, 3, 5, 5)}


def call(probe, ndim: int, training: bool, weights=None):
    p = problem(10 + ndim, SHAPES[ndim])
    reply = probe.run("batch_norm_call", **p, eps=EPS, momentum=MOMENTUM, training=training, weights=weights)
    return p, reply


def triple(reply, p, ndim, training):
    """Y, moving_mean, moving_var as float64 arrays, or a failure saying what came back."""
    if reply["returned"] != "triple":
        fail(f"batch_norm returned {reply['returned']}; return the tuple (Y, moving_mean, moving_var)")
    Y = numbers(reply["Y"], function="batch_norm", what="returned as Y")
    mm = numbers(reply["moving_mean"], function="batch_norm", what="returned as moving_mean")
    mv = numbers(reply["moving_var"], function="batch_norm", what="returned as moving_var")
    if Y.shape != p["X"].shape:
        fail(f"batch_norm returned Y of shape {Y.shape} for X of shape {p['X'].shape} "
             f"({'training' if training else 'prediction'} mode, {ndim}-D); Y keeps X's shape")
    return Y, mm, mv


def _mistaken_y(Y, p, ndim):
    """The name of the classic mistake whose training-mode Y equals the student's, or None."""
    X, g, b, mm, mv = (p[k] for k in ("X", "gamma", "beta", "moving_mean", "moving_var"))
    if close(Y, reference(X, g, b, mm, mv, training=False)[0]):
        return ("normalised with moving_mean and moving_var in training mode: under autograd.is_training() use "
                "the batch's own mean and variance")
    if close(Y, reference(X, g, b, mm, mv, True, variance=std_variance)[0]):
        return "divided by sqrt(std + eps): the variance is the mean of (X - mean) ** 2, not its square root"
    if close(Y, reference(X, g, b, mm, mv, True, variance=unbiased_variance)[0]):
        return "divided the squared deviations by n - 1: batch norm's variance is their mean (divide by n)"
    if ndim == 2 and close(Y, reference(X, g, b, mm, mv, True, axes=(1,))[0]):
        return "computed the statistics of each example (axis 1): for 2-D input they are over the batch, axis 0"
    if ndim == 4:
        for axes, what in (((0,), "over axis 0 only (one per channel and pixel)"),
                           ((0, 1, 2, 3), "over the whole array"), ((1, 2, 3), "per example")):
            if close(Y, reference(X, g, b, mm, mv, True, axes=axes)[0]):
                return (f"computed the statistics {what}: for 4-D input take them per channel, over axes "
                        "(0, 2, 3) with keepdims=True")
    return None


def _training_y(probe, ndim):
    p, reply = call(probe, ndim, True)
    with malformed_reply("batch_norm"):
        Y, _, _ = triple(reply, p, ndim, True)
    expected = reference(p["X"], p["gamma"], p["beta"], p["moving_mean"], p["moving_var"], True)[0]
    if close(Y, expected):
        return
    mistake = _mistaken_y(Y, p, ndim)
    if mistake:
        fail(f"batch_norm on {ndim}-D input in training mode {mistake}")
    fail(f"batch_norm on {ndim}-D input {p['X'].shape} in training mode returned Y starting {show(Y)}; expected "
         f"gamma * (X - mean) / sqrt(var + eps) + beta = {show(expected)} with the batch's mean and variance")


@check(A, "batch_norm", "training_2d", points=1)
def training_2d(probe):
    _training_y(probe, 2)


@check(A, "batch_norm", "training_4d", points=1)
def training_4d(probe):
    _training_y(probe, 4)


@check(A, "batch_norm", "moving_statistics", points=1)
def moving_statistics(probe):
    """moving = momentum * moving + (1 - momentum) * batch statistic, returned, for 2-D and 4-D input."""
    for ndim in (2, 4):
        p, reply = call(probe, ndim, True)
        with malformed_reply("batch_norm"):
            _, mm, mv = triple(reply, p, ndim, True)
        X, g, b, mm0, mv0 = (p[k] for k in ("X", "gamma", "beta", "moving_mean", "moving_var"))
        _, want_mm, want_mv = reference(X, g, b, mm0, mv0, True)
        if same_values(mm, want_mm) and same_values(mv, want_mv):
            continue
        where = f"batch_norm in training mode ({ndim}-D input)"
        if same_values(mm, mm0) and same_values(mv, mv0):
            fail(f"{where} returned moving_mean and moving_var unchanged: update them with this batch's "
                 "statistics and return the new ones")
        _, swap_mm, swap_mv = reference(X, g, b, mm0, mv0, True, swap=True)
        if same_values(mm, swap_mm) or same_values(mv, swap_mv):
            fail(f"{where} applied momentum to the batch's statistic: moving = momentum * moving + "
                 "(1 - momentum) * batch statistic (momentum keeps the old value)")
        if same_values(mm, want_mm):
            for variance, what in ((std_variance, "the standard deviation"),
                                   (unbiased_variance, "the variance divided by n - 1")):
                if same_values(mv, reference(X, g, b, mm0, mv0, True, variance=variance)[2]):
                    fail(f"{where} updated moving_var with {what}: use the mean of (X - mean) ** 2")
            fail(f"{where} returned moving_var {show(mv)}; expected momentum * moving_var + (1 - momentum) * "
                 f"var = {show(want_mv)}")
        if mm.size != mm0.size:
            fail(f"{where} returned a moving_mean of {mm.size} numbers for {mm0.size} features: keep one "
                 f"statistic per {'feature' if ndim == 2 else 'channel'} (shape {mm0.shape})")
        fail(f"{where} returned moving_mean {show(mm)}; expected momentum * moving_mean + (1 - momentum) * "
             f"mean = {show(want_mm)} (per {'feature, over axis 0' if ndim == 2 else 'channel, over axes (0, 2, 3)'})")


@check(A, "batch_norm", "prediction", points=1)
def prediction(probe):
    """Outside autograd.record(): normalise with the moving statistics given, and return them unchanged."""
    for ndim in (2, 4):
        p, reply = call(probe, ndim, False)
        with malformed_reply("batch_norm"):
            Y, mm, mv = triple(reply, p, ndim, False)
        X, g, b, mm0, mv0 = (p[k] for k in ("X", "gamma", "beta", "moving_mean", "moving_var"))
        expected = reference(X, g, b, mm0, mv0, False)[0]
        where = f"batch_norm in prediction mode ({ndim}-D input)"
        if not close(Y, expected):
            if close(Y, reference(X, g, b, mm0, mv0, True)[0]):
                fail(f"{where} normalised with the batch's own statistics: when not autograd.is_training(), "
                     "use moving_mean and moving_var (a prediction must not depend on the other examples)")
            fail(f"{where} returned Y starting {show(Y)}; expected gamma * (X - moving_mean) / "
                 f"sqrt(moving_var + eps) + beta = {show(expected)}")
        if not (same_values(mm, mm0) and same_values(mv, mv0)):
            fail(f"{where} changed the moving statistics: only training updates them; return them as given")


@check(A, "batch_norm", "gradient", points=1)
def gradient(probe):
    """Gradients of sum(R * Y) in training mode: through the batch statistics to X, and to gamma and beta."""
    p = problem(12, SHAPES[2])
    R = np.random.default_rng(13).normal(size=SHAPES[2])
    _, reply = call(probe, 2, True, weights=R)
    with malformed_reply("batch_norm"):
        grads = reply["grads"]
        if grads is None:
            fail("batch_norm's Y cannot be differentiated in training mode: compute it with NDArray operations "
                 "(no .asnumpy() or numpy) so autograd records them")
        dX, dgamma, dbeta = (numbers(g, function="batch_norm", what="gave a gradient of") for g in grads)
    X, gamma = p["X"], p["gamma"]
    mean, var = X.mean(axis=0, keepdims=True), X.var(axis=0, keepdims=True)
    X_hat = (X - mean) / np.sqrt(var + EPS)
    n = X.shape[0]
    want_dX = gamma / np.sqrt(var + EPS) / n * (n * R - R.sum(0) - X_hat * (R * X_hat).sum(0))
    want_dgamma, want_dbeta = (R * X_hat).sum(0), R.sum(0)
    if not (same_values(dgamma, want_dgamma, rtol=1e-3, atol=1e-4) and same_values(dbeta, want_dbeta, 1e-3, 1e-4)):
        fail(f"batch_norm's gradients with respect to gamma and beta are {show(dgamma)} and {show(dbeta)}; "
             f"expected {show(want_dgamma)} and {show(want_dbeta)}: Y = gamma * X_hat + beta")
    if not close(dX, want_dX, rtol=1e-3, atol=1e-4):
        direct = gamma / np.sqrt(var + EPS) * R
        if close(dX, direct, rtol=1e-3, atol=1e-4):
            fail("batch_norm's gradient with respect to X ignores the batch mean and variance: they depend on X "
                 "too, so do not detach them or compute them outside autograd")
        fail(f"batch_norm's gradient with respect to X is {show(dX)}; expected {show(want_dX)}")


# ---- the BatchNorm block (judged with a trusted batch_norm) ----

def _block(probe, num_features, num_dims, **kwargs):
    return probe.run("batch_norm_block", num_features=num_features, num_dims=num_dims, **kwargs)


@check(A, "BatchNorm", "parameters", points=1)
@replies_checked("BatchNorm")
def block_parameters(probe):
    for features, dims in ((3, 4), (5, 2)):
        params = _block(probe, features, dims, Xs=[])["params"]
        what = f"BatchNorm({features}, num_dims={dims})"
        for suffix, value, init in (("gamma", 1.0, "ones (init.One())"), ("beta", 0.0, "zeros (init.Zero())")):
            found = [v for name, v in params.items() if name.endswith(suffix)]
            if len(found) != 1:
                fail(f"{what} has {len(found)} parameters named {suffix} (it has {sorted(params) or 'none'}): "
                     f"register one with self.params.get('{suffix}', shape=..., init=...)")
            array = numbers(found[0], function="BatchNorm", what=f"has a {suffix} that is")
            if array.size != features:
                fail(f"{what}'s {suffix} has shape {array.shape}; expected {features} values, shape "
                     f"{(1, features, 1, 1) if dims == 4 else (1, features)}")
            if not np.allclose(array, value):
                fail(f"{what}'s {suffix} starts at {show(array)}; it must start at {init}")


def _features(seed, shape):
    rng = np.random.default_rng(seed)
    stat = (1, shape[1]) + (1,) * (len(shape) - 2)
    return rng.uniform(-2, 2, size=stat) + rng.uniform(0.5, 2.5, size=stat) * rng.normal(size=shape)


@check(A, "BatchNorm", "initial_statistics", points=0.5)
@replies_checked("BatchNorm")
def initial_statistics(probe):
    """A fresh block in prediction mode: moving_mean 0 and moving_var 1, so Y = X / sqrt(1 + eps)."""
    X = _features(20, (6, 4))
    reply = _block(probe, 4, 2, Xs=[], gamma=np.ones(4), beta=np.zeros(4), X_predict=X)
    Y = numbers(reply["predicted"], function="BatchNorm", what="returned")
    if close(Y, X / np.sqrt(1 + EPS)):
        return
    if close(Y, X / np.sqrt(EPS), rtol=1e-3):
        fail("BatchNorm starts with moving_var = 0, so a fresh block divides by sqrt(eps) in prediction mode: "
             "initialise moving_var with nd.ones (and moving_mean with nd.zeros)")
    fail(f"a fresh BatchNorm(4, num_dims=2) in prediction mode returned {show(Y)} for X = {show(X)}; with "
         "moving_mean 0 and moving_var 1 expected X / sqrt(1 + eps)")


def _block_run(probe):
    """BatchNorm(3, 4) with the judge's gamma and beta: three training-mode forwards, then one prediction."""
    rng = np.random.default_rng(21)
    gamma, beta = rng.uniform(0.5, 2, size=3), rng.normal(size=3)
    Xs = [_features(22 + k, (4, 3, 5, 5)) for k in range(3)]
    X_predict = _features(30, (2, 3, 5, 5))
    reply = _block(probe, 3, 4, Xs=Xs, gamma=gamma, beta=beta, X_predict=X_predict)
    g, b = gamma.reshape(1, 3, 1, 1), beta.reshape(1, 3, 1, 1)
    mm, mv = np.zeros((1, 3, 1, 1)), np.ones((1, 3, 1, 1))
    expected = []
    for X in Xs:
        Y, mm, mv = reference(X, g, b, mm, mv, True)
        expected.append(Y)
    return reply, Xs, expected, reference(X_predict, g, b, mm, mv, False)[0], (X_predict, g, b)


def _predicted_after(Xs, g, b, X_predict, moving_var):
    mm = np.zeros_like(g)
    for X in Xs:
        _, mm, moving_var = reference(X, g, b, mm, moving_var, True)
    return reference(X_predict, g, b, mm, moving_var, False)[0]


@check(A, "BatchNorm", "forward", points=1)
@replies_checked("BatchNorm")
def block_forward(probe):
    reply, Xs, expected, _, _ = _block_run(probe)
    outputs = reply["outputs"]
    if len(outputs) != len(Xs):
        fail("BatchNorm's forward passes were not all reported")
    Y = numbers(outputs[0], function="BatchNorm", what="returned")
    if not close(Y, expected[0]):
        fail(f"BatchNorm(3, num_dims=4) in training mode, with gamma and beta set by the grader, returned "
             f"{show(Y)}; expected batch_norm(X, gamma, beta, ...)'s Y = {show(expected[0])}: pass the "
             "parameters' data (self.gamma.data(), self.beta.data()) and eps=1e-5, momentum=0.9")


@check(A, "BatchNorm", "keeps_statistics", points=1)
@replies_checked("BatchNorm")
def keeps_statistics(probe):
    """After three training-mode forwards, a prediction uses the moving statistics those three updated."""
    reply, Xs, _, expected, (X, g, b) = _block_run(probe)
    Y = numbers(reply["predicted"], function="BatchNorm", what="returned")
    if close(Y, expected):
        return
    if close(Y, reference(X, g, b, np.zeros_like(g), np.ones_like(g), False)[0]):
        fail("BatchNorm does not keep the moving statistics batch_norm returns: after three training batches "
             "its predictions still use the initial ones; assign them back (self.moving_mean, "
             "self.moving_var = ...)")
    if close(Y, _predicted_after(Xs, g, b, X, np.zeros_like(g))):
        fail("BatchNorm's moving_var starts at 0 (its predictions after three training batches match moving "
             "statistics started at zeros): initialise moving_var with nd.ones")
    if close(Y, reference(X, g, b, 0 * g, 0 * g + 1, True)[0]):
        fail("BatchNorm uses the batch's statistics in prediction mode: batch_norm decides by "
             "autograd.is_training(); call it the same way in both modes")
    fail(f"BatchNorm(3, num_dims=4) in prediction mode after three training batches returned {show(Y)}; "
         f"expected {show(expected)} from the moving statistics (starting at 0 and 1, momentum 0.9)")


@check(A, "BatchNorm", "context", points=0.5)
@replies_checked("BatchNorm")
def block_context(probe):
    """On mx.cpu(1) every array the block keeps, and its output, must live on cpu(1); MXNet does not always
    refuse an operator whose inputs live on different contexts, so where they live is asked for."""
    reply = probe.run("batch_norm_context", num_features=3, num_dims=4, X=_features(40, (2, 3, 4, 4)))
    wrong = {name: ctx for name, ctx in reply["kept"].items() if ctx != "cpu(1)"}
    if wrong:
        fail(f"BatchNorm initialised and run on cpu(1) keeps {', '.join(f'{k} on {v}' for k, v in sorted(wrong.items()))}: "
             "move the moving statistics to the input's context (X.context) before using them")
    if any(ctx != "cpu(1)" for ctx in reply["outputs"]):
        fail(f"BatchNorm run on cpu(1) returned outputs on {reply['outputs']}; they must stay on the input's context")


# ---- outcome: a network with the student's BatchNorm, trained here and recomputed ----

HIDDEN, CLASSES, FEATURES = 16, 3, 10
N_TRAIN, N_TEST, BATCH, EPOCHS, LR = 360, 240, 40, 3, 0.5
HIDDEN_ACCURACY = 0.8


def outcome_problem(seed: int):
    """Three classes around random centres, in features with large, uneven offsets and scales: what batch
    normalisation is for. Also the judge's starting parameters and batches."""
    rng = np.random.default_rng(seed)
    centres = 4 * np.linalg.qr(rng.normal(size=(FEATURES, CLASSES)))[0].T     # 5.7 apart, noise 1
    offset, scale = rng.uniform(-5, 5, size=FEATURES), rng.uniform(0.5, 3, size=FEATURES)
    labels = rng.integers(0, CLASSES, size=N_TRAIN + N_TEST)
    X = offset + scale * (centres[labels] + rng.normal(size=(N_TRAIN + N_TEST, FEATURES)))
    params = [rng.normal(scale=0.3, size=(HIDDEN, FEATURES)), np.zeros(HIDDEN), rng.uniform(0.8, 1.2, HIDDEN),
              rng.normal(scale=0.1, size=HIDDEN), rng.normal(scale=0.3, size=(CLASSES, HIDDEN)), np.zeros(CLASSES)]
    order = np.concatenate([rng.permutation(N_TRAIN) for _ in range(EPOCHS)]).reshape(-1, BATCH)
    return (X[:N_TRAIN], labels[:N_TRAIN]), (X[N_TRAIN:], labels[N_TRAIN:]), params, order


def mlp_forward(params, X, stats=None):
    """Logits and what backward needs; `stats` = (mean, var) for prediction mode, None for the batch's own."""
    W1, b1, gamma, beta, W2, b2 = params
    h = X @ W1.T + b1
    mean, var = (h.mean(axis=0), h.var(axis=0)) if stats is None else stats
    h_hat = (h - mean) / np.sqrt(var + EPS)
    z = gamma * h_hat + beta
    a = np.maximum(z, 0)
    return a @ W2.T + b2, (h, mean, var, h_hat, z, a)


def mlp_sgd_step(params, X, y, lr):
    """One SGD step of the summed softmax cross-entropy divided by the batch size (trainer.step(batch_size))."""
    W1, b1, gamma, beta, W2, b2 = params
    logits, (h, mean, var, h_hat, z, a) = mlp_forward(params, X)
    n = len(X)
    P = np.exp(logits - logits.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    P[np.arange(n), y.astype(int)] -= 1
    d_logits = P / n
    dW2, db2 = d_logits.T @ a, d_logits.sum(0)
    dz = (d_logits @ W2) * (z > 0)
    dgamma, dbeta = (dz * h_hat).sum(0), dz.sum(0)
    dh_hat = dz * gamma
    dh = (n * dh_hat - dh_hat.sum(0) - h_hat * (dh_hat * h_hat).sum(0)) / (n * np.sqrt(var + EPS))
    dW1, db1 = dh.T @ X, dh.sum(0)
    grads = (dW1, db1, dgamma, dbeta, dW2, db2)
    return [p - lr * g for p, g in zip(params, grads)], (mean, var)


def _train_and_evaluate(probe, seed: int, what: str):
    (X, y), (X_test, y_test), start, order = outcome_problem(seed)
    X32 = X.astype(np.float32).astype(np.float64)
    reply = probe.run("train_bn_mlp", features=X, labels=y.astype(np.float64), order=order, params=start, lr=LR,
                      X_test=X_test)
    how = f"a network Dense → your BatchNorm → ReLU → Dense trained on {what}"
    names = ("W1", "b1", "gamma", "beta", "W2", "b2")
    mm, mv = np.zeros(HIDDEN), np.ones(HIDDEN)
    with malformed_reply(how):
        reported = trajectory(reply, names, len(order), how)
        batch_stats = []

        def step(k, params):
            new, stats = mlp_sgd_step(params, X32[order[k]], y[order[k]], LR)
            batch_stats.append(stats)
            return new

        final = verify_steps([p.astype(np.float32) for p in start], reported, step, how)
        for mean, var in batch_stats:
            mm, mv = MOMENTUM * mm + (1 - MOMENTUM) * mean, MOMENTUM * mv + (1 - MOMENTUM) * var
        logits = numbers(reply["logits"], function="BatchNorm", what="gave prediction-mode logits as")
    X_test32 = X_test.astype(np.float32).astype(np.float64)
    expected, _ = mlp_forward(final, X_test32, (mm, mv))
    if not close(logits, expected, rtol=1e-3, atol=1e-3):
        fail(f"{how}: after training, its predictions on held-out examples are {show(logits)}; with the moving "
             f"statistics of the {len(order)} training batches they should be {show(expected)}")
    acc = float(np.mean(expected.argmax(axis=1) == y_test))
    if not acc >= HIDDEN_ACCURACY:
        fail(f"{how}: it classifies {acc:.3f} of the held-out examples correctly (computed by the grader); "
             f"expected at least {HIDDEN_ACCURACY}")


STUBS = ("batch_norm", "BatchNorm")


@check(A, None, "training", points=1, timeout=120, requires=STUBS)
def training(probe):
    """The notebook's own training is cut short when graded (DATA_LIMIT), so nothing is taken from it: the
    student's BatchNorm is trained here, every step recomputed, on a problem the notebook never saw."""
    _train_and_evaluate(probe, 5_000_011, "a problem the grader chose")


@check(A, None, "hidden_data", points=1, hidden=True, timeout=120, requires=STUBS)
def hidden_data(probe):
    _train_and_evaluate(probe, 5_000_023 + probe.hidden_seed, "held-out data the notebook never saw")
