"""resnet: example submissions — classic mistakes (each with the checks it must fail), other correct styles (which
must fail nothing), and the demo's buggy and crashing students. `selftest` grades each."""
from autograder.examples import Example

INIT = '''\
class Residual(nn.Block):
    def __init__(self, num_channels, use_1x1conv=False, strides=1, **kwargs):
        super(Residual, self).__init__(**kwargs)
        self.conv1 = nn.Conv2D(num_channels, kernel_size=3, padding=1, strides=strides)
        self.conv2 = nn.Conv2D(num_channels, kernel_size=3, padding=1)
        if use_1x1conv:
            self.conv3 = nn.Conv2D(num_channels, kernel_size=1, strides=strides)
        else:
            self.conv3 = None
        self.bn1 = nn.BatchNorm()
        self.bn2 = nn.BatchNorm()
'''

RELU_BEFORE_ADD = INIT + '''
    def forward(self, X):
        Y = nd.relu(self.bn1(self.conv1(X)))
        Y = nd.relu(self.bn2(self.conv2(Y)))
        if self.conv3:
            X = self.conv3(X)
        return Y + X
'''

EXAMPLES = (
    Example('Residual: no 1x1 shortcut when the shape changes', {'Residual': '''\
class Residual(nn.Block):
    def __init__(self, num_channels, use_1x1conv=False, strides=1, **kwargs):
        super(Residual, self).__init__(**kwargs)
        self.conv1 = nn.Conv2D(num_channels, kernel_size=3, padding=1, strides=strides)
        self.conv2 = nn.Conv2D(num_channels, kernel_size=3, padding=1)
        self.bn1 = nn.BatchNorm()
        self.bn2 = nn.BatchNorm()

    def forward(self, X):
        Y = nd.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        return nd.relu(Y + X)
'''},
            fails=['Residual.shapes', 'Residual.downsample_values']),
    Example('Residual: ReLU before the addition', {'Residual': RELU_BEFORE_ADD},
            fails=['Residual.values', 'Residual.downsample_values']),
    Example('Residual: strides on the second convolution', {'Residual': INIT.replace(
        "padding=1, strides=strides)\n        self.conv2 = nn.Conv2D(num_channels, kernel_size=3, padding=1)",
        "padding=1)\n        self.conv2 = nn.Conv2D(num_channels, kernel_size=3, padding=1, strides=strides)") + '''
    def forward(self, X):
        Y = nd.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3:
            X = self.conv3(X)
        return nd.relu(Y + X)
'''},
            fails=['Residual.downsample_values']),
    Example('Residual: 1x1 shortcut without the strides', {'Residual': INIT.replace(
        "kernel_size=1, strides=strides)", "kernel_size=1)") + '''
    def forward(self, X):
        Y = nd.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3:
            X = self.conv3(X)
        return nd.relu(Y + X)
'''},
            fails=['Residual.shapes', 'Residual.downsample_values']),
    Example('resnet_block: every Residual downsamples', {'resnet_block': '''\
def resnet_block(num_channels, num_residuals, first_block=False):
    blk = nn.Sequential()
    for i in range(num_residuals):
        if first_block:
            blk.add(Residual(num_channels))
        else:
            blk.add(Residual(num_channels, use_1x1conv=True, strides=2))
    return blk
'''},
            fails=['resnet_block.downsamples_first']),
    Example('resnet_block: first_block ignored', {'resnet_block': '''\
def resnet_block(num_channels, num_residuals, first_block=False):
    blk = nn.Sequential()
    for i in range(num_residuals):
        if i == 0:
            blk.add(Residual(num_channels, use_1x1conv=True, strides=2))
        else:
            blk.add(Residual(num_channels))
    return blk
'''},
            fails=['resnet_block.first_block']),
    Example('another correct Residual (HybridBlock, layers in a Sequential)', {'Residual': '''\
class Residual(nn.HybridBlock):
    def __init__(self, num_channels, use_1x1conv=False, strides=1, **kwargs):
        super().__init__(**kwargs)
        self.bn2 = nn.BatchNorm()
        self.body = nn.HybridSequential()
        self.body.add(nn.Conv2D(num_channels, 3, strides=strides, padding=1), nn.BatchNorm(),
                      nn.Activation('relu'), nn.Conv2D(num_channels, 3, padding=1))
        self.shortcut = nn.Conv2D(num_channels, 1, strides=strides) if use_1x1conv else None

    def hybrid_forward(self, F, X):
        Y = self.bn2(self.body(X))
        return F.relu(Y + (self.shortcut(X) if self.shortcut is not None else X))
'''}),
    Example('another correct resnet_block', {'resnet_block': '''\
def resnet_block(num_channels, num_residuals, first_block=False):
    blk = nn.Sequential()
    downsample = not first_block
    blk.add(Residual(num_channels, use_1x1conv=downsample, strides=2 if downsample else 1))
    blk.add(*[Residual(num_channels) for _ in range(num_residuals - 1)])
    return blk
'''}),
    Example('bug (the demo): Residual', {'Residual': RELU_BEFORE_ADD.replace('class Residual(nn.Block):\n', '''\
class Residual(nn.Block):
    """Residual block: relu(bn2(conv2(relu(bn1(conv1(X))))) + shortcut(X)); the shortcut is X itself, or a 1x1
    convolution with the same strides when use_1x1conv is True."""
''', 1)},
            fails=['Residual.values', 'Residual.downsample_values', 'outcome.training', 'outcome.hidden_data'],
            whole=True, student='example-bug'),
    Example('crash (the demo): resnet_block', {'resnet_block': '''\
def resnet_block(num_channels, num_residuals, first_block=False):
    """A stage of num_residuals Residual blocks; the first halves height and width with a 1x1 shortcut,
    unless first_block."""
    blk = nn.Sequential()
    blk.add([Residual(num_channels, use_1x1conv=(i == 0 and not first_block), strides=1 + (i == 0 and not first_block))
             for i in range(num_residuals)])
    return blk
'''},
            fails=['resnet_block.downsamples_first', 'resnet_block.first_block'],
            student='example-crash'),
)
