"""lenet facts the shared course tests cannot show: the judge's float64 LeNet is MXNet's, the outcome problems cannot
fail a correct loop, and on a real kernel `D2L_CTX=cpu:1` makes the notebook train on cpu(1) (CPU contexts only:
no GPU was used anywhere)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.checks import checks_for
from autograder.registry import get_assignment, load

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def judge():
    checks_for("lenet")
    return load(get_assignment("lenet"), "checks")


def test_judge_lenet_is_gluons(judge):
    """The numpy reference the net.forward check compares with equals Gluon's LeNet with the same parameters."""
    from mxnet import nd
    from mxnet.gluon import nn
    net = nn.Sequential()
    net.add(nn.Conv2D(6, 5, activation="sigmoid"), nn.MaxPool2D(2, 2), nn.Conv2D(16, 5, activation="sigmoid"),
            nn.MaxPool2D(2, 2), nn.Dense(120, activation="sigmoid"), nn.Dense(84, activation="sigmoid"), nn.Dense(10))
    net.initialize()
    X = np.random.default_rng(0).uniform(size=(2, 1, 28, 28))
    net(nd.array(X))
    params = judge.judge_params()
    for p, value in zip(net.collect_params().values(), params):
        p.set_data(nd.array(value))
    out = net(nd.array(X)).asnumpy()
    assert np.allclose(out, judge.lenet_reference(X, params), rtol=1e-4, atol=1e-5)
    assert not np.allclose(out, judge.lenet_reference(X, params, act="relu"), rtol=1e-3, atol=1e-4)
    assert not np.allclose(out, judge.lenet_reference(X, params, pool="avg"), rtol=1e-3, atol=1e-4)


def _reference_accuracy(judge, seed):
    (X, y), (X_test, y_test), W, b = judge.training_problem(seed, **judge.OUTCOME_PROBLEM)
    flat = X.reshape(len(X), -1).astype(np.float32).astype(np.float64)
    batch = judge.OUTCOME_BATCH
    for _ in range(judge.OUTCOME_EPOCHS):
        for start in range(0, len(X), batch):
            W, b = judge.softmax_ce_step(W, b, flat[start:start + batch], y[start:start + batch], judge.OUTCOME_LR,
                                         batch)
    flat_test = X_test.reshape(len(X_test), -1).astype(np.float32).astype(np.float64)
    return float(np.mean((flat_test @ W.T + b).argmax(axis=1) == y_test))


def test_outcome_problems_cannot_fail_a_correct_loop(judge):
    """Correct training (the judge's own recomputation) reaches the outcome's accuracy on 500 hidden seeds with a
    wide margin: the worst seed stays far above OUTCOME_ACCURACY."""
    accuracies = [_reference_accuracy(judge, 6_000_003 + s) for s in range(500)]
    assert min(accuracies) >= judge.OUTCOME_ACCURACY + 0.05
    assert _reference_accuracy(judge, 6_000_001) >= judge.OUTCOME_ACCURACY


@pytest.mark.slow
def test_notebook_trains_on_the_context_D2L_CTX_selects(tmp_path):
    """A real kernel with D2L_CTX=cpu:1 (the variable the widget's default falls back to): d2l.try_gpu() is cpu(1)
    and after the notebook's training every parameter of `net` lives there (200 examples per split, 5 epochs)."""
    from nbclient import NotebookClient
    from autograder.jupyter_env import isolated_jupyter_env
    nb = nbformat.read(ROOT / "course/source/lenet/lenet.ipynb", as_version=4)
    nb.cells = [c for c in nb.cells if c.get("id") != "test_outcome"]
    nb.cells.append(nbformat.v4.new_code_cell(
        "import json\nprint('RESULT ' + json.dumps({'ctx': str(ctx), 'epochs': len(history['test acc']),\n"
        "    'params': sorted({str(c) for p in net.collect_params().values() for c in p.list_ctx()})}))"))
    env = isolated_jupyter_env(tmp_path, D2L_CTX="cpu:1", D2L_DATA_LIMIT="200")
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        NotebookClient(nb, kernel_name="python3", timeout=600, startup_timeout=120,
                       resources={"metadata": {"path": str(tmp_path)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    result = json.loads(text.split("RESULT ", 1)[1])
    assert result == {"ctx": "cpu(1)", "epochs": 5, "params": ["cpu(1)"]}
    printed = "".join(o.get("text", "") for c in nb.cells if c.get("id") == "train" for o in c.outputs
                      if o.output_type == "stream")
    assert "training on cpu(1)" in printed
