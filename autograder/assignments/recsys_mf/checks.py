"""Checks for recsys_mf: the `MF` Block, `evaluator(net, test_iter, ctx)`, and MF trained on ratings the notebook never
saw.

- MF is judged by behaviour: the shapes of the parameters it collects (sizes chosen all different, so each one
  is identified by its shape), and its predictions with parameter values the judge sets, against
  P_u · Q_i + b_u + b_i computed here in float64 numpy; the output must have shape (batch,).
- evaluator runs on a fixed table 'net' and the judge's batches (the last one short) and must return the RMSE
  over all ratings, computed here; with ctx = cpu(1), every batch must reach the net on cpu(1) (MXNet does not
  refuse mixed contexts on a CPU, so placement is read, not provoked: testimony, like lenet's).
- The outcome trains the student's MF with the judge's loop (plain gradient descent on the L2 loss, so each step
  can be recomputed exactly here) on synthetic ratings from known factors; every reported step is verified, and
  the test RMSE of the final parameters, computed here, must come close to the noise floor.
"""
from __future__ import annotations

import numpy as np

from autograder.checks import check
from autograder.checks.expect import close, fail, malformed_reply, numbers, same_values, shape, show
from autograder.checks.trajectory import trajectory, verify_steps
from extension.ratings import floor_rmse, mean_rmse, split, synthetic_ratings

A = "recsys_mf"
SIZES = (3, 7, 5)          # num_factors, num_users, num_items: all different, so shapes identify parameters
DEVICE = ["cpu", 1]


def _judge_values(seed, k, U, I):
    rng = np.random.default_rng(seed)
    return {"P": rng.normal(size=(U, k)), "Q": rng.normal(size=(I, k)),
            "b_u": rng.normal(size=(U, 1)), "b_i": rng.normal(size=(I, 1))}


def predict(values, users, items):
    """P_u · Q_i + b_u + b_i in float64."""
    u, i = users.astype(int), items.astype(int)
    return ((values["P"][u] * values["Q"][i]).sum(axis=1) + values["b_u"].reshape(-1)[u]
            + values["b_i"].reshape(-1)[i])


def _forward(probe, seed=41, batch=6):
    k, U, I = SIZES
    rng = np.random.default_rng(seed)
    users, items = rng.integers(0, U, size=batch).astype(float), rng.integers(0, I, size=batch).astype(float)
    values = _judge_values(seed + 1, k, U, I)
    reply = probe.run("mf_forward", num_factors=k, num_users=U, num_items=I, users=users, items=items,
                      values=values)
    return reply, values, users, items


@check(A, "MF", "parameters", points=1)
def mf_parameters(probe):
    """MF(3, 7, 5) collects four parameters: P (7, 3), Q (5, 3), user biases (7, 1), item biases (5, 1)."""
    reply, _, _, _ = _forward(probe)
    k, U, I = SIZES
    with malformed_reply("MF"):
        shapes = sorted(tuple(int(s) for s in p) for p in reply["param_shapes"])
        roles = set(reply["roles"])
    words = f"MF(num_factors={k}, num_users={U}, num_items={I})"
    if "P" not in roles or "Q" not in roles:
        swapped = (I, k) in shapes and (U, k) not in shapes
        fail(f"{words} has parameters of shapes {shapes}; expected user factors P ({U}, {k}) and item factors Q "
             f"({I}, {k})" + (": the user embedding has num_items rows (swapped sizes?)" if swapped else
                              ": nn.Embedding(num_users, num_factors) and nn.Embedding(num_items, num_factors)"))
    if "b_u" not in roles or "b_i" not in roles:
        fail(f"{words} has parameters of shapes {shapes}: no user and item biases; add nn.Embedding(num_users, 1) "
             "and nn.Embedding(num_items, 1) (the prediction is P_u · Q_i + b_u + b_i)")
    if len(shapes) != 4:
        fail(f"{words} has {len(shapes)} parameters {shapes}; expected exactly four: P, Q and the two biases")


@check(A, "MF", "forward", points=1.5)
def mf_forward(probe):
    """With the judge's parameter values: P_u · Q_i + b_u + b_i for 6 (user, item) pairs (shape forgiven here)."""
    reply, values, users, items = _forward(probe)
    with malformed_reply("MF"):
        roles = set(reply["roles"])
        out = reply["output"]
    out = numbers(out, function="MF", what="returned")
    expected = predict(values, users, items)
    if roles == {"P", "Q", "b_u", "b_i"} and same_values(out, expected):
        return
    dot = (values["P"][users.astype(int)] * values["Q"][items.astype(int)]).sum(axis=1)
    if roles >= {"P", "Q"} and same_values(out, dot):
        fail("MF returns P_u · Q_i without the biases: add the user bias b_u and the item bias b_i")
    if roles == {"P", "Q", "b_u", "b_i"}:
        if same_values(out, dot + values["b_u"].reshape(-1)[users.astype(int)]):
            fail("MF adds the user bias but not the item bias: P_u · Q_i + b_u + b_i")
        if same_values(out, dot + values["b_i"].reshape(-1)[items.astype(int)]):
            fail("MF adds the item bias but not the user bias: P_u · Q_i + b_u + b_i")
        if out.size == len(users) ** 2:
            fail(f"MF returned {out.size} numbers for {len(users)} pairs: a (batch, 1) bias added to a (batch,) "
                 "product broadcasts to (batch, batch); reshape the biases to (batch,) first")
        u, i = users.astype(int), items.astype(int)
        swapped = (values["Q"][np.clip(u, 0, len(values["Q"]) - 1)] * values["P"][np.clip(i, 0, len(values["P"]) - 1)])
        if same_values(out, swapped.sum(axis=1) + values["b_u"].reshape(-1)[u] + values["b_i"].reshape(-1)[i]):
            fail("MF looks users up in a table of num_items rows and items in one of num_users rows: P is "
                 "nn.Embedding(num_users, num_factors), Q nn.Embedding(num_items, num_factors)")
    if roles != {"P", "Q", "b_u", "b_i"}:
        fail("MF's parameters could not all be set by shape (see the parameters check), so its output cannot "
             "be compared")
    fail(f"with the grader's parameters MF returned {show(out)}; P_u · Q_i + b_u + b_i gives {show(expected)}")


@check(A, "MF", "output_shape", points=0.5)
def mf_output_shape(probe):
    """One prediction per pair, shape (batch,): a (batch, 1) output broadcasts against (batch,) ratings."""
    reply, _, users, _ = _forward(probe)
    with malformed_reply("MF"):
        out = numbers(reply["output"], function="MF", what="returned")
    if out.shape != (len(users),):
        fail(f"MF returned shape {shape(out)} for {len(users)} (user, item) pairs; expected ({len(users)},): "
             "(batch, 1) minus ratings of shape (batch,) broadcasts to (batch, batch) in an RMSE; sum the product "
             "over axis 1 and reshape the biases to (batch,)")


# ---- evaluator ----

def _evaluation(seed, n, U=4, I=3):
    rng = np.random.default_rng(seed)
    table = np.round(rng.uniform(1, 5, size=(U, I)), 2)
    users, items = rng.integers(0, U, size=n).astype(float), rng.integers(0, I, size=n).astype(float)
    ratings = np.round(rng.uniform(1, 5, size=n), 1)
    return table, users, items, ratings


def _evaluate(probe, seed, n, batch_size, ctx):
    table, users, items, ratings = _evaluation(seed, n)
    reply = probe.run("evaluate_rmse", table=table, users=users, items=items, ratings=ratings, batch_size=batch_size,
                      ctx=ctx)
    with malformed_reply("evaluator"):
        value = reply["value"]
        if not isinstance(value, np.ndarray) or value.size != 1:
            fail(f"evaluator returned {shape(value) if isinstance(value, np.ndarray) else reply['type']}; return "
                 "the RMSE as one Python float")
    errors = table[users.astype(int), items.astype(int)] - ratings.astype(np.float32)
    return float(value.reshape(-1)[0]), errors, reply


@check(A, "evaluator", "values", points=1)
def evaluator_values(probe):
    """12 ratings in one batch: the RMSE over all of them (several batches: short_last_batch)."""
    got, e, reply = _evaluate(probe, 51, 12, 12, ["cpu", 0])
    exact = float(np.sqrt(np.mean(e ** 2)))
    if np.isclose(got, exact, rtol=1e-5):
        if reply["type"] not in ("float", "float32", "float64"):
            fail(f"evaluator returned a {reply['type']}; return a Python float (float(...) or .asscalar())")
        return
    if np.isclose(got, exact ** 2, rtol=1e-5):
        fail(f"evaluator returned the mean squared error {got:.4f}: take its square root (RMSE = {exact:.4f})")
    if np.isclose(got, np.mean(np.abs(e)), rtol=1e-5):
        fail(f"evaluator returned the mean absolute error {got:.4f}: the RMSE is the square root of the mean "
             f"squared error, {exact:.4f}")
    if np.isclose(got, np.sqrt(np.sum(e ** 2)), rtol=1e-5):
        fail(f"evaluator returned the square root of the summed squared errors {got:.4f}: divide by the number "
             f"of ratings before the square root ({exact:.4f})")
    fail(f"evaluator returned {got:.4f} for 12 ratings in one batch; their RMSE is {exact:.4f}")


@check(A, "evaluator", "short_last_batch", points=1)
def evaluator_short_last_batch(probe):
    """10 ratings in batches of 4, 4 and 2: RMSE over all 10, not a mean of per-batch RMSEs (or MSEs)."""
    got, e, _ = _evaluate(probe, 52, 10, 4, ["cpu", 0])
    e = e.copy()
    exact = float(np.sqrt(np.mean(e ** 2)))
    if np.isclose(got, exact, rtol=1e-5):
        return
    parts = [e[0:4], e[4:8], e[8:10]]
    if np.isclose(got, np.mean([np.sqrt(np.mean(p ** 2)) for p in parts]), rtol=1e-5):
        fail(f"evaluator averaged the RMSEs of the batches ({got:.4f}): with a short last batch that is not the "
             f"RMSE of all ratings ({exact:.4f}); add up the squared errors and the counts over all batches, "
             "then divide and take the square root")
    if np.isclose(got, np.sqrt(np.mean([np.mean(p ** 2) for p in parts])), rtol=1e-5):
        fail(f"evaluator averaged the mean squared errors of the batches ({got:.4f}): with a short last batch "
             f"the batches weigh unequally; sum the squared errors over all ratings ({exact:.4f})")
    fail(f"evaluator returned {got:.4f} for 10 ratings in batches of 4, 4 and 2; their RMSE is {exact:.4f}")


@check(A, "evaluator", "context", points=1)
def evaluator_context(probe):
    """ctx = cpu(1), where the net's parameters live: the batch must reach the net on cpu(1)."""
    got, e, reply = _evaluate(probe, 53, 9, 9, DEVICE)
    with malformed_reply("evaluator"):
        seen = [list(c) for c in reply["contexts"]]
    if not seen:
        fail("evaluator never called net on the batches")
    wrong = [c for c in seen if [str(c[0]), int(c[1])] != DEVICE]
    if wrong:
        fail(f"evaluator(net, test_iter, ctx=cpu(1)) gave net {len(wrong)} of {len(seen)} batch(es) on "
             f"{wrong[0][0]}({int(wrong[0][1])}): move users and items with as_in_context(ctx) (MXNet does not "
             "complain on a CPU, but on a GPU the data must be where the parameters are)")
    if not np.isclose(got, float(np.sqrt(np.mean(e ** 2))), rtol=1e-5):
        fail(f"evaluator returned {got:.4f} on cpu(1); the RMSE of those 9 ratings is "
             f"{float(np.sqrt(np.mean(e ** 2))):.4f}")


# ---- outcome: MF trained on ratings from known factors, every step recomputed ----

HIDDEN = dict(num_users=40, num_items=30, rank=2, noise=0.3, density=0.6, mean=3.0)
FACTORS, LR, BATCH, EPOCHS = 4, 10.0, 144, 15      # 60 steps
MARGIN = 0.6               # test RMSE at most floor + MARGIN * (baseline - floor); measured <= 0.43 on 30 seeds


def sgd_step(params, users, items, ratings, lr):
    """One trainer.step(batch) of plain SGD on the summed L2 loss 0.5 * (prediction - rating)^2."""
    P, Q, b_u, b_i = params
    e = (P[users] * Q[items]).sum(axis=1) + b_u.reshape(-1)[users] + b_i.reshape(-1)[items] - ratings
    gP, gQ = np.zeros_like(P), np.zeros_like(Q)
    gu, gi = np.zeros(b_u.size), np.zeros(b_i.size)
    np.add.at(gP, users, e[:, None] * Q[items])
    np.add.at(gQ, items, e[:, None] * P[users])
    np.add.at(gu, users, e)
    np.add.at(gi, items, e)
    n = len(users)
    return [P - lr * gP / n, Q - lr * gQ / n, b_u - lr * gu.reshape(b_u.shape) / n,
            b_i - lr * gi.reshape(b_i.shape) / n]


def _outcome(probe, seed, what):
    data = synthetic_ratings(seed=seed, **HIDDEN)
    train, test = split(data, 0.2, seed + 1)
    U, I = data.num_users, data.num_items
    rng = np.random.default_rng(seed + 2)
    start = {"P": rng.normal(scale=0.3, size=(U, FACTORS)), "Q": rng.normal(scale=0.3, size=(I, FACTORS)),
             "b_u": np.full((U, 1), 1.5), "b_i": np.full((I, 1), 1.5)}
    n = len(train) // BATCH * BATCH
    order = np.concatenate([rng.permutation(len(train))[:n] for _ in range(EPOCHS)]).reshape(-1, BATCH)
    r32 = train.ratings.astype(np.float32)
    reply = probe.run("train_mf", num_factors=FACTORS, num_users=U, num_items=I, start=start,
                      users=train.users.astype(float), items=train.items.astype(float), ratings=r32, order=order,
                      lr=LR)
    how = f"MF trained by the grader's loop on {what}"
    roles = ("P", "Q", "b_u", "b_i")
    with malformed_reply(how):
        if reply.get("stopped"):
            fail(f"{how}: {reply['stopped']}")
        first = [np.asarray(start[r], np.float32) for r in roles]
        reported = trajectory(reply, roles, len(order), how)
        params = verify_steps(first, reported, lambda k, p: sgd_step(
            p, train.users[order[k]], train.items[order[k]], r32[order[k]].astype(np.float64), LR), how)
    values = dict(zip(roles, params))
    rmse = float(np.sqrt(np.mean((predict(values, test.users, test.items) - test.ratings) ** 2)))
    floor, baseline = floor_rmse(test), mean_rmse(test, train)
    bound = floor + MARGIN * (baseline - floor)
    if not rmse <= bound:
        fail(f"{how}: test RMSE {rmse:.3f} (computed by the grader); the noise floor is {floor:.3f} and predicting "
             f"the mean gives {baseline:.3f}; expected at most {bound:.3f}")


STUBS = ("MF",)


@check(A, None, "fresh_ratings", points=1, timeout=120, requires=STUBS)
def fresh_ratings(probe):
    _outcome(probe, 8_000_001, "fresh synthetic ratings")


@check(A, None, "hidden_ratings", points=1, hidden=True, timeout=120, requires=STUBS)
def hidden_ratings(probe):
    _outcome(probe, 8_000_003 + probe.hidden_seed, "ratings the notebook never saw")
