"""softmax_scratch: example submissions — classic mistakes (each with the checks it must fail), other correct
styles (which must fail nothing), and the demo's buggy and crashing students. `selftest` grades each."""
from autograder.examples import Example

EXAMPLES = (
    Example('softmax: rows', {'softmax': """\
def softmax(X):
    e = X.exp()
    return e / e.sum(axis=0, keepdims=True)
"""},
            fails=['softmax.rows']),
    Example('softmax: rows', {'softmax': """\
def softmax(X):
    e = X.exp()
    return e / e.sum()
"""},
            fails=['softmax.rows']),
    Example('softmax: gradient', {'softmax': """\
import numpy as np
def softmax(X):
    e = np.exp(X.asnumpy())                  # leaves autograd: training cannot learn
    return nd.array(e / e.sum(axis=1, keepdims=True))
"""},
            fails=['softmax.gradient']),
    Example('net: probabilities, uses_its_arguments', {'net': """\
def net(X, W, b):
    return nd.dot(X.reshape((-1, W.shape[0])), W) + b
"""},
            fails=['net.probabilities', 'net.uses_its_arguments']),
    Example('cross_entropy: gradient, values', {'cross_entropy': """\
def cross_entropy(y_hat, y):
    return -nd.pick(y_hat, y)
"""},
            fails=['cross_entropy.gradient', 'cross_entropy.values']),
    Example('cross_entropy: gradient, values', {'cross_entropy': """\
def cross_entropy(y_hat, y):
    return -nd.pick(y_hat, y).log().mean()
"""},
            fails=['cross_entropy.gradient', 'cross_entropy.values']),
    Example('accuracy: python_float, values', {'accuracy': """\
def accuracy(y_hat, y):
    return (y_hat.argmax(axis=0) == y.astype('float32')).mean().asscalar()
"""},
            fails=['accuracy.python_float', 'accuracy.values']),
    Example('accuracy: python_float, values', {'accuracy': """\
def accuracy(y_hat, y):
    return (y_hat.argmax(axis=1) == y.astype('float32')).sum().asscalar()
"""},
            fails=['accuracy.python_float', 'accuracy.values']),
    Example('accuracy: values', {'accuracy': """\
def accuracy(y_hat, y):
    return (y_hat.argmax(axis=1) == y).mean().asscalar()      # crashes on the notebook's int32 labels
"""},
            fails=['accuracy.values']),
    Example('accuracy: python_float', {'accuracy': """\
def accuracy(y_hat, y):
    return float((y_hat.argmax(axis=1).astype('int32') == y).astype('float32').mean().asscalar())
"""},
            fails=['accuracy.python_float']),
    Example('another correct softmax', {'softmax': """\
def softmax(X):
    return nd.softmax(X, axis=1)
"""}),
    Example('another correct softmax', {'softmax': """\
def softmax(X):
    e = (X - X.max(axis=1, keepdims=True)).exp()
    return e / e.sum(axis=1, keepdims=True)
"""}),
    Example('another correct net', {'net': """\
def net(X, W, b):
    return softmax(nd.FullyConnected(X.reshape((-1, W.shape[0])), W.T, b, num_hidden=W.shape[1]))
"""}),
    Example('another correct cross_entropy', {'cross_entropy': """\
def cross_entropy(y_hat, y):
    return -(nd.one_hot(y, y_hat.shape[1]) * y_hat.log()).sum(axis=1)
"""}),
    Example('another correct accuracy', {'accuracy': """\
def accuracy(y_hat, y):
    return float((y_hat.asnumpy().argmax(axis=1) == y.asnumpy()).mean())
"""}),
    Example('another correct accuracy', {'accuracy': """\
def accuracy(y_hat, y):
    return (y_hat.argmax(axis=1) == y.astype('float32')).mean().asscalar()
"""}),
    Example('bug (the demo): softmax', {'softmax': '''\
def softmax(X):
    """Row-wise softmax of a matrix X (n, q): exp(X) divided by the sum of its row."""
    X_exp = X.exp()
    partition = X_exp.sum(axis=0, keepdims=True)
    return X_exp / partition
'''},
            fails=['outcome.hidden_data', 'outcome.test_accuracy', 'softmax.rows'], whole=True,
            student='example-bug'),
    Example('crash (the demo): net', {'net': '''\
def net(X, W, b):
    """Softmax regression: flatten X to (n, num_inputs), return softmax(X W + b), shape (n, num_outputs)."""
    return softmax(nd.dot(X, W) + b)
'''},
            fails=['net.probabilities', 'net.uses_its_arguments', 'outcome.hidden_data', 'outcome.test_accuracy'], whole=True,
            student='example-crash'),
)
