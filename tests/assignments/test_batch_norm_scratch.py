"""batch_norm_scratch: what the shared course tests cannot show — the judge's own float64 arithmetic (the
recomputed training steps against finite differences), how often a correct BatchNorm could miss the outcome's
accuracy bar, and that each classic mistake the checks name gives values apart from the correct ones."""
from __future__ import annotations

import numpy as np
import pytest

from autograder.registry import get_assignment, load


@pytest.fixture(scope="module")
def checks():
    return load(get_assignment("batch_norm_scratch"), "checks")


def _loss(checks, params, X, y):
    logits, _ = checks.mlp_forward(params, X)
    logits = logits - logits.max(axis=1, keepdims=True)
    return float(np.mean(np.log(np.exp(logits).sum(axis=1)) - logits[np.arange(len(y)), y]))


def test_the_judges_training_step_is_gradient_descent_on_the_batch_loss(checks):
    """mlp_sgd_step (backward through batch norm by hand) against central differences of the mean loss."""
    (X, y), _, params, order = checks.outcome_problem(7)
    X, y = X[order[0]], y[order[0]]
    lr = 1e-3
    stepped, _ = checks.mlp_sgd_step(params, X, y, lr)
    for k, (p, q) in enumerate(zip(params, stepped)):
        analytic = (p - q) / lr
        numeric = np.zeros_like(p)
        for index in np.ndindex(p.shape):
            for sign in (1, -1):
                shifted = [a.copy() for a in params]
                shifted[k][index] += sign * 1e-6
                numeric[index] += sign * _loss(checks, shifted, X, y) / 2e-6
        assert np.allclose(analytic, numeric, rtol=1e-4, atol=1e-6), k


def test_a_correct_network_reaches_the_outcome_bar_on_every_one_of_500_seeds(checks):
    """The outcome trains 27 recomputed steps; a correct BatchNorm fails only if the judge's own float64 training
    misses HIDDEN_ACCURACY on that seed. Over 3000 seeds the lowest accuracy measured was 0.879 (bar 0.8); this
    test keeps 500 of them, so a change of the problem that makes it fragile shows here."""
    lowest = 1.0
    for seed in range(500):
        (X, y), (X_test, y_test), params, order = checks.outcome_problem(seed)
        mm, mv = np.zeros(checks.HIDDEN), np.ones(checks.HIDDEN)
        for rows in order:
            params, (mean, var) = checks.mlp_sgd_step(params, X[rows], y[rows], checks.LR)
            mm, mv = 0.9 * mm + 0.1 * mean, 0.9 * mv + 0.1 * var
        logits, _ = checks.mlp_forward(params, X_test, (mm, mv))
        lowest = min(lowest, float(np.mean(logits.argmax(axis=1) == y_test)))
    assert lowest >= checks.HIDDEN_ACCURACY + 0.05, lowest


@pytest.mark.parametrize("ndim", [2, 4])
def test_every_named_mistake_gives_values_apart_from_the_correct_ones(checks, ndim):
    """A message that names a mistake is only right if the mistake cannot pass for correct code on the checks'
    own inputs: the book's batch norm, in both modes, differs from each mistake by far more than the tolerance."""
    p = checks.problem(10 + ndim, checks.SHAPES[ndim])
    args = [p[k] for k in ("X", "gamma", "beta", "moving_mean", "moving_var")]
    Y, mm, mv = checks.reference(*args, True)
    variants = [checks.reference(*args, False),
                checks.reference(*args, True, variance=checks.std_variance),
                checks.reference(*args, True, variance=checks.unbiased_variance),
                checks.reference(*args, True, swap=True)]
    for axes in ([(1,)] if ndim == 2 else [(0,), (0, 1, 2, 3), (1, 2, 3)]):
        variants.append(checks.reference(*args, True, axes=axes))
    for k, (Y2, mm2, mv2) in enumerate(variants):
        same_y = checks.close(Y2, Y)
        same_stats = mm2 is not None and checks.close(mm2, mm) and checks.close(mv2, mv)
        assert not (same_y and same_stats), k
    assert checks.MOMENTUM == 0.9 and checks.EPS == 1e-5          # the first edition's convention (BOOK.md)
