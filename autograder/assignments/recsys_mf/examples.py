"""recsys_mf: example submissions — classic mistakes (each with the checks it must fail), other correct styles
(which must fail nothing), and the demo's buggy and crashing students. `selftest` grades each."""
from autograder.examples import Example

_INIT = """\
class MF(nn.Block):
    def __init__(self, num_factors, num_users, num_items, **kwargs):
        super().__init__(**kwargs)
        self.P = nn.Embedding(num_users, num_factors)
        self.Q = nn.Embedding(num_items, num_factors)
        self.user_bias = nn.Embedding(num_users, 1)
        self.item_bias = nn.Embedding(num_items, 1)

"""

EXAMPLES = (
    # ---- MF ----
    Example("MF: no biases", {"MF": """\
class MF(nn.Block):
    def __init__(self, num_factors, num_users, num_items, **kwargs):
        super().__init__(**kwargs)
        self.P = nn.Embedding(num_users, num_factors)
        self.Q = nn.Embedding(num_items, num_factors)

    def forward(self, user_id, item_id):
        return (self.P(user_id) * self.Q(item_id)).sum(axis=1)
"""}, fails={"MF.parameters", "MF.forward"}),
    Example("MF: biases declared but not added", {"MF": _INIT + """\
    def forward(self, user_id, item_id):
        return (self.P(user_id) * self.Q(item_id)).sum(axis=1)
"""}, fails={"MF.forward"}),
    Example("MF: only the user bias", {"MF": _INIT + """\
    def forward(self, user_id, item_id):
        return (self.P(user_id) * self.Q(item_id)).sum(axis=1) + self.user_bias(user_id).reshape((-1,))
"""}, fails={"MF.forward"}),
    Example("MF: output (batch, 1)", {"MF": _INIT + """\
    def forward(self, user_id, item_id):
        dot = (self.P(user_id) * self.Q(item_id)).sum(axis=1, keepdims=True)
        return dot + self.user_bias(user_id) + self.item_bias(item_id)
"""}, fails={"MF.output_shape"}),
    Example("MF: (batch,) plus (batch, 1) biases broadcast", {"MF": _INIT + """\
    def forward(self, user_id, item_id):
        return (self.P(user_id) * self.Q(item_id)).sum(axis=1) + self.user_bias(user_id) + self.item_bias(item_id)
"""}, fails={"MF.forward", "MF.output_shape"}),
    Example("MF: user and item sizes swapped", {"MF": """\
class MF(nn.Block):
    def __init__(self, num_factors, num_users, num_items, **kwargs):
        super().__init__(**kwargs)
        self.P = nn.Embedding(num_items, num_factors)
        self.Q = nn.Embedding(num_users, num_factors)
        self.user_bias = nn.Embedding(num_users, 1)
        self.item_bias = nn.Embedding(num_items, 1)

    def forward(self, user_id, item_id):
        return ((self.P(user_id) * self.Q(item_id)).sum(axis=1) + self.user_bias(user_id).reshape((-1,))
                + self.item_bias(item_id).reshape((-1,)))
"""}, fails={"MF.forward"}),
    Example("another correct MF: batch_dot and squeeze", {"MF": _INIT + """\
    def forward(self, user_id, item_id):
        P_u = self.P(user_id).expand_dims(1)
        Q_i = self.Q(item_id).expand_dims(2)
        dot = nd.batch_dot(P_u, Q_i).reshape((-1,))
        return dot + nd.squeeze(self.user_bias(user_id), axis=1) + nd.squeeze(self.item_bias(item_id), axis=1)
"""}),
    Example("another correct MF: parameters of its own", {"MF": """\
class MF(nn.Block):
    def __init__(self, num_factors, num_users, num_items, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.user_factors = self.params.get('user_factors', shape=(num_users, num_factors))
            self.item_factors = self.params.get('item_factors', shape=(num_items, num_factors))
            self.b_user = self.params.get('b_user', shape=(num_users,))
            self.b_item = self.params.get('b_item', shape=(num_items,))

    def forward(self, user_id, item_id):
        ctx = user_id.context
        P_u = nd.take(self.user_factors.data(ctx), user_id)
        Q_i = nd.take(self.item_factors.data(ctx), item_id)
        return (P_u * Q_i).sum(axis=1) + nd.take(self.b_user.data(ctx), user_id) + nd.take(self.b_item.data(ctx), item_id)
"""}),
    # ---- evaluator ----
    Example("evaluator: mean of the batches' RMSEs (the book's metric)", {"evaluator": """\
def evaluator(net, test_iter, ctx):
    rmse = mx.metric.RMSE()
    for users, items, ratings in test_iter:
        r_hat = net(users.as_in_context(ctx), items.as_in_context(ctx))
        rmse.update(labels=ratings.as_in_context(ctx), preds=r_hat)
    return float(rmse.get()[1])
"""}, fails={"evaluator.short_last_batch"}),
    Example("evaluator: mean of per-batch RMSEs by hand", {"evaluator": """\
def evaluator(net, test_iter, ctx):
    values = []
    for users, items, ratings in test_iter:
        e = net(users.as_in_context(ctx), items.as_in_context(ctx)) - ratings.as_in_context(ctx)
        values.append(float(((e ** 2).mean() ** 0.5).asscalar()))
    return float(np.mean(values))
"""}, fails={"evaluator.short_last_batch"}),
    Example("evaluator: MSE without the square root", {"evaluator": """\
def evaluator(net, test_iter, ctx):
    se, n = 0.0, 0
    for users, items, ratings in test_iter:
        e = net(users.as_in_context(ctx), items.as_in_context(ctx)) - ratings.as_in_context(ctx)
        se += (e ** 2).sum().asscalar()
        n += ratings.size
    return float(se / n)
"""}, fails={"evaluator.values", "evaluator.short_last_batch", "evaluator.context"}),
    Example("evaluator: batches left on cpu(0)", {"evaluator": """\
def evaluator(net, test_iter, ctx):
    se, n = 0.0, 0
    for users, items, ratings in test_iter:
        se += ((net(users, items).as_in_context(mx.cpu()) - ratings) ** 2).sum().asscalar()
        n += ratings.size
    return float(np.sqrt(se / n))
"""}, fails={"evaluator.context"}),
    Example("another correct evaluator: numpy", {"evaluator": """\
def evaluator(net, test_iter, ctx):
    predicted, observed = [], []
    for users, items, ratings in test_iter:
        predicted.append(net(users.as_in_context(ctx), items.as_in_context(ctx)).asnumpy())
        observed.append(ratings.asnumpy())
    return float(np.sqrt(np.mean((np.concatenate(predicted) - np.concatenate(observed)) ** 2)))
"""}),
    Example("another correct evaluator: weighted batch MSEs", {"evaluator": """\
def evaluator(net, test_iter, ctx):
    total, count = 0.0, 0
    for users, items, ratings in test_iter:
        users, items, ratings = [a.as_in_context(ctx) for a in (users, items, ratings)]
        mse = ((net(users, items) - ratings) ** 2).mean().asscalar()
        total += mse * len(ratings)
        count += len(ratings)
    return (total / count) ** 0.5
"""}),
    # ---- the demo's students ----
    Example("bug (the demo): MF without biases in forward", {"MF": '''\
class MF(nn.Block):
    """Matrix factorization: P_u · Q_i + b_u + b_i for each (user, item) pair, shape (batch,)."""
    def __init__(self, num_factors, num_users, num_items, **kwargs):
        super().__init__(**kwargs)
        self.P = nn.Embedding(input_dim=num_users, output_dim=num_factors)
        self.Q = nn.Embedding(input_dim=num_items, output_dim=num_factors)
        self.user_bias = nn.Embedding(num_users, 1)
        self.item_bias = nn.Embedding(num_items, 1)

    def forward(self, user_id, item_id):
        P_u, Q_i = self.P(user_id), self.Q(item_id)
        return (P_u * Q_i).sum(axis=1)
'''}, fails={"MF.forward", "outcome.fresh_ratings", "outcome.hidden_ratings"}, whole=True, student="example-bug"),
    Example("crash (the demo): evaluator", {"evaluator": '''\
def evaluator(net, test_iter, ctx):
    """RMSE of net over all ratings of test_iter, computed on ctx; a Python float."""
    squared_error, n = 0.0, 0
    for users, items, ratings in test_iter:
        squared_error += ((net(users, items) - ratings) ** 2).sum().asscalar()
        n += ratings.size
    return float(np.sqrt(squared_error / n_ratings))
'''}, fails={"evaluator.values", "evaluator.short_last_batch", "evaluator.context"}, whole=True,
            student="example-crash"),
)
