"""In-kernel checks for notebook test cells: silent on success, an AssertionError listing hints on failure."""
from __future__ import annotations

import pytest

from autograder.incell import assert_checks, check


def ns_with(source: str) -> dict:
    ns: dict = {}
    exec("from mxnet import nd\n" + source, ns)
    return ns


def test_passing_stub_prints_nothing(capfd):
    assert_checks("linreg_scratch", "square_loss",
                  ns_with("def square_loss(y_hat, y):\n    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2\n"))
    out, err = capfd.readouterr()
    assert out == "" and err == ""      # stderr output would zero an nbgrader test cell


def test_failing_stub_raises_with_hint(capfd):
    with pytest.raises(AssertionError, match=r"square_loss\.shape: square_loss returned shape \(10, 10\)"):
        assert_checks("linreg_scratch", "square_loss",
                      ns_with("def square_loss(y_hat, y):\n    return (y_hat - y) ** 2 / 2\n"))
    assert capfd.readouterr().err == ""


def test_missing_stub_is_named():
    report = check("linreg_scratch", "SGD", {})
    assert not report.passed and "SGD is not defined" in report.checks[0].message


def test_report_renders_three_ways():
    report = check("ndarray", "l1_norm", ns_with("def l1_norm(x):\n    return x.abs().sum()\n"))
    assert report.passed and report.score == report.max_score == 1
    assert "ndarray.l1_norm.values" in report.summary() and "<table" in report._repr_html_()
    assert report.to_dict()["checks"][0]["passed"] is True


def test_gluon_forward_failure_names_the_students_exception():
    ns = ns_with("from mxnet.gluon import nn\n"
                 "class Broken(nn.Block):\n"
                 "    def forward(self, X):\n"
                 "        raise ValueError('wrong input size')\n"
                 "net = nn.Sequential()\nnet.add(Broken())\n")
    forward = {c.id: c for c in check("linreg_gluon", "net", ns).checks}["linreg_gluon.net.forward"]
    assert not forward.passed and "net raised ValueError: wrong input size" in forward.message


def test_training_that_fails_mid_epoch_blames_the_stub_and_closes_data_iter_cleanly():
    """The judge's loop stops inside data_iter's pass; closing that generator must raise nothing
    (pytest would report an unraisable exception) and the failure names net."""
    ns = ns_with("import random\n"
                 "def data_iter(batch_size, features, labels):\n"
                 "    for i in range(0, len(features), batch_size):\n"
                 "        yield features[i:i + batch_size], labels[i:i + batch_size]\n"
                 "def net(X, w, b):\n    raise RuntimeError('boom')\n"
                 "def square_loss(y_hat, y):\n    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2\n"
                 "def SGD(params, lr, batch_size):\n"
                 "    for p in params:\n        p[:] = p - lr * p.grad / batch_size\n")
    hidden = check("linreg_scratch", None, ns, hidden=True).checks[0]
    assert not hidden.passed and hidden.message == "net raised RuntimeError: boom"
