"""multi_device: example submissions — classic mistakes (each with the checks it must fail), other correct styles
(which must fail nothing), and the demo's buggy and crashing students. `selftest` grades each."""
from autograder.examples import Example

EXAMPLES = (
    Example('get_params: as_in_context (no copy on the same device)', {'get_params': '''\
def get_params(params, ctx):
    new_params = [p.as_in_context(ctx) for p in params]
    for p in new_params:
        p.attach_grad()
    return new_params
'''},
            fails={'get_params.separate_memory'}),
    Example('get_params: copies left on the originals\' device', {'get_params': '''\
def get_params(params, ctx):
    new_params = [p.copy() for p in params]
    for p in new_params:
        p.attach_grad()
    return new_params
'''},
            fails={'get_params.copies_on_ctx', 'get_params.gradient_buffers'}),
    Example('get_params: gradients attached to the originals', {'get_params': '''\
def get_params(params, ctx):
    for p in params:
        p.attach_grad()
    return [p.copyto(ctx) for p in params]
'''},
            fails={'get_params.gradient_buffers'}),
    Example('allreduce: no copy back', {'allreduce': '''\
def allreduce(data):
    for i in range(1, len(data)):
        data[0][:] += data[i].copyto(data[0].context)
'''},
            fails={'allreduce.sum_everywhere'}),
    Example('allreduce: rebinds the list items', {'allreduce': '''\
def allreduce(data):
    total = data[0].copy()
    for i in range(1, len(data)):
        total += data[i].as_in_context(total.context)
    for i in range(len(data)):
        data[i] = total.as_in_context(data[i].context)
'''},
            fails={'allreduce.sum_everywhere', 'allreduce.inputs_intact'}),
    Example('allreduce: averages', {'allreduce': '''\
def allreduce(data):
    for i in range(1, len(data)):
        data[0][:] += data[i].copyto(data[0].context)
    data[0][:] /= len(data)
    for i in range(1, len(data)):
        data[0].copyto(data[i])
'''},
            fails={'allreduce.sum_everywhere'}),
    Example('split_and_load: interleaves', {'split_and_load': '''\
def split_and_load(data, ctx):
    k = len(ctx)
    return [data[i::k].as_in_context(ctx[i]) for i in range(k)]
'''},
            fails={'split_and_load.consecutive_slices'}),
    Example('split_and_load: drops the remainder', {'split_and_load': '''\
def split_and_load(data, ctx):
    m = data.shape[0] // len(ctx)
    return [data[i * m:(i + 1) * m].as_in_context(c) for i, c in enumerate(ctx)]
'''},
            fails={'split_and_load.remainder'}),
    Example('split_and_load: every slice on one device', {'split_and_load': '''\
def split_and_load(data, ctx):
    n, k = data.shape[0], len(ctx)
    m = n // k
    assert m * k == n
    return [data[i * m:(i + 1) * m] for i in range(k)]
'''},
            fails={'split_and_load.contexts'}),
    Example('train_batch: divides by the per-device batch', {'train_batch': '''\
def train_batch(X, y, device_params, ctx, lr):
    device_Xs, device_ys = split_and_load(X, ctx), split_and_load(y, ctx)
    with autograd.record():
        ls = [loss(lenet(X_i, W_i), y_i) for X_i, y_i, W_i in zip(device_Xs, device_ys, device_params)]
    for l in ls:
        l.backward()
    for i in range(len(device_params[0])):
        allreduce([device_params[c][i].grad for c in range(len(ctx))])
    for params_c in device_params:
        d2l.sgd(params_c, lr, device_Xs[0].shape[0])
'''},
            fails={'train_batch.one_device_step', 'train_batch.copies_agree'}),
    Example('train_batch: averages per device, then divides again', {'train_batch': '''\
def train_batch(X, y, device_params, ctx, lr):
    device_Xs, device_ys = split_and_load(X, ctx), split_and_load(y, ctx)
    with autograd.record():
        ls = [loss(lenet(X_i, W_i), y_i) for X_i, y_i, W_i in zip(device_Xs, device_ys, device_params)]
    for l in ls:
        l.backward()
    for i in range(len(device_params[0])):
        grads = [device_params[c][i].grad for c in range(len(ctx))]
        allreduce(grads)
        for g in grads:
            g[:] /= len(ctx)
    for params_c in device_params:
        d2l.sgd(params_c, lr, X.shape[0])
'''},
            fails={'train_batch.one_device_step', 'train_batch.copies_agree'}),
    Example('train_batch: no allreduce', {'train_batch': '''\
def train_batch(X, y, device_params, ctx, lr):
    device_Xs, device_ys = split_and_load(X, ctx), split_and_load(y, ctx)
    with autograd.record():
        ls = [loss(lenet(X_i, W_i), y_i) for X_i, y_i, W_i in zip(device_Xs, device_ys, device_params)]
    for l in ls:
        l.backward()
    for params_c in device_params:
        d2l.sgd(params_c, lr, X.shape[0])
'''},
            fails={'train_batch.one_device_step', 'train_batch.copies_agree'}),
    Example('train_batch: updates the first device only', {'train_batch': '''\
def train_batch(X, y, device_params, ctx, lr):
    device_Xs, device_ys = split_and_load(X, ctx), split_and_load(y, ctx)
    with autograd.record():
        ls = [loss(lenet(X_i, W_i), y_i) for X_i, y_i, W_i in zip(device_Xs, device_ys, device_params)]
    for l in ls:
        l.backward()
    for i in range(len(device_params[0])):
        allreduce([device_params[c][i].grad for c in range(len(ctx))])
    d2l.sgd(device_params[0], lr, X.shape[0])
'''},
            fails={'train_batch.copies_agree'}),
    Example('another correct get_params', {'get_params': '''\
def get_params(params, ctx):
    copies = []
    for p in params:
        q = nd.array(p, ctx=ctx)
        q.attach_grad()
        copies.append(q)
    return copies
'''}),
    Example('another correct allreduce', {'allreduce': '''\
def allreduce(data):
    total = nd.add_n(*[d.as_in_context(data[0].context) for d in data])
    for d in data:
        d[:] = total.as_in_context(d.context)
'''}),
    Example('another correct split_and_load', {'split_and_load': '''\
def split_and_load(data, ctx):
    from mxnet.gluon import utils
    return utils.split_and_load(data, ctx)      # even_split=True: raises when the batch does not divide
'''}),
    Example('another correct train_batch', {'train_batch': '''\
def train_batch(X, y, device_params, ctx, lr):
    parts = list(zip(split_and_load(X, ctx), split_and_load(y, ctx), device_params))
    with autograd.record():
        losses = [loss(lenet(X_i, p), y_i).sum() for X_i, y_i, p in parts]
    autograd.backward(losses)
    for i in range(len(device_params[0])):
        allreduce([p[i].grad for p in device_params])
    for p in device_params:
        for param in p:
            param[:] -= lr / X.shape[0] * param.grad
'''}),
    Example('bug (the demo): allreduce', {'allreduce': '''\
def allreduce(data):
    """Sum the arrays data[i] (one per device) into every one of them, in place."""
    for i in range(1, len(data)):
        data[0][:] += data[i].copyto(data[0].context)
'''},
            fails={'allreduce.sum_everywhere', 'outcome.two_devices', 'outcome.hidden_data'}, whole=True,
            student='example-bug'),
    Example('crash (the demo): split_and_load', {'split_and_load': '''\
def split_and_load(data, ctx):
    """Consecutive equal slices of `data` along axis 0, slice i on ctx[i]."""
    m = data.shape[0] // len(ctx)
    return [data[i * m:(i + 1) * m].as_in_context(ctx[i]) for i in range(data.shape[0])]
'''},
            fails={'split_and_load.consecutive_slices', 'split_and_load.contexts', 'split_and_load.remainder',
                   'outcome.two_devices',
                   'outcome.hidden_data'}, whole=True, student='example-crash'),
)
