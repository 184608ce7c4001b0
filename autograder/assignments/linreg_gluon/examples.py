"""linreg_gluon: example submissions — classic mistakes (each with the checks it must fail), other correct
styles (which must fail nothing), and the demo's buggy and crashing students. `selftest` grades each."""
from autograder.examples import Example

EXAMPLES = (
    Example('net: forward, structure', {'net': """\
net = nn.Sequential()
net.add(nn.Dense(2))
net.initialize(init.Normal(sigma=0.01))
"""},
            fails=['net.forward', 'net.structure']),
    Example('loss: values', {'loss': """\
loss = gloss.L1Loss()
"""},
            fails=['loss.values']),
    Example('trainer: sgd_step', {'trainer': """\
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.3})
"""},
            fails=['trainer.sgd_step']),
    Example('trainer: sgd_step', {'trainer': """\
trainer = gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': 0.03})
"""},
            fails=['trainer.sgd_step']),
    Example('trainer: sgd_step', {'trainer': """\
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.03, 'momentum': 0.9})
"""},
            fails=['trainer.sgd_step']),
    Example('another correct loss', {'loss': """\
loss = gloss.L2Loss()
"""}),
    Example('another correct trainer', {'trainer': """\
import mxnet as mx
trainer = gluon.Trainer(net.collect_params(), mx.optimizer.SGD(learning_rate=0.03))
"""}),
    Example('bug (the demo): trainer', {'trainer': """\
# Create `trainer`: gluon.Trainer over net's parameters, 'sgd', learning rate 0.03.
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.003})
"""},
            fails=['outcome.hidden_data', 'outcome.learned_parameters', 'trainer.sgd_step'], whole=True,
            student='example-bug'),
    Example('crash (the demo): trainer', {'trainer': """\
# Create `trainer`: gluon.Trainer over net's parameters, 'sgd', learning rate 0.03.
trainer = gluon.Trainer(net.collect_params(), 'sgd', learning_rate=0.03)
"""},
            fails=['outcome.hidden_data', 'outcome.learned_parameters', 'trainer.sgd_step'], whole=True,
            student='example-crash'),
)
