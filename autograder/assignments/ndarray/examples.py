"""ndarray: example submissions — classic mistakes (each with the checks it must fail), other correct
styles (which must fail nothing), and the demo's buggy and crashing students. `selftest` grades each."""
from autograder.examples import Example

EXAMPLES = (
    Example('add_into: no_temporary', {'add_into': """\
def add_into(X, Y, Z):
    Z[:] = X + Y
"""},
            fails=['add_into.no_temporary']),
    Example('add_inplace: no_temporary, values', {'add_inplace': """\
def add_inplace(X, Y):
    X = X + Y
"""},
            fails=['add_inplace.no_temporary', 'add_inplace.values']),
    Example('l2_norm: values', {'l2_norm': """\
def l2_norm(x):
    return (x ** 2).sum()
"""},
            fails=['l2_norm.values']),
    Example('l1_norm: values', {'l1_norm': """\
def l1_norm(x):
    return x.sum()
"""},
            fails=['l1_norm.values']),
    Example('add_into: no_temporary, values', {'add_into': """\
def add_into(X, Y, Z):
    return X + Y
"""},
            fails=['add_into.no_temporary', 'add_into.values']),
    Example('grad_f: autograd, values', {'grad_f': """\
def grad_f(x):
    return 2 * x
"""},
            fails=['grad_f.autograd', 'grad_f.values']),
    Example('arange_matrix: values', {'arange_matrix': """\
import numpy as np
def arange_matrix(rows, cols):
    return np.arange(rows * cols).reshape(rows, cols)
"""},
            fails=['arange_matrix.values']),
    Example('arange_matrix: values', {'arange_matrix': """\
def arange_matrix(rows, cols):
    return nd.arange(rows * cols, dtype='int32').reshape((rows, cols))
"""},
            fails=['arange_matrix.values']),
    Example('grad_f: autograd', {'grad_f': """\
def grad_f(x):
    return 4 * x
"""},
            fails=['grad_f.autograd']),
    Example('grad_f: autograd, values', {'grad_f': """\
def grad_f(x):
    x.attach_grad()
    with autograd.record():
        y = 2 * nd.dot(x.T, x)           # the book's vector formula: wrong for a matrix
    y.backward()
    return x.grad
"""},
            fails=['grad_f.autograd', 'grad_f.values']),
    Example('add_into: values', {'add_into': """\
def add_into(X, Y, Z):
    Z += X
    Z += Y
"""},
            fails=['add_into.values']),
    Example('add_into: values', {'add_into': """\
def add_into(X, Y, Z):
    X += Y
    Z[:] = X
"""},
            fails=['add_into.values']),
    Example('add_into: no_temporary', {'add_into': """\
def add_into(X, Y, Z):
    Z[:] = X.asnumpy() + Y.asnumpy()
"""},
            fails=['add_into.no_temporary']),
    Example('add_inplace: no_temporary', {'add_inplace': """\
def add_inplace(X, Y):
    X[:] = X + Y
"""},
            fails=['add_inplace.no_temporary']),
    Example('another correct add_into', {'add_into': """\
def add_into(X, Y, Z):
    nd.elemwise_add(X, Y, out=Z)
"""}),
    Example('another correct add_into', {'add_into': """\
def add_into(X, Y, Z):
    Z[:] = X                  # MXNet makes a view of X here: no new memory
    Z += Y
"""}),
    Example('another correct add_inplace', {'add_inplace': """\
def add_inplace(X, Y):
    nd.elemwise_add(X, Y, out=X)
"""}),
    Example('another correct grad_f', {'grad_f': """\
def grad_f(x):
    x.attach_grad()
    with autograd.record():
        y = 2 * (x ** 2).sum()
    y.backward()
    return x.grad
"""}),
    Example('another correct arange_matrix', {'arange_matrix': """\
def arange_matrix(rows, cols):
    return nd.arange(rows * cols).reshape((rows, cols))
"""}),
    Example('another correct l2_norm', {'l2_norm': """\
def l2_norm(x):
    return nd.sqrt((x * x).sum()).asscalar()
"""}),
    Example('bug (the demo): add_into', {'add_into': '''\
def add_into(X, Y, Z):
    """Write X + Y into the existing Z without creating any NDArray, not even a temporary."""
    Z[:] = X + Y
'''},
            fails=['add_into.no_temporary'], whole=True,
            student='example-bug'),
    Example('crash (the demo): arange_matrix', {'arange_matrix': '''\
def arange_matrix(rows, cols):
    """A float32 NDArray of shape (rows, cols) holding 0 .. rows*cols - 1, row-major."""
    return nd.arange(rows * cols).reshape((rows, columns))
'''},
            fails=['arange_matrix.values'], whole=True,
            student='example-crash'),
)
