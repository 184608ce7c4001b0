"""dropout_scratch: example submissions — classic mistakes (each with the checks it must fail), other correct
styles (which must fail nothing), and the demo's buggy and crashing students. `selftest` grades each."""
from autograder.examples import Example

EXAMPLES = (
    Example('dropout: no 1/(1-p) rescaling', {'dropout': """\
def dropout(X, drop_prob):
    keep_prob = 1 - drop_prob
    if keep_prob == 0:
        return X.zeros_like()
    mask = nd.random.uniform(0, 1, X.shape, ctx=X.context) < keep_prob
    return mask * X
"""},
            fails=['dropout.values']),
    Example('dropout: keep and drop probability swapped', {'dropout': """\
def dropout(X, drop_prob):
    keep_prob = 1 - drop_prob
    if keep_prob == 0:
        return X.zeros_like()
    mask = nd.random.uniform(0, 1, X.shape, ctx=X.context) < drop_prob
    return mask * X / keep_prob
"""},
            fails=['dropout.drop_rate', 'dropout.extremes']),
    Example('dropout: drop_prob=1 gives nan', {'dropout': """\
def dropout(X, drop_prob):
    keep_prob = 1 - drop_prob
    mask = nd.random.uniform(0, 1, X.shape, ctx=X.context) < keep_prob
    return mask * X / keep_prob
"""},
            fails=['dropout.extremes']),
    Example('dropout: the same mask on every call', {'dropout': """\
import mxnet as mx
def dropout(X, drop_prob):
    keep_prob = 1 - drop_prob
    if keep_prob == 0:
        return X.zeros_like()
    mx.random.seed(42)                      # "reproducible": every call draws the same mask
    mask = nd.random.uniform(0, 1, X.shape, ctx=X.context) < keep_prob
    return mask * X / keep_prob
"""},
            fails=['dropout.fresh_mask']),
    Example("dropout: the mask on the default context, not X's (the book's code)", {'dropout': """\
def dropout(X, drop_prob):
    assert 0 <= drop_prob <= 1
    keep_prob = 1 - drop_prob
    if keep_prob == 0:
        return X.zeros_like()
    mask = nd.random.uniform(0, 1, X.shape) < keep_prob
    return mask * X / keep_prob
"""},
            fails=['dropout.context']),
    Example('dropout: the mask applied in numpy (no gradient)', {'dropout': """\
import numpy as np
def dropout(X, drop_prob):
    keep_prob = 1 - drop_prob
    if keep_prob == 0:
        return X.zeros_like()
    mask = np.random.uniform(size=X.shape) < keep_prob
    return nd.array(mask * X.asnumpy() / keep_prob, ctx=X.context)
"""},
            fails=['dropout.gradient']),
    Example('dropout: scales by 1/p', {'dropout': """\
def dropout(X, drop_prob):
    if drop_prob == 1:
        return X.zeros_like()
    mask = nd.random.uniform(0, 1, X.shape, ctx=X.context) < 1 - drop_prob
    return mask * X / max(drop_prob, 1e-12)
"""},
            fails=['dropout.values', 'dropout.extremes']),
    Example('net: drops at prediction time too', {'net': """\
def net(X):
    X = X.reshape((-1, num_inputs))
    H1 = dropout((nd.dot(X, W1) + b1).relu(), drop_prob1)
    H2 = dropout((nd.dot(H1, W2) + b2).relu(), drop_prob2)
    return nd.dot(H2, W3) + b3
"""},
            fails=['net.prediction']),
    Example('net: never drops', {'net': """\
def net(X):
    X = X.reshape((-1, num_inputs))
    H1 = (nd.dot(X, W1) + b1).relu()
    H2 = (nd.dot(H1, W2) + b2).relu()
    return nd.dot(H2, W3) + b3
"""},
            fails=['net.training']),
    Example('net: drop probabilities swapped', {'net': """\
def net(X):
    X = X.reshape((-1, num_inputs))
    H1 = (nd.dot(X, W1) + b1).relu()
    if autograd.is_training():
        H1 = dropout(H1, drop_prob2)
    H2 = (nd.dot(H1, W2) + b2).relu()
    if autograd.is_training():
        H2 = dropout(H2, drop_prob1)
    return nd.dot(H2, W3) + b3
"""},
            fails=['net.training']),
    Example('another correct net: dropout before the ReLU (the same function: the mask is 0 or positive)', {'net': """\
def net(X):
    X = X.reshape((-1, num_inputs))
    H1 = nd.dot(X, W1) + b1
    if autograd.is_training():
        H1 = dropout(H1, drop_prob1)
    H2 = nd.dot(H1.relu(), W2) + b2
    if autograd.is_training():
        H2 = dropout(H2, drop_prob2)
    return nd.dot(H2.relu(), W3) + b3
"""}),
    Example('net: dropout on the scores too', {'net': """\
def net(X):
    X = X.reshape((-1, num_inputs))
    H1 = (nd.dot(X, W1) + b1).relu()
    if autograd.is_training():
        H1 = dropout(H1, drop_prob1)
    H2 = (nd.dot(H1, W2) + b2).relu()
    if autograd.is_training():
        H2 = dropout(H2, drop_prob2)
    out = nd.dot(H2, W3) + b3
    return dropout(out, drop_prob2) if autograd.is_training() else out
"""},
            fails=['net.training']),
    Example('another correct dropout: keep where the draw exceeds drop_prob, nd.where', {'dropout': """\
def dropout(X, drop_prob):
    if drop_prob == 1:
        return nd.zeros_like(X)
    U = nd.random.uniform(0, 1, shape=X.shape, ctx=X.context)
    return nd.where(U > drop_prob, X / (1 - drop_prob), nd.zeros_like(X))
"""}),
    Example('another correct dropout: a Bernoulli mask from nd.random', {'dropout': """\
def dropout(X, drop_prob):
    keep_prob = 1.0 - drop_prob
    if keep_prob <= 0:
        return X * 0
    mask = (nd.random.uniform(shape=X.shape, ctx=X.context) >= drop_prob).astype(X.dtype)
    return X * mask / keep_prob
"""}),
    Example('another correct net: one training flag, nd.relu', {'net': """\
def net(X):
    training = autograd.is_training()
    H1 = nd.relu(nd.dot(X.reshape((X.shape[0], -1)), W1) + b1)
    H1 = dropout(H1, drop_prob1) if training else H1
    H2 = nd.relu(nd.dot(H1, W2) + b2)
    H2 = dropout(H2, drop_prob2) if training else H2
    return nd.dot(H2, W3) + b3
"""}),
    Example('bug (the demo): dropout', {'dropout': '''\
def dropout(X, drop_prob):
    """Inverted dropout: zero each element of X with probability drop_prob, scale the rest by 1/(1 - drop_prob)."""
    keep_prob = 1 - drop_prob
    mask = nd.random.uniform(0, 1, X.shape, ctx=X.context) < keep_prob
    return mask * X / keep_prob
'''},
            fails=['dropout.extremes', 'outcome.trains', 'outcome.hidden_data'], whole=True,
            student='example-bug'),
    Example('crash (the demo): net', {'net': '''\
def net(X):
    """784-256-256-10 MLP; dropout after each hidden ReLU, only while training."""
    H1 = (nd.dot(X, W1) + b1).relu()
    if autograd.is_training():
        H1 = dropout(H1, drop_prob1)
    H2 = (nd.dot(H1, W2) + b2).relu()
    if autograd.is_training():
        H2 = dropout(H2, drop_prob2)
    return nd.dot(H2, W3) + b3
'''},
            fails=['net.prediction', 'net.training', 'outcome.trains', 'outcome.hidden_data'], whole=True,
            student='example-crash'),
)
