"""custom_blocks: example submissions — classic mistakes (each with the checks it must fail), other correct
styles (which must fail nothing), and the demo's buggy and crashing students. `selftest` grades each."""
from autograder.examples import Example

EXAMPLES = (
    Example('MySequential: children kept in a plain list', {'MySequential': """\
class MySequential(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.blocks = []                    # invisible to collect_params() and initialize()

    def add(self, block):
        self.blocks.append(block)

    def forward(self, x):
        for block in self.blocks:
            x = block(x)
        return x
"""},
            fails=['MySequential.registers_children']),
    Example('MySequential: children applied last-added first', {'MySequential': """\
class MySequential(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    def add(self, block):
        self._children[block.name] = block

    def forward(self, x):
        for block in reversed(list(self._children.values())):
            x = block(x)
        return x
"""},
            fails=['MySequential.forward', 'MySequential.order']),
    Example('MySequential: super().__init__ forgotten', {'MySequential': """\
class MySequential(nn.Block):
    def __init__(self, **kwargs):
        self.count = 0

    def add(self, block):
        self._children[block.name] = block

    def forward(self, x):
        for block in self._children.values():
            x = block(x)
        return x
"""},
            fails=['MySequential.forward', 'MySequential.order', 'MySequential.registers_children']),
    Example('MySequential: every child applied to the input', {'MySequential': """\
class MySequential(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    def add(self, block):
        self.register_child(block)

    def forward(self, x):
        for block in self._children.values():
            out = block(x)
        return out
"""},
            fails=['MySequential.forward', 'MySequential.order']),
    Example('CenteredLayer: centred per column', {'CenteredLayer': """\
class CenteredLayer(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    def forward(self, x):
        return x - x.mean(axis=0)
"""},
            fails=['CenteredLayer.values', 'CenteredLayer.in_network']),
    Example('CenteredLayer: super().__init__ forgotten', {'CenteredLayer': """\
class CenteredLayer(nn.Block):
    def __init__(self, **kwargs):
        self.eps = 0.0

    def forward(self, x):
        return x - x.mean()
"""},
            fails=['CenteredLayer.values', 'CenteredLayer.in_network']),
    Example('MyDense: parameters not registered through self.params', {'MyDense': """\
class MyDense(nn.Block):
    def __init__(self, units, in_units, **kwargs):
        super().__init__(**kwargs)
        self.weight = nd.random.normal(scale=0.01, shape=(in_units, units))
        self.bias = nd.zeros(units)

    def forward(self, x):
        return nd.relu(nd.dot(x, self.weight) + self.bias)
"""},
            fails=['MyDense.parameters', 'MyDense.forward', 'MyDense.trainer_step']),
    Example('MyDense: weight of shape (units, in_units)', {'MyDense': """\
class MyDense(nn.Block):
    def __init__(self, units, in_units, **kwargs):
        super().__init__(**kwargs)
        self.weight = self.params.get('weight', shape=(units, in_units))
        self.bias = self.params.get('bias', shape=(units,))

    def forward(self, x):
        return nd.relu(nd.dot(x, self.weight.data().T) + self.bias.data())
"""},
            fails=['MyDense.parameters']),
    Example('MyDense: no ReLU', {'MyDense': """\
class MyDense(nn.Block):
    def __init__(self, units, in_units, **kwargs):
        super().__init__(**kwargs)
        self.weight = self.params.get('weight', shape=(in_units, units))
        self.bias = self.params.get('bias', shape=(units,))

    def forward(self, x):
        return nd.dot(x, self.weight.data()) + self.bias.data()
"""},
            fails=['MyDense.forward', 'MyDense.trainer_step']),
    Example('MyDense: the bias left out', {'MyDense': """\
class MyDense(nn.Block):
    def __init__(self, units, in_units, **kwargs):
        super().__init__(**kwargs)
        self.weight = self.params.get('weight', shape=(in_units, units))
        self.bias = self.params.get('bias', shape=(units,))

    def forward(self, x):
        return nd.relu(nd.dot(x, self.weight.data()))
"""},
            fails=['MyDense.forward', 'MyDense.trainer_step']),
    Example('another correct MySequential: register_child', {'MySequential': """\
class MySequential(nn.Block):
    def __init__(self, **kwargs):
        super(MySequential, self).__init__(**kwargs)

    def add(self, block):
        self.register_child(block)

    def forward(self, x):
        for child in self._children.values():
            x = child(x)
        return x
"""}),
    Example('another correct MySequential: an OrderedDict of its own, each child registered', {'MySequential': """\
from collections import OrderedDict

class MySequential(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.layers = OrderedDict()

    def add(self, block):
        self.layers[f'layer{len(self.layers)}'] = block
        self.register_child(block, f'layer{len(self.layers) - 1}')

    def forward(self, x):
        for block in self.layers.values():
            x = block(x)
        return x
"""}),
    Example('another correct MySequential: children as attributes', {'MySequential': """\
class MySequential(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.n = 0

    def add(self, block):
        setattr(self, f'block{self.n}', block)      # a Block attribute registers itself
        self.n += 1

    def forward(self, x):
        for i in range(self.n):
            x = getattr(self, f'block{i}')(x)
        return x
"""}),
    Example('another correct CenteredLayer: a HybridBlock', {'CenteredLayer': """\
class CenteredLayer(nn.HybridBlock):
    def hybrid_forward(self, F, x):
        return F.broadcast_sub(x, F.mean(x))
"""}),
    Example('another correct MyDense: FullyConnected on the input context', {'MyDense': """\
class MyDense(nn.Block):
    def __init__(self, units, in_units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        with self.name_scope():
            self.weight = self.params.get('weight', shape=(in_units, units))
            self.bias = self.params.get('bias', shape=(units,), init=init.Zero())

    def forward(self, x):
        W, b = self.weight.data(x.context), self.bias.data(x.context)
        return nd.FullyConnected(x, W.T, b, num_hidden=self.units).relu()
"""}),
    Example('bug (the demo): CenteredLayer', {'CenteredLayer': '''\
class CenteredLayer(nn.Block):
    """Subtracts the mean of all elements of its input."""
    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    def forward(self, x):
        return x - x.mean(axis=1, keepdims=True)
'''},
            fails=['CenteredLayer.values', 'CenteredLayer.in_network'], whole=True, student='example-bug'),
    Example('crash (the demo): MyDense', {'MyDense': '''\
class MyDense(nn.Block):
    """A dense layer with a ReLU: weight (in_units, units) and bias (units,) registered in self.params."""
    def __init__(self, units, in_units, **kwargs):
        super().__init__(**kwargs)
        self.weight = self.params.get('weight', shape=(in_units, units))
        self.bias = self.params.get('bias', shape=(units,))

    def forward(self, x):
        return nd.relu(nd.dot(x, self.weight) + self.bias)      # Parameters, not their .data()
'''},
            fails=['MyDense.forward', 'MyDense.trainer_step'], whole=True, student='example-crash'),
)
