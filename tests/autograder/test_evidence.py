"""Evidence, not testimony (issue 18): outcome points need working stubs and a training the judge recomputes.

Fast tests run the checks in this process through a LocalProbe; slow ones grade real notebooks in the
sandboxed student process with `grade_notebook`.
"""
from __future__ import annotations

import textwrap
import time

import numpy as np
import pytest

from autograder.checks import GRADER_BUG, run_checks
from autograder import registry

NOTEBOOK_ACCURACY = registry.load(registry.find("softmax_scratch"), "checks").NOTEBOOK_ACCURACY
from autograder.grade import GradeOptions, grade_notebook
from autograder.probes import LocalProbe

from .conftest import stub_sources

LINREG_PRELUDE = "import random\nfrom mxnet import nd, autograd\n"


def linreg_namespace(**replace: str) -> dict:
    ns: dict = {}
    exec(LINREG_PRELUDE, ns)
    for name, source in stub_sources("linreg_scratch").items():
        exec(textwrap.dedent(replace.get(name, source)), ns)
    return ns


def by_id(results):
    return {r.id.split(".", 1)[1]: r for r in results}


# ---- the gate: outcomes only for stubs that pass their own checks ----

def test_outcome_is_not_checked_when_a_required_stub_fails():
    ns = linreg_namespace(SGD="def SGD(params, lr, batch_size):\n    raise NotImplementedError()\n")
    ns.update(w=__import__("mxnet").nd.array([[2.0], [-3.4]]), b=__import__("mxnet").nd.array([4.2]))
    results = by_id(run_checks("linreg_scratch", LocalProbe(ns)))
    for outcome in ("outcome.learned_parameters", "outcome.hidden_data"):
        assert not results[outcome].passed and results[outcome].score == 0
        assert results[outcome].message.startswith("not checked: SGD must pass its own checks first")
        assert "SGD: step, in_place" in results[outcome].message


def test_correct_stubs_pass_the_recomputed_training():
    results = by_id(run_checks("linreg_scratch", LocalProbe(linreg_namespace()), None, hidden=True))
    assert results["outcome.hidden_data"].passed, results["outcome.hidden_data"].message


def test_a_loss_computed_in_numpy_is_named_in_the_training_message():
    """Run alone (no gate, as the notebook's outcome cell does), training names the loss and what it did."""
    numpy_loss = ("import numpy as np\ndef square_loss(y_hat, y):\n"
                  "    return nd.array((y_hat.asnumpy() - y.asnumpy().reshape(-1, 1)) ** 2 / 2)\n")
    [hidden] = run_checks("linreg_scratch", LocalProbe(linreg_namespace(square_loss=numpy_loss)), None, hidden=True)
    assert not hidden.passed
    assert "square_loss returned a value autograd did not record" in hidden.message, hidden.message
    assert "library function" not in hidden.message

    ns: dict = {}
    exec("from mxnet import nd, autograd\n", ns)
    for name, source in stub_sources("softmax_scratch").items():
        exec(source, ns)
    exec("import numpy as np\ndef cross_entropy(y_hat, y):\n"
         "    return -np.log(y_hat.asnumpy()[np.arange(len(y)), y.asnumpy().astype(int)])\n", ns)
    [hidden] = run_checks("softmax_scratch", LocalProbe(ns), None, hidden=True)
    assert not hidden.passed
    assert "cross_entropy returned a ndarray instead of an NDArray" in hidden.message, hidden.message


# ---- hostile returns: bounded, named, never a grader fault ----

@pytest.mark.parametrize("source, expected", [
    ("def data_iter(batch_size, features, labels):\n"
     "    while True:\n        yield features[:batch_size], labels[:batch_size]\n",
     "data_iter yielded more than 13 batches or 106 rows in one pass over 53 examples with batch_size 10"),
    ("def data_iter(batch_size, features, labels):\n"
     "    big = nd.ones((120_000, 2))\n    yield big, nd.ones((120_000,))\n",
     "data_iter yielded more than 13 batches or 106 rows in one pass"),
    ("def data_iter(batch_size, features, labels):\n"
     "    for i in range(0, len(features), batch_size):\n"
     "        yield features[i:i + batch_size] * float('nan'), labels[i:i + batch_size]\n",
     "data_iter yielded rows that are not in the features it was given"),
])
def test_hostile_data_iter_fails_fast_with_a_named_message(source, expected):
    ns = linreg_namespace(data_iter=source)
    start = time.perf_counter()
    results = by_id(run_checks("linreg_scratch", LocalProbe(ns), "data_iter"))
    assert time.perf_counter() - start < 20
    every = results["data_iter.every_example_once"]
    assert not every.passed and expected in every.message, every.message
    assert not any(GRADER_BUG in r.message for r in results.values())


def test_removing_the_allocation_counter_during_the_call_fails_the_memory_check():
    ns: dict = {}
    exec("from mxnet import nd\nfrom mxnet.ndarray.ndarray import NDArray\n", ns)
    exec("original_init = NDArray.__init__\n"
         "def add_into(X, Y, Z):\n"
         "    NDArray.__init__ = original_init          # the grader's counter, gone\n"
         "    Z[:] = X + Y\n", ns)
    results = by_id(run_checks("ndarray", LocalProbe(ns), "add_into"))
    assert results["add_into.values"].passed
    assert not results["add_into.no_temporary"].passed
    assert "switched off the grader's allocation counter" in results["add_into.no_temporary"].message


# ---- graded in the sandbox ----

FORGED_TRAINING = """
import autograder.harness as h
forged = lambda ns, **kw: {"w": nd.array([[2.0], [-3.4]]).asnumpy(), "b": nd.array([4.2]).asnumpy()}
try:
    h.SCENARIOS["train_linreg"] = forged
except TypeError:
    pass
h._SCENARIOS["train_linreg"] = forged           # the private registry, too: the reply is still not evidence
"""

NO_STUBS = {name: f"def {name}(*args):\n    raise NotImplementedError()\n"
            for name in ("data_iter", "net", "square_loss", "SGD")}


@pytest.mark.slow
def test_forged_training_without_stubs_earns_nothing(notebook_builder):
    cheat = FORGED_TRAINING + "w = nd.array([[2.0], [-3.4]])\nb = nd.array([4.2])\n"
    path = notebook_builder("linreg_scratch", replace=NO_STUBS, insert_after={"test_outcome": cheat})
    report = grade_notebook(path, "linreg_scratch")
    assert report.score == 0, report.summary()


@pytest.mark.slow
def test_forged_training_item_assignment_changes_nothing_for_correct_stubs(notebook_builder):
    """The attack the issue names (replacing SCENARIOS["train_linreg"]) fails in its own cell: the score is
    exactly the correct notebook's. (Replacing the private registry instead costs the outcome points: the
    forged reply is not a training the judge can recompute.)"""
    attack = ("import autograder.harness as h\n"
              "h.SCENARIOS['train_linreg'] = lambda ns, **kw: {'w': w.asnumpy(), 'b': b.asnumpy()}\n")
    clean = grade_notebook(notebook_builder("linreg_scratch"), "linreg_scratch")
    attacked = grade_notebook(notebook_builder("linreg_scratch", insert_after={"test_outcome": attack}),
                              "linreg_scratch")
    assert clean.score == clean.max_score, clean.summary()
    assert [(c.id, c.score) for c in attacked.checks] == [(c.id, c.score) for c in clean.checks]
    private = grade_notebook(notebook_builder("linreg_scratch", insert_after={"test_outcome": FORGED_TRAINING}),
                             "linreg_scratch")
    assert private.score <= clean.score
    assert not any(c.passed for c in private.checks if c.function is None)


def least_squares_weights():
    """Ridge least squares on 12,000 Fashion-MNIST training images, in numpy: no stub involved."""
    from extension.fashion_mnist import load_arrays
    images, labels = load_arrays(train=True)
    X = images[:12000].reshape(12000, -1) / 255.0
    A = np.hstack([X, np.ones((len(X), 1))])
    solution = np.linalg.solve(A.T @ A + np.eye(A.shape[1]), A.T @ np.eye(10)[labels[:12000]])
    return solution[:-1], solution[-1]


LEAST_SQUARES_CELL = """
import numpy as np
from extension.fashion_mnist import load_arrays
images, labels = load_arrays(train=True)
A = np.hstack([images[:12000].reshape(12000, -1) / 255.0, np.ones((12000, 1))])
solution = np.linalg.solve(A.T @ A + np.eye(A.shape[1]), A.T @ np.eye(10)[labels[:12000]])
W, b = nd.array(solution[:-1]), nd.array(solution[-1])
"""


@pytest.mark.slow
def test_numpy_least_squares_weights_without_stubs_earn_no_outcome_point(notebook_builder):
    _test_set = registry.load(registry.find("softmax_scratch"), "checks")._test_set
    W, b = least_squares_weights()
    X, y = _test_set()
    assert np.mean((X @ W + b).argmax(axis=1) == y) >= NOTEBOOK_ACCURACY   # alone, they would pass
    no_stubs = {name: f"def {name}(*args):\n    raise NotImplementedError()\n"
                for name in ("softmax", "net", "cross_entropy", "accuracy")}
    path = notebook_builder("softmax_scratch", replace=no_stubs, insert_after={"test_outcome": LEAST_SQUARES_CELL})
    report = grade_notebook(path, "softmax_scratch")
    outcome = {c.id: c for c in report.checks if c.function is None}
    assert report.score == 0, report.summary()
    assert outcome["softmax_scratch.outcome.test_accuracy"].message.startswith("not checked: softmax and net")


@pytest.mark.slow
def test_a_trainer_that_diverges_costs_net_nothing(notebook_builder):
    """lr 3 turns the notebook's parameters into nan; net is judged with the judge's own parameters."""
    path = notebook_builder("linreg_gluon", replace={
        "trainer": "trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 3})\n"})
    report = grade_notebook(path, "linreg_gluon", GradeOptions(cell_timeout=60, total_timeout=300))
    checks = {c.id: c for c in report.checks}
    assert checks["linreg_gluon.net.forward"].passed, checks["linreg_gluon.net.forward"].message
    assert checks["linreg_gluon.net.structure"].passed
    assert not checks["linreg_gluon.trainer.sgd_step"].passed
    assert checks["linreg_gluon.outcome.learned_parameters"].message.startswith("not checked: trainer")


@pytest.mark.slow
def test_a_numpy_loss_is_named_when_graded(notebook_builder):
    numpy_loss = ("import numpy as np\ndef square_loss(y_hat, y):\n"
                  "    return nd.array((y_hat.asnumpy() - y.asnumpy().reshape(-1, 1)) ** 2 / 2)\n")
    report = grade_notebook(notebook_builder("linreg_scratch", replace={"square_loss": numpy_loss}),
                            "linreg_scratch", GradeOptions(cell_timeout=60, total_timeout=300))
    failed = {c.id: c.message for c in report.checks if not c.passed}
    assert "linreg_scratch.square_loss.gradient" in failed
    assert all("library function" not in m for m in failed.values()), failed
    assert all("square_loss" in failed[i] for i in ("linreg_scratch.outcome.learned_parameters",
                                                    "linreg_scratch.outcome.hidden_data")), failed
