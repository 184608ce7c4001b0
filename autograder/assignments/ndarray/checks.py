"""Checks for the ndarray assignment: creation, norms, autograd, and the book's in-place memory lesson.

Values are evidence: the judge chooses the inputs and recomputes the answer. Two lessons are about *how*:
that grad_f's gradient came from autograd (x.grad holds it after the call) and that the in-place
functions allocate nothing (NDArray buffers outside the inputs' memory and numpy buffers, counted in the
student's process). Those facts are testimony from the student's process, so their checks weigh less
than the values: 0.5 of grad_f's 2 points, 0.5 of add_inplace's 2, 1 of add_into's 3.
"""
from __future__ import annotations

import numpy as np

from autograder.checks import check
from autograder.checks.expect import close, fail, numbers, replies_checked, same_values, shape, show

A = "ndarray"


@check(A, "arange_matrix", "values", points=1)
def arange_matrix_values(probe):
    for rows, cols in ((3, 4), (5, 2)):
        out, type_name = probe.call("arange_matrix", rows, cols)
        if type_name != "NDArray":
            fail(f"arange_matrix({rows}, {cols}) returned a {type_name}; return an NDArray (nd.arange(…).reshape(…))")
        dtype = getattr(out, "sent_dtype", "float32")
        out = numbers(out, function="arange_matrix")
        expected = np.arange(rows * cols).reshape(rows, cols)
        if out.shape != expected.shape:
            fail(f"arange_matrix({rows}, {cols}) returned shape {shape(out)}; expected ({rows}, {cols})")
        if not close(out, expected):
            fail(f"arange_matrix({rows}, {cols}) returned {show(out)}; expected 0, 1, …, {rows * cols - 1} row by row")
        if dtype != "float32":
            fail(f"arange_matrix({rows}, {cols}) returned {dtype} numbers; the exercise asks for float32: "
                 "nd.arange(…, dtype='float32') or .astype('float32')")


def _norm_check(probe, function, reference, name):
    rng = np.random.default_rng(5)
    for x in (rng.normal(size=(6,)), rng.normal(size=(3, 4))):
        out, _ = probe.call(function, x)
        out = numbers(out, function=function)
        if out.size != 1:
            fail(f"{function} returned shape {shape(out)} for x of shape {x.shape}; expected one number")
        if not same_values(out, reference(x)):
            fail(f"{function} returned {out.reshape(-1)[0]:.5g} for x = {show(x)} of shape {x.shape}; "
                 f"expected {reference(x):.5g} ({name})")


@check(A, "l2_norm", "values", points=1)
def l2_norm_values(probe):
    _norm_check(probe, "l2_norm", lambda x: float(np.sqrt((x ** 2).sum())), "the square root of the sum of squares")


@check(A, "l1_norm", "values", points=1)
def l1_norm_values(probe):
    _norm_check(probe, "l1_norm", lambda x: float(np.abs(x).sum()), "the sum of absolute values")


GRAD_F_INPUTS = (np.arange(4.0).reshape(4, 1), np.random.default_rng(6).normal(size=(5,)),
                 np.random.default_rng(6).normal(size=(3, 4)))


@check(A, "grad_f", "values", points=1.5)
def grad_f_values(probe):
    for x in GRAD_F_INPUTS:
        out, _ = probe.call("grad_f", x)
        out = numbers(out, function="grad_f")
        if not same_values(out, 4 * x) or out.size != x.size:
            hint = (" — that is 2x; f(x) = 2·(x·x) has gradient 4x" if same_values(out, 2 * x) else
                    " (f(x) = 2·(x·x) sums over all elements, whatever x's shape, and has gradient 4x): "
                    "attach_grad, record, backward, then read x.grad")
            fail(f"grad_f returned {show(out)} for x = {show(x)} of shape {x.shape}; expected {show(4 * x)}{hint}")


@check(A, "grad_f", "autograd", points=0.5)
@replies_checked("grad_f")
def grad_f_autograd(probe):
    """backward() leaves the gradient in x.grad; a formula typed in (return 4 * x) leaves x without one."""
    x = GRAD_F_INPUTS[2]
    reply = probe.run("autograd_gradient", function="grad_f", x=x)
    grad = reply["x_grad"]
    if grad is None or not same_values(grad, 4 * x):
        fail("grad_f's answer did not come from autograd: after grad_f(x), x.grad should hold the gradient "
             f"backward() computed ({'x has no gradient' if grad is None else 'it holds ' + show(grad)}); "
             "call x.attach_grad(), record f under autograd.record(), call backward() and return x.grad")


MEMORY_SHAPE = (256, 256)            # 256 KiB per float32 array: a numpy copy stands out from Python's noise


@replies_checked("the in-place probe")
def _memory_check(probe, function, target, name):
    """The in-place lesson, measured in the student's process (testimony): no new buffer, no numpy copy.
    Z starts at zero here, so a wrong use of Z's old values costs only the values check."""
    rng = np.random.default_rng(10)
    inputs = [rng.normal(size=MEMORY_SHAPE) for _ in range(2)] + ([np.zeros(MEMORY_SHAPE)] if target == 2 else [])
    reply = probe.run("inplace_update", function=function, inputs=inputs, target=target)
    after = numbers(reply["target_after"], function=function)
    if not close(after, inputs[0] + inputs[1]):
        fail(f"{function} did not leave X + Y in {name} (see its values check), so its memory use is not judged")
    if not reply["counter_intact"]:
        fail(f"{function} switched off the grader's allocation counter while it ran; its memory use cannot "
             "be measured")
    if not reply["same_handle"]:
        fail(f"{function} gave {name} new memory (its handle changed)")
    if reply["allocations"]:
        # No count in the message: how many temporaries the counter sees depends on when MXNet's engine
        # thread allocates them (seen: 1 or 2 for Z[:] = X + Y), and a regrade must give the same feedback.
        fail(f"{function} allocated new NDArray memory on the way: "
             + ("use X += Y, which writes straight into X" if name == "X" else
                "Z[:] = X + Y still makes a temporary X + Y; use nd.elemwise_add(X, Y, out=Z)"))
    nbytes = int(np.prod(MEMORY_SHAPE)) * 4
    if float(reply["python_bytes"]) >= nbytes / 2:
        fail(f"{function} made a numpy copy of the data on the way ({int(reply['python_bytes']) // 1024} KiB "
             f"for arrays of {nbytes // 1024} KiB): .asnumpy() copies; stay with NDArray operations that write "
             f"into {name}")


@replies_checked("the in-place probe")
def _values_check(probe, function, target, name, seed):
    """Random non-zero X, Y (and Z): the target must hold X + Y afterwards and the other inputs be unchanged."""
    rng = np.random.default_rng(seed)
    inputs = [rng.normal(size=(3, 4)) for _ in range(3 if function == "add_into" else 2)]
    X, Y = inputs[0], inputs[1]
    reply = probe.run("inplace_update", function=function, inputs=inputs, target=target)
    after = numbers(reply["target_after"], function=function)
    if not close(after, X + Y):
        if close(after, inputs[target]):
            fail(f"{function} left {name} unchanged: assigning to the name inside the function only rebinds it; "
                 f"write into {name}'s memory")
        if function == "add_into" and close(after, inputs[2] + X + Y):
            fail("add_into added X + Y to what Z held before: Z's old values must not count; overwrite Z "
                 "(nd.elemwise_add(X, Y, out=Z))")
        fail(f"after {function}, {name} holds {show(after)}; expected X + Y = {show(X + Y)}")
    for i, label in enumerate("XYZ"[:len(inputs)]):
        if i != target and not close(numbers(reply["inputs_after"][i], function=function), inputs[i]):
            fail(f"{function} changed {label}: only {name} may change")


@check(A, "add_inplace", "values", points=1.5)
def add_inplace_values(probe):
    _values_check(probe, "add_inplace", 0, "X", seed=8)


@check(A, "add_inplace", "no_temporary", points=0.5)
def add_inplace_no_temporary(probe):
    _memory_check(probe, "add_inplace", 0, "X")


@check(A, "add_into", "values", points=2)
def add_into_values(probe):
    _values_check(probe, "add_into", 2, "Z", seed=9)


@check(A, "add_into", "no_temporary", points=1)
def add_into_no_temporary(probe):
    _memory_check(probe, "add_into", 2, "Z")
