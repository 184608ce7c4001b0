"""lenet: example submissions — classic mistakes (each with the checks it must fail), other correct styles (which
must fail nothing), and the demo's buggy and crashing students. `selftest` grades each."""
from autograder.examples import Example

LENET = """\
net = nn.Sequential()
net.add(nn.Conv2D(channels=6, kernel_size=5, activation={act!r}{pad}),
        {pool}(pool_size=2, strides=2),
        nn.Conv2D(channels=16, kernel_size=5, activation={act!r}),
        {pool}(pool_size=2, strides=2),
        nn.Dense(120, activation={act!r}),{middle}
        nn.Dense(10))
net.initialize()
"""


def lenet(act="sigmoid", pool="nn.MaxPool2D", pad="", middle="\n        nn.Dense(84, activation='sigmoid'),"):
    return LENET.format(act=act, pool=pool, pad=pad, middle=middle)


EVALUATE = """\
def evaluate_accuracy(data_iter, net, ctx):
    acc_sum, n = 0.0, 0
    for X, y in data_iter:
        X, y = {move}
        acc_sum += (net(X).argmax(axis=1) == y{cast}).sum().asscalar()
        n += y.size
    return acc_sum / n
"""


def evaluate(move="X.as_in_context(ctx), y.as_in_context(ctx)", cast=".astype('float32')"):
    return EVALUATE.format(move=move, cast=cast)


TRAIN = """\
def train_ch5(net, train_iter, test_iter, batch_size, trainer, ctx, num_epochs):
    loss = gloss.SoftmaxCrossEntropyLoss(){reinit}
    for epoch in range({epochs}):
        train_l_sum, train_acc_sum, n, start = 0.0, 0.0, 0, time.time()
        for X, y in train_iter:
            X, y = {move}
            with autograd.record():
                y_hat = net(X)
                l = loss(y_hat, y).{reduce}()
            l.backward()
            trainer.step({step})
            y = y.astype('float32')
            train_l_sum += l.asscalar()
            train_acc_sum += (y_hat.argmax(axis=1) == y).sum().asscalar()
            n += y.size
        test_acc = evaluate_accuracy(test_iter, net, ctx)
        print('epoch %d, loss %.4f, train acc %.3f, test acc %.3f, time %.1f sec'
              % (epoch + 1, train_l_sum / n, train_acc_sum / n, test_acc, time.time() - start))
"""


def train(reinit="", epochs="num_epochs", move="X.as_in_context(ctx), y.as_in_context(ctx)", reduce="sum",
          step="batch_size"):
    return TRAIN.format(reinit=reinit, epochs=epochs, move=move, reduce=reduce, step=step)


EXAMPLES = (
    Example('net: ReLU instead of sigmoid', {'net': lenet(act="relu")}, fails=['net.forward']),
    Example('net: average pooling', {'net': lenet(pool="nn.AvgPool2D")},
            fails=['net.layers', 'net.forward']),
    Example('net: the padded first convolution of later editions', {'net': lenet(pad=", padding=2")},
            fails=['net.layers', 'net.forward']),
    Example('net: Dense(84) missing', {'net': lenet(middle="")}, fails=['net.layers', 'net.forward']),
    Example('net: sigmoid on the output layer', {'net': lenet().replace("nn.Dense(10))",
                                                                        "nn.Dense(10, activation='sigmoid'))")},
            fails=['net.forward']),
    Example('evaluate_accuracy: mean of the batch means', {'evaluate_accuracy': """\
def evaluate_accuracy(data_iter, net, ctx):
    accs = []
    for X, y in data_iter:
        X, y = X.as_in_context(ctx), y.as_in_context(ctx).astype('float32')
        accs.append((net(X).argmax(axis=1) == y).mean().asscalar())
    return sum(accs) / len(accs)
"""},
            fails=['evaluate_accuracy.short_last_batch']),
    Example('evaluate_accuracy: labels not cast', {'evaluate_accuracy': evaluate(cast="")},
            fails=['evaluate_accuracy.values']),
    Example('evaluate_accuracy: data not moved to ctx', {'evaluate_accuracy': evaluate(move="X, y")},
            fails=['evaluate_accuracy.context']),
    Example('evaluate_accuracy: returns an NDArray', {'evaluate_accuracy': """\
def evaluate_accuracy(data_iter, net, ctx):
    acc_sum, n = nd.array([0], ctx=ctx), 0
    for X, y in data_iter:
        X, y = X.as_in_context(ctx), y.as_in_context(ctx).astype('float32')
        acc_sum += (net(X).argmax(axis=1) == y).sum()
        n += y.size
    return acc_sum / n
"""},
            fails=['evaluate_accuracy.values']),
    Example('train_ch5: trainer.step(1) with a summed loss', {'train_ch5': train(step="1")},
            fails=['train_ch5.trajectory']),
    Example('train_ch5: mean loss and trainer.step(batch_size)', {'train_ch5': train(reduce="mean")},
            fails=['train_ch5.trajectory']),
    Example('train_ch5: one epoch whatever num_epochs', {'train_ch5': train(epochs="1")},
            fails=['train_ch5.trajectory']),
    Example('train_ch5: data not moved to ctx', {'train_ch5': train(move="X, y")},
            fails=['train_ch5.context']),
    Example('train_ch5: re-initialises the net, not on ctx', {'train_ch5': train(
        reinit="\n    net.initialize(init.Xavier(), force_reinit=True)")},
            fails=['train_ch5.trajectory', 'train_ch5.context']),
    Example('another correct net (activation layers, hybridized)', {'net': """\
net = nn.HybridSequential()
net.add(nn.Conv2D(6, 5), nn.Activation('sigmoid'), nn.MaxPool2D(2, 2),
        nn.Conv2D(16, 5), nn.Activation('sigmoid'), nn.MaxPool2D(2, 2),
        nn.Dense(120), nn.Activation('sigmoid'), nn.Dense(84, activation='sigmoid'), nn.Dense(10))
net.initialize()
net.hybridize()
"""}),
    Example('another correct evaluate_accuracy (numpy)', {'evaluate_accuracy': """\
def evaluate_accuracy(data_iter, net, ctx):
    correct = total = 0
    for X, y in data_iter:
        y_hat = net(X.as_in_context(ctx))
        correct += int((y_hat.argmax(axis=1).asnumpy() == y.asnumpy()).sum())
        total += len(y)
    return correct / total
"""}),
    Example('another correct train_ch5 (mean loss, trainer.step(1))', {'train_ch5': train(reduce="mean",
                                                                                          step="1")}),
    Example('bug (the demo): evaluate_accuracy', {'evaluate_accuracy': '''\
def evaluate_accuracy(data_iter, net, ctx):
    """Fraction of the examples in data_iter that net classifies correctly, each batch moved to ctx."""
    acc = 0.0
    batches = 0
    for X, y in data_iter:
        X, y = X.as_in_context(ctx), y.as_in_context(ctx).astype('float32')
        acc += (net(X).argmax(axis=1) == y).mean().asscalar()
        batches += 1
    return acc / batches
'''},
            fails=['evaluate_accuracy.short_last_batch', 'outcome.fresh_problem', 'outcome.hidden_data'],
            whole=True, student='example-bug'),
    Example('crash (the demo): train_ch5', {'train_ch5': train(step="")},
            fails=['train_ch5.trajectory', 'train_ch5.context', 'outcome.fresh_problem', 'outcome.hidden_data'],
            whole=True, student='example-crash'),
)
