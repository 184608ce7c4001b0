"""Checks for the ndarray assignment: creation, norms, autograd, and the book's in-place memory lesson."""
from __future__ import annotations

import numpy as np

from . import check
from .expect import close, fail, numbers, same_values, shape, show

A = "ndarray"


@check(A, "arange_matrix", "values", points=1)
def arange_matrix_values(probe):
    for rows, cols in ((3, 4), (5, 2)):
        out, type_name = probe.call("arange_matrix", rows, cols)
        if type_name != "NDArray":
            fail(f"arange_matrix({rows}, {cols}) returned a {type_name}; return an NDArray (nd.arange(…).reshape(…))")
        out = numbers(out, function="arange_matrix")
        expected = np.arange(rows * cols).reshape(rows, cols)
        if out.shape != expected.shape:
            fail(f"arange_matrix({rows}, {cols}) returned shape {shape(out)}; expected ({rows}, {cols})")
        if not close(out, expected):
            fail(f"arange_matrix({rows}, {cols}) returned {show(out)}; expected 0, 1, …, {rows * cols - 1} row by row")


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


@check(A, "grad_f", "values", points=2)
def grad_f_values(probe):
    rng = np.random.default_rng(6)
    for x in (np.arange(4.0).reshape(4, 1), rng.normal(size=(5,))):
        out, _ = probe.call("grad_f", x)
        out = numbers(out, function="grad_f")
        if not same_values(out, 4 * x) or out.size != x.size:
            hint = (" — that is 2x; f(x) = 2·(x·x) has gradient 4x" if same_values(out, 2 * x) else
                    " (f(x) = 2·(x·x) has gradient 4x): attach_grad, record, backward, then read x.grad")
            fail(f"grad_f returned {show(out)} for x = {show(x)}; expected {show(4 * x)}{hint}")


def _memory_check(probe, function, inputs, target, name):
    reply = probe.run("inplace_update", function=function, inputs=inputs, target=target)
    after = numbers(reply["target_after"], function=function)
    expected = inputs[0] + inputs[1]
    if not close(after, expected):
        if close(after, inputs[target]):
            fail(f"{function} left {name} unchanged: assigning to the name inside the function only rebinds it; "
                 f"write into {name}'s memory")
        fail(f"after {function}, {name} holds {show(after)}; expected X + Y = {show(expected)}")
    if not reply["same_handle"]:
        fail(f"{function} gave {name} new memory (its handle changed)")
    if reply["allocations"]:
        fail(f"{function} created {int(reply['allocations'])} new NDArray(s) on the way: "
             + ("use X += Y, which writes straight into X" if name == "X" else
                "Z[:] = X + Y still makes a temporary X + Y; use nd.elemwise_add(X, Y, out=Z)"))


@check(A, "add_inplace", "memory", points=2)
def add_inplace_memory(probe):
    rng = np.random.default_rng(8)
    _memory_check(probe, "add_inplace", [rng.normal(size=(3, 4)), rng.normal(size=(3, 4))], 0, "X")


@check(A, "add_into", "values", points=1)
def add_into_values(probe):
    rng = np.random.default_rng(9)
    X, Y = rng.normal(size=(2, 5)), rng.normal(size=(2, 5))
    reply = probe.run("inplace_update", function="add_into", inputs=[X, Y, np.zeros((2, 5))], target=2)
    after = numbers(reply["target_after"], function="add_into")
    if not close(after, X + Y):
        fail(f"after add_into(X, Y, Z), Z holds {show(after)}; expected X + Y = {show(X + Y)}: "
             "write the sum into the Z that was passed in")


@check(A, "add_into", "no_temporary", points=2)
def add_into_no_temporary(probe):
    rng = np.random.default_rng(10)
    _memory_check(probe, "add_into", [rng.normal(size=(3, 3)), rng.normal(size=(3, 3)), np.zeros((3, 3))], 2, "Z")
