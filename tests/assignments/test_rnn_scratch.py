"""rnn_scratch facts the shared course tests cannot show: the judge's float64 references are right (BPTT against
finite differences, the book's consecutive sampler on the book's example), the hidden training problem cannot fail
a correct submission (its perplexity falls far past the threshold for every seed tried), and predict_rnn's
judge-chosen RNNs decode with margins float32 cannot flip."""
from __future__ import annotations

import numpy as np
import pytest

from autograder.checks import checks_for
from autograder.registry import get_assignment, load


@pytest.fixture(scope="module")
def judge():
    checks_for("rnn_scratch")          # loads the folder's checks.py
    return load(get_assignment("rnn_scratch"), "checks")


def test_bptt_matches_finite_differences(judge):
    rng = np.random.default_rng(0)
    params = judge.rnn_params(rng, 6, 5, scale=0.7)
    inputs = [judge.onehot(rng.integers(0, 6, size=3), 6) for _ in range(4)]
    H0, Y = rng.normal(size=(3, 5)), rng.integers(0, 6, size=(3, 4))
    grads = judge.rnn_gradient(params, inputs, H0, Y)
    eps = 1e-6
    for p, g in zip(params, grads):
        flat = p.reshape(-1)
        for i in range(p.size):
            saved = flat[i]
            flat[i] = saved + eps
            up = judge.mean_cross_entropy(judge.rnn_forward(params, inputs, H0)[0], Y)
            flat[i] = saved - eps
            down = judge.mean_cross_entropy(judge.rnn_forward(params, inputs, H0)[0], Y)
            flat[i] = saved
            assert abs((up - down) / (2 * eps) - g.reshape(-1)[i]) < 1e-7


def test_consecutive_sampler_is_the_books(judge):
    """The book's example: list(range(30)), batch 2, 6 steps → two batches, rows starting at 0 and 15."""
    batches = judge.consecutive_batches(list(range(30)), 2, 6)
    assert [X.tolist() for X, _ in batches] == [[[0, 1, 2, 3, 4, 5], [15, 16, 17, 18, 19, 20]],
                                                [[6, 7, 8, 9, 10, 11], [21, 22, 23, 24, 25, 26]]]
    assert all((Y == X + 1).all() for X, Y in batches)


def _train(judge, seed):
    """The outcome's hidden problem trained by the judge's own float64 steps (what a correct submission does)."""
    rng = np.random.default_rng(seed)
    corpus = judge.hidden_corpus(rng)
    params = judge.rnn_params(rng, judge.V, judge.HIDDENS, scale=0.1)
    batches = judge.consecutive_batches(corpus, judge.BATCH, judge.STEPS)
    before = judge.perplexity(params, corpus)
    for _ in range(judge.EPOCHS):
        H = np.zeros((judge.BATCH, judge.HIDDENS))
        for X, Y in batches:
            inputs = [judge.onehot(X[:, t], judge.V) for t in range(judge.STEPS)]
            H0, H = H, judge.rnn_forward(params, inputs, H)[1]
            grads = judge.clipped(judge.rnn_gradient(params, inputs, H0, Y), judge.THETA)
            params = [p - judge.LR * g for p, g in zip(params, grads)]
    return judge.perplexity(params, corpus) / before


def test_hidden_problem_always_learns(judge):
    """50 seeds: the check demands perplexity below 0.75 × its start; the worst seed reaches well under that
    (0.36 over 200 seeds when this was written), so a correct submission does not fail on an unlucky corpus."""
    ratios = [_train(judge, seed) for seed in range(50)]
    assert max(ratios) < 0.5, max(ratios)


def test_predict_cases_have_clear_margins(judge):
    for seed in (41, 42):
        params, prefix = judge._predict_case(seed)
        for feed in (True, False):
            _, logits = judge.greedy(params, prefix, 8, feed_prefix=feed)
            assert min(np.sort(l)[-1] - np.sort(l)[-2] for l in logits) > 1e-2
