"""mlp_scratch: example submissions — classic mistakes (each with the checks it must fail), other correct
styles (which must fail nothing), and the demo's buggy and crashing students. `selftest` grades each."""
from autograder.examples import Example

EXAMPLES = (
    Example('relu: returns a mask', {'relu': """\
def relu(X):
    return X > 0
"""},
            fails=['relu.values', 'relu.gradient']),
    Example('relu: a leaky variant', {'relu': """\
def relu(X):
    return nd.maximum(X, 0.01 * X)
"""},
            fails=['relu.values', 'relu.gradient']),
    Example('relu: not differentiable (numpy)', {'relu': """\
import numpy as np

def relu(X):
    return nd.array(np.maximum(X.asnumpy(), 0))
"""},
            fails=['relu.gradient']),
    Example('relu: in place', {'relu': """\
def relu(X):
    X[:] = nd.maximum(X, 0)
    return X
"""},
            fails=['relu.gradient']),
    Example('net: no activation', {'net': """\
def net(X):
    X = X.reshape((-1, 784))
    return nd.dot(nd.dot(X, W1) + b1, W2) + b2
"""},
            fails=['net.logits']),
    Example('net: an activation on the output', {'net': """\
def net(X):
    X = X.reshape((-1, 784))
    H = relu(nd.dot(X, W1) + b1)
    return relu(nd.dot(H, W2) + b2)
"""},
            fails=['net.logits']),
    Example('net: a softmax on the output', {'net': """\
def net(X):
    X = X.reshape((-1, 784))
    H = relu(nd.dot(X, W1) + b1)
    return nd.softmax(nd.dot(H, W2) + b2)
"""},
            fails=['net.logits']),
    Example('net: images not flattened', {'net': """\
def net(X):
    H = relu(nd.dot(X, W1) + b1)
    return nd.dot(H, W2) + b2
"""},
            fails=['net.logits', 'net.follows_globals', 'net.gradient']),
    Example('net: reads the parameters list, not the globals', {'net': """\
def net(X):
    W1_, b1_, W2_, b2_ = params
    X = X.reshape((-1, 784))
    return nd.dot(relu(nd.dot(X, W1_) + b1_), W2_) + b2_
"""},
            fails=['net.logits', 'net.follows_globals', 'net.gradient']),
    Example('net: computed in numpy', {'net': """\
import numpy as np

def net(X):
    X = X.asnumpy().reshape((-1, 784))
    H = np.maximum(X @ W1.asnumpy() + b1.asnumpy(), 0)
    return nd.array(H @ W2.asnumpy() + b2.asnumpy())
"""},
            fails=['net.gradient']),
    Example('another correct relu: (X > 0) * X', {'relu': """\
def relu(X):
    return (X > 0) * X
"""}),
    Example('another correct relu: clip', {'relu': """\
def relu(X):
    return X.clip(0, float('inf'))
"""}),
    Example('another correct relu: nd.relu', {'relu': """\
def relu(X):
    return nd.relu(X)
"""}),
    Example('another correct net: flatten and FullyConnected', {'net': """\
def net(X):
    H = relu(nd.FullyConnected(X.flatten(), W1.T, b1, num_hidden=W1.shape[1]))
    return nd.FullyConnected(H, W2.T, b2, num_hidden=W2.shape[1])
"""}),
    Example('another correct net: reshape to 784', {'net': """\
def net(X):
    H = relu(nd.dot(X.reshape((X.shape[0], 784)), W1) + b1)
    return nd.dot(H, W2) + b2
"""}),
    Example('bug (the demo): net', {'net': """\
def net(X):
    \"\"\"The MLP: flatten X to (-1, 784), hidden layer relu(X W1 + b1), output H W2 + b2 (scores, no softmax).\"\"\"
    X = X.reshape((-1, W1.shape[0]))
    H = nd.dot(X, W1) + b1
    return nd.dot(H, W2) + b2
"""},
            fails=['net.logits', 'outcome.training', 'outcome.hidden_data'], whole=True, student='example-bug'),
    Example('crash (the demo): net', {'net': """\
def net(X):
    \"\"\"The MLP: flatten X to (-1, 784), hidden layer relu(X W1 + b1), output H W2 + b2 (scores, no softmax).\"\"\"
    H = relu(nd.dot(X, W1) + b1)
    return nd.dot(H, W2) + b2
"""},
            fails=['net.logits', 'net.follows_globals', 'net.gradient', 'outcome.training', 'outcome.hidden_data'],
            whole=True, student='example-crash'),
)
