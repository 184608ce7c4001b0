"""Hostile submissions earn nothing they did not earn: the verdicts come from the judge's process.

Each attack rides on a notebook whose stubs are wrong; it must score exactly what the same wrong
notebook scores without the attack (the tricks that fool in-kernel graders change nothing here).
"""
from __future__ import annotations

import textwrap

import pytest

from autograder.grade import grade_notebook
from autograder.probes import LocalProbe
from autograder.checks import run_checks

WRONG_STUBS = {
    "square_loss": "def square_loss(y_hat, y):\n    return (y_hat - y) ** 2\n",
    "SGD": "def SGD(params, lr, batch_size):\n    for p in params:\n        p = p - lr * p.grad\n",
}

ATTACKS = {
    "patched_checks": """
        import autograder.checks, autograder.incell, autograder.results
        autograder.checks.run_check = lambda c, probe: autograder.results.CheckResult(
            c.id, c.function, True, c.points, c.points, "")
        autograder.incell.assert_checks = lambda *a, **k: None
        """,
    "patched_numpy_testing": """
        import numpy, numpy.testing
        numpy.testing.assert_allclose = lambda *a, **k: None
        numpy.allclose = lambda *a, **k: True
        numpy.isclose = lambda *a, **k: True
        """,
    "assert_removing_transformer": """
        def _drop_asserts(lines):
            return [l for l in lines if 'assert' not in l]
        get_ipython().input_transformers_post.append(_drop_asserts)
        """,
    "fake_numbers": """
        class Zero:
            def __sub__(self, other): return 0
            __rsub__ = __add__ = __radd__ = __mul__ = __rmul__ = __truediv__ = __pow__ = __sub__
            def __abs__(self): return 0
            def __lt__(self, other): return True
            __le__ = __gt__ = __ge__ = __eq__ = __lt__
            def __float__(self): return 0.0
            def __array__(self, *a, **k):
                raise TypeError
            shape = (10, 1)
        def square_loss(y_hat, y):
            return Zero()
        """,
    "patched_harness": """
        import autograder.harness as h
        h.plain = lambda value, _depth=0: value
        h.SCENARIOS["sgd_step"] = lambda ns, **kw: {"after": [p - kw["lr"] * g / kw["batch_size"]
                                                             for p, g in zip(kw["params"], kw["grads"])]}
        """,
}


def _graded(notebook_builder, extra: str | None):
    insert = {"SGD": textwrap.dedent(extra)} if extra else None
    path = notebook_builder("linreg_scratch", replace=WRONG_STUBS, insert_after=insert)
    return grade_notebook(path, "linreg_scratch")


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    from .conftest import build_notebook
    path = build_notebook(tmp_path_factory.mktemp("baseline") / "nb.ipynb", "linreg_scratch", replace=WRONG_STUBS)
    return grade_notebook(path, "linreg_scratch")


def _verdicts(report):
    return {c.id: (c.passed, c.score) for c in report.checks}


@pytest.mark.slow
@pytest.mark.parametrize("attack", [a for a in ATTACKS if a != "patched_harness"])
def test_attack_earns_nothing(attack, baseline, notebook_builder):
    attacked = _graded(notebook_builder, ATTACKS[attack])
    assert baseline.score < baseline.max_score
    if attack == "fake_numbers":        # replaces square_loss itself: it must fail, not pass
        assert not any(c.passed for c in attacked.checks if c.function == "square_loss")
        assert attacked.score <= baseline.score
    else:
        assert _verdicts(attacked) == _verdicts(baseline)


@pytest.mark.slow
def test_patched_harness_cannot_invent_passing_values(baseline, notebook_builder):
    """Replacing the grader's own scenario code in the student process gains nothing: values are re-judged."""
    attacked = _graded(notebook_builder, ATTACKS["patched_harness"])
    sgd = {c.id: c for c in attacked.checks if c.function == "SGD"}
    assert attacked.score <= baseline.score + 1e-9
    assert not sgd["linreg_scratch.SGD.in_place"].passed


@pytest.mark.slow
def test_hard_coded_parameters_earn_nothing(notebook_builder):
    """Typing true_w and true_b into w and b, with stubs that cannot learn, earns no outcome point."""
    cheat = "w = nd.array([[2.0], [-3.4]])\nb = nd.array([4.2])\n"
    path = notebook_builder("linreg_scratch", replace=WRONG_STUBS, insert_after={"test_outcome": cheat})
    report = grade_notebook(path, "linreg_scratch")
    outcome = {c.id: c for c in report.checks if c.function is None}
    assert not outcome["linreg_scratch.outcome.learned_parameters"].passed
    assert not outcome["linreg_scratch.outcome.hidden_data"].passed


def test_hard_coded_parameters_in_kernel_earn_nothing():
    """The in-kernel checks agree: notebook w, b equal to the truth but stubs that cannot learn."""
    from mxnet import nd
    ns: dict = {}
    exec("import random\nfrom mxnet import nd\n", ns)
    exec("def data_iter(batch_size, features, labels):\n    yield features, labels\n", ns)
    exec("def net(X, w, b):\n    return nd.dot(X, w) + b\n", ns)
    exec(WRONG_STUBS["square_loss"] + WRONG_STUBS["SGD"], ns)
    ns.update(w=nd.array([[2.0], [-3.4]]), b=nd.array([4.2]))
    results = run_checks("linreg_scratch", LocalProbe(ns), None)
    assert not any(r.passed for r in results)
