"""Scenarios: code that runs *inside* the student's process, calls their functions, and reports plain values.

A scenario is `fn(ns, **kwargs) -> tree` where `ns` is the notebook's namespace and the tree holds
numbers, numpy arrays, strings, lists and dicts (see `wire`). Scenarios never judge: they report what
happened (outputs, identities, allocation counts) and the judge decides, in its own process, from the
decoded values. An exception raised by a student function is re-raised as `StudentCodeError` naming it.
"""
from __future__ import annotations

import contextlib
import ctypes
import random
import tracemalloc
import types

import numpy as np

from .wire import Opaque

_SCENARIOS: dict = {}
SCENARIOS = types.MappingProxyType(_SCENARIOS)    # read-only: a cell cannot swap a scenario by item assignment
MAX_BATCHES = 100_000          # a data_iter that never stops is cut off here

# Bound when the harness is imported, before any notebook cell runs: a cell that replaces tracemalloc's
# functions later does not change what the in-place probe measures.
_TRACE_START, _TRACE_STOP, _TRACING, _TRACED, _RESET_PEAK = (
    tracemalloc.start, tracemalloc.stop, tracemalloc.is_tracing, tracemalloc.get_traced_memory,
    tracemalloc.reset_peak)


class StudentCodeError(Exception):
    def __init__(self, function: str, exc: BaseException):
        super().__init__(f"{function} raised {type(exc).__name__}: {exc}")
        self.function, self.ename, self.evalue = function, type(exc).__name__, str(exc)


class MissingName(Exception):
    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


def scenario(fn):
    """Register `fn` under its name. Two files may not register one name: the second is refused, by name."""
    other = _SCENARIOS.get(fn.__name__)
    if other is not None and other.__module__ != fn.__module__:
        raise ValueError(f"scenario {fn.__name__!r} is defined by both {other.__module__} and {fn.__module__}: "
                         "give one of them another name")
    _SCENARIOS[fn.__name__] = fn
    return fn


def load_scenarios(assignment_id: str, path) -> None:
    """Import an assignment's scenarios.py (its @scenario and @stand_in register themselves), once per file."""
    from .registry import load_file
    load_file(path, f"d2l_assignment_{assignment_id}_scenarios")


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    import mxnet as mx
    mx.random.seed(seed)


def run(ns: dict, name: str, kwargs: dict):
    """Run scenario `name` with decoded kwargs (0-d arrays become Python numbers, as callers expect)."""
    if name not in SCENARIOS:
        raise KeyError(f"no scenario {name!r}")
    return SCENARIOS[name](ns, **{key: _python(value) for key, value in kwargs.items()})


# ---- plumbing ----

def lookup(ns: dict, name: str):
    if name not in ns:
        raise MissingName(name)
    return ns[name]


@contextlib.contextmanager
def blamed(name: str):
    """Any failure inside is the student's code `name` failing (an inner StudentCodeError keeps its name)."""
    try:
        yield
    except (KeyboardInterrupt, SystemExit, GeneratorExit, StudentCodeError):
        raise                          # GeneratorExit: a `_bounded` generator closed early is no failure
    except BaseException as exc:       # noqa: BLE001 - any failure of student code is the student's
        raise StudentCodeError(name, exc) from None


def call_student(ns: dict, name: str, *args, **kwargs):
    fn = lookup(ns, name)
    with blamed(name):
        return fn(*args, **kwargs)


def nd_array(value, dtype="float32"):
    from mxnet import nd
    return nd.array(np.asarray(value), dtype=dtype)


MAX_ITEMS = 10_000        # container items in one reply, counted over the whole tree


class _TooOdd(Exception):
    """A container plain() will not walk; the whole value becomes one Opaque naming why."""


def plain(value):
    """NDArrays and numbers to numpy; containers walked; anything else becomes an Opaque type marker.

    Bounded for hostile returns: more than MAX_ITEMS items in all, nesting past 8 levels or a list that
    contains itself turn the whole value into one Opaque marker that names the problem, so the reply
    stays small and the check can say what the function returned."""
    try:
        return _plain(value, [MAX_ITEMS], ())
    except _TooOdd as exc:
        return Opaque(str(exc))


def _plain(value, budget, path):
    from mxnet import nd
    if isinstance(value, nd.NDArray):
        return value.asnumpy()
    if isinstance(value, (np.ndarray, np.generic, bool, int, float)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        kind = type(value).__name__
        if id(value) in path:
            raise _TooOdd(f"{kind} that contains itself")
        if len(path) >= 8:
            raise _TooOdd(f"{kind} nested more than 8 levels deep")
        budget[0] -= len(value)
        if budget[0] < 0:
            raise _TooOdd(f"{kind} of {len(value)} items (too many to inspect)")
        return [_plain(v, budget, path + (id(value),)) for v in value]
    return Opaque(type(value).__name__)


def type_name(value) -> str:
    return type(value).__name__


def data_pointer(array) -> int:
    """The address of an NDArray's data (views share their base's memory); 0 if MXNet will not say."""
    from mxnet.base import _LIB
    pointer = ctypes.c_void_p()
    try:
        if _LIB.MXNDArrayGetData(array.handle, ctypes.byref(pointer)) != 0:
            return 0
    except Exception:          # noqa: BLE001 - an array without data: counted as new memory
        return 0
    return int(pointer.value or 0)


@contextlib.contextmanager
def measured_allocations(inputs):
    """What the block allocates: `buffers`, the NDArrays whose data lies outside every input's memory (a
    temporary like `X + Y`; not the views MXNet makes of an input inside `Z[:] = X`), and `python_bytes`,
    the peak of Python allocations (tracemalloc sees numpy's buffers, so `X.asnumpy() + …` shows).
    `intact` is False when the block removed either counter. Measured in the student's process: testimony."""
    from mxnet.ndarray.ndarray import NDArray
    spans = []
    for array in inputs:
        start = data_pointer(array)
        spans.append((start, start + array.size * np.dtype(array.dtype).itemsize))
    fresh = set()
    original = NDArray.__init__

    def counting_init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        address = data_pointer(self)
        if not any(lo <= address < hi for lo, hi in spans):
            fresh.add(address)

    was_tracing = _TRACING()
    if was_tracing:
        _RESET_PEAK()
    else:
        _TRACE_START()
    baseline = _TRACED()[0]
    NDArray.__init__ = counting_init
    out = {"buffers": 0, "python_bytes": 0, "intact": True}
    try:
        yield out
    finally:
        intact = NDArray.__dict__.get("__init__") is counting_init and _TRACING()
        peak = _TRACED()[1] if _TRACING() else 0
        if not was_tracing and _TRACING():
            _TRACE_STOP()
        NDArray.__init__ = original
        out.update(buffers=len(fresh), python_bytes=max(0, peak - baseline), intact=bool(intact))


def handle_of(array) -> int:
    return int(array.handle.value or 0)


# ---- generic scenarios ----

# Trusted stand-ins for stubs that other stubs call, so a mistake costs only its own stub's checks;
# an assignment's scenarios.py registers them with @stand_in("name").
REFERENCES: dict = {}


def stand_in(name: str):
    """Register `fn` as the trusted version of the stub `name` (see `call(..., isolate=[name])`)."""
    def register(fn):
        REFERENCES[name] = fn
        return fn
    return register


_ABSENT = object()


@contextlib.contextmanager
def notebook_globals(ns: dict, values: dict):
    """The notebook's names set to `values` for the duration — the judge's parameters for a `net(X)` that reads
    globals, trusted stand-ins whether or not the notebook defined them — and restored (or removed) after."""
    saved = {name: ns.get(name, _ABSENT) for name in values}
    try:
        ns.update(values)
        yield
    finally:
        for name, value in saved.items():
            if value is _ABSENT:
                ns.pop(name, None)
            else:
                ns[name] = value


@contextlib.contextmanager
def stand_ins(ns: dict, names):
    saved = {name: ns[name] for name in names or () if name in ns}
    try:
        for name in saved:
            ns[name] = REFERENCES[name]
        yield
    finally:
        ns.update(saved)


@scenario
def call(ns, function, args, kwargs=None, isolate=None, dtypes=None):
    """Call a student function; numpy args become float32 NDArrays (or `dtypes[i]`, e.g. int32 labels as the
    notebook makes them). Names in `isolate` are replaced by trusted references during the call."""
    dtypes = list(dtypes or []) + [None] * len(args)
    converted = [nd_array(arg, dtype or "float32") if isinstance(arg, np.ndarray) else _python(arg)
                 for arg, dtype in zip(args, dtypes)]
    with stand_ins(ns, isolate):
        result = call_student(ns, function, *converted, **{k: _python(v) for k, v in (kwargs or {}).items()})
    return {"value": plain(result), "type": type_name(result)}


def _python(value):
    """Decoded scalars are 0-d float64 arrays; students expect ints for sizes."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return int(value) if float(value).is_integer() else float(value)
    if isinstance(value, list):
        return [_python(v) for v in value]
    return value


@scenario
def get(ns, name):
    value = lookup(ns, name)
    return {"value": plain(value), "type": type_name(value)}


# ---- ndarray ----

@scenario
def inplace_update(ns, function, inputs, target):
    """Call function(*inputs) and report every input afterwards, whether inputs[target] kept its memory, and
    what the call allocated (`measured_allocations`)."""
    from mxnet import nd
    arrays = [nd_array(x) for x in inputs]
    watched = arrays[target]
    before_handle = handle_of(watched)
    nd.waitall()
    with measured_allocations(arrays) as allocations:
        result = call_student(ns, function, *arrays)
        if result is not None and hasattr(result, "wait_to_read"):
            result.wait_to_read()
        watched.wait_to_read()
    return {"target_after": watched.asnumpy(), "inputs_after": [a.asnumpy() for a in arrays],
            "same_handle": handle_of(watched) == before_handle, "allocations": allocations["buffers"],
            "python_bytes": allocations["python_bytes"], "counter_intact": allocations["intact"]}


@scenario
def autograd_gradient(ns, function, x):
    """Call function(x); report what it returned and x.grad afterwards. backward() leaves the gradient it
    computed in x.grad; a gradient typed in as a formula leaves x without one."""
    array = nd_array(x)
    result = call_student(ns, function, array)
    grad = array.grad
    return {"value": plain(result), "type": type_name(result), "x_grad": None if grad is None else plain(grad)}


# ---- linreg_scratch ----

@scenario
def iterate_batches(ns, function, batch_size, features, labels, passes=2):
    """Consume `passes` full passes of data_iter; report every batch, and `cut_off` (the limits) if a pass
    yielded more than `pass_limits` allow."""
    feats, labs = nd_array(features), nd_array(labels)
    out = []
    for _ in range(passes):
        iterator = call_student(ns, function, int(batch_size), feats, labs)
        batches = []
        for item, cut_off in one_pass(iterator, function, feats.shape[0], int(batch_size)):
            if cut_off:
                return {"passes": out + [batches], "type": type_name(iterator), "cut_off": cut_off}
            batches.append(plain(item) if isinstance(item, (tuple, list)) else [plain(item)])
        out.append(batches)
    return {"passes": out, "type": type_name(iterator), "cut_off": None}


def pass_limits(n: int, batch_size: int) -> dict:
    """What one pass of a data_iter over n examples may yield before it is cut off: twice what it should."""
    return {"batches": 2 * -(-n // max(batch_size, 1)) + 1, "rows": 2 * n}


def _rows(item) -> int:
    first = item[0] if isinstance(item, (tuple, list)) and item else item
    shape = getattr(first, "shape", None)
    return int(shape[0]) if isinstance(shape, tuple) and shape else 1


def one_pass(iterator, name, n, batch_size):
    """(item, None) for each batch; then (None, limits) and stop if the pass grows beyond `pass_limits`,
    before the oversized batch is converted or sent."""
    limits, batches, rows = pass_limits(n, batch_size), 0, 0
    for item in _bounded(iterator, name):
        batches, rows = batches + 1, rows + _rows(item)
        if batches > limits["batches"] or rows > limits["rows"]:
            yield None, limits
            return
        yield item, None


def stacked(trajectory, names):
    """Parameters after each step, one array per parameter stacked over steps (one wire blob each)."""
    if not trajectory:
        return {name: None for name in names}
    return {name: np.stack([_numpy(step[i]) for step in trajectory]) for i, name in enumerate(names)}


def _numpy(array):
    return array if isinstance(array, np.ndarray) else array.asnumpy()


def backward_or_why(loss, name):
    """None once loss.backward() ran; else what the student's `name` returned that autograd cannot follow."""
    if not hasattr(loss, "backward"):
        return {"function": name, "what": f"returned a {type_name(loss)} instead of an NDArray, which autograd "
                                          "cannot differentiate"}
    try:
        loss.backward()
    except Exception:              # noqa: BLE001 - MXNet's message names C++ files; the judge words it
        return {"function": name, "what": "returned a value autograd did not record (computed in numpy, or "
                                          "from .asnumpy() or Python floats), so backward() failed"}
    return None


def _bounded(iterator, name):
    """The student's iterator, cut off after MAX_BATCHES items, its failures blamed on `name`."""
    with blamed(name):
        for i, item in enumerate(iterator):
            if i >= MAX_BATCHES:
                return
            yield item


# ---- Gluon blocks and trainers ----

def params_of(net):
    return list(net.collect_params().values())


@contextlib.contextmanager
def restored_parameters(net):
    """Scenarios that train or step must leave the student's trained net as they found it."""
    saved = []
    try:
        saved = [(p, p.data().copy()) for p in params_of(net)]
    except Exception:            # noqa: BLE001 - uninitialised parameters: nothing to restore
        pass
    try:
        yield
    finally:
        for param, data in saved:
            param.set_data(data)


def _short_name(pname: str) -> str:
    return pname.split("_")[-1] if "_" in pname else pname


@scenario
def gluon_net(ns, name, X, weight=None, bias=None):
    """Describe the student's Block and run it forward on X — with the judge's `weight` and `bias` set (where
    the shapes fit) for the call, so the notebook's training cannot change the verdict on the forward pass."""
    net = lookup(ns, name)
    layers = []
    for child in getattr(net, "_children", {}).values():     # MXNet 1.x keeps the Blocks themselves
        layers.append({"type": type_name(child), "units": getattr(child, "_units", None),
                       "use_bias": getattr(child, "bias", None) is not None,
                       "act": type_name(getattr(child, "act", None))})
    chosen = {"weight": weight, "bias": bias}
    with restored_parameters(net):
        try:
            for pname, p in net.collect_params().items():
                value = chosen.get(_short_name(pname))
                if value is not None and tuple(p.shape) == tuple(np.shape(value)):
                    p.set_data(nd_array(value))
        except Exception:        # noqa: BLE001 - uninitialised parameters: reported as missing below
            pass
        try:
            output = plain(call_student(ns, name, nd_array(X)))
        except StudentCodeError as exc:
            output = Opaque("error", str(exc))
        params = {}
        try:
            for pname, p in net.collect_params().items():
                params[_short_name(pname)] = p.data().asnumpy()
        except Exception:        # noqa: BLE001
            pass
    return {"type": type_name(net), "layers": layers, "output": output, "params": params}


def gluon_steps(net, loss, trainer, features, labels, order, batch_size, params, names):
    """The book's Gluon training step with the student's net, loss and trainer, once per row of `order` (the
    example indices of that batch, chosen by the judge): `params` after every step, stacked under `names`, for
    the judge to recompute each one; `stopped` says why training could not go on (no gradient, say)."""
    from mxnet import autograd, nd
    trajectory = []
    for rows in order:
        idx = nd.array(np.asarray(rows, dtype=np.int64), dtype="int64")
        X, y = features.take(idx), labels.take(idx)
        with blamed("net/loss"):
            with autograd.record():
                batch_loss = loss(net(X), y)
        stopped = backward_or_why(batch_loss, "loss")
        if stopped:
            return dict(stopped=stopped, **stacked(trajectory, names))
        with blamed("trainer"):
            trainer.step(int(batch_size))
        trajectory.append([p.data().copy() for p in params])
    return dict(stopped=None, **stacked(trajectory, names))


@scenario
def trainer_step(ns, trainer_name, net_name, Xs, batch_size):
    """One trainer.step per X in Xs, each after a real backward pass through the net; report the parameters
    and gradients of every step (a second step shows momentum, which the first cannot)."""
    from mxnet import autograd
    trainer, net = lookup(ns, trainer_name), lookup(ns, net_name)
    info = {"type": type_name(trainer),
            "optimizer": type_name(getattr(trainer, "_optimizer", None)),
            "trainer_covers_net": False, "steps": []}
    with restored_parameters(net):
        params = params_of(net)
        info["trainer_covers_net"] = {id(p) for p in params} <= {id(p) for p in getattr(trainer, "_params", [])}
        with blamed(trainer_name):
            for X in Xs:
                with autograd.record():
                    total = net(nd_array(X)).sum()
                total.backward()
                before = [p.data().asnumpy() for p in params]
                grads = [p.grad().asnumpy() for p in params]
                trainer.step(int(batch_size))
                info["steps"].append({"before": before, "after": [p.data().asnumpy() for p in params],
                                      "grads": grads})
    return info


@scenario
def call_grad(ns, function, args, wrt=0, attach=None):
    """Call function(*args) under autograd, backpropagate from the sum of its output, report d/d args[wrt].
    `attach` lists more arguments that get gradient buffers, as in training (MXNet's FullyConnected skips
    the bias gradient when its weight has none)."""
    from mxnet import autograd
    arrays = [nd_array(a) if isinstance(a, np.ndarray) else _python(a) for a in args]
    for index in {int(wrt), *(int(i) for i in attach or ())}:
        arrays[index].attach_grad()
    with autograd.record():
        result = call_student(ns, function, *arrays)
        if not hasattr(result, "backward"):
            return {"value": plain(result), "grad": None, "type": type_name(result)}
        total = result.sum()
    try:
        total.backward()
    except Exception as exc:       # noqa: BLE001 - e.g. the output was not recorded (computed in numpy)
        return {"value": plain(result), "grad": None, "type": type_name(result), "error": str(exc)[:200]}
    return {"value": plain(result), "grad": arrays[wrt].grad.asnumpy(), "type": type_name(result)}
