"""Student-facing wording: crashes explained in one line from MXNet's real exceptions, once per crashing
function; cells named so they can be found; totals that say what they leave out.

The exceptions here are raised by MXNet itself (the classic mistakes, run for real), never typed in:
the translator must keep working on what this MXNet actually says.
"""
from __future__ import annotations

import re

import numpy as np
import pytest

from autograder.checks.expect import describe
from autograder.incell import check
from autograder.notebook import Cell
from autograder.results import CheckResult, Report
from autograder.student_errors import describe_cell_error, explain, one_per_crash
from autograder.wire import Opaque

INTERNALS = re.compile(r'Traceback|File "|\.h"|\.cc\b|Stack trace|Check failed|\[bt\]')


def raised(fn) -> tuple[str, str]:
    """(exception name, text) of what fn really raises."""
    try:
        fn()
    except Exception as exc:          # noqa: BLE001 - the point is to capture it
        return type(exc).__name__, str(exc)
    raise AssertionError("expected an exception")


def nd():
    from mxnet import nd as nd_
    return nd_


def softmax_without_keepdims():
    X = nd().ones((4, 10))
    return (X.exp() / X.exp().sum(axis=1)).wait_to_read()


def net_without_reshape():
    return (nd().dot(nd().ones((4, 1, 28, 28)), nd().ones((784, 10))) + nd().zeros(10)).wait_to_read()


def elementwise_for_dot():
    return (nd().ones((10, 2)) * nd().ones((2, 1))).wait_to_read()


def uninitialised_gluon_net():
    from mxnet.gluon import nn
    net = nn.Sequential()
    net.add(nn.Dense(1))
    return net(nd().ones((3, 2)))


def deferred_parameter_read():
    from mxnet.gluon import nn
    net = nn.Sequential()
    net.add(nn.Dense(1))
    net.initialize()
    return net[0].weight.data()


def stub_not_implemented():
    raise NotImplementedError()


# (what, mistake, words the explanation must contain)
CLASSICS = [
    ("softmax", softmax_without_keepdims, ["(4, 10)", "(4,)", "keepdims=True"]),
    ("net", net_without_reshape, ["(4, 1, 28, 28)", "(784, 10)", "X.reshape((-1, 784))"]),
    ("net", elementwise_for_dot, ["(10, 2)", "(2, 1)", "nd.dot"]),
    ("net", uninitialised_gluon_net, ["not initialised", "initialize()"]),
    ("net", deferred_parameter_read, ["first forward pass", "in_units"]),
]


@pytest.mark.parametrize("function,mistake,words", CLASSICS, ids=[c[1].__name__ for c in CLASSICS])
def test_classic_crash_is_explained_in_one_line(function, mistake, words):
    ename, evalue = raised(mistake)
    message = explain(function, ename, evalue)
    assert message.startswith(f"{function} raised {ename}: "), message
    assert not INTERNALS.search(message) and "\n" not in message, message
    for word in words:
        assert word in message, (word, message)


def test_the_raw_messages_are_what_the_translator_was_written_for():
    """If MXNet's wording changes, this says so instead of the translator silently passing raw text."""
    assert "Check failed" in raised(softmax_without_keepdims)[1] and ".h\"" in raised(softmax_without_keepdims)[1]
    assert "dot shape error" in raised(net_without_reshape)[1]
    assert "has not been initialized" in raised(uninitialised_gluon_net)[1]
    assert raised(deferred_parameter_read)[0] == "DeferredInitializationError"


def test_other_mxnet_errors_keep_their_one_line_meaning():
    ename, evalue = raised(lambda: nd().elemwise_add(nd().ones((2, 3)), nd().ones((3, 2))).wait_to_read())
    message = explain("add_into", ename, evalue)
    assert not INTERNALS.search(message), message
    assert "expected [2,3], got [3,2]" in message, message
    ename, evalue = raised(lambda: nd().ones((10, 2)).reshape((3, 7)))
    message = explain("net", ename, evalue)
    assert not INTERNALS.search(message) and "target shape size is larger" in message, message


def test_older_builds_log_prefix_and_stack_trace_are_dropped():
    """MXNet 1.5/1.6 builds put a log prefix first and C++ frames after the message (the layout of
    apache/mxnet#16851); here that layout around this MXNet's own message."""
    _, evalue = raised(lambda: nd().elemwise_add(nd().ones((2, 3)), nd().ones((3, 2))).wait_to_read())
    sentence = evalue.splitlines()[-1].removeprefix("MXNetError: ")
    old_style = (f"[08:58:11] /build/mxnet/src/operator/tensor/../elemwise_op_common.h:135: {sentence}\n"
                 "Stack trace:\n"
                 "  [bt] (0) /usr/lib/libmxnet.so(dmlc::LogMessageFatal::~LogMessageFatal()+0x43) [0x7f8b]\n"
                 "  [bt] (1) /usr/lib/libmxnet.so(+0x2f6e6e0) [0x7f87]")
    message = explain("add_into", "MXNetError", old_style)
    assert message == "add_into raised MXNetError: Incompatible attr in node at 1-th input: expected [2,3], got [3,2]"


def test_python_errors_pass_through_unchanged():
    ename, evalue = raised(lambda: float(nd().ones((3,))))
    assert explain("accuracy", ename, evalue) == f"accuracy raised TypeError: {evalue}"


def test_an_unimplemented_stub_says_so_instead_of_an_empty_colon():
    ename, evalue = raised(stub_not_implemented)
    assert explain("softmax", ename, evalue) == \
        "softmax is not implemented yet (the stub still raises NotImplementedError)"
    assert describe_cell_error(ename, evalue) == "raised NotImplementedError: a stub in it is not implemented yet"
    ename, evalue = raised(lambda: (_ for _ in ()).throw(NotImplementedError("write softmax first")))
    assert explain("softmax", ename, evalue) == "softmax raised NotImplementedError: write softmax first"


def test_cell_errors_lose_the_internals_too():
    ename, evalue = raised(softmax_without_keepdims)
    text = describe_cell_error(ename, evalue)
    assert text.startswith("raised MXNetError: shapes (4, 10) and (4,)") and not INTERNALS.search(text)


def result(check_id, message, function="softmax", passed=False):
    return CheckResult(id=check_id, function=function, passed=passed, score=1.0 if passed else 0.0,
                       max_score=1.0, message=message)


def test_one_explanation_per_crashing_function():
    ename, evalue = raised(softmax_without_keepdims)
    raw = f"softmax raised {ename}: {evalue}"         # as a check quoting the student's exception has it
    results = one_per_crash([
        result("a.softmax.rows", explain("softmax", ename, evalue)),
        result("a.softmax.gradient", raw),
        result("a.softmax.ok", "", passed=True),
        result("a.net.probabilities", explain("net", *raised(net_without_reshape)), function="net"),
        result("a.outcome.hidden", f"training with your stubs: {raw}", function=None),
        result("a.outcome.other", explain("net", ename, evalue.replace("[4,10] [4]", "[256,10] [256]")), None),
    ])
    messages = [r.message for r in results]
    assert "keepdims=True" in messages[0]
    assert messages[1] == "see above: softmax raised MXNetError"
    assert messages[2] == "" and results[2].passed
    assert "X.reshape((-1, 784))" in messages[3]            # another function, another error: its own
    assert messages[4] == "see above: softmax raised MXNetError"
    # net calling the broken softmax: the same error, other sizes
    assert messages[5] == "see above: net raised the same MXNetError as softmax"
    assert not any(INTERNALS.search(m) for m in messages), messages


def test_missing_names_are_not_mistaken_for_crashes():
    """'… if that cell raised an error …' is not a crash of 'cell': each missing stub keeps its own message."""
    report = check("linreg_scratch", ..., {})
    for stub in ("data_iter", "net", "square_loss", "SGD"):
        first, *rest = [c.message for c in report.checks if c.function == stub]
        assert first.startswith(f"{stub} is not defined: run the cell"), first
        assert all(m == f"see above: {stub} is not defined" for m in rest), rest


def test_a_repeated_message_is_shown_once():
    message = "trainer is not defined: its cell 18 (trainer) raised RuntimeError: boom"
    results = one_per_crash([result("a.trainer.step", message, "trainer"), result("a.outcome.x", message, None)])
    assert [r.message for r in results] == [message, "see above: trainer is not defined"]


def test_in_kernel_check_explains_the_crash_once(capfd):
    ns: dict = {}
    exec("from mxnet import nd\ndef softmax(X):\n    e = X.exp()\n    return e / e.sum(axis=1)\n", ns)
    report = check("softmax_scratch", "softmax", ns)
    crashes = [c.message for c in report.checks if not c.passed and "MXNetError" in c.message]
    assert len(crashes) >= 2, crashes                       # rows and gradient both crash
    assert "keepdims=True" in crashes[0]
    assert all(m == "see above: softmax raised MXNetError" for m in crashes[1:]), crashes
    assert not INTERNALS.search(report.summary())
    assert capfd.readouterr().err == ""


def test_unimplemented_stub_in_kernel_reads_plainly():
    ns: dict = {}
    exec("def l1_norm(x):\n    raise NotImplementedError()\n", ns)
    message = check("ndarray", "l1_norm", ns).checks[0].message
    assert message == "l1_norm is not implemented yet (the stub still raises NotImplementedError)"


def test_missing_name_in_kernel_mentions_a_cell_that_raised():
    message = check("linreg_gluon", "trainer", {}).checks[0].message
    assert message.startswith("trainer is not defined: run the cell that defines it") and "raised" in message


def test_articles():
    assert describe(Opaque("NDArray")) == "an NDArray"
    assert describe(Opaque("int")) == "an int"
    assert describe(Opaque("Sequential")) == "a Sequential"
    assert describe(Opaque("generator")) == "a generator"
    assert describe(Opaque("HybridSequential")) == "a HybridSequential"


def test_check_total_says_what_hidden_checks_add():
    ns: dict = {}
    exec("from mxnet import nd\ndef softmax(X):\n    e = X.exp()\n    return e / e.sum(axis=1, keepdims=True)\n",
         ns)
    report = check("softmax_scratch", ..., ns)
    assert report.hidden_points == 1
    assert re.search(r"total .*/9 \(\+ 1 point of hidden checks, graded later: 10 in all\)", report.summary())
    assert "1 point of hidden checks, graded later" in report._repr_html_()
    assert "hidden_points" not in report.to_dict()          # the JSON report keeps its contract
    assert check("softmax_scratch", ..., ns, hidden=True).hidden_points == 0


def test_check_table_has_padding_and_wraps_hints():
    report = Report("x", [result("x.softmax.rows", "a long hint " * 30)])
    page = report._repr_html_()
    assert page.count("padding:") >= 8 and "white-space:normal" in page


def test_a_cell_is_named_by_its_stub_or_its_first_line():
    assert Cell(17, "trainer = 1\n", "trainer", False).label == "cell 18 (trainer)"
    assert Cell(23, "\n  dense = net[0]\nprint(dense)\n", None, False).label == \
        'cell 24 (the one starting "dense = net[0]")'
    assert Cell(3, "x = '" + "y" * 100 + "'\n", None, False).label.endswith('…")')
    assert Cell(4, "", None, False).label == "cell 5"


def test_report_hint_lines_are_separate():
    report = Report("x", [result("x.a", "first"), result("x.b", "second")], errors=["cell 2 raised X: y"])
    assert report.hint_lines() == ["x.a: first", "x.b: second", "error: cell 2 raised X: y"]
    assert report.summary().endswith("- x.a: first\n- x.b: second\n- error: cell 2 raised X: y")
    assert np.isclose(report.max_score, 2.0)


# ---- graded for real: the sandboxed student process, the judge's report ----

GRADED_CRASHES = [
    ("softmax_scratch", "softmax", "def softmax(X):\n    e = X.exp()\n    return e / e.sum(axis=1)\n",
     "keepdims=True"),
    ("softmax_scratch", "net", "def net(X, W, b):\n    return softmax(nd.dot(X, W) + b)\n",
     "X.reshape((-1, 784))"),
    ("linreg_scratch", "net", "def net(X, w, b):\n    return X * w + b\n", "use nd.dot(X, w), not X * w"),
    ("linreg_gluon", "net", "net = nn.Sequential()\nnet.add(nn.Dense(1))\n", "call initialize() on the net"),
]


@pytest.mark.slow
@pytest.mark.parametrize("assignment,stub,source,fix", GRADED_CRASHES,
                         ids=[f"{a}-{s}-{f.split()[0]}" for a, s, _, f in GRADED_CRASHES])
def test_graded_crash_is_explained_once_without_internals(assignment, stub, source, fix, notebook_builder):
    from autograder.grade import GradeOptions, grade_notebook
    path = notebook_builder(assignment, replace={stub: source}, stubs_only=True)
    report = grade_notebook(path, assignment, GradeOptions(cell_timeout=60, total_timeout=300))
    everything = [c.message for c in report.checks] + report.errors
    assert not [m for m in everything if INTERNALS.search(m)], everything
    crash = re.compile(r"\b\w+ raised \w+")          # a crash of any function (net calls softmax)
    explained = [c for c in report.checks if fix in c.message and crash.match(c.message)]
    assert len(explained) == 1, report.summary()             # one explanation per stub, not one per check
    assert explained[0].function == stub and explained[0].message.startswith(f"{stub} raised "), explained
    others = [c.message for c in report.checks if crash.search(c.message) and c is not explained[0]
              and not c.message.startswith(f"{c.function} is not defined")]
    assert all(m.startswith("see above: ") for m in others), report.summary()
    assert others or assignment == "linreg_gluon", report.summary()  # there only net.forward runs the net


@pytest.mark.slow
def test_graded_cell_that_raised_is_named_with_what_it_raised(notebook_builder):
    """An uninitialised Gluon net makes the trainer cell raise: trainer's checks say so, not 'run the cell'."""
    from autograder.grade import GradeOptions, grade_notebook
    path = notebook_builder("linreg_gluon", replace={"net": "net = nn.Sequential()\nnet.add(nn.Dense(1))\n"})
    report = grade_notebook(path, "linreg_gluon", GradeOptions(cell_timeout=60, total_timeout=300))
    trainer = {c.id: c.message for c in report.checks}["linreg_gluon.trainer.sgd_step"]
    assert re.match(r"trainer is not defined: its cell \d+ \(trainer\) raised RuntimeError: parameter \w+ is not "
                    r"initialised: call initialize\(\) on the net", trainer), trainer
    assert "run the cell that defines it" not in trainer
    unnamed = [e for e in report.errors if "(trainer)" not in e]
    assert unnamed and all(re.match(r'cell \d+ \(the one starting "[^"]+"\) raised', e) for e in unnamed), unnamed
    outcomes = [c.message for c in report.checks if c.function is None]
    assert outcomes and all(m.startswith("not checked: net and trainer must pass") for m in outcomes), outcomes
    assert sum("trainer is not defined" in c.message for c in report.checks) == 1     # explained once
