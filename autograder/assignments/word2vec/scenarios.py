"""word2vec: scenarios — run in the student's process (students can read this file); they call the student's
functions on the judge's inputs and report plain values, never verdicts.

Ragged lists (contexts, negatives) cross the boundary as one padded array plus their lengths, so thousands of
windows cost one blob instead of thousands of list items."""
from __future__ import annotations

import numpy as np

from autograder.harness import call_student, nd_array, plain, scenario

MAX_ROWS = 20_000          # more rows than any check sends is malformed output, reported as such


def _ragged(rows, what):
    """(padded int array with -1, lengths) of a list of lists of ints, or a string saying what came back."""
    if not isinstance(rows, (list, tuple)):
        return None, None, f"{what} is {_kind(rows)}, not a list"
    if len(rows) > MAX_ROWS:
        return None, None, f"{what} has {len(rows)} items"
    try:
        rows = [[int(v) for v in row] for row in rows]
    except (TypeError, ValueError):
        bad = next((row for row in rows if not isinstance(row, (list, tuple))), rows[0] if rows else None)
        return None, None, f"{what} holds {_kind(bad)} items, not lists of word indices"
    lengths = np.array([len(row) for row in rows], dtype=np.int64)
    padded = np.full((len(rows), max(lengths.max(initial=0), 1)), -1, dtype=np.int64)
    for i, row in enumerate(rows):
        padded[i, :len(row)] = row
    return padded, lengths, None


def _kind(value):
    return f"a {type(value).__name__}"


def _unflatten(flat, lengths):
    out, start = [], 0
    for n in lengths:
        out.append([int(v) for v in flat[start:start + int(n)]])
        start += int(n)
    return out


@scenario
def centers_and_contexts(ns, tokens, lengths, max_window_size):
    """get_centers_and_contexts on the judge's sentences (`tokens` cut into sentences of `lengths`)."""
    dataset = _unflatten(tokens, lengths)
    result = call_student(ns, "get_centers_and_contexts", dataset, int(max_window_size))
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        return {"error": f"returned {_kind(result)}, not the pair (centers, contexts)"}
    centers, contexts = result
    try:
        centers = np.array([int(c) for c in centers], dtype=np.int64)
    except (TypeError, ValueError):
        return {"error": "returned centers that are not a list of word indices"}
    padded, counts, error = _ragged(contexts, "contexts")
    if error:
        return {"error": f"returned {error}"}
    return {"centers": centers, "contexts": padded, "lengths": counts}


@scenario
def negatives(ns, contexts, lengths, weights, K):
    """get_negatives on the judge's contexts (flat, cut by `lengths`) and sampling weights."""
    all_contexts = _unflatten(contexts, lengths)
    result = call_student(ns, "get_negatives", all_contexts, [float(w) for w in weights], int(K))
    padded, counts, error = _ragged(result, "the negatives")
    if error:
        return {"error": f"returned {error}"}
    return {"negatives": padded, "lengths": counts}


@scenario
def batchify_on(ns, centers, contexts, context_lengths, negatives, negative_lengths):
    """batchify on a list of (center, context, negative) examples, as the DataLoader hands it a batch."""
    data = list(zip([int(c) for c in centers], _unflatten(contexts, context_lengths),
                    _unflatten(negatives, negative_lengths)))
    result = call_student(ns, "batchify", data)
    if not isinstance(result, (tuple, list)) or len(result) != 4:
        return {"error": f"returned {_kind(result)}"
                         + (f" of {len(result)} items" if isinstance(result, (tuple, list)) else "")}
    return {"outputs": [plain(value) for value in result]}


@scenario
def skip_gram_on(ns, center, contexts_and_negatives, weight_v, weight_u):
    """skip_gram with two Embedding layers holding the judge's weights."""
    from mxnet.gluon import nn
    layers = []
    for weight in (weight_v, weight_u):
        embed = nn.Embedding(input_dim=weight.shape[0], output_dim=weight.shape[1])
        embed.initialize()
        embed.weight.set_data(nd_array(weight))
        layers.append(embed)
    out = call_student(ns, "skip_gram", nd_array(center), nd_array(contexts_and_negatives), *layers)
    return {"value": plain(out)}
