"""Each classic mistake fails the check that names it; other correct styles earn full marks.

The same table runs twice: fast, in this process through a LocalProbe, and slow, by grading a real
notebook in the sandboxed student process — so the in-kernel and the grading verdicts agree.
"""
from __future__ import annotations

import textwrap

import pytest

from autograder.checks import GRADER_BUG, checks_for, run_checks
from autograder.grade import GradeOptions, grade_notebook
from autograder.probes import LocalProbe

from .conftest import stub_sources

PRELUDE = """
import random
import mxnet as mx
from mxnet import nd, autograd, init, gluon
from mxnet.gluon import nn, loss as gloss
w = nd.random.normal(scale=0.01, shape=(2, 1))   # notebook globals a buggy stub might read
b = nd.zeros(shape=(1,))
W = nd.random.normal(scale=0.01, shape=(784, 10))
true_w, true_b = [2, -3.4], 4.2
"""


def code(text: str) -> str:
    return textwrap.dedent(text).strip() + "\n"


# (assignment, stub, buggy source, check ids that must fail — all other function checks must pass)
MISTAKES = [
    ("linreg_scratch", "data_iter", code("""
        def data_iter(batch_size, features, labels):
            n = len(features)
            for i in range(0, n, batch_size):
                j = nd.array(list(range(i, min(i + batch_size, n))))
                yield features.take(j), labels.take(j)
        """), {"data_iter.shuffled"}),
    ("linreg_scratch", "data_iter", code("""
        def data_iter(batch_size, features, labels):
            n = len(features); idx = list(range(n)); random.shuffle(idx)
            for i in range(0, n - batch_size + 1, batch_size):
                j = nd.array(idx[i: i + batch_size])
                yield features.take(j), labels.take(j)
        """), {"data_iter.every_example_once", "data_iter.batch_sizes"}),
    ("linreg_scratch", "data_iter", code("""
        def data_iter(batch_size, features, labels):
            n = len(features); a = list(range(n)); c = list(range(n))
            random.shuffle(a); random.shuffle(c)
            for i in range(0, n, batch_size):
                yield features.take(nd.array(a[i: i + batch_size])), labels.take(nd.array(c[i: i + batch_size]))
        """), {"data_iter.labels_match_features"}),
    ("linreg_scratch", "data_iter", code("""
        def data_iter(batch_size, features, labels):
            n = len(features); idx = list(range(n)); random.shuffle(idx)
            for i in range(0, n, batch_size + 1):
                j = nd.array(idx[i: i + batch_size + 1])
                yield features.take(j), labels.take(j)
        """), {"data_iter.batch_sizes"}),
    ("linreg_scratch", "data_iter", code("""
        def data_iter(batch_size, features, labels):
            idx = list(range(len(features))); random.shuffle(idx)
            j = nd.array(idx)
            yield features.take(j), labels.take(j)
        """), {"data_iter.batch_sizes"}),
    ("linreg_scratch", "net", code("""
        def net(X, weights, bias):
            return nd.dot(X, w) + b
        """), {"net.output", "net.uses_its_arguments", "net.gradient"}),
    ("linreg_scratch", "net", code("""
        def net(X, w, b):
            return (nd.dot(X, w) + b).reshape((-1,))
        """), {"net.output"}),
    ("linreg_scratch", "net", code("""
        def net(X, w, b):
            return nd.dot(X, w)
        """), {"net.output", "net.gradient"}),
    ("linreg_scratch", "square_loss", code("""
        def square_loss(y_hat, y):
            return (y_hat - y) ** 2 / 2
        """), {"square_loss.shape"}),
    ("linreg_scratch", "square_loss", code("""
        def square_loss(y_hat, y):
            return (y_hat - y.reshape(y_hat.shape)) ** 2
        """), {"square_loss.values", "square_loss.gradient"}),
    ("linreg_scratch", "square_loss", code("""
        def square_loss(y_hat, y):
            return ((y_hat - y.reshape(y_hat.shape)) ** 2 / 2).mean()
        """), {"square_loss.shape", "square_loss.values", "square_loss.gradient"}),
    ("linreg_scratch", "SGD", code("""
        def SGD(params, lr, batch_size):
            for param in params:
                param = param - lr * param.grad / batch_size
        """), {"SGD.step", "SGD.in_place"}),
    ("linreg_scratch", "SGD", code("""
        def SGD(params, lr, batch_size):
            for param in params:
                param[:] = param - lr * param.grad
        """), {"SGD.step"}),
    ("linreg_scratch", "SGD", code("""
        def SGD(params, lr, batch_size):
            for param in params:
                param[:] = param + lr * param.grad / batch_size
        """), {"SGD.step"}),
    ("linreg_scratch", "SGD", code("""
        def SGD(params, lr, batch_size):
            for i, param in enumerate(params):
                params[i] = param - lr * param.grad / batch_size
        """), {"SGD.step", "SGD.in_place"}),
    ("softmax_scratch", "softmax", code("""
        def softmax(X):
            e = X.exp()
            return e / e.sum(axis=0, keepdims=True)
        """), {"softmax.rows"}),
    ("softmax_scratch", "softmax", code("""
        def softmax(X):
            e = X.exp()
            return e / e.sum()
        """), {"softmax.rows"}),
    ("softmax_scratch", "softmax", code("""
        import numpy as np
        def softmax(X):
            e = np.exp(X.asnumpy())                  # leaves autograd: training cannot learn
            return nd.array(e / e.sum(axis=1, keepdims=True))
        """), {"softmax.gradient"}),
    ("softmax_scratch", "net", code("""
        def net(X, W, b):
            return nd.dot(X.reshape((-1, W.shape[0])), W) + b
        """), {"net.probabilities", "net.uses_its_arguments"}),
    ("softmax_scratch", "cross_entropy", code("""
        def cross_entropy(y_hat, y):
            return -nd.pick(y_hat, y)
        """), {"cross_entropy.values", "cross_entropy.gradient"}),
    ("softmax_scratch", "cross_entropy", code("""
        def cross_entropy(y_hat, y):
            return -nd.pick(y_hat, y).log().mean()
        """), {"cross_entropy.values", "cross_entropy.gradient"}),
    ("softmax_scratch", "accuracy", code("""
        def accuracy(y_hat, y):
            return (y_hat.argmax(axis=0) == y.astype('float32')).mean().asscalar()
        """), {"accuracy.values", "accuracy.python_float"}),
    ("softmax_scratch", "accuracy", code("""
        def accuracy(y_hat, y):
            return (y_hat.argmax(axis=1) == y.astype('float32')).sum().asscalar()
        """), {"accuracy.values", "accuracy.python_float"}),
    ("linreg_gluon", "net", code("""
        net = nn.Sequential()
        net.add(nn.Dense(2))
        net.initialize(init.Normal(sigma=0.01))
        """), {"net.structure", "net.forward"}),
    ("linreg_gluon", "loss", code("""
        loss = gloss.L1Loss()
        """), {"loss.values"}),
    ("linreg_gluon", "trainer", code("""
        trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.3})
        """), {"trainer.sgd_step"}),
    ("linreg_gluon", "trainer", code("""
        trainer = gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': 0.03})
        """), {"trainer.sgd_step"}),
    ("ndarray", "add_into", code("""
        def add_into(X, Y, Z):
            Z[:] = X + Y
        """), {"add_into.no_temporary"}),
    ("ndarray", "add_inplace", code("""
        def add_inplace(X, Y):
            X = X + Y
        """), {"add_inplace.values", "add_inplace.no_temporary"}),
    ("ndarray", "l2_norm", code("""
        def l2_norm(x):
            return (x ** 2).sum()
        """), {"l2_norm.values"}),
    ("ndarray", "l1_norm", code("""
        def l1_norm(x):
            return x.sum()
        """), {"l1_norm.values"}),
    ("ndarray", "add_into", code("""
        def add_into(X, Y, Z):
            return X + Y
        """), {"add_into.values", "add_into.no_temporary"}),
    ("ndarray", "grad_f", code("""
        def grad_f(x):
            return 2 * x
        """), {"grad_f.values", "grad_f.autograd"}),
    ("ndarray", "arange_matrix", code("""
        import numpy as np
        def arange_matrix(rows, cols):
            return np.arange(rows * cols).reshape(rows, cols)
        """), {"arange_matrix.values"}),
]

# Blind spots of earlier probes (issue 18): each of these passed every check of its stub before.
MISTAKES += [
    ("ndarray", "arange_matrix", code("""
        def arange_matrix(rows, cols):
            return nd.arange(rows * cols, dtype='int32').reshape((rows, cols))
        """), {"arange_matrix.values"}),
    ("ndarray", "grad_f", code("""
        def grad_f(x):
            return 4 * x
        """), {"grad_f.autograd"}),
    ("ndarray", "grad_f", code("""
        def grad_f(x):
            x.attach_grad()
            with autograd.record():
                y = 2 * nd.dot(x.T, x)           # the book's vector formula: wrong for a matrix
            y.backward()
            return x.grad
        """), {"grad_f.values", "grad_f.autograd"}),
    ("ndarray", "add_into", code("""
        def add_into(X, Y, Z):
            Z += X
            Z += Y
        """), {"add_into.values"}),
    ("ndarray", "add_into", code("""
        def add_into(X, Y, Z):
            X += Y
            Z[:] = X
        """), {"add_into.values"}),
    ("ndarray", "add_into", code("""
        def add_into(X, Y, Z):
            Z[:] = X.asnumpy() + Y.asnumpy()
        """), {"add_into.no_temporary"}),
    ("ndarray", "add_inplace", code("""
        def add_inplace(X, Y):
            X[:] = X + Y
        """), {"add_inplace.no_temporary"}),
    ("linreg_scratch", "data_iter", code("""
        def data_iter(batch_size, features, labels):
            n = len(features); idx = list(range(n)); random.shuffle(idx)
            for i in range(0, n, 10):
                j = nd.array(idx[i: min(i + 10, n)])
                yield features.take(j), labels.take(j)
        """), {"data_iter.batch_sizes"}),
    ("linreg_scratch", "data_iter", code("""
        def data_iter(batch_size, features, labels):
            n = len(features); starts = list(range(0, n - n % batch_size, batch_size)); random.shuffle(starts)
            for i in starts + ([n - n % batch_size] if n % batch_size else []):   # blocks shuffled, last kept last
                j = nd.array(list(range(i, min(i + batch_size, n))))
                yield features.take(j), labels.take(j)
        """), {"data_iter.shuffled"}),
    ("linreg_scratch", "data_iter", code("""
        def data_iter(batch_size, features, labels):
            n = len(features); idx = list(range(n))
            if features[0, 0].asscalar() == 0:       # shuffles only for the old probe data (first column 0, 1, 2, …)
                random.shuffle(idx)
            for i in range(0, n, batch_size):
                j = nd.array(idx[i: min(i + batch_size, n)])
                yield features.take(j), labels.take(j)
        """), {"data_iter.shuffled"}),
    ("linreg_scratch", "net", code("""
        import numpy as np
        def net(X, w, b):
            return nd.array(np.dot(X.asnumpy(), w.asnumpy()) + b.asnumpy())
        """), {"net.gradient"}),
    ("linreg_scratch", "net", code("""
        def net(X, w, b):
            return nd.dot(X, w) + b.asscalar()
        """), {"net.gradient"}),
    ("softmax_scratch", "accuracy", code("""
        def accuracy(y_hat, y):
            return (y_hat.argmax(axis=1) == y).mean().asscalar()      # crashes on the notebook's int32 labels
        """), {"accuracy.values"}),
    ("softmax_scratch", "accuracy", code("""
        def accuracy(y_hat, y):
            return float((y_hat.argmax(axis=1).astype('int32') == y).astype('float32').mean().asscalar())
        """), {"accuracy.python_float"}),
    ("linreg_gluon", "trainer", code("""
        trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.03, 'momentum': 0.9})
        """), {"trainer.sgd_step"}),
]

# Correct solutions in other styles than the reference: each must pass every check of its stub.
STYLES = [
    ("linreg_scratch", "data_iter", code("""
        import numpy as np
        def data_iter(batch_size, features, labels):
            order = np.random.permutation(features.shape[0])
            for start in range(0, len(order), batch_size):
                j = nd.array(order[start:start + batch_size])
                yield nd.take(features, j), nd.take(labels, j)
        """)),
    ("linreg_scratch", "net", code("""
        def net(X, w, b):
            return nd.FullyConnected(X, w.T, b, num_hidden=w.shape[1])
        """)),
    ("linreg_scratch", "square_loss", code("""
        def square_loss(y_hat, y):
            return 0.5 * (y_hat - y.reshape(y_hat.shape)).square()
        """)),
    ("linreg_scratch", "SGD", code("""
        def SGD(params, lr, batch_size):
            for param in params:
                nd.sgd_update(param, param.grad, lr=lr, rescale_grad=1 / batch_size, out=param)
        """)),
    ("linreg_scratch", "SGD", code("""
        def SGD(params, lr, batch_size):
            for param in params:
                param -= lr * param.grad / batch_size
        """)),
    ("softmax_scratch", "softmax", code("""
        def softmax(X):
            return nd.softmax(X, axis=1)
        """)),
    ("softmax_scratch", "softmax", code("""
        def softmax(X):
            e = (X - X.max(axis=1, keepdims=True)).exp()
            return e / e.sum(axis=1, keepdims=True)
        """)),
    ("softmax_scratch", "net", code("""
        def net(X, W, b):
            return softmax(nd.FullyConnected(X.reshape((-1, W.shape[0])), W.T, b, num_hidden=W.shape[1]))
        """)),
    ("softmax_scratch", "cross_entropy", code("""
        def cross_entropy(y_hat, y):
            return -(nd.one_hot(y, y_hat.shape[1]) * y_hat.log()).sum(axis=1)
        """)),
    ("softmax_scratch", "accuracy", code("""
        def accuracy(y_hat, y):
            return float((y_hat.asnumpy().argmax(axis=1) == y.asnumpy()).mean())
        """)),
    ("linreg_gluon", "loss", code("""
        loss = gloss.L2Loss()
        """)),
    ("ndarray", "add_into", code("""
        def add_into(X, Y, Z):
            nd.elemwise_add(X, Y, out=Z)
        """)),
    ("ndarray", "add_into", code("""
        def add_into(X, Y, Z):
            Z[:] = X                  # MXNet makes a view of X here: no new memory
            Z += Y
        """)),
    ("ndarray", "add_inplace", code("""
        def add_inplace(X, Y):
            nd.elemwise_add(X, Y, out=X)
        """)),
    ("ndarray", "grad_f", code("""
        def grad_f(x):
            x.attach_grad()
            with autograd.record():
                y = 2 * (x ** 2).sum()
            y.backward()
            return x.grad
        """)),
    ("ndarray", "arange_matrix", code("""
        def arange_matrix(rows, cols):
            return nd.arange(rows * cols).reshape((rows, cols))
        """)),
    ("softmax_scratch", "accuracy", code("""
        def accuracy(y_hat, y):
            return (y_hat.argmax(axis=1) == y.astype('float32')).mean().asscalar()
        """)),
    ("linreg_gluon", "trainer", code("""
        trainer = gluon.Trainer(net.collect_params(), mx.optimizer.SGD(learning_rate=0.03))
        """)),
    ("ndarray", "l2_norm", code("""
        def l2_norm(x):
            return nd.sqrt((x * x).sum()).asscalar()
        """)),
]


def mistake_id(case):
    assignment, stub, _, failing = case[:4] if len(case) == 4 else (*case, None)
    return f"{assignment}-{stub}-{'+'.join(sorted(failing)) if failing else 'style'}"


def namespace_with(assignment: str, stub: str, source: str) -> dict:
    """The reference stubs executed in order, with one replaced: a notebook's globals without a kernel."""
    ns: dict = {}
    exec(PRELUDE, ns)
    for name, reference in stub_sources(assignment).items():
        exec(source if name == stub else reference, ns)
    return ns


def function_results(results, assignment):
    return {r.id.removeprefix(f"{assignment}."): r for r in results if r.function is not None}


def assert_verdicts(results, assignment, stub, failing):
    assert not [r for r in results if GRADER_BUG in r.message], [r.message for r in results]
    by_id = function_results(results, assignment)
    failed = {i for i, r in by_id.items() if not r.passed and r.max_score > 0}
    assert failed == failing, {i: by_id[i].message for i in failed ^ failing}
    for check_id in failing:
        result = by_id[check_id]
        assert result.function == stub and result.score == 0
        assert stub.split("_")[0] in result.message or "net" in result.message, result.message


@pytest.mark.parametrize("case", MISTAKES, ids=[mistake_id(c) for c in MISTAKES])
def test_mistake_caught_in_kernel(case):
    assignment, stub, source, failing = case
    results = run_checks(assignment, LocalProbe(namespace_with(assignment, stub, source)), hidden=False)
    assert_verdicts(results, assignment, stub, failing)


@pytest.mark.parametrize("case", STYLES, ids=[f"{a}-{s}-{i}" for i, (a, s, _) in enumerate(STYLES)])
def test_other_correct_style_earns_full_marks_in_kernel(case):
    assignment, stub, source = case
    results = run_checks(assignment, LocalProbe(namespace_with(assignment, stub, source)), stub)
    assert results and all(r.passed for r in results), [r.summary() for r in results if not r.passed]


@pytest.mark.slow
@pytest.mark.parametrize("case", MISTAKES, ids=[mistake_id(c) for c in MISTAKES])
def test_mistake_caught_when_graded(case, notebook_builder):
    assignment, stub, source, failing = case
    path = notebook_builder(assignment, replace={stub: source}, stubs_only=True)
    report = grade_notebook(path, assignment, GradeOptions(cell_timeout=60, total_timeout=300))
    assert_verdicts(report.checks, assignment, stub, failing)


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ["linreg_scratch", "softmax_scratch"])
def test_other_styles_earn_full_marks_when_graded(assignment, notebook_builder):
    """Every alternative style of the assignment at once, graded with training: full marks."""
    replace = {stub: source for a, stub, source in STYLES if a == assignment}
    report = grade_notebook(notebook_builder(assignment, replace=replace), assignment)
    assert report.score == report.max_score, report.summary()


def test_every_check_has_a_mistake_or_is_an_outcome():
    """No function check goes untested by the mistake table."""
    covered = {(a, f"{a}.{check}") for a, _, _, failing in MISTAKES for check in failing}
    for assignment in ("linreg_scratch", "softmax_scratch", "linreg_gluon", "ndarray"):
        for c in checks_for(assignment):
            if c.function is not None and c.points > 0:
                assert (assignment, c.id) in covered, f"no classic-mistake test fails {c.id}"
