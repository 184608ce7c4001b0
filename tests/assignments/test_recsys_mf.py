"""recsys_mf facts the shared course tests cannot show: the synthetic ratings have the noise floor they claim, the
grading-mode limit applies to the rating loader, the outcome's bound is reached by a correct MF on hidden ratings
and not by a model that learns only the biases, and the judge's SGD step is the one Gluon takes."""
from __future__ import annotations

from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.checks import checks_for, run_checks
from autograder.examples import solution_sources
from autograder.probes import LocalProbe
from autograder.registry import get_assignment, load
from extension.ratings import floor_rmse, mean_rmse, rating_iter, split, synthetic_ratings

SOURCE = Path(__file__).resolve().parents[2] / "course/source/recsys_mf/recsys_mf.ipynb"


def mf_source() -> str:
    """The reference MF of the source notebook (its solution cell), not a copy that could drift from it."""
    return solution_sources(nbformat.read(str(SOURCE), as_version=4))["MF"]


@pytest.fixture(scope="module")
def judge():
    checks_for("recsys_mf")
    return load(get_assignment("recsys_mf"), "checks")


def test_noise_floor_is_the_noise():
    data = synthetic_ratings(seed=3)
    assert len(data) == 15000 and data.ratings.dtype == np.float32
    assert abs(floor_rmse(data) - 0.5) < 0.01
    train, test = split(data, 0.1, 4)
    assert len(test) == 1500 and len(train) + len(test) == len(data)
    assert mean_rmse(test, train) > 2 * floor_rmse(test)


def test_rating_iter_honours_the_grading_limit(monkeypatch):
    data = synthetic_ratings(seed=5)
    monkeypatch.setenv("D2L_DATA_LIMIT", "1000")
    assert sum(r.shape[0] for _, _, r in rating_iter(data, 512)) == 1000
    monkeypatch.delenv("D2L_DATA_LIMIT")
    assert sum(r.shape[0] for _, _, r in rating_iter(data, 512)) == len(data)


def test_bias_only_model_misses_the_bound(judge):
    """The bound needs the factors: biases fitted exactly (least squares) on the training ratings stay above it."""
    for seed in range(5):
        data = synthetic_ratings(seed=8_000_003 + seed, **judge.HIDDEN)
        train, test = split(data, 0.2, 8_000_004 + seed)
        U, I = data.num_users, data.num_items
        X = np.zeros((len(train), U + I))
        X[np.arange(len(train)), train.users] = 1
        X[np.arange(len(train)), U + train.items] = 1
        b = np.linalg.lstsq(X, train.ratings.astype(float), rcond=None)[0]
        rmse = np.sqrt(np.mean((b[test.users] + b[U + test.items] - test.ratings) ** 2))
        floor, baseline = floor_rmse(test), mean_rmse(test, train)
        assert rmse > floor + judge.MARGIN * (baseline - floor)


def test_correct_mf_passes_the_outcome_on_hidden_ratings(judge):
    import mxnet as mx
    from mxnet import nd
    from mxnet.gluon import nn
    ns = {"nn": nn, "nd": nd, "mx": mx, "np": np}
    exec(mf_source(), ns)
    probe = LocalProbe(ns)
    for seed in range(3):
        probe.hidden_seed = 500 + seed
        failed = [(r.id, r.message) for r in run_checks("recsys_mf", probe, function=None) if not r.passed]
        assert failed == [], failed
