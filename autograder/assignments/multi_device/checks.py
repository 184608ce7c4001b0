"""Checks for multi_device, on [cpu(0), cpu(1)] (and cpu(2) where a third device shows a rule): get_params' copies,
allreduce in place, split_and_load's slices, one data-parallel train_batch against the judge's own single-device
step in float64, and the four together trained on a problem the notebook never saw."""
from __future__ import annotations

import numpy as np

from autograder.checks import check
from autograder.student_errors import reported
from autograder.checks.expect import close, fail, malformed_reply, numbers, show
from autograder.checks.trajectory import softmax_sgd_step, trajectory, verify_steps

A = "multi_device"
HIDDEN_ACCURACY = 0.90        # the hidden problem is easy; a working data-parallel step reaches ~1.0


def _cpu(i):
    return f"cpu({i})"


# ---- get_params ----

def _params(seed):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(3, 4)), rng.normal(size=(4,)), rng.normal(size=(2, 3, 2))]


def _copies(probe, seed, device):
    params = _params(seed)
    reply = probe.run("copies", params=params, device=device)
    items = reply.get("items")
    if items is None:
        fail(f"get_params returned {reply['type']}; return a list with one copy per parameter")
    if len(items) != len(params):
        fail(f"get_params returned {len(items)} arrays for {len(params)} parameters; return one copy of each")
    for i, (item, p) in enumerate(zip(items, params)):
        if "value" not in item:
            fail(f"get_params returned {item['type']} for parameter {i}; return NDArray copies (p.copyto(ctx))")
        if not close(numbers(item["value"], function="get_params"), p):
            fail(f"get_params' copy of parameter {i} holds {show(item['value'])}; expected {show(p)}")
    return params, reply, items


@check(A, "get_params", "copies_on_ctx", points=1)
def get_params_copies_on_ctx(probe):
    """Copies to cpu(1) of parameters on cpu(0): same values, on cpu(1)."""
    with malformed_reply("get_params"):
        _, _, items = _copies(probe, 1, device=1)
        wrong = [item["context"] for item in items if item["context"] != _cpu(1)]
        if wrong:
            fail(f"get_params(params, cpu(1)) left copies on {sorted(set(wrong))}: copy each parameter to ctx "
                 "(p.copyto(ctx))")


@check(A, "get_params", "separate_memory", points=0.5)
def get_params_separate_memory(probe):
    """Copies on the originals' own context must still be copies: as_in_context(ctx) returns the array itself
    when it is already there, so training would change the notebook's own parameters."""
    with malformed_reply("get_params"):
        params, reply, _ = _copies(probe, 2, device=0)
        for i, (after, p) in enumerate(zip(reply["after_zeroing_originals"], params)):
            if not close(numbers(after, function="get_params"), p):
                fail("get_params(params, cpu(0)) for parameters already on cpu(0) returned the parameters "
                     "themselves (writing the originals changed the 'copies'): as_in_context returns the same "
                     "array on the same context; copy with p.copyto(ctx)")


@check(A, "get_params", "gradient_buffers", points=1)
def get_params_gradient_buffers(probe):
    """Each copy has its own gradient buffer on its context, and backward() fills it."""
    with malformed_reply("get_params"):
        params, _, items = _copies(probe, 3, device=1)
        for i, (item, p) in enumerate(zip(items, params)):
            if not item["has_grad"]:
                fail(f"get_params' copy of parameter {i} has no gradient buffer: call attach_grad() on each "
                     "copy (a gradient attached to the original is not copied by copyto)")
            if item.get("grad_context") != _cpu(1):
                fail(f"get_params' copy on cpu(1) keeps its gradient on {item.get('grad_context')}")
            if "grad" not in item or not close(numbers(item["grad"], function="get_params"), 2 * p):
                fail(f"backward() through get_params' copy of parameter {i} did not leave d/dp sum(p*p) = 2p in "
                     "its gradient buffer: attach_grad() to the copies themselves")


# ---- allreduce ----

def _reduce(probe, seed, k):
    rng = np.random.default_rng(seed)
    arrays = [rng.normal(size=(2, 3)) for _ in range(k)]
    return arrays, probe.run("reduce", arrays=arrays)


@check(A, "allreduce", "sum_everywhere", points=1.5)
def allreduce_sum_everywhere(probe):
    """Two and three devices: every array the list held holds the sum afterwards, on its own context."""
    with malformed_reply("allreduce"):
        for k in (2, 3):
            arrays, reply = _reduce(probe, 4 + k, k)
            total = sum(arrays)
            originals = [numbers(a, function="allreduce") for a in reply["originals"]]
            if all(close(o, total) for o in originals):
                wrong = [c for i, c in enumerate(reply["original_contexts"]) if c != _cpu(i)]
                if wrong:
                    fail(f"allreduce moved arrays to {sorted(set(wrong))}: data[i] must stay on cpu(i)")
                continue
            if any(reply["rebound"]) and all(close(numbers(a, function="allreduce"), total) for a in reply["items"]):
                fail(f"allreduce put new arrays into the list ({k} devices) instead of writing into the ones it "
                     "was given: write in place (data[i][:] = … or copyto(data[i])) — the gradients it reduces "
                     "in train_batch are p.grad buffers, which rebinding a list item does not change")
            if close(originals[0], total) and not all(close(o, total) for o in originals[1:]):
                fail(f"allreduce summed into data[0] but did not copy the sum back to the other {k - 1} "
                     "device(s): after the sum, copy data[0] to every data[i]")
            if all(close(o, total / k) for o in originals):
                fail(f"allreduce averaged the {k} arrays instead of summing them: train_batch divides by the "
                     "whole batch size later, so allreduce must leave the plain sum")
            fail(f"after allreduce on {k} devices data[1] holds {show(originals[1])}; expected the sum of all "
                 f"{show(total)}")


@check(A, "allreduce", "inputs_intact", points=0.5)
def allreduce_inputs_intact(probe):
    """The list still holds the arrays it was given (same objects), all on their own devices."""
    with malformed_reply("allreduce"):
        _, reply = _reduce(probe, 9, 2)
        if any(reply["rebound"]):
            fail("allreduce replaced items of the list it was given: reduce into the arrays themselves, in place")


# ---- split_and_load ----

@check(A, "split_and_load", "consecutive_slices", points=1)
def split_and_load_consecutive(probe):
    """12 rows on 2 and 3 devices: part i is rows [i*m, (i+1)*m)."""
    with malformed_reply("split_and_load"):
        for k in (2, 3):
            data = np.arange(12 * 2, dtype=np.float64).reshape(12, 2)
            reply = probe.run("split", data=data, k=k)
            if "raised" in reply:
                fail(f"split_and_load raised {reported(reply['raised'])} for 12 examples on {k} devices")
            if "parts" not in reply:
                fail(f"split_and_load returned {reply['type']}; return a list with one NDArray per context")
            parts = [numbers(p, function="split_and_load") for p in reply["parts"]]
            m = 12 // k
            expected = [data[i * m:(i + 1) * m] for i in range(k)]
            if len(parts) != k:
                fail(f"split_and_load returned {len(parts)} parts for {k} contexts; one part per context")
            if all(close(p, e) for p, e in zip(parts, expected)):
                continue
            if all(close(p, data[i::k]) for i, p in enumerate(parts)):
                fail("split_and_load interleaved the examples (data[i::k]); give each device a consecutive "
                     "slice data[i*m:(i+1)*m]")
            fail(f"split_and_load's part 1 of {k} holds rows {show(parts[1][:, 0] / 2)}; expected rows "
                 f"{show(expected[1][:, 0] / 2)} (consecutive slices of equal size)")


@check(A, "split_and_load", "contexts", points=0.5)
def split_and_load_contexts(probe):
    with malformed_reply("split_and_load"):
        reply = probe.run("split", data=np.arange(8.0).reshape(4, 2), k=2)
        if "contexts" not in reply:
            fail("split_and_load did not return one NDArray per context for 4 examples on 2 devices")
        if reply["contexts"] != [_cpu(0), _cpu(1)]:
            fail(f"split_and_load put its parts on {reply['contexts']}; part i goes to ctx[i] (as_in_context)")


@check(A, "split_and_load", "remainder", points=0.5)
def split_and_load_remainder(probe):
    """10 examples on 4 devices do not split evenly: raising (the book asserts) or keeping every example is fine;
    silently dropping the remainder is not."""
    with malformed_reply("split_and_load"):
        even = probe.run("split", data=np.arange(8.0).reshape(4, 2), k=2)
        if "raised" in even:
            fail(f"split_and_load raised {reported(even['raised'])} for 4 examples on 2 devices, which split evenly")
        data = np.arange(10.0).reshape(10, 1)
        reply = probe.run("split", data=data, k=4)
        if "raised" in reply:
            return
        if "parts" not in reply:
            fail(f"split_and_load returned {reply['type']} for 10 examples on 4 devices")
        rows = np.concatenate([numbers(p, function="split_and_load").reshape(-1) for p in reply["parts"]])
        if len(rows) < 10:
            fail(f"split_and_load gave 4 devices {len(rows)} of 10 examples and dropped the rest silently: "
                 "raise an error when the batch does not divide evenly (assert), or keep every example")


# ---- train_batch ----

def _step_inputs(seed, n=12, classes=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 1, 2, 3))
    y = rng.integers(0, classes, size=n).astype(np.float64)
    return X, y, [rng.normal(scale=0.5, size=(6, classes)), rng.normal(scale=0.1, size=(classes,))]


LR = 0.5


def _one_step(probe, seed, k):
    X, y, params = _step_inputs(seed)
    reply = probe.run("one_step", X=X, y=y, params=params, k=k, lr=LR)
    expected = softmax_sgd_step([p.copy() for p in params], X.reshape(len(X), -1), y, LR)
    return params, expected, reply


@check(A, "train_batch", "one_device_step", points=1.5)
def train_batch_one_device_step(probe):
    """train_batch on 2 and 3 devices (trusted split_and_load, allreduce, model and loss) must leave device 0 with
    the parameters of one SGD step on the whole batch, computed here in float64."""
    with malformed_reply("train_batch"):
        for k in (2, 3):
            params, expected, reply = _one_step(probe, 10 + k, k)
            got = [numbers(p, function="train_batch", what="left parameters as") for p in reply["params"][0]]
            if all(close(g, e) for g, e in zip(got, expected)):
                continue
            if all(close(g, p) for g, p in zip(got, params)):
                fail(f"train_batch on {k} devices left device 0's parameters unchanged: update every device's "
                     "copy in place (param[:] = param - lr * param.grad / batch_size)")
            step = [g - p for g, p in zip(got, params)]
            want = [e - p for e, p in zip(expected, params)]
            for factor, why in ((k, "divided the gradient by the per-device batch size (X.shape[0] // len(ctx)) "
                                    "instead of the whole batch's"),
                                (1 / k, f"divided by the number of devices as well as by the batch size (the "
                                        f"step is 1/{k} of SGD's: a hidden change of the learning rate)")):
                if all(close(s, factor * w) for s, w in zip(step, want)):
                    fail(f"train_batch on {k} devices {why}: allreduce sums the gradients of the whole batch, "
                         "so divide once, by X.shape[0]")
            fail(f"train_batch on {k} devices left W = {show(got[0])} on device 0; one SGD step on the whole "
                 f"batch gives {show(expected[0])}: reduce every parameter's gradient across the devices "
                 "(allreduce) before the update")


@check(A, "train_batch", "copies_agree", points=0.5)
def train_batch_copies_agree(probe):
    """Every device ends the step with the same parameters, still on its own context."""
    with malformed_reply("train_batch"):
        _, expected, reply = _one_step(probe, 12, 2)
        for c, copies in enumerate(reply["params"]):
            got = [numbers(p, function="train_batch", what="left parameters as") for p in copies]
            if not all(close(g, e) for g, e in zip(got, expected)):
                fail(f"after train_batch device {c}'s parameters differ from one SGD step on the whole batch: "
                     "every device must apply the same (allreduced) update to its own copy")
            wrong = [w for w in reply["contexts"][c] if w != _cpu(c)]
            if wrong:
                fail(f"train_batch moved device {c}'s parameters to {sorted(set(wrong))}")


# ---- outcome: the four together on a problem the notebook never saw ----

# 36 steps on 600 examples; a correct step reaches ≥ 0.987 held-out accuracy on each of 300 seeds tried (mean 0.9996)
TRAIN_LR, TRAIN_BATCH, TRAIN_EPOCHS = 0.5, 50, 3


def hidden_problem(seed: int, n_train=600, n_test=300, classes=10, side=8):
    """Small image-shaped data: class prototypes plus noise (as softmax_scratch's hidden problem, 8×8)."""
    rng = np.random.default_rng(seed)
    prototypes = rng.uniform(size=(classes, side * side))
    labels = rng.integers(0, classes, size=n_train + n_test)
    images = np.clip(prototypes[labels] + rng.normal(scale=0.35, size=(n_train + n_test, side * side)), 0, 1)
    images = images.reshape(-1, 1, side, side)
    return (images[:n_train], labels[:n_train]), (images[n_train:], labels[n_train:])


def _train_and_evaluate(probe, seed, what):
    (X_train, y_train), (X_test, y_test) = hidden_problem(seed)
    rng = np.random.default_rng(seed + 1)
    order = np.concatenate([rng.permutation(len(X_train)) for _ in range(TRAIN_EPOCHS)]).reshape(-1, TRAIN_BATCH)
    W0, b0 = rng.normal(scale=0.01, size=(64, 10)), np.zeros(10)
    X32 = X_train.astype(np.float32)
    reply = probe.run("train_two_devices", features=X32, labels=y_train.astype(np.float64), W0=W0, b0=b0,
                      order=order, lr=TRAIN_LR)
    how = f"trained with your get_params, split_and_load, allreduce and train_batch on two devices ({what})"
    flat = X32.reshape(len(X32), -1).astype(np.float64)
    with malformed_reply(how):
        W, b = verify_steps([W0.astype(np.float32), b0], trajectory(reply, ("W", "b"), len(order), how),
                            lambda k, params: softmax_sgd_step(params, flat[order[k]], y_train[order[k]],
                                                               TRAIN_LR), how)
        if not float(reply["devices_gap"]) <= 1e-5:
            fail(f"{how}, the two devices' parameters drifted apart by {float(reply['devices_gap']):.3g}")
    acc = float(np.mean((X_test.reshape(len(X_test), -1) @ W + b.reshape(-1)).argmax(axis=1) == y_test))
    if not acc >= HIDDEN_ACCURACY:
        fail(f"{how}, the model classifies {acc:.3f} of its held-out split correctly (computed by the grader); "
             f"expected at least {HIDDEN_ACCURACY}")


STUBS = ("get_params", "allreduce", "split_and_load", "train_batch")


@check(A, None, "two_devices", points=1, timeout=120, requires=STUBS)
def two_devices(probe):
    """Every step recomputed here; the final parameters judged on the problem's held-out split."""
    _train_and_evaluate(probe, 3_000_001, "a fresh problem")


@check(A, None, "hidden_data", points=1, hidden=True, timeout=120, requires=STUBS)
def hidden_data(probe):
    _train_and_evaluate(probe, 3_000_003 + probe.hidden_seed, "held-out data the notebook never saw")
