"""Data-parallel throughput here: the multi_device lesson's LeNet variant trained with the reference data-parallel
step (get_params, allreduce, split_and_load, train_batch) on one CPU context (the baseline) and on two,
[cpu(0), cpu(1)], in the same process, rounds alternating; examples per second and the ratio.

Honest reading: cpu(0) and cpu(1) are two *contexts* of the same processor. MXNet keeps their arrays apart and
runs the same code as on two GPUs, but both share this machine's cores (2 here, shared with other work), so the
ratio shows the cost of splitting, copying and reducing — not a speed-up. On two real GPUs the book's
multi-GPU section measures the speed-up.

    .venv/bin/python benchmarks/multi_device_throughput.py [--batches 20] [--rounds 3]
"""
from __future__ import annotations

import argparse
import os
import statistics
import time


def reference_step():
    """The lesson's reference functions (the source notebook's solutions), defined here as the notebook does."""
    from mxnet import autograd, nd
    from mxnet.gluon import loss as gloss

    def lenet(X, params):
        h1 = nd.Pooling(data=nd.relu(nd.Convolution(data=X, weight=params[0], bias=params[1], kernel=(3, 3),
                                                    num_filter=20)), pool_type="avg", kernel=(2, 2), stride=(2, 2))
        h2 = nd.Pooling(data=nd.relu(nd.Convolution(data=h1, weight=params[2], bias=params[3], kernel=(5, 5),
                                                    num_filter=50)), pool_type="avg", kernel=(2, 2), stride=(2, 2))
        h3 = nd.relu(nd.dot(nd.flatten(h2), params[4]) + params[5])
        return nd.dot(h3, params[6]) + params[7]

    loss = gloss.SoftmaxCrossEntropyLoss()

    def get_params(params, ctx):
        copies = [p.copyto(ctx) for p in params]
        for p in copies:
            p.attach_grad()
        return copies

    def allreduce(data):
        for i in range(1, len(data)):
            data[0][:] += data[i].copyto(data[0].context)
        for i in range(1, len(data)):
            data[0].copyto(data[i])

    def split_and_load(data, ctx):
        m = data.shape[0] // len(ctx)
        return [data[i * m:(i + 1) * m].as_in_context(c) for i, c in enumerate(ctx)]

    def train_batch(X, y, device_params, ctx, lr):
        Xs, ys = split_and_load(X, ctx), split_and_load(y, ctx)
        with autograd.record():
            ls = [loss(lenet(X_i, W_i), y_i) for X_i, y_i, W_i in zip(Xs, ys, device_params)]
        for l in ls:
            l.backward()
        for i in range(len(device_params[0])):
            allreduce([device_params[c][i].grad for c in range(len(ctx))])
        for params_c in device_params:
            for p in params_c:
                p[:] = p - lr * p.grad / X.shape[0]

    return get_params, train_batch


def examples_per_second(n_devices, batches, batch_size=256):
    import mxnet as mx
    from mxnet import nd
    get_params, train_batch = reference_step()
    shapes = [(20, 1, 3, 3), (20,), (50, 20, 5, 5), (50,), (800, 128), (128,), (128, 10), (10,)]
    params = [nd.random.normal(scale=0.01, shape=s) for s in shapes]
    ctx = [mx.cpu(i) for i in range(n_devices)]
    device_params = [get_params(params, c) for c in ctx]
    X = nd.random.uniform(shape=(batch_size, 1, 28, 28))
    y = nd.random.randint(0, 10, shape=(batch_size,)).astype("float32")
    train_batch(X, y, device_params, ctx, 0.2)           # warm-up: allocation, operator selection
    nd.waitall()
    start = time.perf_counter()
    for _ in range(batches):
        train_batch(X, y, device_params, ctx, 0.2)
    nd.waitall()
    return batches * batch_size / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for r in range(args.rounds):
        one, two = examples_per_second(1, args.batches), examples_per_second(2, args.batches)
        rows.append(two / one)
        print(f"round {r + 1}: [cpu(0)] {one:.0f} examples/s, [cpu(0), cpu(1)] {two:.0f} examples/s, "
              f"ratio {two / one:.2f}")
    print(f"median ratio two contexts / one: {statistics.median(rows):.2f} — {os.cpu_count()} CPU cores shared "
          "by both contexts (and other work), no GPU: not a speed-up measurement")


if __name__ == "__main__":
    main()
