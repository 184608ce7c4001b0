"""gan_gaussian: scenarios — run in the student's process (students can read this file); they call the student's
update_D and update_G on the judge's nets, data and noise and report plain values, never verdicts."""
from __future__ import annotations

import numpy as np

from autograder.harness import call_student, nd_array, notebook_globals, params_of, plain, scenario, stacked, type_name


def book_nets(D, G):
    """The book's net_D (Dense(5, tanh), Dense(3, tanh), Dense(1)) and net_G (Dense(2)), set to the judge's
    parameters (in collect_params order), with Gluon's SigmoidBCELoss."""
    from mxnet import gluon
    from mxnet.gluon import nn
    net_D = nn.Sequential()
    net_D.add(nn.Dense(5, activation="tanh", in_units=2), nn.Dense(3, activation="tanh", in_units=5),
              nn.Dense(1, in_units=3))
    net_G = nn.Sequential()
    net_G.add(nn.Dense(2, in_units=2))
    for net, values in ((net_D, D), (net_G, G)):
        net.initialize()
        for p, value in zip(params_of(net), values):
            p.set_data(nd_array(value))
    return net_D, net_G, gluon.loss.SigmoidBCELoss()


def _trainers(net_D, net_G, lr_D, lr_G):
    from mxnet import gluon
    return (gluon.Trainer(net_D.collect_params(), "adam", {"learning_rate": float(lr_D)}),
            gluon.Trainer(net_G.collect_params(), "adam", {"learning_rate": float(lr_G)}))


def _zero_grads(*nets):
    for net in nets:
        for p in params_of(net):
            p.zero_grad()


@scenario
def gan_updates(ns, which, D, G, Xs, Zs, lr_D, lr_G):
    """update_D (which="D") or update_G (which="G") called once per (X, Z) of the judge's, on the book's nets set to
    the judge's D and G, with fresh Adam trainers. The notebook's names net_D, net_G, loss, trainer_D and trainer_G
    point to these objects during the calls (a function that reads a global acts on what the judge watches).
    Gradients are zeroed before each call. Reports, after each call: both nets' parameters, the generator's
    gradients, and what the function returned."""
    net_D, net_G, loss = book_nets(D, G)
    trainer_D, trainer_G = _trainers(net_D, net_G, lr_D, lr_G)
    names = {"net_D": net_D, "net_G": net_G, "loss": loss, "trainer_D": trainer_D, "trainer_G": trainer_G}
    steps = []
    with notebook_globals(ns, names):
        for X, Z in zip(Xs, Zs):
            _zero_grads(net_D, net_G)
            if which == "D":
                value = call_student(ns, "update_D", nd_array(X), nd_array(Z), net_D, net_G, loss, trainer_D)
            else:
                value = call_student(ns, "update_G", nd_array(Z), net_D, net_G, loss, trainer_G)
            steps.append({"value": plain(value), "type": type_name(value),
                          "D": [p.data().asnumpy() for p in params_of(net_D)],
                          "G": [p.data().asnumpy() for p in params_of(net_G)],
                          "G_grad": [p.grad().asnumpy() for p in params_of(net_G)]})
    return {"steps": steps}


@scenario
def train_gan(ns, data, order, Zs, D, G, lr_D, lr_G):
    """The book's training loop on the judge's data: for each row of `order` (a batch of example indices) and the
    judge's noise Z, update_D then update_G, from the judge's initial D and G with fresh Adam trainers. Reports
    D's parameters after every update_D and G's after every update_G (the judge recomputes each step), and the
    losses returned."""
    from mxnet import nd
    net_D, net_G, loss = book_nets(D, G)
    trainer_D, trainer_G = _trainers(net_D, net_G, lr_D, lr_G)
    names = {"net_D": net_D, "net_G": net_G, "loss": loss, "trainer_D": trainer_D, "trainer_G": trainer_G}
    features, d_steps, g_steps, losses = nd_array(data), [], [], []
    with notebook_globals(ns, names):
        for rows, Z in zip(order, Zs):
            X = features.take(nd.array(np.asarray(rows, dtype=np.int64), dtype="int64"))
            loss_D = call_student(ns, "update_D", X, nd_array(Z), net_D, net_G, loss, trainer_D)
            d_steps.append([p.data().copy() for p in params_of(net_D)])
            loss_G = call_student(ns, "update_G", nd_array(Z), net_D, net_G, loss, trainer_G)
            g_steps.append([p.data().copy() for p in params_of(net_G)])
            losses.append([_number(loss_D), _number(loss_G)])
    reply = stacked(d_steps, [f"D{i}" for i in range(6)])
    reply.update(stacked(g_steps, ["G0", "G1"]))
    reply["losses"] = np.array(losses, dtype=np.float64).reshape(-1, 2)
    return reply


def _number(value) -> float:
    try:
        return float(value)
    except Exception:          # noqa: BLE001 - not a number: the judge says so
        return float("nan")
