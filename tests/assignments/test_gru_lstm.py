"""gru_lstm facts the shared course tests cannot show: the judge's GRU and LSTM backpropagation (which the outcome's
step-by-step recomputation relies on) agrees with finite differences of its forward equations, and the hidden
training problem cannot fail a correct submission."""
from __future__ import annotations

import numpy as np
import pytest

from autograder.checks import checks_for
from autograder.registry import get_assignment, load


@pytest.fixture(scope="module")
def judge():
    checks_for("gru_lstm")
    return load(get_assignment("gru_lstm"), "checks")


@pytest.mark.parametrize("model", ["gru", "lstm"])
def test_backprop_matches_finite_differences(judge, model):
    forward, gates, n_state, _ = judge.MODELS[model]
    gradient = getattr(judge, judge.GRADIENTS[model])
    rng = np.random.default_rng(1)
    params = judge.model_params(rng, gates, 5, 4, scale=0.7)
    inputs = [judge.onehot(rng.integers(0, 5, size=3), 5) for _ in range(4)]
    state = tuple(rng.normal(size=(3, 4)) for _ in range(n_state))
    Y = rng.integers(0, 5, size=(3, 4))
    grads = gradient(params, inputs, state, Y)
    eps = 1e-6
    for p, g in zip(params, grads):
        flat = p.reshape(-1)
        for i in range(p.size):
            saved = flat[i]
            flat[i] = saved + eps
            up = judge.mean_cross_entropy(forward(params, inputs, state)[0], Y)
            flat[i] = saved - eps
            down = judge.mean_cross_entropy(forward(params, inputs, state)[0], Y)
            flat[i] = saved
            assert abs((up - down) / (2 * eps) - g.reshape(-1)[i]) < 1e-7


def _train(judge, model, seed):
    forward, gates, n_state, _ = judge.MODELS[model]
    gradient = getattr(judge, judge.GRADIENTS[model])
    rng = np.random.default_rng(seed)
    corpus = judge.hidden_corpus(rng)
    params = judge.model_params(rng, gates, judge.V, judge.HIDDENS, scale=0.3)
    batches = judge.consecutive_batches(corpus, judge.BATCH, judge.STEPS)
    before = judge.perplexity(model, params, corpus)
    for _ in range(judge.EPOCHS):
        state = tuple(np.zeros((judge.BATCH, judge.HIDDENS)) for _ in range(n_state))
        for X, Y in batches:
            inputs = [judge.onehot(X[:, t], judge.V) for t in range(judge.STEPS)]
            state0, state = state, forward(params, inputs, state)[1]
            grads = judge.clipped(gradient(params, inputs, state0, Y), judge.THETA)
            params = [p - judge.LR * g for p, g in zip(params, grads)]
    return judge.perplexity(model, params, corpus) / before


@pytest.mark.parametrize("model", ["gru", "lstm"])
def test_hidden_problem_always_learns(judge, model):
    """30 seeds: the check demands perplexity below 0.8 × its start; the worst seed stays well under it (GRU 0.43,
    LSTM 0.55 over 300 seeds when this was written)."""
    ratios = [_train(judge, model, seed) for seed in range(30)]
    assert max(ratios) < 0.7, max(ratios)


def test_named_mistakes_differ_from_the_equations(judge):
    """Every mistake the checks name changes the outputs on the checks' own cases, so none is named by accident."""
    for model in ("gru", "lstm"):
        forward, _, _, mistakes = judge.MODELS[model]
        inputs, state, params = judge._case(61, model)
        right = forward(params, inputs, state)[0]
        for name in mistakes:
            wrong = forward(params, inputs, state, mistake=name)[0]
            assert not all(np.allclose(a, b, rtol=1e-3) for a, b in zip(right, wrong)), (model, name)
