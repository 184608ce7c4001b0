"""Float64 references the sequence chapters' judges share (rnn_scratch, gru_lstm): the book's character-level
language-model pipeline, so each assignment's checks recompute the same thing the same way."""
from __future__ import annotations

import numpy as np


def onehot(indices, size):
    return np.eye(size)[np.asarray(indices, dtype=int)]


def mean_cross_entropy(outputs, Y):
    """The book's loss: outputs concatenated over time (time-major), labels Y.T flattened, mean."""
    logits = np.concatenate(outputs, axis=0)
    labels = np.asarray(Y).T.reshape(-1).astype(int)
    logits = logits - logits.max(axis=1, keepdims=True)
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return -log_p[np.arange(len(labels)), labels].mean()


def clipped(grads, theta):
    """The book's grad_clipping: every gradient scaled by theta / (global L2 norm) when that norm exceeds theta."""
    norm = np.sqrt(sum((g ** 2).sum() for g in grads))
    return [g * (theta / norm) for g in grads] if norm > theta else [g.copy() for g in grads]


def consecutive_batches(corpus, batch_size, num_steps):
    """The book's data_iter_consecutive, as (X, Y) index arrays."""
    corpus = np.asarray(corpus)
    batch_len = len(corpus) // batch_size
    indices = corpus[:batch_size * batch_len].reshape(batch_size, batch_len)
    return [(indices[:, i:i + num_steps], indices[:, i + 1:i + num_steps + 1])
            for i in range(0, ((batch_len - 1) // num_steps) * num_steps, num_steps)]
