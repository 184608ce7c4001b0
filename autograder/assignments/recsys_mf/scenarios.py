"""recsys_mf: scenarios — run in the student's process (students can read this file); they call the student's MF and
evaluator on the judge's inputs and report plain values (and where arrays lived), never verdicts.

MF's four parameters are found by shape — (num_users, k), (num_items, k), (num_users, 1), (num_items, 1) — so the
judge's sizes are all different; whatever the student named them."""
from __future__ import annotations

import contextlib
import io

import numpy as np

from autograder.harness import blamed, call_student, lookup, nd_array, params_of, plain, scenario


def _context(spec):
    import mxnet as mx
    return mx.Context(str(spec[0]), int(spec[1]))


def _spec(ctx) -> list:
    return [ctx.device_type, int(ctx.device_id)]


def _built(ns, num_factors, num_users, num_items):
    """The student's MF(num_factors, num_users, num_items), initialised (Normal(0.01), as the book) on cpu(0)."""
    from mxnet import init
    with blamed("MF"):
        net = lookup(ns, "MF")(int(num_factors), int(num_users), int(num_items))
        net.initialize(init.Normal(0.01))
    return net


def _by_shape(net, num_factors, num_users, num_items):
    """{'P', 'Q', 'b_u', 'b_i'} → the parameter of that shape (biases (n, 1) or (n,)), where there is one."""
    wanted = {"P": [(num_users, num_factors)], "Q": [(num_items, num_factors)],
              "b_u": [(num_users, 1), (num_users,)], "b_i": [(num_items, 1), (num_items,)]}
    found = {}
    for p in params_of(net):
        for role, shapes in wanted.items():
            if role not in found and tuple(p.shape) in shapes:
                found[role] = p
                break
    return found


@scenario
def mf_forward(ns, num_factors, num_users, num_items, users, items, values):
    """Build MF, run it once (deferred shapes), report every parameter's shape; then set the judge's values
    (`values`: role → array) on the parameters found by shape and report net(users, items)."""
    net = _built(ns, num_factors, num_users, num_items)
    u, i = nd_array(users), nd_array(items)
    with blamed("MF"):
        net(u, i)
        shapes = [list(p.shape) for p in params_of(net)]
        found = _by_shape(net, int(num_factors), int(num_users), int(num_items))
        for role, p in found.items():
            p.set_data(nd_array(np.reshape(values[role], p.shape)))
        out = net(u, i)
    return {"param_shapes": shapes, "roles": sorted(found), "output": plain(out), "type": type(out).__name__}


class _TableNet:
    """A fixed 'recommender' whose prediction for (u, i) is table[u, i], computed where the table lives (ctx);
    it remembers the context of every batch of user ids it receives."""

    def __init__(self, table, ctx):
        self.table, self.contexts = nd_array(table).as_in_context(ctx), []
        self.ctx = ctx

    def __call__(self, users, items):
        from mxnet import nd
        self.contexts.append(_spec(users.context))
        flat = users.as_in_context(self.ctx) * self.table.shape[1] + items.as_in_context(self.ctx)
        return nd.take(self.table.reshape((-1,)), flat)


@scenario
def evaluate_rmse(ns, table, users, items, ratings, batch_size, ctx):
    """The student's evaluator(net, test_iter, ctx) with a fixed table 'net' on ctx and the judge's batches
    (in order, cpu(0) float32 arrays, the last one short); reports what it returned and the contexts seen."""
    ctx = _context(ctx)
    net = _TableNet(table, ctx)
    u, i, r = nd_array(users), nd_array(items), nd_array(ratings)
    n, b = len(ratings), int(batch_size)
    batches = [(u[k:k + b], i[k:k + b], r[k:k + b]) for k in range(0, n, b)]
    with contextlib.redirect_stdout(io.StringIO()):
        result = call_student(ns, "evaluator", net, batches, ctx)
    return {"value": plain(result), "type": type(result).__name__, "contexts": net.contexts}


@scenario
def train_mf(ns, num_factors, num_users, num_items, start, users, items, ratings, order, lr):
    """Gradient descent (plain SGD, the judge's loop) on the L2 loss of the student's MF, from the judge's
    parameters `start` (role → array), one step per row of `order` (the judge's batch). Reports the four
    parameters after every step, by role, for the judge to recompute each step."""
    from mxnet import autograd, gluon
    net = _built(ns, num_factors, num_users, num_items)
    u, i, r = nd_array(users), nd_array(items), nd_array(ratings)
    with blamed("MF"):
        net(u[:2], i[:2])
    found = _by_shape(net, int(num_factors), int(num_users), int(num_items))
    if sorted(found) != ["P", "Q", "b_i", "b_u"]:
        return {"stopped": "MF does not have the four parameters P, Q, user and item biases", "steps": None}
    for role, p in found.items():
        p.set_data(nd_array(np.reshape(start[role], p.shape)))
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": float(lr)})
    loss = gluon.loss.L2Loss()
    roles = ("P", "Q", "b_u", "b_i")
    steps = {role: [] for role in roles}
    for rows in order:
        from mxnet import nd
        idx = nd.array(np.asarray(rows, dtype=np.int64), dtype="int64")
        with blamed("MF"):
            with autograd.record():
                batch_loss = loss(net(u.take(idx), i.take(idx)), r.take(idx))
            batch_loss.backward()
        trainer.step(len(rows))
        for role in roles:
            steps[role].append(found[role].data().asnumpy().reshape(-1))
    return {"stopped": None, **{role: np.stack(v) for role, v in steps.items()}}
