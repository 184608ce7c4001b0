"""softmax_gluon: example submissions — classic mistakes (each with the checks it must fail), other correct
styles (which must fail nothing), and the demo's buggy and crashing students. `selftest` grades each."""
from autograder.examples import Example

EXAMPLES = (
    Example('net: an activation on the output Dense', {'net': """\
net = nn.Sequential()
net.add(nn.Dense(10, activation='relu'))
net.initialize(init.Normal(sigma=0.01))
"""},
            fails=['net.logits']),
    Example('net: sigmoid outputs', {'net': """\
net = nn.Sequential()
net.add(nn.Dense(10, activation='sigmoid'))
net.initialize(init.Normal(sigma=0.01))
"""},
            fails=['net.logits']),
    Example('net: a softmax layer before SoftmaxCrossEntropyLoss (double softmax)', {'net': """\
net = nn.Sequential()
net.add(nn.Dense(10), nn.HybridLambda('softmax'))
net.initialize(init.Normal(sigma=0.01))
"""},
            fails=['net.structure', 'net.logits']),
    Example('net: a hidden layer (not softmax regression)', {'net': """\
net = nn.Sequential()
net.add(nn.Dense(256, activation='relu'), nn.Dense(10))
net.initialize(init.Normal(sigma=0.01))
"""},
            fails=['net.structure', 'net.logits']),
    Example('net: a bare Dense, no Sequential', {'net': """\
net = nn.Dense(10)
net.initialize(init.Normal(sigma=0.01))
"""},
            fails=['net.structure']),
    Example('loss: softmax applied before SoftmaxCrossEntropyLoss (double softmax)', {'loss': """\
softmax_ce = gloss.SoftmaxCrossEntropyLoss()

def loss(y_hat, y):
    return softmax_ce(nd.softmax(y_hat), y)
"""},
            fails=['loss.values', 'loss.gradient']),
    Example('loss: sparse_label=False with integer labels', {'loss': """\
loss = gloss.SoftmaxCrossEntropyLoss(sparse_label=False)
"""},
            fails=['loss.values', 'loss.gradient']),
    Example('loss: from_logits=True on raw scores', {'loss': """\
loss = gloss.SoftmaxCrossEntropyLoss(from_logits=True)
"""},
            fails=['loss.values', 'loss.gradient']),
    Example('loss: the class, not an instance', {'loss': """\
loss = gloss.SoftmaxCrossEntropyLoss
"""},
            fails=['loss.values', 'loss.gradient']),
    Example('loss: the mean over the batch', {'loss': """\
def loss(y_hat, y):
    return gloss.SoftmaxCrossEntropyLoss()(y_hat, y).mean()
"""},
            fails=['loss.values', 'loss.gradient']),
    Example('loss: computed in numpy', {'loss': """\
import numpy as np

def loss(y_hat, y):
    scores, labels = y_hat.asnumpy(), y.asnumpy().astype(int)
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return nd.array(-log_p[np.arange(len(labels)), labels])
"""},
            fails=['loss.gradient']),
    Example('trainer: a subset of the parameters', {'trainer': """\
trainer = gluon.Trainer(net.collect_params('.*weight'), 'sgd', {'learning_rate': 0.1})
"""},
            fails=['trainer.sgd_step']),
    Example('trainer: another optimizer', {'trainer': """\
trainer = gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': 0.1})
"""},
            fails=['trainer.sgd_step']),
    Example('trainer: another learning rate', {'trainer': """\
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.5})
"""},
            fails=['trainer.sgd_step']),
    Example('trainer: momentum', {'trainer': """\
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1, 'momentum': 0.9})
"""},
            fails=['trainer.sgd_step']),
    Example('another correct net: Dense(10, in_units=784)', {'net': """\
net = nn.Sequential()
net.add(nn.Dense(10, in_units=784))
net.initialize(init.Normal(0.01))
"""}),
    Example('another correct net: hybridized', {'net': """\
net = nn.HybridSequential()
with net.name_scope():
    net.add(nn.Dense(10))
net.initialize(init.Normal(sigma=0.01))
net.hybridize()
"""}),
    Example('another correct net: the default initializer (legal Gluon; the initializer is not judged)', {'net': """\
net = nn.Sequential()
net.add(nn.Dense(10))
net.initialize()
"""}),
    Example('another correct loss', {'loss': """\
loss = gloss.SoftmaxCELoss()
"""}),
    Example('another correct trainer: keyword arguments', {'trainer': """\
trainer = gluon.Trainer(params=net.collect_params(), optimizer='sgd', optimizer_params=dict(learning_rate=0.1))
"""}),
    Example('another correct trainer: an optimizer object', {'trainer': """\
import mxnet as mx
trainer = gluon.Trainer(net.collect_params(), mx.optimizer.SGD(learning_rate=0.1))
"""}),
    Example('bug (the demo): net', {'net': """\
# Build `net`: nn.Sequential with one nn.Dense(10), initialized with init.Normal(sigma=0.01).
net = nn.Sequential()
net.add(nn.Dense(10), nn.HybridLambda('softmax'))
net.initialize(init.Normal(sigma=0.01))
"""},
            fails=['net.structure', 'net.logits', 'outcome.test_accuracy', 'outcome.hidden_data'], whole=True,
            student='example-bug'),
    Example('crash (the demo): trainer', {'trainer': """\
# Create `trainer`: gluon.Trainer over all of net's parameters, 'sgd', learning rate 0.1.
trainer = gluon.Trainer(net.collect_params(), 'sgd', learning_rate=0.1)
"""},
            fails=['trainer.sgd_step', 'outcome.test_accuracy', 'outcome.hidden_data'], whole=True,
            student='example-crash'),
)
