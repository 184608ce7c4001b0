"""multi_device: the lesson's claim, with the source notebook's own code — the book's LeNet variant trained with the
reference get_params / allreduce / split_and_load / train_batch on [cpu(0)] and on [cpu(0), cpu(1)], from the same
parameters on the same batches of Fashion-MNIST, ends with the same parameters (to float32 tolerance) and the
same test accuracy. (The notebook itself shuffles, so its two runs only land in the same band: book.py's EXPECT,
held by benchmarks/book_results.py.)"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from autograder.examples import solution_sources

SOURCE = Path(__file__).resolve().parents[2] / "course" / "source" / "multi_device" / "multi_device.ipynb"
STEPS, BATCH, LR = 4, 256, 0.2


def notebook_namespace():
    """The notebook's model cell and its four reference solutions, executed as the notebook would."""
    import nbformat
    nb = nbformat.read(str(SOURCE), as_version=4)
    ns: dict = {}
    exec("import time\nimport mxnet as mx\nfrom mxnet import autograd, gluon, init, nd\n"
         "from mxnet.gluon import loss as gloss, nn, utils as gutils\nfrom extension import d2l\n", ns)
    exec(next(c.source for c in nb.cells if c.get("id") == "model"), ns)
    for source in solution_sources(nb).values():
        exec(source, ns)
    return ns


@pytest.mark.slow
def test_one_and_two_cpu_contexts_train_the_same_model():
    import mxnet as mx
    from mxnet import nd
    from extension.fashion_mnist import load_arrays
    images, labels = load_arrays(train=True)
    test_images, test_labels = load_arrays(train=False)
    X_all = nd.array(images[:STEPS * BATCH].reshape(-1, 1, 28, 28) / 255.0)
    y_all = nd.array(labels[:STEPS * BATCH].astype(np.float32))
    results = []
    for devices in ([mx.cpu(0)], [mx.cpu(0), mx.cpu(1)]):
        ns = notebook_namespace()
        mx.random.seed(1)
        start = [nd.random.normal(scale=0.01, shape=p.shape) for p in ns["params"]]
        device_params = [ns["get_params"](start, c) for c in devices]
        for k in range(STEPS):
            ns["train_batch"](X_all[k * BATCH:(k + 1) * BATCH], y_all[k * BATCH:(k + 1) * BATCH], device_params,
                              devices, LR)
        assert all(str(p.context) == str(c) for c, copies in zip(devices, device_params) for p in copies)
        X_test = nd.array(test_images[:1000].reshape(-1, 1, 28, 28) / 255.0)
        predicted = ns["lenet"](X_test, device_params[0]).argmax(axis=1).asnumpy()
        results.append(([p.asnumpy() for p in device_params[0]], float(np.mean(predicted == test_labels[:1000]))))
    (one, acc_one), (two, acc_two) = results
    for p, q in zip(one, two):
        assert np.allclose(p, q, rtol=1e-3, atol=1e-5), np.abs(p - q).max()
    assert abs(acc_one - acc_two) <= 0.002
