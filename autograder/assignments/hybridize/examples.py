"""hybridize: example submissions — classic mistakes (each with the checks it must fail), other correct styles
(which must fail nothing), and the demo's buggy and crashing students. `selftest` grades each."""
from autograder.examples import Example

_MLP = '''\
class HybridMLP(nn.HybridBlock):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden1 = nn.Dense(256)
        self.hidden2 = nn.Dense(128)
        self.output = nn.Dense(2)

    def hybrid_forward(self, F, x):
{body}
'''


def _mlp(body):
    return _MLP.format(body=body)


EXAMPLES = (
    Example('HybridMLP: nd. instead of F.', {'HybridMLP': _mlp('''\
        x = nd.relu(self.hidden1(x))           # works on NDArrays only
        x = nd.relu(self.hidden2(x))
        return self.output(x)''')},
            fails={'HybridMLP.hybridized'}),
    Example('HybridMLP: .asnumpy() in hybrid_forward', {'HybridMLP': 'import numpy as np\n' + _mlp('''\
        h = nd.array(np.maximum(self.hidden1(x).asnumpy(), 0))   # a Symbol has no values to copy
        return self.output(F.relu(self.hidden2(h)))''')},
            fails={'HybridMLP.hybridized'}),
    Example('HybridMLP: Python if on values', {'HybridMLP': _mlp('''\
        h = F.relu(self.hidden1(x))
        if h.sum() > 0:                        # a Python decision on a value: no graph can record it
            h = F.relu(self.hidden2(h))
        else:
            h = self.hidden2(h)
        return self.output(h)''')},
            fails={'HybridMLP.hybridized'}),
    Example('HybridMLP: a plain Block', {'HybridMLP': '''\
class HybridMLP(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden1 = nn.Dense(256)
        self.hidden2 = nn.Dense(128)
        self.output = nn.Dense(2)

    def forward(self, x):
        return self.output(nd.relu(self.hidden2(nd.relu(self.hidden1(x)))))
'''},
            fails={'HybridMLP.hybridized'}),
    Example('HybridMLP: forward instead of hybrid_forward', {'HybridMLP': '''\
class HybridMLP(nn.HybridBlock):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden1 = nn.Dense(256)
        self.hidden2 = nn.Dense(128)
        self.output = nn.Dense(2)

    def forward(self, x):
        return self.output(nd.relu(self.hidden2(nd.relu(self.hidden1(x)))))
'''},
            fails={'HybridMLP.hybridized'}),
    Example('HybridMLP: no ReLU', {'HybridMLP': _mlp('''\
        return self.output(self.hidden2(self.hidden1(x)))''')},
            fails={'HybridMLP.values', 'HybridMLP.hybridized'}),
    Example('benchmark: no nd.waitall()', {'benchmark': '''\
def benchmark(fn, repeats):
    start = time.time()
    for _ in range(repeats):
        fn()
    return time.time() - start                 # only the time to queue the work
'''},
            fails={'benchmark.includes_async_work'}),
    Example('benchmark: time per call', {'benchmark': '''\
def benchmark(fn, repeats):
    start = time.time()
    for _ in range(repeats):
        fn()
    nd.waitall()
    return (time.time() - start) / repeats
'''},
            fails={'benchmark.includes_async_work'}),
    Example('benchmark: one call too many', {'benchmark': '''\
def benchmark(fn, repeats):
    start = time.time()
    for _ in range(repeats + 1):
        fn()
    nd.waitall()
    return time.time() - start
'''},
            fails={'benchmark.calls'}),
    Example('export_and_load: no forward pass', {'export_and_load': '''\
def export_and_load(net, prefix):
    net.export(prefix)
    return gluon.SymbolBlock.imports(prefix + '-symbol.json', ['data'], prefix + '-0000.params')
'''},
            fails={'export_and_load.fresh_net'}),
    Example('export_and_load: returns the net itself', {'export_and_load': '''\
def export_and_load(net, prefix):
    net(nd.zeros((1, 512)))
    net.export(prefix)
    return net
'''},
            fails={'export_and_load.after_forward', 'export_and_load.fresh_net'}),
    Example('export_and_load: graph without parameters', {'export_and_load': '''\
def export_and_load(net, prefix):
    net(nd.zeros((1, 512)))
    net.export(prefix)
    return gluon.SymbolBlock.imports(prefix + '-symbol.json', ['data'])
'''},
            fails={'export_and_load.after_forward', 'export_and_load.fresh_net'}),
    Example('export_and_load: its own file name', {'export_and_load': '''\
import os, tempfile

def export_and_load(net, prefix):
    mine = os.path.join(tempfile.gettempdir(), 'my_model')     # its own name, not the prefix it was given
    net(nd.zeros((1, 512)))
    net.export(mine)
    return gluon.SymbolBlock.imports(mine + '-symbol.json', ['data'], mine + '-0000.params')
'''},
            fails={'export_and_load.after_forward', 'export_and_load.fresh_net'}),
    Example('another correct HybridMLP', {'HybridMLP': '''\
class HybridMLP(nn.HybridBlock):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.body = nn.HybridSequential()
            self.body.add(nn.Dense(256, activation='relu'), nn.Dense(128, activation='relu'))
            self.out = nn.Dense(2)

    def hybrid_forward(self, F, x):
        return self.out(self.body(x))
'''}),
    Example('another correct HybridMLP', {'HybridMLP': '''\
class HybridMLP(nn.HybridBlock):
    def __init__(self, **kwargs):
        super(HybridMLP, self).__init__(**kwargs)
        self.layers = [nn.Dense(256), nn.Dense(128)]
        for i, layer in enumerate(self.layers):
            self.register_child(layer, f'hidden{i}')
        self.output = nn.Dense(2)

    def hybrid_forward(self, F, x):
        for layer in self.layers:              # a loop over layers, not over values: fine
            x = F.maximum(layer(x), 0)
        return self.output(x)
'''}),
    Example('another correct benchmark', {'benchmark': '''\
def benchmark(fn, repeats):
    nd.waitall()
    start = time.perf_counter()
    for _ in range(repeats):
        fn()
        nd.waitall()                           # waits after every call: slower, still honest
    return float(time.perf_counter() - start)
'''}),
    Example('another correct benchmark', {'benchmark': '''\
def benchmark(fn, repeats):
    timer = d2l.Timer()
    for _ in range(repeats):
        fn()
    nd.waitall()
    return timer.stop()
'''}),
    Example('another correct export_and_load', {'export_and_load': '''\
import os

def export_and_load(net, prefix):
    net.hybridize()
    net(nd.random.normal(shape=(2, 512)))
    net.export(prefix, epoch=0)
    folder, name = os.path.split(prefix)
    return gluon.SymbolBlock.imports(os.path.join(folder, name + '-symbol.json'), ['data'],
                                     os.path.join(folder, name + '-0000.params'))
'''}),
    Example('bug (the demo): HybridMLP', {'HybridMLP': _mlp('''\
        x = nd.relu(self.hidden1(x))
        x = nd.relu(self.hidden2(x))
        return self.output(x)''')},
            fails={'HybridMLP.hybridized', 'outcome.exported_mlp', 'outcome.hidden_data'}, whole=True,
            student='example-bug'),
    Example('crash (the demo): export_and_load', {'export_and_load': '''\
def export_and_load(net, prefix):
    """Export the hybridized `net` (inputs of 512 features) under `prefix`; return the SymbolBlock loaded back."""
    net(nd.zeros((1, 512)))
    net.export(prefix)
    return gluon.SymbolBlock.imports(prefix + '-symbol.json', ['data'], prefix + '-0001.params')
'''},
            fails={'export_and_load.after_forward', 'export_and_load.fresh_net', 'outcome.exported_mlp',
                   'outcome.hidden_data'}, whole=True, student='example-crash'),
)
