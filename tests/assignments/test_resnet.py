"""resnet: what the shared course tests cannot show — the judge's float64 residual block and its hand-written
backward pass (against finite differences), and how often a correct ResNet could miss the outcome's bar."""
from __future__ import annotations

import numpy as np
import pytest

from autograder.registry import get_assignment, load


@pytest.fixture(scope="module")
def checks():
    return load(get_assignment("resnet"), "checks")


def _params(rng, c_in, c, shortcut):
    conv = lambda o, i, k: (rng.normal(scale=0.5, size=(o, i, k, k)), rng.normal(size=o))  # noqa: E731
    p = {"conv1": conv(c, c_in, 3), "conv2": conv(c, c, 3), "bn1": (rng.uniform(0.5, 1.5, c), rng.normal(size=c)),
         "bn2": (rng.uniform(0.5, 1.5, c), rng.normal(size=c))}
    if shortcut:
        p["conv3"] = conv(c, c_in, 1)
    return p


def _judges_start(rng, c_in, c, shortcut):
    """Starting parameters drawn as checks.judge_values draws them (weights N(0, 1/fan_in), biases and beta
    N(0, 0.25), gamma U(0.5, 1.5))."""
    conv = lambda o, i, k: (rng.normal(scale=1 / np.sqrt(i * k * k), size=(o, i, k, k)),  # noqa: E731
                            rng.normal(scale=0.5, size=o))
    p = {"conv1": conv(c, c_in, 3), "conv2": conv(c, c, 3), "bn1": (rng.uniform(0.5, 1.5, c), rng.normal(scale=0.5, size=c)),
         "bn2": (rng.uniform(0.5, 1.5, c), rng.normal(scale=0.5, size=c))}
    if shortcut:
        p["conv3"] = conv(c, c_in, 1)
    return p


@pytest.mark.parametrize("c_in, c, strides", [(2, 2, 1), (2, 3, 2)])
def test_the_judges_residual_backward_matches_finite_differences(checks, c_in, c, strides):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(3, c_in, 5, 5))
    p = _params(rng, c_in, c, shortcut=strides != 1)
    out, cache = checks.residual(X, p, strides)
    R = rng.normal(size=out.shape)
    dX, grads = checks.residual_backward(R, cache)

    def loss(X, p):
        return float((checks.residual(X, p, strides)[0] * R).sum())

    numeric = np.zeros_like(X)
    for index in np.ndindex(X.shape):
        for sign in (1, -1):
            shifted = X.copy()
            shifted[index] += sign * 1e-6
            numeric[index] += sign * loss(shifted, p) / 2e-6
    assert np.allclose(dX, numeric, rtol=1e-4, atol=1e-6)
    for role, values in p.items():
        for k, value in enumerate(values):
            numeric = np.zeros_like(value)
            for index in np.ndindex(value.shape):
                for sign in (1, -1):
                    shifted = [v.copy() for v in values]
                    shifted[k][index] += sign * 1e-6
                    numeric[index] += sign * loss(X, dict(p, **{role: tuple(shifted)})) / 2e-6
            assert np.allclose(grads[role][k], numeric, rtol=1e-4, atol=1e-6), (role, k)


def test_the_named_residual_mistakes_change_the_output(checks):
    """ReLU before the addition and strides on conv2 give other values than the book's block on the checks' input
    shapes, so Residual's messages naming them cannot be said of a correct block."""
    rng = np.random.default_rng(4)
    X = rng.normal(size=(4, 3, 6, 6))
    p = _params(rng, 3, 6, shortcut=True)
    book = checks.residual(X, p, 2)[0]
    for variant in ("relu_before_add", "strides_on_conv2"):
        assert not checks.close(checks.residual(X, p, 2, variant)[0], book, rtol=1e-3, atol=1e-4), variant


def test_a_correct_resnet_reaches_the_outcome_bar_on_the_first_12_seeds(checks):
    """The outcome trains 36 recomputed steps of the small ResNet; over 300 seeds the judge's own float64 training
    of a correct net reached at least 0.64 (bar 0.6, chance 1/3; see docs/course/resnet.md). This keeps 12 of them
    (numpy convolutions are slow), so a change that makes the problem fragile shows here."""
    lowest = 1.0
    for seed in range(12):
        (X, y), (X_test, y_test), order, rng = checks.outcome_problem(seed)
        params = [_judges_start(rng, 2, 2, False), _judges_start(rng, 2, 4, True),
                  (rng.normal(scale=0.5, size=(checks.CLASSES, 4)), rng.normal(scale=0.5, size=checks.CLASSES))]
        for rows in order:
            params = checks.small_resnet_sgd_step(params, X[rows], y[rows], checks.LR)
        logits, _ = checks.small_resnet(params, X_test)
        lowest = min(lowest, float(np.mean(logits.argmax(axis=1) == y_test)))
    assert lowest >= checks.HIDDEN_ACCURACY, lowest
