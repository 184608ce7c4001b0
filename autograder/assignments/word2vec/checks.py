"""Checks for word2vec (section 10.3): get_centers_and_contexts, get_negatives, batchify, skip_gram.

Every stub is judged on inputs the judge chooses: sentences of distinct word indices (so a context's position is
known from its value), small vocabularies with chosen sampling weights, ragged examples for batchify, and two
Embedding layers holding the judge's weights for skip_gram. The notebook's own embedding is not graded (no
OUTCOME): nearest neighbours on a small corpus are not a verdict, and the stubs are all judged directly.

Two checks are statistical (window sizes, the negatives' distribution). Each compares the observed frequency of
every outcome with its probability using Hoeffding's inequality and a union bound over the outcomes, so a
correct solution fails with probability below FALSE_FAILURE = 1e-9 whatever the random seed."""
from __future__ import annotations

import math

import numpy as np

from autograder.checks import check
from autograder.checks.expect import close, fail, malformed_reply, numbers, same_values, shape, show

A = "word2vec"
FALSE_FAILURE = 1e-9


def hoeffding_margin(n: int, outcomes: int, delta: float = FALSE_FAILURE) -> float:
    """t such that P(some |frequency - p| >= t) <= delta for n independent draws over `outcomes` outcomes:
    2 * outcomes * exp(-2 n t²) <= delta (Hoeffding, two-sided, union bound)."""
    return math.sqrt(math.log(2 * outcomes / delta) / (2 * n))


# ---- get_centers_and_contexts ----

def _sentences(lengths):
    """Sentences of distinct word indices 0, 1, 2, ... cut by `lengths`; token → (sentence, position)."""
    tokens = np.arange(int(np.sum(lengths)))
    where, start = {}, 0
    for s, n in enumerate(lengths):
        for i in range(n):
            where[start + i] = (s, i)
        start += n
    return tokens, where


def _pairs(probe, lengths, max_window, tokens=None):
    if tokens is None:
        tokens, _ = _sentences(lengths)
    reply = probe.run("centers_and_contexts", tokens=np.asarray(tokens, np.float64),
                      lengths=np.asarray(lengths, np.float64), max_window_size=max_window)
    with malformed_reply("get_centers_and_contexts"):
        if "error" in reply:
            fail(f"get_centers_and_contexts {reply['error']}: return (centers, contexts), a list of center word "
                 "indices and a list of their context lists")
        centers = np.asarray(reply["centers"]).astype(int).reshape(-1)
        lens = np.asarray(reply["lengths"]).astype(int).reshape(-1)
        padded = np.asarray(reply["contexts"]).astype(int)
        if len(centers) != len(lens):
            fail(f"get_centers_and_contexts returned {len(centers)} centers but {len(lens)} context lists: one "
                 "context list per center")
        return centers, [list(padded[k, :lens[k]]) for k in range(len(lens))]


def _window_of(center_pos, positions, length):
    """The window size w whose positions (centre excluded) these are, or None if they are not such a window."""
    for w in range(0, length + 1):
        expected = [p for p in range(max(0, center_pos - w), min(length, center_pos + w + 1)) if p != center_pos]
        if sorted(positions) == expected:
            return w
    return None


@check(A, "get_centers_and_contexts", "windows", points=1)
def centers_windows(probe):
    """Sentences of distinct words: every context list must be the positions within w ≤ max of its centre,
    the centre's own position excluded; one-word sentences give no centre."""
    rng = np.random.default_rng(31)
    lengths = [1, 2, 3] + list(rng.integers(1, 13, size=40)) + [1, 9]
    max_window = 3
    tokens, where = _sentences(lengths)
    centers, contexts = _pairs(probe, lengths, max_window)
    expected = sorted(int(t) for t in tokens if lengths[where[int(t)][0]] >= 2)
    for center, context in zip(centers, contexts):
        if center not in where:
            fail(f"get_centers_and_contexts returned the center {center}, which is no word of the dataset")
        s, i = where[center]
        n = lengths[s]
        if n < 2:
            fail(f"get_centers_and_contexts made a center of the only word of a one-word sentence: sentences of "
                 "fewer than 2 words give no (center, context) pair; skip them")
        if any(c not in where or where[c][0] != s for c in context):
            fail(f"get_centers_and_contexts gave the center at position {i} of a {n}-word sentence context words "
                 "from outside its sentence: windows stop at the sentence's ends")
        positions = [where[c][1] for c in context]
        if i in positions:
            fail(f"get_centers_and_contexts counted the center as its own context (position {i} of a {n}-word "
                 f"sentence has contexts at positions {sorted(positions)}): remove the center's position from "
                 "its window")
        w = _window_of(i, positions, n)
        if w == 0:
            fail(f"get_centers_and_contexts gave the center at position {i} of a {n}-word sentence no context: "
                 f"the window size is drawn from 1..max_window_size (here 1..{max_window}), never 0")
        if w is None:
            fail(f"get_centers_and_contexts gave the center at position {i} of a {n}-word sentence contexts at "
                 f"positions {sorted(positions)}: expected every position within a window of w words on each "
                 f"side (1 ≤ w ≤ {max_window}), clipped at the sentence's ends, the center excluded")
        if w > max_window:          # the smallest w giving these positions: clipped windows cannot hide it
            fail(f"get_centers_and_contexts used a window of {w} words with max_window_size = {max_window}: the "
                 f"size is drawn from 1..{max_window} (random.randint includes both ends; don't add 1)")
    if sorted(int(c) for c in centers) != expected:
        fail(f"get_centers_and_contexts returned {len(centers)} centers for sentences holding {len(expected)} "
             "words in sentences of at least 2 words: every such word is a center once")


@check(A, "get_centers_and_contexts", "window_sizes", points=1)
def centers_window_sizes(probe):
    """Statistical: the window size of each centre is uniform on 1..max. Centres at least max words from both
    ends of a 15-word sentence show their window size w as the largest distance of a context; 2,000 of them
    are compared with probability 1/max for each size (Hoeffding, false failure < 1e-9)."""
    max_window, length, sentences = 5, 15, 400
    lengths = [length] * sentences
    tokens, where = _sentences(lengths)
    centers, contexts = _pairs(probe, lengths, max_window)
    sizes = []
    for center, context in zip(centers, contexts):
        if center not in where:
            continue
        s, i = where[center]
        if max_window <= i < length - max_window:
            sizes.append(max([abs(where[c][1] - i) for c in context if c in where and where[c][0] == s],
                             default=0))
    n = len(sizes)
    if n < 1000:
        fail(f"get_centers_and_contexts returned only {n} of the {sentences * (length - 2 * max_window)} centers "
             "far from their sentence's ends: every word of every sentence is a center")
    sizes = np.array(sizes)
    outside = sorted(set(int(w) for w in sizes if not 1 <= w <= max_window))
    if outside:
        fail(f"get_centers_and_contexts drew window sizes {outside} with max_window_size = {max_window}: draw "
             f"each size from 1..{max_window} (random.randint(1, max_window_size) includes both ends)")
    freq = np.array([(sizes == w).mean() for w in range(1, max_window + 1)])
    if freq[-1] == 1.0:
        fail(f"get_centers_and_contexts always used the full window of {max_window} words: draw each center's "
             f"window size uniformly from 1..max_window_size (the book's random.randint(1, max_window_size))")
    margin = hoeffding_margin(n, max_window)
    if np.abs(freq - 1 / max_window).max() >= margin:
        fail(f"get_centers_and_contexts drew window sizes 1..{max_window} with frequencies {show(freq)} over {n} "
             f"centers; each should be {1 / max_window:.2f} (± {margin:.3f}): draw the size uniformly from "
             f"1..max_window_size, once per center")


@check(A, "get_centers_and_contexts", "repeated_words", points=0.5)
def centers_repeated_words(probe):
    """A word repeated within a sentence is a context of itself at another position: only the centre's
    position is excluded, not its value."""
    lengths, tokens = [4, 2, 3], [7, 7, 7, 7, 3, 3, 5, 5, 5]
    centers, contexts = _pairs(probe, lengths, 2, tokens=tokens)
    if sorted(int(c) for c in centers) != sorted(tokens):
        fail(f"get_centers_and_contexts returned centers {sorted(int(c) for c in centers)} for the sentences "
             f"[7, 7, 7, 7], [3, 3], [5, 5, 5]; expected each word once: {sorted(tokens)}")
    for center, context in zip(centers, contexts):
        if not context or any(c != center for c in context):
            fail(f"get_centers_and_contexts gave a center {center} of a sentence made only of {center}s the "
                 f"contexts {context}: the same word at another position is a context; exclude the center's "
                 "position, not every word equal to it")


# ---- get_negatives ----

def _negatives(probe, contexts, weights, K):
    flat = [c for ctx in contexts for c in ctx]
    reply = probe.run("negatives", contexts=np.asarray(flat, np.float64),
                      lengths=np.asarray([len(c) for c in contexts], np.float64),
                      weights=np.asarray(weights, np.float64), K=K)
    with malformed_reply("get_negatives"):
        if "error" in reply:
            fail(f"get_negatives {reply['error']}: return one list of noise word indices per center")
        padded = np.asarray(reply["negatives"]).astype(int)
        lens = np.asarray(reply["lengths"]).astype(int).reshape(-1)
        if len(lens) != len(contexts):
            fail(f"get_negatives returned {len(lens)} lists for {len(contexts)} centers: one list per center")
        return [list(padded[k, :lens[k]]) for k in range(len(lens))]


def _count_problem(seed):
    rng = np.random.default_rng(seed)
    vocab = 20
    weights = rng.uniform(0.5, 10, size=vocab) ** 0.75
    p = weights / weights.sum()
    contexts = [list(rng.choice(vocab, size=rng.integers(1, 7), p=p)) for _ in range(40)]
    return contexts, weights


@check(A, "get_negatives", "count", points=1)
def negatives_count(probe):
    for seed, K in ((41, 5), (42, 2)):
        contexts, weights = _count_problem(seed)
        negatives = _negatives(probe, contexts, weights, K)
        for ctx, neg in zip(contexts, negatives):
            if any(not 0 <= v < len(weights) for v in neg):
                fail(f"get_negatives returned noise words {sorted(set(neg))[:8]} for a vocabulary of "
                     f"{len(weights)} words: draw indices 0..{len(weights) - 1}")
            if len(neg) != K * len(ctx):
                hint = (" (K in all, not K per context word)" if len(neg) == K else "")
                fail(f"get_negatives drew {len(neg)} noise words{hint} for a center with {len(ctx)} context words "
                     f"and K = {K}; expected K * len(contexts) = {K * len(ctx)}")


@check(A, "get_negatives", "excludes_contexts", points=1)
def negatives_exclude_contexts(probe):
    contexts, weights = _count_problem(43)
    negatives = _negatives(probe, contexts, weights, 5)
    for ctx, neg in zip(contexts, negatives):
        inside = sorted(set(int(v) for v in neg) & set(int(c) for c in ctx))
        if inside:
            fail(f"get_negatives drew the noise words {inside}, which are context words of that same center "
                 f"(contexts {sorted(set(int(c) for c in ctx))}): reject a candidate that is in the center's "
                 "contexts and draw again")


@check(A, "get_negatives", "distribution", points=1)
def negatives_distribution(probe):
    """Statistical: with contexts [0, 1] for 400 centres and K = 5, the noise words (those not in the contexts)
    are drawn in proportion to sampling_weights among words 2..5. Compared by Hoeffding's bound over the 4
    words: a correct solution fails with probability < 1e-9."""
    weights = np.array([3.0, 6.0, 8.0, 2.0, 5.0, 1.0])
    contexts = [[0, 1]] * 400
    negatives = _negatives(probe, contexts, weights, 5)
    drawn = np.array([v for neg in negatives for v in neg if v in (2, 3, 4, 5)])
    n = len(drawn)
    if n < 1000:
        fail(f"get_negatives drew only {n} noise words for 400 centers with 2 context words each and K = 5: "
             "draw K per context word")
    freq = np.array([(drawn == v).mean() for v in (2, 3, 4, 5)])
    expected = weights[2:] / weights[2:].sum()
    margin = hoeffding_margin(n, 4)
    if np.abs(freq - expected).max() >= margin:
        uniform = " (uniform: sampling_weights ignored?)" if np.abs(freq - 0.25).max() < margin else ""
        fail(f"get_negatives drew the words 2..5 with frequencies {show(freq)}{uniform} over {n} draws; with "
             f"sampling_weights {show(weights)} and words 0, 1 the contexts, expected {show(expected)} "
             f"(± {margin:.3f}): draw noise words in proportion to sampling_weights")


# ---- batchify ----

def _batch_examples():
    rng = np.random.default_rng(51)
    data = [(1, [2, 2], [3, 3, 3, 3]), (1, [2, 2, 2], [3, 3])]          # the book's x_1, x_2
    for n in (1, 4, 2):
        data.append((int(rng.integers(1, 30)), list(rng.integers(1, 30, size=n)),
                     list(rng.integers(1, 30, size=5 * n))))
    return data


def _batchify(probe):
    data = _batch_examples()
    reply = probe.run("batchify_on", centers=np.array([d[0] for d in data], np.float64),
                      contexts=np.array([c for d in data for c in d[1]], np.float64),
                      context_lengths=np.array([len(d[1]) for d in data], np.float64),
                      negatives=np.array([c for d in data for c in d[2]], np.float64),
                      negative_lengths=np.array([len(d[2]) for d in data], np.float64))
    with malformed_reply("batchify"):
        if "error" in reply:
            fail(f"batchify {reply['error']}: return (centers, contexts_negatives, masks, labels)")
        outputs = [numbers(v, function="batchify", what="returned, among its four results,")
                   for v in reply["outputs"]]
    max_len = max(len(c) + len(n) for _, c, n in data)
    B = len(data)
    expected = {"centers": np.array([[d[0]] for d in data], float),
                "contexts_negatives": np.zeros((B, max_len)), "masks": np.zeros((B, max_len)),
                "labels": np.zeros((B, max_len))}
    for k, (_, c, n) in enumerate(data):
        expected["contexts_negatives"][k, :len(c) + len(n)] = c + n
        expected["masks"][k, :len(c) + len(n)] = 1
        expected["labels"][k, :len(c)] = 1
    return dict(zip(expected, outputs)), expected, data


def _what(data):
    return f"{len(data)} examples (the book's (1, [2, 2], [3, 3, 3, 3]) and (1, [2, 2, 2], [3, 3]) first)"


@check(A, "batchify", "layout", points=1)
def batchify_layout(probe):
    got, expected, data = _batchify(probe)
    if got["centers"].shape != expected["centers"].shape:
        fail(f"batchify returned centers of shape {shape(got['centers'])} for {_what(data)}; expected "
             f"{expected['centers'].shape}: one row per example, reshape((-1, 1)), as skip_gram's batch_dot needs")
    if not close(got["centers"], expected["centers"]):
        fail(f"batchify returned centers {show(got['centers'])}; expected {show(expected['centers'])}")
    cn = got["contexts_negatives"]
    if cn.shape != expected["contexts_negatives"].shape:
        fail(f"batchify returned contexts_negatives of shape {shape(cn)} for {_what(data)}; expected "
             f"{expected['contexts_negatives'].shape}: pad every row to the longest context + negatives")
    if not close(cn, expected["contexts_negatives"]):
        fail(f"batchify's contexts_negatives row for (1, [2, 2], [3, 3, 3, 3]) is {show(cn[0], 8)}; expected "
             f"{show(expected['contexts_negatives'][0], 8)}: contexts, then negatives, then 0s up to max_len")


@check(A, "batchify", "masks", points=1)
def batchify_masks(probe):
    got, expected, data = _batchify(probe)
    masks = got["masks"]
    if masks.shape == expected["masks"].shape and close(masks, np.ones_like(masks)):
        fail("batchify's masks are 1 on the padding too: a mask is 1 on the contexts and negatives and 0 on "
             "the padding, so padded positions add nothing to the loss")
    if not close(masks, expected["masks"]):
        fail(f"batchify returned masks {show(masks.reshape(-1), 8)} (shape {shape(masks)}) for {_what(data)}; "
             f"expected 1 for each context and negative, then 0s: {show(expected['masks'].reshape(-1), 8)}")


@check(A, "batchify", "labels", points=1)
def batchify_labels(probe):
    got, expected, data = _batchify(probe)
    labels = got["labels"]
    if close(labels, expected["masks"]):
        fail("batchify's labels are 1 on the negatives too: a label is 1 for a context word only (the pairs "
             "that occur), 0 for the noise words and the padding")
    if not close(labels, expected["labels"]):
        fail(f"batchify returned labels {show(labels.reshape(-1), 8)} (shape {shape(labels)}) for {_what(data)}; "
             f"expected 1 for each context word, then 0s: {show(expected['labels'].reshape(-1), 8)}")


# ---- skip_gram ----

def _skip_gram(probe):
    rng = np.random.default_rng(61)
    vocab, d, B, L = 9, 4, 3, 6
    weight_v, weight_u = rng.normal(size=(vocab, d)), rng.normal(size=(vocab, d))
    center = rng.integers(0, vocab, size=(B, 1)).astype(float)
    cn = rng.integers(0, vocab, size=(B, L)).astype(float)
    reply = probe.run("skip_gram_on", center=center, contexts_and_negatives=cn, weight_v=weight_v,
                      weight_u=weight_u)
    with malformed_reply("skip_gram"):
        out = numbers(reply["value"], function="skip_gram")
    c, x = center.astype(int), cn.astype(int)
    expected = np.einsum("bd,bld->bl", weight_v[c[:, 0]], weight_u[x])[:, None, :]
    swapped = np.einsum("bd,bld->bl", weight_u[c[:, 0]], weight_v[x])[:, None, :]
    return out, expected, swapped


@check(A, "skip_gram", "shape", points=1)
def skip_gram_shape(probe):
    out, expected, _ = _skip_gram(probe)
    if out.shape != expected.shape:
        fail(f"skip_gram returned shape {shape(out)} for center (3, 1) and contexts_and_negatives (3, 6); "
             f"expected (batch, 1, max_len) = {expected.shape}: nd.batch_dot(v, u.swapaxes(1, 2))")


@check(A, "skip_gram", "values", points=1)
def skip_gram_values(probe):
    out, expected, swapped = _skip_gram(probe)
    if same_values(out, expected):
        return
    if same_values(out, swapped):
        fail("skip_gram looked the center up in embed_u and the contexts in embed_v: the center word's vector "
             "comes from embed_v, the context and noise words' from embed_u")
    fail(f"skip_gram returned {show(out)}; expected the inner products of the center's embed_v vector with each "
         f"context or noise word's embed_u vector: {show(expected)}")
