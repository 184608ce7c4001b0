"""rnn_scratch: example submissions — classic mistakes (each with the checks it must fail), other correct styles
(which must fail nothing), and the demo's buggy and crashing students. `selftest` grades each."""
from autograder.examples import Example

RNN = '''\
def rnn(inputs, state, params):
    W_xh, W_hh, b_h, W_hq, b_q = params
    H, = state
    H0 = H
    outputs = []
    for X in inputs:
        H = {update}
        outputs.append(nd.dot(H, W_hq) + b_q)
    return {returned}
'''


def rnn(update="nd.tanh(nd.dot(X, W_xh) + nd.dot(H, W_hh) + b_h)", returned="outputs, (H,)"):
    return RNN.format(update=update, returned=returned)


PREDICT = '''\
def predict_rnn(prefix, num_chars, rnn, params, init_rnn_state,
                num_hiddens, vocab_size, ctx, idx_to_char, char_to_idx):
    state = init_rnn_state(1, num_hiddens, ctx)
    output = [char_to_idx[prefix[0]]]
    for t in range({steps}):
        X = to_onehot(nd.array([[output[-1]]], ctx=ctx), vocab_size)
        (Y, state) = rnn(X, state, params)
        if {use_prefix}:
            output.append(char_to_idx[prefix[t + 1]])
        else:
            output.append(int(Y[0].argmax(axis=1).asscalar()))
    return ''.join([idx_to_char[i] for i in output{kept}])
'''


def predict(steps="num_chars + len(prefix) - 1", use_prefix="t < len(prefix) - 1", kept=""):
    return PREDICT.format(steps=steps, use_prefix=use_prefix, kept=kept)


CLIP = '''\
def grad_clipping(params, theta, ctx):
    norm = nd.array([0], ctx)
    for param in params:
        norm += (param.grad ** 2).sum()
    norm = norm.sqrt().asscalar()
    if norm > theta:
        for param in params:
            {scale}
'''

CONSECUTIVE = '''\
def data_iter_consecutive(corpus_indices, batch_size, num_steps, ctx=None):
    corpus_indices = nd.array(corpus_indices, ctx=ctx)
    data_len = len(corpus_indices)
    batch_len = data_len // batch_size
    indices = corpus_indices[0: batch_size * batch_len].reshape((batch_size, batch_len))
    epoch_size = {epoch_size}
    for i in range(epoch_size):
        i = i * {stride}
        X = indices[:, i: i + num_steps]
        Y = indices[:, {label_start}: i + num_steps + {label_shift}]
        yield X, Y
'''


def consecutive(epoch_size="(batch_len - 1) // num_steps", stride="num_steps", label_start="i + 1",
                label_shift="1"):
    return CONSECUTIVE.format(epoch_size=epoch_size, stride=stride, label_start=label_start,
                              label_shift=label_shift)


EXAMPLES = (
    # ---- to_onehot ----
    Example("to_onehot over the batch axis instead of time", {"to_onehot": """\
def to_onehot(X, size):
    return [nd.one_hot(x, size) for x in X]
"""}, fails={"to_onehot.layout", "to_onehot.values"}),
    Example("to_onehot returns one 3-D array, not a list", {"to_onehot": """\
def to_onehot(X, size):
    return nd.one_hot(X.T, size)
"""}, fails={"to_onehot.layout", "to_onehot.values"}),
    Example("another correct to_onehot: one array, sliced per step", {"to_onehot": """\
def to_onehot(X, size):
    encoded = nd.one_hot(X.T, size)            # (num_steps, batch, size)
    return [encoded[t] for t in range(encoded.shape[0])]
"""}),
    Example("another correct to_onehot: split", {"to_onehot": """\
def to_onehot(X, size):
    steps = X.shape[1]
    parts = nd.split(nd.one_hot(X, size), num_outputs=steps, axis=1, squeeze_axis=True)
    return [parts] if steps == 1 else list(parts)
"""}),
    # ---- rnn ----
    Example("rnn: the state is not carried (every step starts from the initial H)",
            {"rnn": rnn(update="nd.tanh(nd.dot(X, W_xh) + nd.dot(H0, W_hh) + b_h)")},
            fails={"rnn.outputs", "rnn.state"}),
    Example("rnn: relu instead of tanh", {"rnn": rnn(update="nd.relu(nd.dot(X, W_xh) + nd.dot(H, W_hh) + b_h)")},
            fails={"rnn.outputs", "rnn.state"}),
    Example("rnn: sigmoid instead of tanh", {"rnn": rnn(update="nd.sigmoid(nd.dot(X, W_xh) + nd.dot(H, W_hh) + b_h)")},
            fails={"rnn.outputs", "rnn.state"}),
    Example("rnn: returns the state H, not the tuple (H,)", {"rnn": rnn(returned="outputs, H")},
            fails={"rnn.state"}),
    Example("rnn: returns the initial state", {"rnn": rnn(returned="outputs, (H0,)")},
            fails={"rnn.state"}),
    Example("another correct rnn: one matrix product on [X, H]", {"rnn": """\
def rnn(inputs, state, params):
    W_xh, W_hh, b_h, W_hq, b_q = params
    (H,) = state
    W = nd.concat(W_xh, W_hh, dim=0)
    outputs = []
    for X in inputs:
        H = (nd.dot(nd.concat(X, H, dim=1), W) + b_h).tanh()
        outputs.append(nd.FullyConnected(H, W_hq.T, b_q, num_hidden=W_hq.shape[1]))
    return outputs, (H,)
"""}),
    # ---- predict_rnn ----
    Example("predict_rnn feeds its own argmax during the prefix", {"predict_rnn": predict(use_prefix="False")},
            fails={"predict_rnn.greedy"}),
    Example("predict_rnn returns without the prefix", {"predict_rnn": predict(kept="[len(prefix):]")},
            fails={"predict_rnn.length", "predict_rnn.greedy"}),
    Example("predict_rnn one character too many", {"predict_rnn": predict(steps="num_chars + len(prefix)")},
            fails={"predict_rnn.length", "predict_rnn.greedy"}),
    Example("predict_rnn one character too few", {"predict_rnn": predict(steps="num_chars + len(prefix) - 2")},
            fails={"predict_rnn.length", "predict_rnn.greedy"}),
    Example("another correct predict_rnn: read the prefix, then generate", {"predict_rnn": """\
def predict_rnn(prefix, num_chars, rnn, params, init_rnn_state,
                num_hiddens, vocab_size, ctx, idx_to_char, char_to_idx):
    state = init_rnn_state(1, num_hiddens, ctx)
    text = list(prefix)
    for char in prefix[:-1]:                      # only the state matters while reading
        _, state = rnn(to_onehot(nd.array([[char_to_idx[char]]], ctx=ctx), vocab_size), state, params)
    last = char_to_idx[prefix[-1]]
    for _ in range(num_chars):
        Y, state = rnn(to_onehot(nd.array([[last]], ctx=ctx), vocab_size), state, params)
        last = int(Y[0].argmax(axis=1).asscalar())
        text.append(idx_to_char[last])
    return ''.join(text)
"""}),
    # ---- grad_clipping ----
    Example("grad_clipping clips each parameter by its own norm", {"grad_clipping": """\
def grad_clipping(params, theta, ctx):
    for param in params:
        norm = (param.grad ** 2).sum().sqrt().asscalar()
        if norm > theta:
            param.grad[:] *= theta / norm
"""}, fails={"grad_clipping.scales_above", "grad_clipping.global_norm"}),
    Example("grad_clipping not in place (a new array bound to a name)",
            {"grad_clipping": CLIP.format(scale="grad = param.grad * theta / norm")},
            fails={"grad_clipping.scales_above", "grad_clipping.global_norm"}),
    Example("grad_clipping always scales to theta (also up)", {"grad_clipping": """\
import math

def grad_clipping(params, theta, ctx):
    norm = math.sqrt(sum((param.grad ** 2).sum().asscalar() for param in params))
    for param in params:
        param.grad[:] *= theta / norm
"""}, fails={"grad_clipping.below_unchanged"}),
    Example("another correct grad_clipping: min(1, theta / norm)", {"grad_clipping": """\
import math

def grad_clipping(params, theta, ctx):
    norm = math.sqrt(sum(float((p.grad ** 2).sum().asscalar()) for p in params))
    scale = min(1.0, theta / norm) if norm > 0 else 1.0
    for p in params:
        p.grad[:] = p.grad * scale
"""}),
    # ---- data_iter_consecutive ----
    Example("data_iter_consecutive: labels not shifted", {"data_iter_consecutive": consecutive(
        label_start="i", label_shift="0")}, fails={"data_iter_consecutive.labels_shifted"}),
    Example("data_iter_consecutive: batches overlap", {"data_iter_consecutive": consecutive(
        stride="(num_steps - 1)")}, fails={"data_iter_consecutive.continuity"}),
    Example("data_iter_consecutive: batches skip a character", {"data_iter_consecutive": consecutive(
        epoch_size="(batch_len - 1) // (num_steps + 1)", stride="(num_steps + 1)")},
        fails={"data_iter_consecutive.shapes", "data_iter_consecutive.continuity"}),
    Example("data_iter_consecutive: one batch too many (labels run past the end)",
            {"data_iter_consecutive": consecutive(epoch_size="batch_len // num_steps")},
            fails={"data_iter_consecutive.shapes"}),
    Example("another correct data_iter_consecutive: numpy slices", {"data_iter_consecutive": """\
def data_iter_consecutive(corpus_indices, batch_size, num_steps, ctx=None):
    import numpy as np
    corpus = np.array(corpus_indices)
    batch_len = len(corpus) // batch_size
    rows = corpus[:batch_size * batch_len].reshape(batch_size, batch_len)
    for start in range(0, (batch_len - 1) // num_steps * num_steps, num_steps):
        yield (nd.array(rows[:, start:start + num_steps], ctx=ctx),
               nd.array(rows[:, start + 1:start + 1 + num_steps], ctx=ctx))
"""}),
    # ---- the demo's students ----
    Example("bug (the demo): rnn does not carry the state", {"rnn": rnn(
        update="nd.tanh(nd.dot(X, W_xh) + nd.dot(H0, W_hh) + b_h)")},
        fails={"rnn.outputs", "rnn.state", "outcome.training", "outcome.hidden_data"}, whole=True,
        student="example-bug"),
    Example("crash (the demo): predict_rnn", {"predict_rnn": '''\
def predict_rnn(prefix, num_chars, rnn, params, init_rnn_state,
                num_hiddens, vocab_size, ctx, idx_to_char, char_to_idx):
    """Greedy continuation: feed the prefix, then append the argmax character num_chars times."""
    state = init_rnn_state(1, num_hiddens, ctx)
    output = [char_to_idx[prefix]]             # the whole prefix is not a character: KeyError
    return ''.join(idx_to_char[i] for i in output)
'''}, fails={"predict_rnn.length", "predict_rnn.greedy", "outcome.training", "outcome.hidden_data"}, whole=True,
        student="example-crash"),
)
