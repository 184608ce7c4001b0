"""Checks for resnet: Residual (output shapes, values with the judge's parameters for both kinds of block),
resnet_block (its Residuals, judged with a trusted Residual), and an outcome: a small ResNet built from the
student's resnet_block and Residual, trained on a problem the judge chose, every SGD step recomputed here."""
from __future__ import annotations

import numpy as np

from autograder.checks import check
from autograder.checks.expect import close, fail, malformed_reply, numbers, replies_checked, show
from autograder.checks.trajectory import trajectory, verify_steps
from autograder.probes import StudentFailure

A = "resnet"
EPS = 1e-5                          # nn.BatchNorm's default epsilon


# ---- float64 layers, forward and backward ----

def conv(X, W, b, stride=1, pad=0):
    """Cross-correlation of X (n, c, h, w) with W (o, c, kh, kw), as nn.Conv2D; returns (out, cache)."""
    n, c, h, w = X.shape
    o, _, kh, kw = W.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    ho, wo = (h + 2 * pad - kh) // stride + 1, (w + 2 * pad - kw) // stride + 1
    out = np.zeros((n, o, ho, wo))
    for i in range(kh):
        for j in range(kw):
            patch = Xp[:, :, i:i + stride * ho:stride, j:j + stride * wo:stride]
            out += np.einsum("nchw,oc->nohw", patch, W[:, :, i, j])
    return out + b.reshape(1, -1, 1, 1), (Xp, W, stride, pad, X.shape)


def conv_backward(d_out, cache):
    Xp, W, stride, pad, shape = cache
    o, _, kh, kw = W.shape
    ho, wo = d_out.shape[2:]
    dXp, dW = np.zeros_like(Xp), np.zeros_like(W)
    for i in range(kh):
        for j in range(kw):
            window = (slice(None), slice(None), slice(i, i + stride * ho, stride), slice(j, j + stride * wo, stride))
            dW[:, :, i, j] = np.einsum("nohw,nchw->oc", d_out, Xp[window])
            dXp[window] += np.einsum("nohw,oc->nchw", d_out, W[:, :, i, j])
    h, w = shape[2:]
    return dXp[:, :, pad:pad + h, pad:pad + w], dW, d_out.sum(axis=(0, 2, 3))


def batch_norm(X, gamma, beta):
    """nn.BatchNorm in training mode: per-channel statistics of the batch."""
    mean, var = X.mean(axis=(0, 2, 3), keepdims=True), X.var(axis=(0, 2, 3), keepdims=True)
    X_hat = (X - mean) / np.sqrt(var + EPS)
    return gamma.reshape(1, -1, 1, 1) * X_hat + beta.reshape(1, -1, 1, 1), (X_hat, gamma, var)


def batch_norm_backward(d_out, cache):
    X_hat, gamma, var = cache
    m = d_out.size // d_out.shape[1]
    axes = (0, 2, 3)
    d_hat = d_out * gamma.reshape(1, -1, 1, 1)
    dX = (m * d_hat - d_hat.sum(axes, keepdims=True) - X_hat * (d_hat * X_hat).sum(axes, keepdims=True)) / (
        m * np.sqrt(var + EPS))
    return dX, (d_out * X_hat).sum(axes), d_out.sum(axes)


def residual(X, p, strides=1, variant="book"):
    """The book's residual block on X with parameters p (a dict by role: conv1, conv2, conv3 as (W, b); bn1, bn2
    as (gamma, beta)). Variants are classic mistakes: 'relu_before_add' (relu(Y) + X, no ReLU after),
    'strides_on_conv2'. Returns (out, cache for residual_backward)."""
    s1, s2 = (1, strides) if variant == "strides_on_conv2" else (strides, 1)
    c1, k1 = conv(X, *p["conv1"], stride=s1, pad=1)
    b1, kb1 = batch_norm(c1, *p["bn1"])
    a1 = np.maximum(b1, 0)
    c2, k2 = conv(a1, *p["conv2"], stride=s2, pad=1)
    Y, kb2 = batch_norm(c2, *p["bn2"])
    shortcut, k3 = conv(X, *p["conv3"], stride=strides) if p.get("conv3") else (X, None)
    if variant == "relu_before_add":
        return np.maximum(Y, 0) + shortcut, None
    pre = Y + shortcut
    return np.maximum(pre, 0), (k1, kb1, b1, k2, kb2, k3, pre)


def residual_backward(d_out, cache):
    """Gradients of a book residual block: (dX, {role: gradients like p})."""
    k1, kb1, b1, k2, kb2, k3, pre = cache
    d_pre = d_out * (pre > 0)
    grads = {}
    d_c2, *grads["bn2"] = batch_norm_backward(d_pre, kb2)
    d_a1, *grads["conv2"] = conv_backward(d_c2, k2)
    d_c1, *grads["bn1"] = batch_norm_backward(d_a1 * (b1 > 0), kb1)
    dX, *grads["conv1"] = conv_backward(d_c1, k1)
    if k3 is None:
        return dX + d_pre, grads
    d_short, *grads["conv3"] = conv_backward(d_pre, k3)
    return dX + d_short, grads


# ---- which reported parameter plays which role ----

def clean_layout(layout):
    """A layout reply with its numbers as Python ints (they cross the wire as floats)."""
    out = dict(layout, shapes=[tuple(int(v) for v in shape) for shape in layout["shapes"]],
               names=[str(name) for name in layout["names"]])
    as_ints = lambda params: {str(k): int(v) for k, v in params.items()}  # noqa: E731
    layers = layout["layers"]
    if layers and isinstance(layers[0], dict):                  # one Residual
        out["layers"] = [dict(layer, params=as_ints(layer["params"])) for layer in layers]
    else:
        out["layers"] = [[dict(layer, params=as_ints(layer["params"])) for layer in group] for group in layers]
    if "dense" in layout:
        out["dense"] = as_ints(layout["dense"])
    return out


def roles(layers, values):
    """{role: (index, …)} candidates for a Residual from its layers in call order: the 1x1 Conv2D is the shortcut,
    the first 3x3 Conv2D called is conv1, the first BatchNorm bn1. None when the layers are not the book's."""
    convs = [layer for layer in layers if layer["kind"] == "Conv2D"]
    bns = [layer for layer in layers if layer["kind"] == "BatchNorm"]
    threes = [c for c in convs if np.shape(values[c["params"]["weight"]])[2:] == (3, 3)]
    ones = [c for c in convs if np.shape(values[c["params"]["weight"]])[2:] == (1, 1)]
    if len(threes) != 2 or len(ones) > 1 or len(bns) != 2 or len(convs) != len(threes) + len(ones):
        return None
    found = {"conv1": threes[0], "conv2": threes[1], "bn1": bns[0], "bn2": bns[1]}
    if ones:
        found["conv3"] = ones[0]
    return found


def by_role(found, values):
    """Parameter arrays by role; a convolution without bias (use_bias=False) gets zeros."""
    out = {}
    for role, layer in found.items():
        idx = layer["params"]
        if role.startswith("conv"):
            W = np.asarray(values[idx["weight"]], np.float64)
            b = np.asarray(values[idx["bias"]], np.float64) if "bias" in idx else np.zeros(W.shape[0])
            out[role] = (W, b)
        else:
            out[role] = (np.asarray(values[idx["gamma"]], np.float64), np.asarray(values[idx["beta"]], np.float64))
    return out


def judge_values(shapes, names, rng):
    """Values for every parameter: weights and biases random, gamma around 1, beta around 0 (running statistics
    are left alone: in training mode batch norm does not read them)."""
    values = []
    for name, shape in zip(names, shapes):
        suffix = name.rsplit("_", 1)[-1]
        if suffix in ("gamma",):
            values.append(rng.uniform(0.5, 1.5, size=shape))
        elif suffix in ("beta", "bias"):
            values.append(rng.normal(scale=0.5, size=shape))
        elif suffix == "weight":
            fan_in = int(np.prod(shape[1:])) or 1
            values.append(rng.normal(scale=1 / np.sqrt(fan_in), size=shape))
        else:
            values.append(None)
    return values


# ---- Residual ----

CASES = {"same": ((3,), {}, (4, 3, 6, 6), (4, 3, 6, 6), 1),
         "down": ((6,), {"use_1x1conv": True, "strides": 2}, (4, 3, 6, 6), (4, 6, 3, 3), 2)}


def _describe(case):
    args, kwargs = CASES[case][:2]
    text = ", ".join([str(a) for a in args] + [f"{k}={v}" for k, v in kwargs.items()])
    return f"Residual({text})"


def _layout_of(probe, case):
    args, kwargs, shape, _, _ = CASES[case]
    X = np.random.default_rng(50).normal(size=shape)
    try:
        return X, clean_layout(probe.run("residual_forward", args=list(args), kwargs=kwargs, X=X))
    except StudentFailure as exc:
        hint = (": when the number of channels or the size changes, X must go through the 1x1 convolution "
                "(with the same strides) before the addition" if case == "down" else "")
        fail(f"{_describe(case)} on X of shape {shape}: {exc.message}{hint}")


@check(A, "Residual", "shapes", points=1)
@replies_checked("Residual")
def residual_shapes(probe):
    for case in ("same", "down"):
        X, layout = _layout_of(probe, case)
        expected = CASES[case][3]
        values = judge_values(layout["shapes"], layout["names"], np.random.default_rng(51))
        out = numbers(_output(probe, case, X, values), function="Residual", what="returned")
        if out.shape != expected:
            fail(f"{_describe(case)} on X of shape {X.shape} returned shape {out.shape}; expected {expected}")


def _output(probe, case, X, values):
    args, kwargs = CASES[case][:2]
    try:
        return probe.run("residual_forward", args=list(args), kwargs=kwargs, X=X, values=values)["output"]
    except StudentFailure as exc:
        fail(f"{_describe(case)} on X of shape {X.shape}: {exc.message}")


def _residual_values(probe, case):
    X, layout = _layout_of(probe, case)
    values = judge_values(layout["shapes"], layout["names"], np.random.default_rng(51))
    found = roles(layout["layers"], values)
    what = _describe(case)
    if found is None:
        kinds = [layer["kind"] for layer in layout["layers"]]
        fail(f"{what}'s forward pass calls {kinds}; the book's block has two 3x3 Conv2D, two BatchNorm and, "
             "with use_1x1conv=True, one 1x1 Conv2D")
    if case == "down" and "conv3" not in found:
        fail(f"{what} has no 1x1 convolution on the shortcut: create it when use_1x1conv is True")
    if case == "same" and "conv3" in found:
        fail(f"{what} puts a 1x1 convolution on the shortcut although use_1x1conv is False")
    out = numbers(_output(probe, case, X, values), function="Residual", what="returned")
    p, strides = by_role(found, values), CASES[case][4]
    expected, _ = residual(X, p, strides)
    if close(out, expected, rtol=1e-3, atol=1e-4):
        return
    swapped = dict(p, bn1=p["bn2"], bn2=p["bn1"])
    if close(out, residual(X, swapped, strides)[0], rtol=1e-3, atol=1e-4):
        return                                  # the same block, its BatchNorm layers created in the other order
    for variant, message in (
            ("relu_before_add", "applies the ReLU before adding the shortcut: add X (or conv3(X)) to "
                                "bn2(conv2(...)) first, then apply the ReLU to the sum"),
            ("strides_on_conv2", "puts the strides on the second 3x3 convolution: the first one (conv1) "
                                 "downsamples, together with the 1x1 shortcut")):
        if out.shape == expected.shape and close(out, residual(X, p, strides, variant)[0], rtol=1e-3, atol=1e-4):
            fail(f"{what} {message}")
    fail(f"{what} with the grader's parameters returned {show(out)}; expected relu(bn2(conv2(relu(bn1(conv1(X))))) "
         f"+ shortcut) = {show(expected)}")


@check(A, "Residual", "values", points=1.5)
@replies_checked("Residual")
def residual_values(probe):
    _residual_values(probe, "same")


@check(A, "Residual", "downsample_values", points=1.5)
@replies_checked("Residual")
def residual_downsample_values(probe):
    _residual_values(probe, "down")


# ---- resnet_block (judged with a trusted Residual) ----

def _structure(probe, args, kwargs, X):
    reply = probe.run("resnet_block_structure", args=list(args), kwargs=kwargs, X=X)
    text = ", ".join([str(a) for a in args] + [f"{k}={v}" for k, v in kwargs.items()])
    what = f"resnet_block({text})"
    if reply["type"] not in ("Sequential", "HybridSequential"):
        fail(f"{what} returned {reply['type']}; return an nn.Sequential of Residual blocks")
    return what, reply


@check(A, "resnet_block", "downsamples_first", points=1.5)
@replies_checked("resnet_block")
def downsamples_first(probe):
    what, reply = _structure(probe, (8, 3), {}, np.random.default_rng(60).normal(size=(2, 4, 8, 8)))
    configs = [c["config"] for c in reply["children"]]
    if len(configs) != 3 or any(c is None for c in configs):
        fail(f"{what} holds {[c['type'] for c in reply['children']]}; expected 3 Residual blocks")
    if configs[0] != [8, True, 2]:
        fail(f"{what}'s first Residual is Residual(8, use_1x1conv={configs[0][1]}, strides={configs[0][2]}); the "
             "first block of a stage halves height and width: Residual(num_channels, use_1x1conv=True, strides=2)")
    if any(c != [8, False, 1] for c in configs[1:]):
        fail(f"{what}'s later Residuals are {configs[1:]} (num_channels, use_1x1conv, strides); only the first "
             "downsamples, the others are Residual(num_channels)")
    if reply["shape"] != [2, 8, 4, 4]:
        fail(f"{what} maps X of shape (2, 4, 8, 8) to {reply['shape']}; expected (2, 8, 4, 4)")


@check(A, "resnet_block", "first_block", points=1)
@replies_checked("resnet_block")
def first_block(probe):
    what, reply = _structure(probe, (4, 2), {"first_block": True},
                             np.random.default_rng(61).normal(size=(2, 4, 8, 8)))
    configs = [c["config"] for c in reply["children"]]
    if len(configs) != 2 or any(c is None for c in configs):
        fail(f"{what} holds {[c['type'] for c in reply['children']]}; expected 2 Residual blocks")
    if any(c != [4, False, 1] for c in configs):
        fail(f"{what}'s Residuals are {configs} (num_channels, use_1x1conv, strides); after the first module's "
             "max-pooling the first stage keeps its size and channels: every Residual is Residual(num_channels)")


# ---- outcome: a small ResNet from the student's stubs, trained here and recomputed ----

CLASSES, SIZE, RADIUS = 3, 8, 2.0
N_TRAIN, N_TEST, BATCH, EPOCHS, LR = 192, 150, 16, 3, 0.5
HIDDEN_ACCURACY = 0.6                # chance is 1/3; every step is verified besides (see docs/course/resnet.md)


def outcome_problem(seed: int):
    """Two-channel 8x8 images of three classes: each class its own brightness per channel (120 degrees apart
    around a random point) under pixel noise of the same size, which global average pooling sees through."""
    rng = np.random.default_rng(seed)
    angles = rng.uniform(0, 2 * np.pi) + 2 * np.pi * np.arange(CLASSES) / CLASSES
    centre = rng.normal(size=2)
    patterns = (centre + RADIUS * np.stack([np.cos(angles), np.sin(angles)], axis=1))[:, :, None, None]
    labels = rng.integers(0, CLASSES, size=N_TRAIN + N_TEST)
    X = patterns[labels] + rng.normal(scale=1.0, size=(N_TRAIN + N_TEST, 2, SIZE, SIZE))
    order = np.concatenate([rng.permutation(N_TRAIN) for _ in range(EPOCHS)]).reshape(-1, BATCH)
    return (X[:N_TRAIN], labels[:N_TRAIN]), (X[N_TRAIN:], labels[N_TRAIN:]), order, rng


def small_resnet(params, X):
    """params = [residual 1 by role, residual 2 by role, (W, b) of the Dense]; returns (logits, caches)."""
    r1, c1 = residual(X, params[0], 1)
    r2, c2 = residual(r1, params[1], 2)
    pooled = r2.mean(axis=(2, 3))
    W, b = params[2]
    return pooled @ W.T + b, (c1, c2, pooled, r2.shape)


def small_resnet_sgd_step(params, X, y, lr):
    logits, (c1, c2, pooled, shape) = small_resnet(params, X)
    n = len(X)
    P = np.exp(logits - logits.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    P[np.arange(n), y.astype(int)] -= 1
    d_logits = P / n
    W, b = params[2]
    d_pooled = d_logits @ W
    d_r2 = np.broadcast_to(d_pooled[:, :, None, None] / (shape[2] * shape[3]), shape)
    d_r1, g2 = residual_backward(d_r2, c2)
    _, g1 = residual_backward(d_r1, c1)
    new = []
    for p, g in ((params[0], g1), (params[1], g2)):
        new.append({role: tuple(v - lr * d for v, d in zip(p[role], g[role])) for role in p})
    new.append((W - lr * d_logits.T @ pooled, b - lr * d_logits.sum(0)))
    return new


def _flatten(params, found, dense, count):
    """Role-keyed parameters → the list of arrays in the student's collect_params() order."""
    out = [None] * count
    for p, f in zip(params[:2], found):
        for role, layer in f.items():
            keys = ("weight", "bias") if role.startswith("conv") else ("gamma", "beta")
            for key, value in zip(keys, p[role]):
                if key in layer["params"]:
                    out[layer["params"][key]] = value
    out[dense["weight"]], out[dense["bias"]] = params[2]
    return out


def _train_and_evaluate(probe, seed: int, what: str):
    (X, y), (X_test, y_test), order, rng = outcome_problem(seed)
    how = f"a small ResNet built with your resnet_block and Residual, trained on {what}"
    with malformed_reply(how):
        layout = clean_layout(probe.run("resnet_layout", X=X[:2], classes=CLASSES))
        names, shapes = layout["names"], layout["shapes"]
        values = judge_values(shapes, names, rng)
        found = [roles(layers, values) for layers in layout["layers"]]
        if any(f is None for f in found):
            fail(f"{how}: its Residual blocks are not the book's (two 3x3 convolutions, two batch norms)")
        start = [by_role(f, values) for f in found] + [
            (np.asarray(values[layout["dense"]["weight"]], np.float64),
             np.asarray(values[layout["dense"]["bias"]], np.float64))]
        start = _as_float32(start)
        values = _flatten(start, found, layout["dense"], len(names))
        reply = probe.run("train_resnet", features=X, labels=y.astype(np.float64), order=order, values=values,
                          lr=LR, classes=CLASSES)
        watched = [int(i) for i in reply["watched"]]
        reported = trajectory(reply, [f"p{i}" for i in watched], len(order), how)
    X32 = X.astype(np.float32).astype(np.float64)

    def step(k, previous):
        params = _unflatten(previous, watched, found, layout["dense"], start)
        full = _flatten(small_resnet_sgd_step(params, X32[order[k]], y[order[k]], LR), found, layout["dense"],
                        len(names))
        return [full[i] for i in watched]

    with malformed_reply(how):
        last = verify_steps([values[i] for i in watched], reported, step, how)
        final = _unflatten(last, watched, found, layout["dense"], start)
    logits, _ = small_resnet(final, X_test.astype(np.float32).astype(np.float64))
    acc = float(np.mean(logits.argmax(axis=1) == y_test))
    if not acc >= HIDDEN_ACCURACY:
        fail(f"{how}: it classifies {acc:.3f} of the held-out examples correctly (computed by the grader, with "
             f"the test set's own batch statistics); expected at least {HIDDEN_ACCURACY}")


def _as_float32(params):
    cast = lambda v: np.asarray(v, np.float32).astype(np.float64)  # noqa: E731 - what the student side holds
    return [{role: tuple(cast(v) for v in pair) for role, pair in p.items()} for p in params[:2]] + [
        tuple(cast(v) for v in params[2])]


def _unflatten(flat, watched, found, dense, like):
    """The watched parameters (collect_params() order) back into role-keyed parameters shaped like `like`."""
    by_index = dict(zip(watched, flat))
    params = []
    for f, template in zip(found, like[:2]):
        p = {}
        for role, layer in f.items():
            keys = ("weight", "bias") if role.startswith("conv") else ("gamma", "beta")
            p[role] = tuple(np.asarray(by_index[layer["params"][key]], np.float64).reshape(np.shape(t))
                            if key in layer["params"] else t for key, t in zip(keys, template[role]))
        params.append(p)
    params.append(tuple(np.asarray(by_index[dense[key]], np.float64).reshape(np.shape(t))
                        for key, t in zip(("weight", "bias"), like[2])))
    return params


STUBS = ("Residual", "resnet_block")


@check(A, None, "training", points=1, timeout=150, requires=STUBS)
def training(probe):
    """The notebook's own training is cut short when graded (DATA_LIMIT), so nothing is taken from it: a small
    ResNet from the student's stubs is trained here, every step recomputed, on a problem the notebook never saw."""
    _train_and_evaluate(probe, 6_000_011, "a problem the grader chose")


@check(A, None, "hidden_data", points=1, hidden=True, timeout=150, requires=STUBS)
def hidden_data(probe):
    _train_and_evaluate(probe, 6_000_029 + probe.hidden_seed, "held-out data the notebook never saw")
