"""hybridize: scenarios — run in the student's process (students can read this file); they build and call the
student's HybridMLP, benchmark and export_and_load on the judge's inputs and report plain values, never verdicts."""
from __future__ import annotations

import os
import shutil
import tempfile
import time

import numpy as np

from autograder.harness import StudentCodeError, call_student, nd_array, plain, scenario, type_name


def _set_by_shape(net, params):
    """Give each of the net's parameters the judge's array of the same shape (the book's MLP has six parameters
    of six different shapes); report the shapes the net has, so the judge can say what is missing."""
    shapes = {}
    for name, param in net.collect_params().items():
        shapes[name] = list(param.shape)
        for value in params:
            if tuple(np.shape(value)) == tuple(param.shape):
                param.set_data(nd_array(value))
    return shapes


def _failure(stage, exc):
    return {"failed": {"stage": stage, "error": f"{exc.ename}: {exc.evalue}"[:400]}}


@scenario
def mlp_outputs(ns, params, Xs, hybridize):
    """HybridMLP() built, initialised, (hybridized,) run once to infer its shapes, given the judge's
    parameters, then run on each X in Xs. Reports the outputs, the parameter shapes and what kind of block
    it is; a failure is reported with the stage at which the student's class raised."""
    from mxnet import init
    from mxnet.gluon import HybridBlock
    try:
        net = call_student(ns, "HybridMLP")
    except StudentCodeError as exc:
        return _failure("construct", exc)
    kind = {"type": type_name(net), "hybrid_block": isinstance(net, HybridBlock)}
    try:
        with _blamed_forward():
            net.initialize(init.Normal(sigma=0.01))
            if hybridize:
                net.hybridize()
            net(nd_array(Xs[0][:1]))
    except StudentCodeError as exc:
        return dict(kind, **_failure("first forward pass" + (" after hybridize()" if hybridize else ""), exc))
    shapes = _set_by_shape(net, params)
    outputs = []
    try:
        with _blamed_forward():
            for X in Xs:
                outputs.append(plain(net(nd_array(X))))
    except StudentCodeError as exc:
        return dict(kind, shapes=shapes, **_failure("forward pass" + (" after hybridize()" if hybridize else ""),
                                                    exc))
    cached = getattr(net, "_cached_op", None) is not None
    return dict(kind, shapes=shapes, outputs=outputs, cached_graph=bool(cached))


class _blamed_forward:
    """Failures inside a forward pass are the student's HybridMLP's."""

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if exc is None or isinstance(exc, (KeyboardInterrupt, SystemExit, StudentCodeError)):
            return False
        raise StudentCodeError("HybridMLP", exc) from None


def reference_mlp(params):
    """The book's MLP (512 → 256 → 128 → 2, ReLU) as a trusted HybridSequential with the judge's parameters:
    what export_and_load is judged on, so a wrong HybridMLP costs only its own checks."""
    from mxnet.gluon import nn
    net = nn.HybridSequential()
    net.add(nn.Dense(256, activation="relu", in_units=512), nn.Dense(128, activation="relu", in_units=256),
            nn.Dense(2, in_units=128))
    net.initialize()
    _set_by_shape(net, params)
    return net


def _roundtrip(ns, net, X, forward_first):
    """Call the student's export_and_load(net, prefix) with a prefix in a fresh temporary folder (private to
    the sandbox when grading); report the files written, the returned block's outputs on X, and its outputs
    again after the original net's parameters were zeroed (a block loaded from the files does not change)."""
    folder = tempfile.mkdtemp(prefix="d2l-export-")
    try:
        prefix = os.path.join(folder, "mlp")
        if forward_first:
            net(nd_array(X[:1]))
        try:
            loaded = call_student(ns, "export_and_load", net, prefix)
        except StudentCodeError as exc:
            return _failure("export_and_load", exc)
        reply = {"files": sorted(os.listdir(folder)), "type": type_name(loaded)}
        try:
            reply["outputs"] = plain(loaded(nd_array(X)))
            for param in net.collect_params().values():
                param.set_data(param.data().zeros_like())
            reply["outputs_after_zeroing"] = plain(loaded(nd_array(X)))
        except Exception as exc:      # noqa: BLE001 - the returned block cannot run: the student's result
            reply["call_error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}"
        return reply
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@scenario
def export_reference(ns, params, X, forward_first=False):
    """export_and_load on the trusted MLP, hybridized, with (forward_first) or without a forward pass before."""
    net = reference_mlp(params)
    net.hybridize()
    return _roundtrip(ns, net, X, forward_first)


@scenario
def export_student_mlp(ns, params, X):
    """The whole chain on the student's own code: HybridMLP hybridized, given the judge's parameters, exported
    and re-loaded with export_and_load; the loaded block's outputs on X."""
    from mxnet import init
    try:
        net = call_student(ns, "HybridMLP")
        with _blamed_forward():
            net.initialize(init.Normal(sigma=0.01))
            net.hybridize()
            net(nd_array(X[:1]))
    except StudentCodeError as exc:
        return _failure("HybridMLP", exc)
    _set_by_shape(net, params)
    return _roundtrip(ns, net, X, forward_first=True)


@scenario
def benchmark_lazy_work(ns, repeats, size, chain):
    """benchmark(fn, repeats) on an fn that only *queues* work: each call pushes `chain` dependent matrix
    products of `size`×`size` to MXNet's engine and returns at once. Reports what benchmark returned, how
    many times it called fn, and the wall times this scenario measured around the call: when benchmark
    returned, and when the queued work had finished (after nd.waitall())."""
    from mxnet import nd
    A = nd.random.uniform(shape=(size, size)) / size
    calls = [0]

    def fn():
        calls[0] += 1
        x = A
        for _ in range(int(chain)):
            x = nd.dot(x, A)
        return x

    nd.waitall()
    start = time.perf_counter()
    work = fn()
    queued = time.perf_counter() - start
    work.wait_to_read()
    one_call = time.perf_counter() - start
    calls[0] = 0
    nd.waitall()
    start = time.perf_counter()
    seconds = call_student(ns, "benchmark", fn, int(repeats))
    returned = time.perf_counter() - start
    nd.waitall()
    finished = time.perf_counter() - start
    return {"seconds": plain(seconds), "type": type_name(seconds), "calls": calls[0], "returned_after": returned,
            "finished_after": finished, "one_call_queued": queued, "one_call_finished": one_call}
