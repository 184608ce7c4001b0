"""Data for the `gan_gaussian` lesson: the book's 2-D Gaussian, X = Z·A + b with Z ~ N(0, I), seeded and local.

    data, data_iter = d2l.load_data_gaussian(A, b, batch_size=8)       # 1000 points, shuffled batches of X

When the grader sets D2L_DATA_LIMIT (see `d2l.data_limit`), only the first that many points are used, so the
notebook's 20 epochs take seconds while it is graded; nothing is graded from that training.
"""
from __future__ import annotations

import numpy as np


def load_data_gaussian(A, b, batch_size: int, num_examples: int = 1000, seed: int = 0):
    """(data, data_iter): `num_examples` points X = Z·A + b (Z standard normal, drawn with `seed`) as an NDArray
    on the default context, and a shuffled DataLoader yielding batches of them (X only, no labels)."""
    from mxnet.gluon import data as gdata
    from .d2l import data_limit, default_context
    A = np.asarray(A.asnumpy() if hasattr(A, "asnumpy") else A, dtype=np.float64).reshape(2, -1)
    b = np.asarray(b.asnumpy() if hasattr(b, "asnumpy") else b, dtype=np.float64).reshape(-1)
    Z = np.random.RandomState(seed).normal(0, 1, size=(int(num_examples), A.shape[0]))
    points = Z @ A + b
    limit = data_limit()
    if limit:
        points = points[:limit]
    from mxnet import nd
    data = nd.array(points, ctx=default_context())
    return data, gdata.DataLoader(gdata.ArrayDataset(data), batch_size, shuffle=True)
