"""Checks for lenet: the LeNet `net`, `evaluate_accuracy(data_iter, net, ctx)` and `train_ch5(...)`, and outcomes on
problems the notebook never saw.

Grading cost is bounded by design. The notebook's own 5 epochs are not graded (the grader runs its cells on the first
DATA_LIMIT examples, see assignment.py). Instead:
- `net` is judged by behaviour: layer output shapes and parameter shapes on a small batch, and its output with
  parameters the judge sets, against a float64 numpy LeNet (sigmoid, max pooling) here.
- `train_ch5` trains a small Dense classifier (train_ch5 must train any net) from the judge's initial parameters
  on the judge's batches; every trainer step is recomputed here in float64 numpy (`verify`), so a loop that steps
  with the wrong batch size, skips batches or re-initialises the net is caught by value.
- Contexts: the checks pass `ctx=mx.cpu(1)`, MXNet's stand-in for a second device on a CPU machine. MXNet does not
  refuse operators on mixed contexts, so the scenarios record where the arrays a net receives (and its parameters)
  live, and the checks decide. This is testimony from the student's process (a notebook could forge it); the values
  themselves are verified.
- The outcomes train with the student's train_ch5 and evaluate_accuracy on a fresh and on a hidden problem (a few
  hundred examples, 30 steps), recompute the training and the held-out accuracy here, and compare the student's
  evaluate_accuracy with it. Nothing is taken from the notebook's own training.
"""
from __future__ import annotations

import numpy as np

from autograder.checks import check
from autograder.checks.expect import article, close, fail, malformed_reply, numbers, shape, show
from autograder.checks.trajectory import STEP_ATOL, STEP_RTOL
from autograder.wire import Opaque

A = "lenet"
DEVICE = ["cpu", 1]            # the context the checks train and evaluate on: not the default cpu(0)


def _ctx_name(spec) -> str:
    return f"{spec[0]}({int(spec[1])})"


# ---- net: the book's LeNet, by behaviour ----

LAYERS = (("Conv2D", (6, 24, 24)), ("MaxPool2D", (6, 12, 12)), ("Conv2D", (16, 8, 8)), ("MaxPool2D", (16, 4, 4)),
          ("Dense", (120,)), ("Dense", (84,)), ("Dense", (10,)))
PARAM_SHAPES = ((6, 1, 5, 5), (6,), (16, 6, 5, 5), (16,), (120, 256), (120,), (84, 120), (84,), (10, 84), (10,))
LAYER_WORDS = ("the first convolution Conv2D(6, kernel_size=5)", "the first max pooling MaxPool2D(2, strides=2)",
               "the second convolution Conv2D(16, kernel_size=5)", "the second max pooling MaxPool2D(2, strides=2)",
               "Dense(120)", "Dense(84)", "the output layer Dense(10)")


def judge_params(seed=21):
    rng = np.random.default_rng(seed)
    out = []
    for s in PARAM_SHAPES:
        fan_in = int(np.prod(s[1:])) if len(s) > 1 else 1
        out.append(rng.normal(scale=1.5 / np.sqrt(fan_in) if len(s) > 1 else 0.5, size=s))
    return out


def _conv(X, W, b):
    kh, kw = W.shape[2:]
    windows = np.lib.stride_tricks.sliding_window_view(X, (kh, kw), axis=(2, 3))
    return np.einsum("nchwij,ocij->nohw", windows, W) + b[None, :, None, None]


def _pool(X, mode):
    n, c, h, w = X.shape
    blocks = X.reshape(n, c, h // 2, 2, w // 2, 2)
    return blocks.max(axis=(3, 5)) if mode == "max" else blocks.mean(axis=(3, 5))


def lenet_reference(X, params, act="sigmoid", pool="max"):
    """The book's LeNet forward in float64 (sigmoid, max pooling); `act`/`pool` give the classic variants."""
    f = (lambda z: 1 / (1 + np.exp(-z))) if act == "sigmoid" else (lambda z: np.maximum(z, 0))
    W1, b1, W2, b2, W3, b3, W4, b4, W5, b5 = params
    h = _pool(f(_conv(X, W1, b1)), pool)
    h = _pool(f(_conv(h, W2, b2)), pool).reshape(len(X), -1)
    h = f(h @ W3.T + b3)
    h = f(h @ W4.T + b4)
    return h @ W5.T + b5


def _forward(probe, X, params):
    return probe.run("lenet_forward", X=X, params=params)


@check(A, "net", "layers", points=1)
def net_layers(probe):
    """Each layer's output shape on a (2, 1, 28, 28) batch (nn.Activation layers between them are allowed)."""
    X = np.random.default_rng(22).uniform(size=(2, 1, 28, 28))
    reply = _forward(probe, X, [])
    with malformed_reply("net"):
        layers = [layer for layer in reply["layers"] if layer["type"] != "Activation"]
        types = [layer["type"] for layer in layers]
        if reply["type"] not in ("Sequential", "HybridSequential"):
            fail(f"net is a {reply['type']}; build the book's LeNet as an nn.Sequential")
        expected_types = [t for t, _ in LAYERS]
        for k, ((want_type, want_shape), words) in enumerate(zip(LAYERS, LAYER_WORDS)):
            if k >= len(layers):
                fail(f"net has {len(layers)} layers {types}; the book's LeNet has 7: {expected_types} (missing "
                     f"{words})")
            got_type, got_shape = layers[k]["type"], tuple(int(s) for s in layers[k]["shape"][1:])
            if got_type != want_type:
                fail(f"layer {k + 1} of net is {article(got_type)} {got_type}; expected {words} (the book's LeNet: "
                     f"{expected_types})")
            if got_shape != want_shape:
                hint = (": the book's LeNet pads nothing" if k == 0 and got_shape[1:] == (28, 28) else
                        ": pool 2×2 windows with stride 2" if want_type == "MaxPool2D" else "")
                fail(f"in net, {words} (layer {k + 1}) gives shape {got_shape} per example for a 1×28×28 image; "
                     f"expected {want_shape}{hint}")
        if len(layers) > len(LAYERS):
            fail(f"net has {len(layers)} layers {types}; the book's LeNet has 7: {expected_types}")
        shapes = [tuple(int(s) for s in p) for p in reply["param_shapes"]]
        if shapes != list(PARAM_SHAPES):
            fail(f"net's parameters have shapes {shapes}; the book's LeNet has {list(PARAM_SHAPES)} (every layer "
                 "with a bias)")


@check(A, "net", "forward", points=1)
def net_forward(probe):
    """net's output with the judge's parameters against a float64 LeNet: sigmoid activations, max pooling."""
    X = np.random.default_rng(23).uniform(size=(3, 1, 28, 28))
    params = judge_params()
    reply = _forward(probe, X, params)
    with malformed_reply("net"):
        shapes = [tuple(int(s) for s in p) for p in reply["param_shapes"]]
        out = reply["output"]
    if shapes != list(PARAM_SHAPES):
        fail(f"net's parameters have shapes {shapes}, not the book's LeNet's {list(PARAM_SHAPES)}, so its output "
             "cannot be compared: build the layers listed above")
    out = numbers(out, function="net")
    expected = lenet_reference(X, params)
    if out.shape == expected.shape and close(out, expected, rtol=1e-3, atol=1e-4):
        return
    for act, pool, what in (("relu", "max", "ReLU activations instead of sigmoid (the book's LeNet uses "
                                            "activation='sigmoid')"),
                            ("sigmoid", "avg", "average pooling instead of max pooling (nn.MaxPool2D)"),
                            ("relu", "avg", "ReLU and average pooling instead of sigmoid and max pooling")):
        variant = lenet_reference(X, params, act, pool)
        if out.shape == variant.shape and close(out, variant, rtol=1e-3, atol=1e-4):
            fail(f"net computes {what}")
    if out.shape != expected.shape:
        fail(f"net returned shape {shape(out)} for 3 images; expected (3, 10)")
    fail(f"with the grader's parameters net returned {show(out[0])} for the first image; the book's LeNet gives "
         f"{show(expected[0])}: every Conv2D and hidden Dense layer has activation='sigmoid', the last Dense none")


# ---- evaluate_accuracy ----

def _classifier(seed, n, classes=3, features=16):
    """Image-shaped examples, a fixed linear classifier and its predictions (the judge's, in float32 as sent)."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(size=(n, 1, 4, 4))
    W, b = rng.normal(size=(classes, features)), rng.normal(scale=0.1, size=classes)
    logits = X.reshape(n, -1).astype(np.float32).astype(np.float64) @ W.astype(np.float32).T + b.astype(np.float32)
    return X, W, b, logits.argmax(axis=1)


def _labels(predicted, right, classes=3):
    """Labels equal to the prediction where `right`, another class elsewhere."""
    return np.where(right, predicted, (predicted + 1) % classes).astype(np.float64)


def _evaluate(probe, X, y, batch_size, W, b, ctx, label_dtype):
    reply = probe.run("evaluate", features=X, labels=y, batch_size=batch_size, W=W, b=b, ctx=ctx,
                      label_dtype=label_dtype)
    value = reply["value"]
    if isinstance(value, Opaque) or not isinstance(value, np.ndarray):
        fail(f"evaluate_accuracy returned {'an ' if reply['type'][0] in 'aeiouAEIOU' else 'a '}{reply['type']}; "
             "return the fraction of correct predictions as a Python float")
    return numbers(value, function="evaluate_accuracy"), reply


@check(A, "evaluate_accuracy", "values", points=1)
def evaluate_values(probe):
    """int32 labels, as the course's DataLoader yields them; a Python float back."""
    X, W, b, predicted = _classifier(31, 12)
    right = np.array([1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 0, 1], bool)          # 7 of 12
    value, reply = _evaluate(probe, X, _labels(predicted, right), 4, W, b, ["cpu", 0], "int32")
    if value.size != 1:
        fail(f"evaluate_accuracy returned shape {shape(value)}; expected one number")
    got = float(value.reshape(-1)[0])
    if np.isclose(got, 7):
        fail("evaluate_accuracy returned the number of correct predictions (7 of 12): divide by the number of "
             "examples")
    if not np.isclose(got, 7 / 12, atol=1e-6):
        fail(f"evaluate_accuracy returned {got:.4g} on 12 examples in batches of 4 of which 7 are classified "
             "right; expected 7/12 ≈ 0.5833: compare net(X).argmax(axis=1) with y.astype('float32')")
    if reply["type"] not in ("float", "float32", "float64"):
        fail(f"evaluate_accuracy returned a {reply['type']}; return a Python float (.asscalar(), float(...))")


@check(A, "evaluate_accuracy", "short_last_batch", points=1)
def evaluate_short_last_batch(probe):
    """10 examples in batches of 4, 4, 2 with 4/4, 4/4 and 0/2 right: 0.8 overall, 0.667 as a mean of batch means."""
    X, W, b, predicted = _classifier(32, 10)
    right = np.array([1] * 8 + [0] * 2, bool)
    value, _ = _evaluate(probe, X, _labels(predicted, right), 4, W, b, ["cpu", 0], "float32")
    got = float(value.reshape(-1)[0]) if value.size else float("nan")
    if np.isclose(got, (1 + 1 + 0) / 3, atol=1e-6):
        fail("evaluate_accuracy averaged the accuracies of the batches (0.667 for batches of 4, 4 and 2 "
             "examples with 4, 4 and 0 right): with a short last batch that is wrong; add up the correct "
             "predictions and divide by the number of examples (0.8)")
    if not np.isclose(got, 0.8, atol=1e-6):
        fail(f"evaluate_accuracy returned {got:.4g} for batches of 4, 4 and 2 examples with 4, 4 and 0 right; "
             "expected 8/10 = 0.8")


@check(A, "evaluate_accuracy", "context", points=1)
def evaluate_context(probe):
    """ctx = cpu(1) and a classifier whose weights live there: every batch must reach it on cpu(1)."""
    X, W, b, predicted = _classifier(33, 9)
    right = np.array([1, 1, 0, 1, 1, 1, 0, 1, 1], bool)
    value, reply = _evaluate(probe, X, _labels(predicted, right), 3, W, b, DEVICE, "float32")
    with malformed_reply("evaluate_accuracy"):
        seen = [list(c) for c in reply["contexts"]]
    wrong = [c for c in seen if [str(c[0]), int(c[1])] != DEVICE]
    if not seen:
        fail("evaluate_accuracy never called net on the batches")
    if wrong:
        fail(f"evaluate_accuracy(data_iter, net, ctx={_ctx_name(DEVICE)}) gave net {len(wrong)} of {len(seen)} "
             f"batches on {_ctx_name(wrong[0])}: move each batch with X.as_in_context(ctx) (MXNet does not "
             "complain on a CPU, but on a GPU the data must be where the parameters are)")
    got = float(value.reshape(-1)[0]) if value.size else float("nan")
    if not np.isclose(got, 7 / 9, atol=1e-6):
        fail(f"evaluate_accuracy returned {got:.4g} on cpu(1) for 9 examples of which 7 are right; expected 7/9")


# ---- train_ch5: the loop, recomputed ----

def softmax_ce_step(W, b, X, y, lr, batch_size):
    """One trainer.step(batch_size) of plain SGD on the summed softmax cross-entropy of a Dense classifier."""
    logits = X @ W.T + b
    P = np.exp(logits - logits.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    P[np.arange(len(y)), y.astype(int)] -= 1
    return W - lr * (P.T @ X) / batch_size, b - lr * P.sum(axis=0) / batch_size


def training_problem(seed, n_train, n_test, classes, side):
    """Class prototypes plus noise, image-shaped (n, 1, side, side), split into train and test."""
    rng = np.random.default_rng(seed)
    prototypes = rng.uniform(size=(classes, side * side))
    labels = rng.integers(0, classes, size=n_train + n_test)
    images = np.clip(prototypes[labels] + rng.normal(scale=0.35, size=(len(labels), side * side)), 0, 1)
    images = images.reshape(-1, 1, side, side)
    W0 = rng.normal(scale=0.01, size=(classes, side * side))
    return (images[:n_train], labels[:n_train]), (images[n_train:], labels[n_train:]), W0, np.zeros(classes)


def trained(probe, problem, batch_size, lr, epochs, ctx, what, evaluate_with="reference"):
    """Run the student's train_ch5 on `problem`; verify every step here. Returns (W, b, reply)."""
    (X, y), (X_test, y_test), W0, b0 = problem
    reply = probe.run("train", features=X, labels=y, test_features=X_test, test_labels=y_test,
                      batch_size=batch_size, W0=W0, b0=b0, lr=lr, num_epochs=epochs, ctx=ctx,
                      evaluate_with=evaluate_with)
    batches = -(-len(X) // batch_size)
    steps = batches * epochs
    flat = X.reshape(len(X), -1).astype(np.float32).astype(np.float64)
    how = f"train_ch5 on {what} ({epochs} epochs of {batches} batches of {batch_size})"
    with malformed_reply(how):
        sizes = [float(s) for s in reply["sizes"]]
        if len(sizes) != steps:
            fail(f"{how} called trainer.step {len(sizes)} times; expected {steps}, once per batch of every epoch")
        W_steps, b_steps = numbers(reply["W"], function=how, what="reported"), numbers(reply["b"], function=how,
                                                                                      what="reported")
        if W_steps.shape != (steps,) + W0.shape or b_steps.shape != (steps,) + b0.shape:
            fail(f"{how}: the net's parameters changed shape during training")
        W, b = W0.astype(np.float32).astype(np.float64), b0
        for k in range(steps):
            rows = slice((k % batches) * batch_size, (k % batches + 1) * batch_size)
            expected = softmax_ce_step(W, b, flat[rows], y[rows], lr, batch_size)
            got = (W_steps[k], b_steps[k])
            if not all(np.allclose(g, e, rtol=STEP_RTOL, atol=STEP_ATOL) for g, e in zip(got, expected)):
                fail(_step_mistake(how, k, W, b, flat[rows], y[rows], lr, batch_size, got, sizes[k], expected))
            W, b = got
    return W, b, reply


def _step_mistake(how, k, W, b, X, y, lr, batch_size, got, size, expected):
    """Name the classic mistake one wrong step shows."""
    def matches(step_size, divide=1.0):
        e = softmax_ce_step(W, b, X, y, lr / divide, step_size)
        return all(np.allclose(g, x, rtol=STEP_RTOL, atol=STEP_ATOL) for g, x in zip(got, e))
    if k == 0 and np.allclose(got[0], W, atol=1e-7) and np.allclose(got[1], b, atol=1e-7):
        return (f"{how}: the first trainer.step left the parameters unchanged: compute the loss under "
                "autograd.record() and call backward() before trainer.step")
    if matches(1):
        return (f"{how}: step {k + 1} moved the parameters {batch_size} times too far: the loss is summed over the "
                f"batch, so step with trainer.step(batch_size), not trainer.step({size:g})")
    if matches(batch_size, divide=batch_size):
        return (f"{how}: step {k + 1} moved the parameters {batch_size} times too little: the batch loss was "
                "averaged and then divided by batch_size again in trainer.step(batch_size); sum the loss, as the "
                "book does (loss(y_hat, y).sum())")
    return (f"{how}: after step {k + 1} the weight is {show(got[0])}, but one SGD step of the summed softmax "
            f"cross-entropy on that batch (trainer.step({batch_size})) from the parameters before it gives "
            f"{show(expected[0])}: train the net as given, on the batches in order, without re-initialising it")


TRAJECTORY = dict(n_train=48, n_test=12, classes=3, side=4)


@check(A, "train_ch5", "trajectory", points=2, timeout=120)
def train_trajectory(probe):
    """2 epochs of 6 batches of 8 on cpu(0), every step recomputed."""
    problem = training_problem(41, **TRAJECTORY)
    trained(probe, problem, 8, 0.5, 2, ["cpu", 0], "the grader's batches")


@check(A, "train_ch5", "context", points=1, timeout=120)
def train_context(probe):
    """ctx = cpu(1) with the net's parameters there (first initialised on cpu(0), then force_reinit on ctx)."""
    problem = training_problem(42, **TRAJECTORY)
    (X, y), (X_test, y_test), W0, b0 = problem
    reply = probe.run("train", features=X, labels=y, test_features=X_test, test_labels=y_test, batch_size=8,
                      W0=W0, b0=b0, lr=0.5, num_epochs=1, ctx=DEVICE)
    how = f"train_ch5(..., ctx={_ctx_name(DEVICE)}) with the net's parameters on {_ctx_name(DEVICE)}"
    with malformed_reply(how):
        seen = [list(c) for c in reply["training_contexts"]]
        params = [[list(c) for c in p] for p in reply["param_contexts"]]
    if not seen:
        fail(f"{how} never ran the net under autograd.record()")
    wrong = [c for c in seen if [str(c[0]), int(c[1])] != DEVICE]
    if wrong:
        fail(f"{how} gave the net {len(wrong)} of {len(seen)} training batches on {_ctx_name(wrong[0])}: move "
             "X and y with as_in_context(ctx) (MXNet does not complain on a CPU, but on a GPU the data must be "
             "where the parameters are)")
    moved = [c for p in params for c in p if [str(c[0]), int(c[1])] != DEVICE]
    if moved:
        fail(f"{how}: after training the net's parameters live on {_ctx_name(moved[0])}: train_ch5 must not "
             "re-initialise or move the net (the notebook initialises it on ctx once, with force_reinit=True, "
             "ctx=ctx)")


# ---- outcomes: the student's loop and evaluation on problems the notebook never saw ----

OUTCOME_PROBLEM = dict(n_train=400, n_test=200, classes=5, side=8)
OUTCOME_BATCH, OUTCOME_LR, OUTCOME_EPOCHS = 40, 0.5, 3          # 30 steps
OUTCOME_ACCURACY = 0.9                                        # a working loop reaches ~1.0
STUBS = ("evaluate_accuracy", "train_ch5")


def _outcome(probe, seed, what):
    problem = training_problem(seed, **OUTCOME_PROBLEM)
    W, b, reply = trained(probe, problem, OUTCOME_BATCH, OUTCOME_LR, OUTCOME_EPOCHS, DEVICE, what,
                          evaluate_with="student")
    (_, _), (X_test, y_test), _, _ = problem
    flat = X_test.reshape(len(X_test), -1).astype(np.float32).astype(np.float64)
    acc = float(np.mean((flat @ W.T + b).argmax(axis=1) == y_test))
    if not acc >= OUTCOME_ACCURACY:
        fail(f"trained by your train_ch5 on {what}, the net classifies {acc:.3f} of its held-out split correctly "
             f"(computed by the grader); expected at least {OUTCOME_ACCURACY}")
    reported = reply.get("test_acc")
    value = numbers(reported, function="evaluate_accuracy") if isinstance(reported, np.ndarray) else None
    if value is None or value.size != 1 or not np.isclose(float(value.reshape(-1)[0]), acc, atol=1e-6):
        fail(f"on {what}, your evaluate_accuracy reported {show(value) if value is not None else reported} for "
             f"the trained net; the grader computes {acc:.4f}")


@check(A, None, "fresh_problem", points=1, timeout=180, requires=STUBS)
def fresh_problem(probe):
    _outcome(probe, 6_000_001, "a fresh problem")


@check(A, None, "hidden_data", points=1, hidden=True, timeout=180, requires=STUBS)
def hidden_data(probe):
    _outcome(probe, 6_000_003 + probe.hidden_seed, "held-out data the notebook never saw")
