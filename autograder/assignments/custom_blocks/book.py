"""custom_blocks (sections 4.1, 4.4): the book's examples — CenteredLayer on [1..5] gives [-2..2]; MyDense(3,
in_units=5) holds weight (5, 3) and bias (3,); a MySequential of Dense(256, relu), Dense(10) computes what
nn.Sequential does with the same layers; after a Dense layer CenteredLayer's output has mean 0."""
PROBE = """{
    "centered": CenteredLayer()(nd.array([1, 2, 3, 4, 5])).asnumpy().tolist(),
    "dense_params": {name.rsplit('_', 1)[-1]: list(p.shape)
                     for name, p in MyDense(3, in_units=5).collect_params().items()},
    "difference_to_sequential": (lambda seq, mine, X: (
        seq.add(nn.Dense(256, activation='relu'), nn.Dense(10)), seq.initialize(),
        [mine.add(child) for child in seq._children.values()],
        float((seq(X) - mine(X)).abs().max().asscalar()))[-1])(
            nn.Sequential(), MySequential(), nd.random.uniform(shape=(2, 20))),
    "centered_mean_after_dense": abs(float(y.mean().asscalar()))}"""
EXPECT = {"centered": [-2.0, -1.0, 0.0, 1.0, 2.0], "dense_params": {"bias": [3], "weight": [5, 3]},
          "difference_to_sequential": (None, 0.0), "centered_mean_after_dense": (None, 1e-5)}
TEST_DATA_LIMIT = 0
