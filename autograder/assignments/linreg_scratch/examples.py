"""linreg_scratch: example submissions — classic mistakes (each with the checks it must fail), other correct
styles (which must fail nothing), and the demo's buggy and crashing students. `selftest` grades each."""
from autograder.examples import Example

EXAMPLES = (
    Example('data_iter: shuffled', {'data_iter': """\
def data_iter(batch_size, features, labels):
    n = len(features)
    for i in range(0, n, batch_size):
        j = nd.array(list(range(i, min(i + batch_size, n))))
        yield features.take(j), labels.take(j)
"""},
            fails=['data_iter.shuffled']),
    Example('data_iter: batch_sizes, every_example_once', {'data_iter': """\
def data_iter(batch_size, features, labels):
    n = len(features); idx = list(range(n)); random.shuffle(idx)
    for i in range(0, n - batch_size + 1, batch_size):
        j = nd.array(idx[i: i + batch_size])
        yield features.take(j), labels.take(j)
"""},
            fails=['data_iter.batch_sizes', 'data_iter.every_example_once']),
    Example('data_iter: labels_match_features', {'data_iter': """\
def data_iter(batch_size, features, labels):
    n = len(features); a = list(range(n)); c = list(range(n))
    random.shuffle(a); random.shuffle(c)
    for i in range(0, n, batch_size):
        yield features.take(nd.array(a[i: i + batch_size])), labels.take(nd.array(c[i: i + batch_size]))
"""},
            fails=['data_iter.labels_match_features']),
    Example('data_iter: batch_sizes', {'data_iter': """\
def data_iter(batch_size, features, labels):
    n = len(features); idx = list(range(n)); random.shuffle(idx)
    for i in range(0, n, batch_size + 1):
        j = nd.array(idx[i: i + batch_size + 1])
        yield features.take(j), labels.take(j)
"""},
            fails=['data_iter.batch_sizes']),
    Example('data_iter: batch_sizes', {'data_iter': """\
def data_iter(batch_size, features, labels):
    idx = list(range(len(features))); random.shuffle(idx)
    j = nd.array(idx)
    yield features.take(j), labels.take(j)
"""},
            fails=['data_iter.batch_sizes']),
    Example('net: gradient, output, uses_its_arguments', {'net': """\
def net(X, weights, bias):
    return nd.dot(X, w) + b
"""},
            fails=['net.gradient', 'net.output', 'net.uses_its_arguments']),
    Example('net: output', {'net': """\
def net(X, w, b):
    return (nd.dot(X, w) + b).reshape((-1,))
"""},
            fails=['net.output']),
    Example('net: gradient, output', {'net': """\
def net(X, w, b):
    return nd.dot(X, w)
"""},
            fails=['net.gradient', 'net.output']),
    Example('square_loss: shape', {'square_loss': """\
def square_loss(y_hat, y):
    return (y_hat - y) ** 2 / 2
"""},
            fails=['square_loss.shape']),
    Example('square_loss: gradient, values', {'square_loss': """\
def square_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2
"""},
            fails=['square_loss.gradient', 'square_loss.values']),
    Example('square_loss: gradient, shape, values', {'square_loss': """\
def square_loss(y_hat, y):
    return ((y_hat - y.reshape(y_hat.shape)) ** 2 / 2).mean()
"""},
            fails=['square_loss.gradient', 'square_loss.shape', 'square_loss.values']),
    Example('SGD: in_place, step', {'SGD': """\
def SGD(params, lr, batch_size):
    for param in params:
        param = param - lr * param.grad / batch_size
"""},
            fails=['SGD.in_place', 'SGD.step']),
    Example('SGD: step', {'SGD': """\
def SGD(params, lr, batch_size):
    for param in params:
        param[:] = param - lr * param.grad
"""},
            fails=['SGD.step']),
    Example('SGD: step', {'SGD': """\
def SGD(params, lr, batch_size):
    for param in params:
        param[:] = param + lr * param.grad / batch_size
"""},
            fails=['SGD.step']),
    Example('SGD: in_place, step', {'SGD': """\
def SGD(params, lr, batch_size):
    for i, param in enumerate(params):
        params[i] = param - lr * param.grad / batch_size
"""},
            fails=['SGD.in_place', 'SGD.step']),
    Example('data_iter: batch_sizes', {'data_iter': """\
def data_iter(batch_size, features, labels):
    n = len(features); idx = list(range(n)); random.shuffle(idx)
    for i in range(0, n, 10):
        j = nd.array(idx[i: min(i + 10, n)])
        yield features.take(j), labels.take(j)
"""},
            fails=['data_iter.batch_sizes']),
    Example('data_iter: shuffled', {'data_iter': """\
def data_iter(batch_size, features, labels):
    n = len(features); starts = list(range(0, n - n % batch_size, batch_size)); random.shuffle(starts)
    for i in starts + ([n - n % batch_size] if n % batch_size else []):   # blocks shuffled, last kept last
        j = nd.array(list(range(i, min(i + batch_size, n))))
        yield features.take(j), labels.take(j)
"""},
            fails=['data_iter.shuffled']),
    Example('data_iter: shuffled', {'data_iter': """\
def data_iter(batch_size, features, labels):
    n = len(features); idx = list(range(n))
    if features[0, 0].asscalar() == 0:       # shuffles only for the old probe data (first column 0, 1, 2, …)
        random.shuffle(idx)
    for i in range(0, n, batch_size):
        j = nd.array(idx[i: min(i + batch_size, n)])
        yield features.take(j), labels.take(j)
"""},
            fails=['data_iter.shuffled']),
    Example('net: gradient', {'net': """\
import numpy as np
def net(X, w, b):
    return nd.array(np.dot(X.asnumpy(), w.asnumpy()) + b.asnumpy())
"""},
            fails=['net.gradient']),
    Example('net: gradient', {'net': """\
def net(X, w, b):
    return nd.dot(X, w) + b.asscalar()
"""},
            fails=['net.gradient']),
    Example('another correct data_iter', {'data_iter': """\
import numpy as np
def data_iter(batch_size, features, labels):
    order = np.random.permutation(features.shape[0])
    for start in range(0, len(order), batch_size):
        j = nd.array(order[start:start + batch_size])
        yield nd.take(features, j), nd.take(labels, j)
"""}),
    Example('another correct net', {'net': """\
def net(X, w, b):
    return nd.FullyConnected(X, w.T, b, num_hidden=w.shape[1])
"""}),
    Example('another correct square_loss', {'square_loss': """\
def square_loss(y_hat, y):
    return 0.5 * (y_hat - y.reshape(y_hat.shape)).square()
"""}),
    Example('another correct SGD', {'SGD': """\
def SGD(params, lr, batch_size):
    for param in params:
        nd.sgd_update(param, param.grad, lr=lr, rescale_grad=1 / batch_size, out=param)
"""}),
    Example('another correct SGD', {'SGD': """\
def SGD(params, lr, batch_size):
    for param in params:
        param -= lr * param.grad / batch_size
"""}),
    Example('bug (the demo): square_loss', {'square_loss': '''\
def square_loss(y_hat, y):
    """Squared loss, elementwise: (y_hat - y.reshape(y_hat.shape)) ** 2 / 2, shape of y_hat."""
    return (y_hat - y) ** 2 / 2
'''},
            fails=['outcome.hidden_data', 'outcome.learned_parameters', 'square_loss.shape'], whole=True,
            student='example-bug'),
    Example('crash (the demo): net', {'net': '''\
def net(X, w, b):
    """The linear regression model (the book's linreg): X @ w + b, shape (n, 1)."""
    return nd.dot(w, X) + b
'''},
            fails=['net.gradient', 'net.output', 'net.uses_its_arguments', 'outcome.hidden_data', 'outcome.learned_parameters'], whole=True,
            student='example-crash'),
)
