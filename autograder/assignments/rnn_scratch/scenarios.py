"""rnn_scratch: scenarios — run in the student's process (students can read this file); they call the student's
functions on the judge's inputs and report plain values, never verdicts.

Each scenario that exercises one stub gives the others' trusted versions (`stand_in`), so a wrong `to_onehot`
costs only to_onehot's checks. The training scenario is the book's loop (consecutive sampling, the state
detached between batches) with the student's stubs in it; it reports the batches and every step's parameters
for the judge to recompute."""
from __future__ import annotations

from autograder.harness import (backward_or_why, call_student, nd_array, one_pass, plain, scenario, stacked,
                                stand_in, stand_ins, type_name)

PARAM_NAMES = ("W_xh", "W_hh", "b_h", "W_hq", "b_q")
MAX_TEXT = 2000          # characters of a predicted string sent back (a correct one is far shorter)


@stand_in("to_onehot")
def reference_to_onehot(X, size):
    """The trusted to_onehot: one (batch, size) array per time step."""
    from mxnet import nd
    return [nd.one_hot(x, size) for x in X.T]


@stand_in("rnn")
def reference_rnn(inputs, state, params):
    """The trusted tanh RNN predict_rnn is judged with."""
    from mxnet import nd
    W_xh, W_hh, b_h, W_hq, b_q = params
    H, = state
    outputs = []
    for X in inputs:
        H = nd.tanh(nd.dot(X, W_xh) + nd.dot(H, W_hh) + b_h)
        outputs.append(nd.dot(H, W_hq) + b_q)
    return outputs, (H,)


def reference_init_rnn_state(batch_size, num_hiddens, ctx):
    from mxnet import nd
    return (nd.zeros(shape=(batch_size, num_hiddens), ctx=ctx),)


def _params(values, ctx=None):
    import mxnet as mx
    return [nd_array(v).as_in_context(ctx or mx.cpu()) for v in values]


@scenario
def rnn_call(ns, function, inputs, H0, params):
    """rnn(inputs, (H0,), params) on the judge's arrays; reports what came back as it is."""
    result = call_student(ns, function, [nd_array(x) for x in inputs], (nd_array(H0),), _params(params))
    return {"value": plain(result), "type": type_name(result),
            "parts": [type_name(part) for part in result] if isinstance(result, (tuple, list)) else []}


@scenario
def clip_grads(ns, function, values, grads, theta):
    """grad_clipping on parameters living on cpu(1) (ctx=cpu(1)) whose gradients the judge set; reports the
    gradients and parameters of the very arrays passed in, afterwards (in place means these change)."""
    import mxnet as mx
    ctx = mx.cpu(1)
    params = _params(values, ctx)
    for param, grad in zip(params, grads):
        param.attach_grad()
        param.grad[:] = nd_array(grad).as_in_context(ctx)
    passed = list(params)
    call_student(ns, function, passed, float(theta), ctx)
    return {"grads": [p.grad.asnumpy() for p in params], "params": [p.asnumpy() for p in params]}


@scenario
def predict_call(ns, function, prefix, num_chars, params, num_hiddens, idx_to_char):
    """The student's predict_rnn with the trusted rnn, init_rnn_state and to_onehot, on the judge's RNN."""
    import mxnet as mx
    char_to_idx = {char: i for i, char in enumerate(idx_to_char)}
    with stand_ins(ns, ["to_onehot"]):
        text = call_student(ns, function, prefix, int(num_chars), reference_rnn, _params(params),
                            reference_init_rnn_state, int(num_hiddens), len(idx_to_char), mx.cpu(),
                            list(idx_to_char), char_to_idx)
    return _text_reply(text)


def _text_reply(text):
    if isinstance(text, str):
        return {"value": text[:MAX_TEXT], "type": "str"}
    return {"value": None, "type": type_name(text)}


def _batch_pairs(ns, corpus, batch_size, num_steps):
    """Every (X, Y) the student's data_iter_consecutive yields over `corpus`, cut off if it runs on."""
    import mxnet as mx
    iterator = call_student(ns, "data_iter_consecutive", list(corpus), int(batch_size), int(num_steps), mx.cpu())
    for item, cut_off in one_pass(iterator, "data_iter_consecutive", len(corpus) // max(int(num_steps), 1),
                                  int(batch_size)):
        yield item, cut_off


@scenario
def consecutive_batches(ns, function, corpus, batch_size, num_steps):
    """The batches of one pass of data_iter_consecutive over the judge's corpus (a list of ints)."""
    batches = []
    for item, cut_off in _batch_pairs(ns, corpus, batch_size, num_steps):
        if cut_off:
            return {"batches": batches, "cut_off": cut_off}
        batches.append(plain(item) if isinstance(item, (tuple, list)) else [plain(item)])
    return {"batches": batches, "cut_off": None}


@scenario
def train_rnn(ns, corpus, vocab_size, num_hiddens, params0, batch_size, num_steps, lr, theta, epochs, prefix,
              num_chars, idx_to_char):
    """The book's train_and_predict_rnn with consecutive sampling, from the judge's parameters: the student's
    data_iter_consecutive, to_onehot, rnn and grad_clipping; SGD with batch size 1 on the mean loss. Reports
    each batch, the parameters after every step, and predict_rnn's text from the trained parameters."""
    import mxnet as mx
    from mxnet import autograd, nd
    from mxnet.gluon import loss as gloss
    ctx, loss = mx.cpu(), gloss.SoftmaxCrossEntropyLoss()
    params = _params(params0)
    for param in params:
        param.attach_grad()
    trajectory, batches = [], []
    reply = {"stopped": None, "cut_off": None, "text": None, "text_type": None}
    for _ in range(int(epochs)):
        state = reference_init_rnn_state(int(batch_size), int(num_hiddens), ctx)
        for item, cut_off in _batch_pairs(ns, corpus, batch_size, num_steps):
            if cut_off:
                return dict(reply, cut_off=cut_off, batches=batches, **stacked(trajectory, PARAM_NAMES))
            X, Y = item
            batches.append([X.asnumpy(), Y.asnumpy()])
            state = tuple(s.detach() for s in state)        # the graph of the previous batch is not followed
            with autograd.record():
                inputs = call_student(ns, "to_onehot", X, int(vocab_size))
                outputs, state = call_student(ns, "rnn", inputs, state, params)
                l = loss(nd.concat(*outputs, dim=0), Y.T.reshape((-1,))).mean()
            stopped = backward_or_why(l, "rnn")
            if stopped:
                return dict(reply, stopped=stopped, batches=batches, **stacked(trajectory, PARAM_NAMES))
            call_student(ns, "grad_clipping", params, float(theta), ctx)
            for param in params:
                param[:] = param - float(lr) * param.grad
            trajectory.append([p.copy() for p in params])
    char_to_idx = {char: i for i, char in enumerate(idx_to_char)}
    text = call_student(ns, "predict_rnn", prefix, int(num_chars), ns["rnn"], params, reference_init_rnn_state,
                        int(num_hiddens), int(vocab_size), ctx, list(idx_to_char), char_to_idx)
    text_reply = _text_reply(text)
    reply.update(text=text_reply["value"], text_type=text_reply["type"])
    return dict(reply, batches=batches, **stacked(trajectory, PARAM_NAMES))
