"""batch_norm_scratch: example submissions — classic mistakes (each with the checks it must fail), other correct
styles (which must fail nothing), and the demo's buggy and crashing students. `selftest` grades each."""
from autograder.examples import Example

BATCH_STATS = '''\
    if len(X.shape) == 2:
        mean = X.mean(axis=0)
        var = ((X - mean) ** 2).mean(axis=0)
    else:
        mean = X.mean(axis=(0, 2, 3), keepdims=True)
        var = ((X - mean) ** 2).mean(axis=(0, 2, 3), keepdims=True)
'''

EXAMPLES = (
    Example('batch_norm: batch statistics at prediction time', {'batch_norm': '''\
def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
''' + BATCH_STATS + '''\
    X_hat = (X - mean) / nd.sqrt(var + eps)             # whatever the mode
    moving_mean = momentum * moving_mean + (1.0 - momentum) * mean
    moving_var = momentum * moving_var + (1.0 - momentum) * var
    return gamma * X_hat + beta, moving_mean, moving_var
'''},
            fails=['batch_norm.prediction']),
    Example('batch_norm: 4-D statistics over axis 0 only', {'batch_norm': '''\
def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    if not autograd.is_training():
        X_hat = (X - moving_mean) / nd.sqrt(moving_var + eps)
    else:
        mean = X.mean(axis=0, keepdims=True)                   # per channel AND pixel for 4-D input
        var = ((X - mean) ** 2).mean(axis=0, keepdims=True)
        X_hat = (X - mean) / nd.sqrt(var + eps)
        moving_mean = momentum * moving_mean + (1.0 - momentum) * mean
        moving_var = momentum * moving_var + (1.0 - momentum) * var
    return gamma * X_hat + beta, moving_mean, moving_var
'''},
            fails=['batch_norm.training_4d', 'batch_norm.moving_statistics']),
    Example('batch_norm: momentum on the wrong term', {'batch_norm': '''\
def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    if not autograd.is_training():
        X_hat = (X - moving_mean) / nd.sqrt(moving_var + eps)
    else:
''' + BATCH_STATS.replace('\n    ', '\n        ').replace('    if', '        if', 1) + '''\
        X_hat = (X - mean) / nd.sqrt(var + eps)
        moving_mean = (1.0 - momentum) * moving_mean + momentum * mean
        moving_var = (1.0 - momentum) * moving_var + momentum * var
    return gamma * X_hat + beta, moving_mean, moving_var
'''},
            fails=['batch_norm.moving_statistics']),
    Example('batch_norm: standard deviation used as the variance', {'batch_norm': '''\
def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    if not autograd.is_training():
        X_hat = (X - moving_mean) / nd.sqrt(moving_var + eps)
    else:
        axes = 0 if len(X.shape) == 2 else (0, 2, 3)
        mean = X.mean(axis=axes, keepdims=True)
        var = ((X - mean) ** 2).mean(axis=axes, keepdims=True).sqrt()
        X_hat = (X - mean) / nd.sqrt(var + eps)
        moving_mean = momentum * moving_mean + (1.0 - momentum) * mean
        moving_var = momentum * moving_var + (1.0 - momentum) * var
    return gamma * X_hat + beta, moving_mean, moving_var
'''},
            fails=['batch_norm.training_2d', 'batch_norm.training_4d', 'batch_norm.moving_statistics',
                   'batch_norm.gradient']),
    Example('batch_norm: moving statistics not returned', {'batch_norm': '''\
def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    if not autograd.is_training():
        return gamma * (X - moving_mean) / nd.sqrt(moving_var + eps) + beta, moving_mean, moving_var
    axes = 0 if len(X.shape) == 2 else (0, 2, 3)
    mean = X.mean(axis=axes, keepdims=True)
    var = ((X - mean) ** 2).mean(axis=axes, keepdims=True)
    new_mean = momentum * moving_mean + (1.0 - momentum) * mean
    new_var = momentum * moving_var + (1.0 - momentum) * var
    return gamma * (X - mean) / nd.sqrt(var + eps) + beta, moving_mean, moving_var
'''},
            fails=['batch_norm.moving_statistics']),
    Example('batch_norm: statistics computed outside autograd', {'batch_norm': '''\
def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    if not autograd.is_training():
        return gamma * (X - moving_mean) / nd.sqrt(moving_var + eps) + beta, moving_mean, moving_var
    axes = 0 if len(X.shape) == 2 else (0, 2, 3)
    mean = nd.array(X.asnumpy().mean(axis=axes, keepdims=True))        # a constant to autograd
    var = nd.array(X.asnumpy().var(axis=axes, keepdims=True))
    moving_mean = momentum * moving_mean + (1.0 - momentum) * mean
    moving_var = momentum * moving_var + (1.0 - momentum) * var
    return gamma * (X - mean) / nd.sqrt(var + eps) + beta, moving_mean, moving_var
'''},
            fails=['batch_norm.gradient']),
    Example('BatchNorm: moving_var initialised to zeros (the first edition)', {'BatchNorm': '''\
class BatchNorm(nn.Block):
    def __init__(self, num_features, num_dims, **kwargs):
        super(BatchNorm, self).__init__(**kwargs)
        shape = (1, num_features) if num_dims == 2 else (1, num_features, 1, 1)
        self.gamma = self.params.get('gamma', shape=shape, init=init.One())
        self.beta = self.params.get('beta', shape=shape, init=init.Zero())
        self.moving_mean = nd.zeros(shape)
        self.moving_var = nd.zeros(shape)

    def forward(self, X):
        if self.moving_mean.context != X.context:
            self.moving_mean = self.moving_mean.copyto(X.context)
            self.moving_var = self.moving_var.copyto(X.context)
        Y, self.moving_mean, self.moving_var = batch_norm(
            X, self.gamma.data(), self.beta.data(), self.moving_mean, self.moving_var, eps=1e-5, momentum=0.9)
        return Y
'''},
            fails=['BatchNorm.initial_statistics', 'BatchNorm.keeps_statistics']),
    Example('BatchNorm: moving statistics not kept', {'BatchNorm': '''\
class BatchNorm(nn.Block):
    def __init__(self, num_features, num_dims, **kwargs):
        super(BatchNorm, self).__init__(**kwargs)
        shape = (1, num_features) if num_dims == 2 else (1, num_features, 1, 1)
        self.gamma = self.params.get('gamma', shape=shape, init=init.One())
        self.beta = self.params.get('beta', shape=shape, init=init.Zero())
        self.moving_mean = nd.zeros(shape)
        self.moving_var = nd.ones(shape)

    def forward(self, X):
        if self.moving_mean.context != X.context:
            self.moving_mean = self.moving_mean.copyto(X.context)
            self.moving_var = self.moving_var.copyto(X.context)
        Y, _, _ = batch_norm(X, self.gamma.data(), self.beta.data(), self.moving_mean, self.moving_var,
                             eps=1e-5, momentum=0.9)
        return Y
'''},
            fails=['BatchNorm.keeps_statistics']),
    Example('BatchNorm: moving statistics left on the CPU they were made on', {'BatchNorm': '''\
class BatchNorm(nn.Block):
    def __init__(self, num_features, num_dims, **kwargs):
        super(BatchNorm, self).__init__(**kwargs)
        shape = (1, num_features) if num_dims == 2 else (1, num_features, 1, 1)
        self.gamma = self.params.get('gamma', shape=shape, init=init.One())
        self.beta = self.params.get('beta', shape=shape, init=init.Zero())
        self.moving_mean = nd.zeros(shape)
        self.moving_var = nd.ones(shape)

    def forward(self, X):
        Y, self.moving_mean, self.moving_var = batch_norm(
            X, self.gamma.data(), self.beta.data(), self.moving_mean, self.moving_var, eps=1e-5, momentum=0.9)
        return Y
'''},
            fails=['BatchNorm.context']),
    Example('BatchNorm: gamma initialised to zeros', {'BatchNorm': '''\
class BatchNorm(nn.Block):
    def __init__(self, num_features, num_dims, **kwargs):
        super(BatchNorm, self).__init__(**kwargs)
        shape = (1, num_features) if num_dims == 2 else (1, num_features, 1, 1)
        self.gamma = self.params.get('gamma', shape=shape)          # the default init is not ones
        self.beta = self.params.get('beta', shape=shape, init=init.Zero())
        self.moving_mean = nd.zeros(shape)
        self.moving_var = nd.ones(shape)

    def forward(self, X):
        if self.moving_mean.context != X.context:
            self.moving_mean = self.moving_mean.copyto(X.context)
            self.moving_var = self.moving_var.copyto(X.context)
        Y, self.moving_mean, self.moving_var = batch_norm(
            X, self.gamma.data(), self.beta.data(), self.moving_mean, self.moving_var, eps=1e-5, momentum=0.9)
        return Y
'''},
            fails=['BatchNorm.parameters']),
    Example('another correct batch_norm', {'batch_norm': '''\
def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    if autograd.is_training():
        axes = (0,) if X.ndim == 2 else (0, 2, 3)
        mean = nd.mean(X, axis=axes, keepdims=True)
        var = nd.mean(nd.square(X - mean), axis=axes, keepdims=True)
        moving_mean = momentum * moving_mean + (1 - momentum) * mean.reshape(moving_mean.shape)
        moving_var = momentum * moving_var + (1 - momentum) * var.reshape(moving_var.shape)
    else:
        mean, var = moving_mean, moving_var
    return gamma * (X - mean) * nd.rsqrt(var + eps) + beta, moving_mean, moving_var
'''}),
    Example('another correct BatchNorm (moving statistics as parameters without gradient)', {'BatchNorm': '''\
class BatchNorm(nn.Block):
    def __init__(self, num_features, num_dims, **kwargs):
        super(BatchNorm, self).__init__(**kwargs)
        shape = (1, num_features) if num_dims == 2 else (1, num_features, 1, 1)
        self.gamma = self.params.get('gamma', shape=shape, init=init.One())
        self.beta = self.params.get('beta', shape=shape, init=init.Zero())
        self.running_mean = self.params.get('running_mean', shape=shape, init=init.Zero(), grad_req='null')
        self.running_var = self.params.get('running_var', shape=shape, init=init.One(), grad_req='null')

    def forward(self, X):
        ctx = X.context
        Y, mean, var = batch_norm(X, self.gamma.data(ctx), self.beta.data(ctx), self.running_mean.data(ctx),
                                  self.running_var.data(ctx), eps=1e-5, momentum=0.9)
        self.running_mean.set_data(mean)
        self.running_var.set_data(var)
        return Y
'''}),
    Example('another correct BatchNorm (as_in_context)', {'BatchNorm': '''\
class BatchNorm(nn.Block):
    def __init__(self, num_features, num_dims, **kwargs):
        super().__init__(**kwargs)
        shape = (1, num_features) + (1, 1) * (num_dims == 4)
        self.gamma = self.params.get('gamma', shape=shape, init=init.One())
        self.beta = self.params.get('beta', shape=shape, init=init.Zero())
        self.stats = [nd.zeros(shape), nd.ones(shape)]

    def forward(self, X):
        mean, var = (s.as_in_context(X.context) for s in self.stats)
        Y, mean, var = batch_norm(X, self.gamma.data(), self.beta.data(), mean, var, 1e-5, 0.9)
        self.stats = [mean, var]
        return Y
'''}),
    Example('bug (the demo): batch_norm', {'batch_norm': '''\
def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    """Batch normalization of 2-D (batch, features) or 4-D (batch, channels, h, w) input.
    Returns (Y, moving_mean, moving_var): in training mode (autograd.is_training()) normalizes with the batch's
    statistics and returns the updated moving ones; otherwise uses and returns the moving statistics given."""
    if len(X.shape) == 2:
        mean = X.mean(axis=0)
        var = ((X - mean) ** 2).mean(axis=0)
    else:
        mean = X.mean(axis=(0, 2, 3), keepdims=True)
        var = ((X - mean) ** 2).mean(axis=(0, 2, 3), keepdims=True)
    X_hat = (X - mean) / nd.sqrt(var + eps)
    moving_mean = momentum * moving_mean + (1.0 - momentum) * mean
    moving_var = momentum * moving_var + (1.0 - momentum) * var
    return gamma * X_hat + beta, moving_mean, moving_var
'''},
            fails=['batch_norm.prediction', 'outcome.training', 'outcome.hidden_data'], whole=True,
            student='example-bug'),
    Example('crash (the demo): BatchNorm', {'BatchNorm': '''\
class BatchNorm(nn.Block):
    """Batch normalization layer: parameters gamma (ones) and beta (zeros) of shape (1, num_features) after a
    dense layer (num_dims=2) or (1, num_features, 1, 1) after a convolution (num_dims=4); the moving
    statistics (zeros and ones) are kept on the input's context."""
    def __init__(self, num_features, num_dims, **kwargs):
        super(BatchNorm, self).__init__(**kwargs)
        shape = (1, num_features) if num_dims == 2 else (1, num_features, 1, 1)
        self.gamma = self.params.get('gamma', shape=shape, init=init.One())
        self.beta = self.params.get('beta', shape=shape, init=init.Zero())
        self.moving_mean = nd.zeros(shape)
        self.moving_var = nd.ones(shape)

    def forward(self, X):
        Y, self.moving_mean, self.moving_var = batch_norm(
            X, self.gamma, self.beta, self.moving_mean, self.moving_var, eps=1e-5, momentum=0.9)
        return Y
'''},
            fails=['BatchNorm.forward', 'BatchNorm.keeps_statistics', 'BatchNorm.context',
                   'BatchNorm.initial_statistics'],
            student='example-crash'),
)
