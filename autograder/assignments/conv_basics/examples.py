"""conv_basics: example submissions — classic mistakes (each with the checks it must fail), other correct styles
(which must fail nothing), and the demo's buggy and crashing students. `selftest` grades each."""
from autograder.examples import Example

EXAMPLES = (
    Example('corr2d: one row and column short', {'corr2d': """\
def corr2d(X, K):
    h, w = K.shape
    Y = nd.zeros((X.shape[0] - h, X.shape[1] - w))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i: i + h, j: j + w] * K).sum()
    return Y
"""},
            fails=['corr2d.book_example', 'corr2d.rectangular']),
    Example('corr2d: flips the kernel (convolution)', {'corr2d': """\
def corr2d(X, K):
    h, w = K.shape
    K = nd.flip(nd.flip(K, axis=0), axis=1)
    Y = nd.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i: i + h, j: j + w] * K).sum()
    return Y
"""},
            fails=['corr2d.book_example', 'corr2d.rectangular']),
    Example('corr2d: square kernels only', {'corr2d': """\
def corr2d(X, K):
    k = K.shape[0]
    Y = nd.zeros((X.shape[0] - k + 1, X.shape[1] - k + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i: i + k, j: j + k] * K).sum()
    return Y
"""},
            fails=['corr2d.rectangular']),
    Example('corr2d_multi_in: averages the channels', {'corr2d_multi_in': """\
def corr2d_multi_in(X, K):
    return nd.add_n(*[corr2d(x, k) for x, k in zip(X, K)]) / X.shape[0]
"""},
            fails=['corr2d_multi_in.book_example', 'corr2d_multi_in.channels']),
    Example('corr2d_multi_in: stacks the channels instead of summing', {'corr2d_multi_in': """\
def corr2d_multi_in(X, K):
    return nd.stack(*[corr2d(x, k) for x, k in zip(X, K)])
"""},
            fails=['corr2d_multi_in.book_example', 'corr2d_multi_in.channels']),
    Example('corr2d_multi_out: stacked on axis 1', {'corr2d_multi_in_out': """\
def corr2d_multi_in_out(X, K):
    return nd.stack(*[corr2d_multi_in(X, k) for k in K], axis=1)
"""},
            fails=['corr2d_multi_in_out.book_example', 'corr2d_multi_in_out.channels']),
    Example('corr2d_multi_out: sums the output channels', {'corr2d_multi_in_out': """\
def corr2d_multi_in_out(X, K):
    return nd.add_n(*[corr2d_multi_in(X, k) for k in K])
"""},
            fails=['corr2d_multi_in_out.book_example', 'corr2d_multi_in_out.channels']),
    Example('pool2d: stride = window', {'pool2d': """\
def pool2d(X, pool_size, mode='max'):
    p_h, p_w = pool_size
    Y = nd.zeros((X.shape[0] // p_h, X.shape[1] // p_w))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            window = X[i * p_h: (i + 1) * p_h, j * p_w: (j + 1) * p_w]
            Y[i, j] = window.max() if mode == 'max' else window.mean()
    return Y
"""},
            fails=['pool2d.max', 'pool2d.avg', 'pool2d.rectangular']),
    Example('pool2d: ignores mode', {'pool2d': """\
def pool2d(X, pool_size, mode='max'):
    p_h, p_w = pool_size
    Y = nd.zeros((X.shape[0] - p_h + 1, X.shape[1] - p_w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = X[i: i + p_h, j: j + p_w].max()
    return Y
"""},
            fails=['pool2d.avg', 'pool2d.rectangular']),
    Example('pool2d: square windows only', {'pool2d': """\
def pool2d(X, pool_size, mode='max'):
    p = pool_size[0]
    Y = nd.zeros((X.shape[0] - p + 1, X.shape[1] - p + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            window = X[i: i + p, j: j + p]
            Y[i, j] = window.max() if mode == 'max' else window.mean()
    return Y
"""},
            fails=['pool2d.rectangular']),
    Example('another correct corr2d (no Python loop over elements)', {'corr2d': """\
def corr2d(X, K):
    h, w = K.shape
    rows = [nd.stack(*[(X[i: i + h, j: j + w] * K).sum() for j in range(X.shape[1] - w + 1)])
            for i in range(X.shape[0] - h + 1)]
    return nd.concat(*[r.reshape((1, -1)) for r in rows], dim=0)
"""}),
    Example('another correct corr2d (nd.Convolution)', {'corr2d': """\
def corr2d(X, K):
    h, w = K.shape
    out = nd.Convolution(X.reshape((1, 1) + X.shape), K.reshape((1, 1) + K.shape), no_bias=True,
                         kernel=(h, w), num_filter=1)
    return out.reshape(out.shape[2:])
"""}),
    Example('another correct multi-channel pair', {'corr2d_multi_in': """\
def corr2d_multi_in(X, K):
    Y = corr2d(X[0], K[0])
    for c in range(1, X.shape[0]):
        Y = Y + corr2d(X[c], K[c])
    return Y
""", 'corr2d_multi_in_out': """\
def corr2d_multi_in_out(X, K):
    return nd.concat(*[corr2d_multi_in(X, k).expand_dims(0) for k in K], dim=0)
"""}),
    Example('another correct pool2d (nd.Pooling)', {'pool2d': """\
def pool2d(X, pool_size, mode='max'):
    out = nd.Pooling(X.reshape((1, 1) + X.shape), kernel=tuple(pool_size), stride=(1, 1),
                     pool_type=mode)
    return out.reshape(out.shape[2:])
"""}),
    Example('bug (the demo): corr2d', {'corr2d': '''\
def corr2d(X, K):
    """2-D cross-correlation of X (h, w) with K (kh, kw): output (h - kh + 1, w - kw + 1)."""
    h, w = K.shape
    Y = nd.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i: i + h, j: j + w] * nd.flip(K, axis=1)).sum()
    return Y
'''},
            fails=['corr2d.book_example', 'corr2d.rectangular', 'outcome.learned_kernel', 'outcome.hidden_data'],
            whole=True, student='example-bug'),
    Example('crash (the demo): pool2d', {'pool2d': '''\
def pool2d(X, pool_size, mode='max'):
    """2-D max or average pooling of X (h, w) with window pool_size, stride 1, no padding."""
    p_h, p_w = pool_size
    Y = nd.zeros((X.shape[0] - p_h + 1, X.shape[1] - p_w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = getattr(X[i: i + p_h, j: j + p_w], mode)()
    return Y
'''},
            fails=['pool2d.avg', 'pool2d.rectangular'], whole=True, student='example-crash'),
)
