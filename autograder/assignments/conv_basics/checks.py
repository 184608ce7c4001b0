"""Checks for conv_basics: corr2d, corr2d_multi_in, corr2d_multi_in_out, pool2d, and the kernel learned from
corr2d's output (section 5.1), on the notebook's problem and on a hidden one.

Every stub is judged on the book's small examples and on random, non-square inputs the judge draws: the book's
3×3 input with a 2×2 kernel cannot tell a square-only corr2d from a correct one."""
from __future__ import annotations

import numpy as np

from autograder.checks import check
from autograder.checks.expect import close, fail, malformed_reply, numbers, shape, show
from autograder.checks.trajectory import trajectory, verify_steps

A = "conv_basics"


def reference_corr2d(X, K):
    h, w = K.shape
    return np.array([[np.sum(X[i:i + h, j:j + w] * K) for j in range(X.shape[1] - w + 1)]
                     for i in range(X.shape[0] - h + 1)])


def reference_multi_in(X, K):
    return sum(reference_corr2d(x, k) for x, k in zip(X, K))


def reference_pool2d(X, pool_size, mode):
    p_h, p_w = pool_size
    reduce = np.max if mode == "max" else np.mean
    return np.array([[reduce(X[i:i + p_h, j:j + p_w]) for j in range(X.shape[1] - p_w + 1)]
                     for i in range(X.shape[0] - p_h + 1)])


def _corr2d_verdict(X, K, out):
    """Fail with the classic mistake corr2d's output shows for X and K, if any."""
    (h, w), (kh, kw) = X.shape, K.shape
    expected = reference_corr2d(X, K)
    sizes = f"X {X.shape} and K {K.shape}"
    if out.shape == expected.shape and close(out, expected):
        return
    if out.shape == (h - kh, w - kw):
        fail(f"corr2d returned shape {out.shape} for {sizes}: one row and one column short; the output has "
             f"(h - kh + 1, w - kw + 1) = {expected.shape} positions")
    if kh != kw and out.shape in ((h - kh + 1, w - kh + 1), (h - kw + 1, w - kw + 1)):
        fail(f"corr2d returned shape {out.shape} for {sizes}: it handles only square kernels (one kernel size used "
             f"for both axes); use K.shape's height and width, expected {expected.shape}")
    if out.shape != expected.shape:
        fail(f"corr2d returned shape {shape(out)} for {sizes}; expected (h - kh + 1, w - kw + 1) = {expected.shape}")
    if close(out, reference_corr2d(X, K[::-1, ::-1])):
        fail(f"corr2d flipped the kernel (that is convolution) for {sizes}: cross-correlation multiplies "
             "X[i:i+kh, j:j+kw] elementwise by K as it is")
    fail(f"corr2d returned {show(out)} for {sizes}; expected {show(expected)}: each output element is "
         "(X[i:i+kh, j:j+kw] * K).sum()")


@check(A, "corr2d", "book_example", points=1)
def corr2d_book_example(probe):
    X, K = np.arange(9.0).reshape(3, 3), np.array([[0.0, 1.0], [2.0, 3.0]])
    out, _ = probe.call("corr2d", X, K)
    _corr2d_verdict(X, K, numbers(out, function="corr2d"))


@check(A, "corr2d", "rectangular", points=1)
def corr2d_rectangular(probe):
    """Non-square input and kernels, both orientations: catches square-only kernels and transposed loops."""
    rng = np.random.default_rng(11)
    for k_shape in ((2, 3), (3, 1)):
        X, K = rng.normal(size=(5, 7)), rng.normal(size=k_shape)
        out, _ = probe.call("corr2d", X, K)
        _corr2d_verdict(X, K, numbers(out, function="corr2d"))


def _multi_in_verdict(X, K, out):
    expected = reference_multi_in(X, K)
    sizes = f"X {X.shape} and K {K.shape}"
    if out.shape == expected.shape and close(out, expected):
        return
    per_channel = np.stack([reference_corr2d(x, k) for x, k in zip(X, K)])
    if out.shape == per_channel.shape and close(out, per_channel):
        fail(f"corr2d_multi_in returned one result per channel, shape {out.shape}, for {sizes}: add the "
             f"channels' cross-correlations up, shape {expected.shape}")
    if out.shape == expected.shape and close(out, expected / len(X)):
        fail(f"corr2d_multi_in averaged the {len(X)} channels' cross-correlations for {sizes}: sum them")
    if out.shape == expected.shape and close(out, per_channel[0]):
        fail(f"corr2d_multi_in used only the first channel of {sizes}: sum over every channel")
    if out.shape != expected.shape:
        fail(f"corr2d_multi_in returned shape {shape(out)} for {sizes}; expected {expected.shape}")
    fail(f"corr2d_multi_in returned {show(out)} for {sizes}; expected the sum over channels of "
         f"corr2d(X[c], K[c]) = {show(expected)}")


@check(A, "corr2d_multi_in", "book_example", points=1)
def multi_in_book_example(probe):
    X = np.stack([np.arange(9.0).reshape(3, 3), np.arange(1.0, 10.0).reshape(3, 3)])
    K = np.stack([np.array([[0.0, 1.0], [2.0, 3.0]]), np.array([[1.0, 2.0], [3.0, 4.0]])])
    out, _ = probe.call("corr2d_multi_in", X, K, isolate=["corr2d"])
    _multi_in_verdict(X, K, numbers(out, function="corr2d_multi_in"))


@check(A, "corr2d_multi_in", "channels", points=1)
def multi_in_channels(probe):
    rng = np.random.default_rng(12)
    X, K = rng.normal(size=(3, 4, 6)), rng.normal(size=(3, 2, 3))
    out, _ = probe.call("corr2d_multi_in", X, K, isolate=["corr2d"])
    _multi_in_verdict(X, K, numbers(out, function="corr2d_multi_in"))


def _multi_out_verdict(X, K, out):
    expected = np.stack([reference_multi_in(X, k) for k in K])
    sizes = f"X {X.shape} and K {K.shape}"
    if out.shape == expected.shape and close(out, expected):
        return
    for axis in (1, 2):
        moved = np.moveaxis(expected, 0, axis)
        if out.shape == moved.shape and close(out, moved):
            fail(f"corr2d_multi_in_out stacked the output channels on axis {axis} (shape {out.shape}) for "
                 f"{sizes}: stack them on axis 0, shape (c_out, h', w') = {expected.shape}")
    if out.shape == expected.shape[1:] and close(out, expected.sum(axis=0)):
        fail(f"corr2d_multi_in_out added the output channels together for {sizes}: each kernel K[i] gives its own "
             f"output channel, stacked to shape {expected.shape}")
    if out.shape != expected.shape:
        fail(f"corr2d_multi_in_out returned shape {shape(out)} for {sizes}; expected (c_out, h', w') = "
             f"{expected.shape}")
    fail(f"corr2d_multi_in_out returned {show(out)} for {sizes}; expected corr2d_multi_in(X, K[i]) for each "
         f"output channel i = {show(expected)}")


@check(A, "corr2d_multi_in_out", "book_example", points=1)
def multi_out_book_example(probe):
    X = np.stack([np.arange(9.0).reshape(3, 3), np.arange(1.0, 10.0).reshape(3, 3)])
    K0 = np.stack([np.array([[0.0, 1.0], [2.0, 3.0]]), np.array([[1.0, 2.0], [3.0, 4.0]])])
    K = np.stack([K0, K0 + 1, K0 + 2])
    out, _ = probe.call("corr2d_multi_in_out", X, K, isolate=["corr2d", "corr2d_multi_in"])
    _multi_out_verdict(X, K, numbers(out, function="corr2d_multi_in_out"))


@check(A, "corr2d_multi_in_out", "channels", points=1)
def multi_out_channels(probe):
    rng = np.random.default_rng(13)
    X, K = rng.normal(size=(2, 5, 4)), rng.normal(size=(4, 2, 2, 1))
    out, _ = probe.call("corr2d_multi_in_out", X, K, isolate=["corr2d", "corr2d_multi_in"])
    _multi_out_verdict(X, K, numbers(out, function="corr2d_multi_in_out"))


def _pool_verdict(X, pool_size, mode, out):
    expected = reference_pool2d(X, pool_size, mode)
    other = reference_pool2d(X, pool_size, "avg" if mode == "max" else "max")
    call = f"pool2d(X of shape {X.shape}, {tuple(pool_size)}, mode='{mode}')"
    if out.shape == expected.shape and close(out, expected):
        return
    p_h, p_w = pool_size
    if out.shape == (X.shape[0] // p_h, X.shape[1] // p_w) and out.shape != expected.shape:
        fail(f"{call} returned shape {out.shape}: it moved the window by its own size (stride = window); this "
             f"section pools with stride 1 and no padding, shape (h - p_h + 1, w - p_w + 1) = {expected.shape}")
    if out.shape == (X.shape[0] - p_h, X.shape[1] - p_w):
        fail(f"{call} returned shape {out.shape}: one row and one column short; expected {expected.shape}")
    if p_h != p_w and out.shape in ((X.shape[0] - p_h + 1, X.shape[1] - p_h + 1),
                                    (X.shape[0] - p_w + 1, X.shape[1] - p_w + 1)):
        fail(f"{call} returned shape {out.shape}: it handles only square windows; use both of pool_size's "
             f"sizes, expected {expected.shape}")
    if out.shape == expected.shape and close(out, other):
        fail(f"{call} computed the {'average' if mode == 'max' else 'maximum'} of each window: it ignores "
             f"mode; mode='max' takes the maximum, mode='avg' the mean")
    if out.shape != expected.shape:
        fail(f"{call} returned shape {shape(out)}; expected {expected.shape}")
    fail(f"{call} returned {show(out)}; expected {show(expected)}")


def _pool(probe, X, pool_size, mode):
    out, _ = probe.call("pool2d", X, list(pool_size), mode)
    _pool_verdict(X, pool_size, mode, numbers(out, function="pool2d"))


@check(A, "pool2d", "max", points=1)
def pool2d_max(probe):
    _pool(probe, np.arange(9.0).reshape(3, 3), (2, 2), "max")        # the book's [[4, 5], [7, 8]]
    _pool(probe, np.random.default_rng(14).normal(size=(5, 5)), (3, 3), "max")


@check(A, "pool2d", "avg", points=1)
def pool2d_avg(probe):
    _pool(probe, np.arange(9.0).reshape(3, 3), (2, 2), "avg")        # the book's [[2, 3], [5, 6]]
    _pool(probe, np.random.default_rng(15).normal(size=(4, 6)), (2, 2), "avg")


@check(A, "pool2d", "rectangular", points=1)
def pool2d_rectangular(probe):
    rng = np.random.default_rng(16)
    for mode in ("max", "avg"):
        _pool(probe, rng.normal(size=(5, 7)), (2, 3), mode)


# ---- outcome: the edge detector learned from corr2d's output ----

BOOK_K = np.array([[1.0, -1.0]])
KERNEL_TOLERANCE = 0.1        # the book's run is ~0.02 away after 10 steps (loss ≈ 0.004)


def book_edge_image():
    X = np.ones((6, 8))
    X[:, 2:6] = 0
    return X


def kernel_step(weight, X, Y, lr):
    """One step of the notebook's loop: weight -= lr * d/dweight sum((corr2d(X, weight) - Y)²), bias 0."""
    kh, kw = weight.shape
    residual = reference_corr2d(X, weight) - Y
    grad = np.array([[2 * np.sum(residual * X[a:a + residual.shape[0], b:b + residual.shape[1]])
                      for b in range(kw)] for a in range(kh)])
    return weight - lr * grad


def hidden_problem(seed: int):
    """An image of vertical stripes (random widths) and a random 1×2 kernel; the step size 2 / (largest + smallest
    curvature of the squared error) and a bounded condition number make every such image converge within
    HIDDEN_STEPS steps (tests/assignments/test_conv_basics.py)."""
    rng = np.random.default_rng(seed)
    while True:
        X = np.repeat((rng.random(8) < 0.5).astype(float)[None, :], 6, axis=0)
        curvatures = np.linalg.eigvalsh(2 * _patches(X).T @ _patches(X))
        # a constant image cannot show a kernel, and a nearly constant one needs hundreds of steps
        if curvatures.min() > curvatures.max() / MAX_CONDITION:
            break
    K = np.round(rng.uniform(-2, 2, size=(1, 2)), 2)
    lr = float(2 / (curvatures.max() + curvatures.min()))
    return X, K, lr, HIDDEN_STEPS, rng.uniform(-0.07, 0.07, size=(1, 2))


HIDDEN_STEPS = 30
MAX_CONDITION = 8        # error shrinks by (8 - 1) / (8 + 1) per step at worst: 30 steps leave < 1e-3 of it


def _patches(X):
    return np.stack([X[:, :-1].ravel(), X[:, 1:].ravel()], axis=1)


def learned_on(probe, X, K, lr, steps, weight0, what):
    """Run the notebook's training (the scenario) on labels from the student's corr2d; verify every step here
    against labels the judge computed, and return the final kernel."""
    reply = probe.run("learn_kernel", X=X, K=K, weight=weight0, lr=lr, steps=steps)
    how = f"learning a kernel from corr2d's output on {what}"
    expected_shape = [X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1]
    with malformed_reply(how):
        y_shape = [int(s) for s in reply["y_shape"]]
        if y_shape != expected_shape:
            fail(f"{how}: corr2d returned labels of shape {tuple(y_shape)}; expected {tuple(expected_shape)}")
        Y = reference_corr2d(X, K)
        reported = trajectory(reply, ("weight",), steps, how)
        (weight,) = verify_steps([weight0.astype(np.float32)], reported,
                                 lambda k, params: [kernel_step(params[0].reshape(K.shape), X, Y, lr)], how)
    return weight.reshape(K.shape)


@check(A, None, "learned_kernel", points=1, requires=("corr2d",))
def learned_kernel(probe):
    """The notebook's learned kernel counts only if corr2d's labels, trained on here, teach the same lesson."""
    value, _ = probe.get("learned_K")
    learned = numbers(value, function="learned_K", what="is")
    if learned.size != 2 or not np.abs(learned.reshape(1, 2) - BOOK_K).max() <= KERNEL_TOLERANCE:
        fail(f"the notebook's learned kernel learned_K is {show(learned)}; after 10 steps it should be within "
             f"{KERNEL_TOLERANCE} of [[1, -1]]: check corr2d and run the training cell")
    X = book_edge_image()
    weight = learned_on(probe, X, BOOK_K, 3e-2, 10, np.array([[0.05, -0.03]]), "the book's edge image")
    if not np.abs(weight - BOOK_K).max() <= KERNEL_TOLERANCE:
        fail(f"trained on the book's edge image from [[0.05, -0.03]], the kernel reached {show(weight)}; "
             "expected [[1, -1]] within 0.1")


@check(A, None, "hidden_data", points=1, hidden=True, requires=("corr2d",))
def hidden_data(probe):
    X, K, lr, steps, weight0 = hidden_problem(5_000_011 + probe.hidden_seed)
    weight = learned_on(probe, X, K, lr, steps, weight0, "a striped image the notebook never saw")
    if not np.abs(weight - K).max() <= KERNEL_TOLERANCE:
        fail(f"trained on a striped image the notebook never saw, the kernel reached {show(weight)}; expected "
             f"{show(K)} (the kernel that made the labels) within {KERNEL_TOLERANCE}")
