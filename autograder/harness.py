"""Scenarios: code that runs *inside* the student's process, calls their functions, and reports plain values.

A scenario is `fn(ns, **kwargs) -> tree` where `ns` is the notebook's namespace and the tree holds
numbers, numpy arrays, strings, lists and dicts (see `wire`). Scenarios never judge: they report what
happened (outputs, identities, allocation counts) and the judge decides, in its own process, from the
decoded values. An exception raised by a student function is re-raised as `StudentCodeError` naming it.
"""
from __future__ import annotations

import contextlib
import random

import numpy as np

from .wire import Opaque

SCENARIOS = {}
MAX_BATCHES = 100_000          # a data_iter that never stops is cut off here


class StudentCodeError(Exception):
    def __init__(self, function: str, exc: BaseException):
        super().__init__(f"{function} raised {type(exc).__name__}: {exc}")
        self.function, self.ename, self.evalue = function, type(exc).__name__, str(exc)


class MissingName(Exception):
    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


def scenario(fn):
    SCENARIOS[fn.__name__] = fn
    return fn


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


@contextlib.contextmanager
def count_allocations():
    """Counts NDArray objects created inside the block (a temporary like `X + Y` is one)."""
    from mxnet.ndarray.ndarray import NDArray
    counter = {"n": 0}
    original = NDArray.__init__

    def counting_init(self, *args, **kwargs):
        counter["n"] += 1
        original(self, *args, **kwargs)

    NDArray.__init__ = counting_init
    try:
        yield counter
    finally:
        NDArray.__init__ = original


def handle_of(array) -> int:
    return int(array.handle.value or 0)


# ---- generic scenarios ----

def _reference_softmax(X):
    e = (X - X.max(axis=1, keepdims=True)).exp()
    return e / e.sum(axis=1, keepdims=True)


# Trusted stand-ins for stubs that other stubs call, so a mistake costs only its own stub's checks.
REFERENCES = {"softmax": _reference_softmax}


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
def call(ns, function, args, kwargs=None, isolate=None):
    """Call a student function; numpy args become float32 NDArrays. Names in `isolate` are replaced by
    trusted references during the call."""
    converted = [nd_array(arg) if isinstance(arg, np.ndarray) else _python(arg) for arg in args]
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
    """Call function(*inputs) and report what happened to inputs[target]: values, identity, allocations."""
    arrays = [nd_array(x) for x in inputs]
    watched = arrays[target]
    before_handle = handle_of(watched)
    with count_allocations() as allocations:
        result = call_student(ns, function, *arrays)
        if result is not None and hasattr(result, "wait_to_read"):
            result.wait_to_read()
        watched.wait_to_read()
    return {"target_after": watched.asnumpy(), "same_handle": handle_of(watched) == before_handle,
            "allocations": allocations["n"]}


# ---- linreg_scratch ----

@scenario
def iterate_batches(ns, function, batch_size, features, labels, passes=2):
    """Consume `passes` full passes of data_iter; report every batch (bounded)."""
    feats, labs = nd_array(features), nd_array(labels)
    out = []
    for _ in range(passes):
        iterator = call_student(ns, function, int(batch_size), feats, labs)
        out.append([plain(item) if isinstance(item, (tuple, list)) else [plain(item)]
                    for item in _bounded(iterator, function)])
    return {"passes": out, "type": type_name(iterator)}


@scenario
def sgd_step(ns, function, params, grads, lr, batch_size):
    """Give SGD parameters with known gradients; report the arrays afterwards and whether they stayed the same."""
    arrays = [nd_array(p) for p in params]
    for array, grad in zip(arrays, grads):
        array.attach_grad()
        array.grad[:] = nd_array(grad)
    handles = [handle_of(a) for a in arrays]
    as_list = list(arrays)
    call_student(ns, function, as_list, float(lr), int(batch_size))
    return {"after": [a.asnumpy() for a in arrays],
            "same_handles": [handle_of(a) == h for a, h in zip(arrays, handles)],
            "list_replaced": [x is not a for x, a in zip(as_list, arrays)],
            "list_values": [plain(x) for x in as_list]}


@scenario
def train_linreg(ns, features, labels, lr, batch_size, epochs):
    """The book's training loop driven by the student's four stubs, on data the judge chose."""
    from mxnet import autograd, nd
    feats, labs = nd_array(features), nd_array(labels)
    w = nd.random.normal(scale=0.01, shape=(feats.shape[1], 1))
    b = nd.zeros(shape=(1,))
    w.attach_grad()
    b.attach_grad()
    for _ in range(int(epochs)):
        for X, y in _bounded(call_student(ns, "data_iter", int(batch_size), feats, labs), "data_iter"):
            with autograd.record():
                loss = call_student(ns, "square_loss", call_student(ns, "net", X, w, b), y)
            loss.backward()
            call_student(ns, "SGD", [w, b], float(lr), int(batch_size))
    return {"w": w.asnumpy(), "b": b.asnumpy()}


def _bounded(iterator, name):
    """The student's iterator, cut off after MAX_BATCHES items, its failures blamed on `name`."""
    with blamed(name):
        for i, item in enumerate(iterator):
            if i >= MAX_BATCHES:
                return
            yield item


# ---- linreg_gluon ----

def _params_of(net):
    return list(net.collect_params().values())


@contextlib.contextmanager
def restored_parameters(net):
    """Scenarios that train or step must leave the student's trained net as they found it."""
    saved = []
    try:
        saved = [(p, p.data().copy()) for p in _params_of(net)]
    except Exception:            # noqa: BLE001 - uninitialised parameters: nothing to restore
        pass
    try:
        yield
    finally:
        for param, data in saved:
            param.set_data(data)


@scenario
def gluon_net(ns, name, X):
    """Describe the student's Block and run it forward on X."""
    net = lookup(ns, name)
    layers = []
    for child in getattr(net, "_children", {}).values():     # MXNet 1.x keeps the Blocks themselves
        layers.append({"type": type_name(child), "units": getattr(child, "_units", None),
                       "use_bias": getattr(child, "bias", None) is not None,
                       "act": type_name(getattr(child, "act", None))})
    try:
        output = plain(call_student(ns, name, nd_array(X)))
    except StudentCodeError as exc:
        output = Opaque("error", str(exc))
    params = {}
    try:
        for pname, p in net.collect_params().items():
            params[pname.split("_")[-1] if "_" in pname else pname] = p.data().asnumpy()
    except Exception:            # noqa: BLE001
        pass
    return {"type": type_name(net), "layers": layers, "output": output, "params": params}


@scenario
def trainer_step(ns, trainer_name, net_name, X, batch_size):
    """One trainer.step after a real backward pass through the net; report the parameters and gradients."""
    from mxnet import autograd
    trainer, net = lookup(ns, trainer_name), lookup(ns, net_name)
    info = {"type": type_name(trainer),
            "optimizer": type_name(getattr(trainer, "_optimizer", None)),
            "trainer_covers_net": False}
    with restored_parameters(net):
        params = _params_of(net)
        info["trainer_covers_net"] = {id(p) for p in params} <= {id(p) for p in getattr(trainer, "_params", [])}
        with blamed(trainer_name):
            with autograd.record():
                total = net(nd_array(X)).sum()
            total.backward()
            before = [p.data().asnumpy() for p in params]
            grads = [p.grad().asnumpy() for p in params]
            trainer.step(int(batch_size))
            after = [p.data().asnumpy() for p in params]
    info.update(before=before, after=after, grads=grads)
    return info


@scenario
def train_gluon(ns, features, labels, batch_size, epochs):
    """Re-initialise the student's net and train it with their loss and trainer on the judge's data."""
    from mxnet import autograd, init
    from mxnet.gluon import data as gdata
    net, loss, trainer = lookup(ns, "net"), lookup(ns, "loss"), lookup(ns, "trainer")
    with restored_parameters(net):
        net.initialize(init.Normal(sigma=0.01), force_reinit=True)
        loader = gdata.DataLoader(gdata.ArrayDataset(nd_array(features), nd_array(labels)),
                                  int(batch_size), shuffle=True)
        with blamed("net/loss/trainer"):
            for _ in range(int(epochs)):
                for X, y in loader:
                    with autograd.record():
                        batch_loss = loss(net(X), y)
                    batch_loss.backward()
                    trainer.step(int(batch_size))
            params = [p.data().asnumpy() for p in _params_of(net)]
    return {"params": params}


# ---- softmax_scratch ----

@scenario
def train_softmax(ns, features, labels, lr, batch_size, epochs):
    """Train fresh W, b with the student's net and cross_entropy, and the book's SGD, on the judge's data."""
    from mxnet import autograd, nd
    feats, labs = nd_array(features), nd_array(labels)
    num_inputs = int(np.prod(feats.shape[1:]))
    num_outputs = int(labs.max().asscalar()) + 1
    W = nd.random.normal(scale=0.01, shape=(num_inputs, num_outputs))
    b = nd.zeros(num_outputs)
    W.attach_grad()
    b.attach_grad()
    n = feats.shape[0]
    for _ in range(int(epochs)):
        order = np.random.permutation(n)
        for start in range(0, n, int(batch_size)):
            idx = nd.array(order[start:start + int(batch_size)], dtype="int64")
            X, y = feats.take(idx), labs.take(idx)
            with autograd.record():
                y_hat = call_student(ns, "net", X, W, b)
                loss = call_student(ns, "cross_entropy", y_hat, y).sum()
            loss.backward()
            for param in (W, b):
                param[:] = param - float(lr) * param.grad / X.shape[0]
    return {"W": W.asnumpy(), "b": b.asnumpy()}


@scenario
def call_grad(ns, function, args, wrt=0):
    """Call function(*args) under autograd, backpropagate from the sum of its output, report d/d args[wrt]."""
    from mxnet import autograd
    arrays = [nd_array(a) if isinstance(a, np.ndarray) else _python(a) for a in args]
    arrays[wrt].attach_grad()
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
