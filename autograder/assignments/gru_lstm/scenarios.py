"""gru_lstm: scenarios — run in the student's process (students can read this file); they call the student's gru and
lstm on the judge's inputs and report plain values, never verdicts.

The training scenario is the book's loop (consecutive batches the judge cut, state detached between batches,
global-norm clipping, SGD on the mean loss) written here, so only the student's gru or lstm is under test."""
from __future__ import annotations

from autograder.harness import backward_or_why, call_student, nd_array, plain, scenario, stacked, type_name

NAMES = {"gru": ("W_xz", "W_hz", "b_z", "W_xr", "W_hr", "b_r", "W_xh", "W_hh", "b_h", "W_hq", "b_q"),
         "lstm": ("W_xi", "W_hi", "b_i", "W_xf", "W_hf", "b_f", "W_xo", "W_ho", "b_o", "W_xc", "W_hc", "b_c",
                  "W_hq", "b_q")}
STATES = {"gru": 1, "lstm": 2}


@scenario
def gated_call(ns, function, inputs, state, params):
    """gru or lstm on the judge's inputs, state and parameters; reports what came back as it is."""
    result = call_student(ns, function, [nd_array(x) for x in inputs], tuple(nd_array(s) for s in state),
                          [nd_array(p) for p in params])
    return {"value": plain(result), "type": type_name(result),
            "parts": [type_name(part) for part in result] if isinstance(result, (tuple, list)) else []}


def _clip(params, theta):
    from mxnet import nd
    norm = nd.array([0.0])
    for param in params:
        norm += (param.grad ** 2).sum()
    norm = norm.sqrt().asscalar()
    if norm > theta:
        for param in params:
            param.grad[:] *= theta / norm


def _batches(corpus, batch_size, num_steps):
    """The book's consecutive batches over the judge's corpus."""
    from mxnet import nd
    corpus = nd.array(corpus)
    batch_len = len(corpus) // batch_size
    indices = corpus[:batch_size * batch_len].reshape((batch_size, batch_len))
    for i in range(0, (batch_len - 1) // num_steps * num_steps, num_steps):
        yield indices[:, i:i + num_steps], indices[:, i + 1:i + num_steps + 1]


@scenario
def train_gated(ns, function, corpus, vocab_size, num_hiddens, params0, batch_size, num_steps, lr, theta, epochs):
    """train_and_predict_rnn's loop with the student's gru or lstm from the judge's parameters; reports the
    parameters after every step."""
    from mxnet import autograd, nd
    from mxnet.gluon import loss as gloss
    model, loss = function, gloss.SoftmaxCrossEntropyLoss()
    params = [nd_array(p) for p in params0]
    for param in params:
        param.attach_grad()
    trajectory = []
    for _ in range(int(epochs)):
        state = tuple(nd.zeros((int(batch_size), int(num_hiddens))) for _ in range(STATES[model]))
        for X, Y in _batches(corpus, int(batch_size), int(num_steps)):
            state = tuple(s.detach() for s in state)
            with autograd.record():
                inputs = [nd.one_hot(x, int(vocab_size)) for x in X.T]
                outputs, state = call_student(ns, model, inputs, state, params)
                l = loss(nd.concat(*outputs, dim=0), Y.T.reshape((-1,))).mean()
            stopped = backward_or_why(l, model)
            if stopped:
                return dict(stopped=stopped, **stacked(trajectory, NAMES[model]))
            _clip(params, float(theta))
            for param in params:
                param[:] = param - float(lr) * param.grad
            trajectory.append([p.copy() for p in params])
    return dict(stopped=None, **stacked(trajectory, NAMES[model]))
