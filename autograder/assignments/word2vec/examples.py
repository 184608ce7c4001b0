"""word2vec: example submissions — classic mistakes (each with the checks it must fail), other correct styles
(which must fail nothing), and the demo's buggy and crashing students. `selftest` grades each. No example runs
whole: there is no outcome to compare (assignment.py)."""
from autograder.examples import Example

CENTERS = '''\
def get_centers_and_contexts(dataset, max_window_size):
    centers, contexts = [], []
    for st in dataset:
        if len(st) < 2:
            continue
        centers += st
        for center_i in range(len(st)):
            window_size = {window}
            indices = list(range(max(0, center_i - window_size),
                                 min(len(st), center_i + 1 + window_size)))
            {remove}
            contexts.append([st[idx] for idx in indices{filter}])
    return centers, contexts
'''


def centers(window="random.randint(1, max_window_size)", remove="indices.remove(center_i)", filter=""):
    return {"get_centers_and_contexts": CENTERS.format(window=window, remove=remove, filter=filter)}


NEGATIVES = '''\
def get_negatives(all_contexts, sampling_weights, K):
    all_negatives, neg_candidates, i = [], [], 0
    population = list(range(len(sampling_weights)))
    for contexts in all_contexts:
        negatives = []
        while len(negatives) < {count}:
            if i == len(neg_candidates):
                i, neg_candidates = 0, random.choices(population, {weights}k=int(1e5))
            neg, i = neg_candidates[i], i + 1
            if {accept}:
                negatives.append(neg)
        all_negatives.append(negatives)
    return all_negatives
'''


def negatives(count="len(contexts) * K", weights="sampling_weights, ", accept="neg not in set(contexts)"):
    return {"get_negatives": NEGATIVES.format(count=count, weights=weights, accept=accept)}


BATCHIFY = '''\
def batchify(data):
    max_len = max(len(c) + len(n) for _, c, n in data)
    centers, contexts_negatives, masks, labels = [], [], [], []
    for center, context, negative in data:
        cur_len = len(context) + len(negative)
        centers += [center]
        contexts_negatives += [context + negative + [0] * (max_len - cur_len)]
        masks += [{mask}]
        labels += [{label}]
    return (nd.array(centers){centers_shape}, nd.array(contexts_negatives),
            nd.array(masks), nd.array(labels))
'''


def batchify(mask="[1] * cur_len + [0] * (max_len - cur_len)",
             label="[1] * len(context) + [0] * (max_len - len(context))", centers_shape=".reshape((-1, 1))"):
    return {"batchify": BATCHIFY.format(mask=mask, label=label, centers_shape=centers_shape)}


EXAMPLES = (
    Example("get_centers_and_contexts: the center counted as its own context", centers(remove="pass"),
            fails={"get_centers_and_contexts.windows"}),
    Example("get_centers_and_contexts: a fixed window (no random size)", centers(window="max_window_size"),
            fails={"get_centers_and_contexts.window_sizes"}),
    Example("get_centers_and_contexts: window off by one (1..max+1)",
            centers(window="random.randint(1, max_window_size + 1)"),
            fails={"get_centers_and_contexts.windows", "get_centers_and_contexts.window_sizes"}),
    Example("get_centers_and_contexts: excludes every word equal to the center",
            centers(remove="pass", filter=" if st[idx] != st[center_i]"),
            fails={"get_centers_and_contexts.repeated_words"}),
    Example("get_negatives: noise words may be context words", negatives(accept="True"),
            fails={"get_negatives.excludes_contexts"}),
    Example("get_negatives: uniform noise words (sampling_weights ignored)", negatives(weights=""),
            fails={"get_negatives.distribution"}),
    Example("get_negatives: K noise words per center instead of K per context word", negatives(count="K"),
            fails={"get_negatives.count"}),
    Example("batchify: labels 1 on the negatives", batchify(label="[1] * cur_len + [0] * (max_len - cur_len)"),
            fails={"batchify.labels"}),
    Example("batchify: masks 1 on the padding", batchify(mask="[1] * max_len"),
            fails={"batchify.masks"}),
    Example("skip_gram: swapaxes missing", {"skip_gram": """\
def skip_gram(center, contexts_and_negatives, embed_v, embed_u):
    v = embed_v(center)
    u = embed_u(contexts_and_negatives)
    return nd.batch_dot(v, u)
"""}, fails={"skip_gram.shape", "skip_gram.values"}),
    Example("skip_gram: embed_u and embed_v swapped", {"skip_gram": """\
def skip_gram(center, contexts_and_negatives, embed_v, embed_u):
    v = embed_u(center)
    u = embed_v(contexts_and_negatives)
    return nd.batch_dot(v, u.swapaxes(1, 2))
"""}, fails={"skip_gram.values"}),
    Example("other correct styles: numpy windows and slices; numpy noise words, weights renormalised without the "
            "contexts", {"get_centers_and_contexts": """\
import numpy as np

def get_centers_and_contexts(dataset, max_window_size):
    centers, contexts = [], []
    for st in (s for s in dataset if len(s) >= 2):
        for i, word in enumerate(st):
            w = int(np.random.randint(1, max_window_size + 1))
            centers.append(word)
            contexts.append(st[max(0, i - w):i] + st[i + 1:i + 1 + w])
    return centers, contexts
""",
            "get_negatives": """\
import numpy as np

def get_negatives(all_contexts, sampling_weights, K):
    weights = np.asarray(sampling_weights, dtype=np.float64)
    out = []
    for contexts in all_contexts:
        w = weights.copy()
        w[list(set(contexts))] = 0
        out.append([int(i) for i in np.random.choice(len(w), size=K * len(contexts), p=w / w.sum())])
    return out
"""}),
    Example("other correct styles: batchify into preallocated arrays; skip_gram as a product and sum", {"batchify": """\
def batchify(data):
    max_len = max(len(c) + len(n) for _, c, n in data)
    B = len(data)
    centers = nd.zeros((B, 1))
    contexts_negatives, masks, labels = nd.zeros((B, max_len)), nd.zeros((B, max_len)), nd.zeros((B, max_len))
    for k, (center, context, negative) in enumerate(data):
        row = list(context) + list(negative)
        centers[k, 0] = center
        contexts_negatives[k, :len(row)] = nd.array(row)
        masks[k, :len(row)] = 1
        labels[k, :len(context)] = 1
    return centers, contexts_negatives, masks, labels
""",
            "skip_gram": """\
def skip_gram(center, contexts_and_negatives, embed_v, embed_u):
    v = embed_v(center)                            # (B, 1, d)
    u = embed_u(contexts_and_negatives)            # (B, L, d)
    return nd.broadcast_mul(v, u).sum(axis=2).expand_dims(1)
"""}),
    Example("bug (the demo): get_centers_and_contexts", {"get_centers_and_contexts": '''\
def get_centers_and_contexts(dataset, max_window_size):
    """Every word of every sentence of at least 2 words as a center, with the words within a window of
    random size 1..max_window_size on each side (the center's own position excluded) as its contexts."""
    centers, contexts = [], []
    for st in dataset:
        if len(st) < 2:
            continue
        centers += st
        for center_i in range(len(st)):
            window_size = random.randint(1, max_window_size)
            indices = range(max(0, center_i - window_size), min(len(st), center_i + 1 + window_size))
            contexts.append([st[idx] for idx in indices])
    return centers, contexts
'''}, fails={"get_centers_and_contexts.windows"}, student="example-bug"),
    Example("crash (the demo): batchify", {"batchify": '''\
def batchify(data):
    """A list of (center, context, negative) examples → (centers (B, 1), contexts_negatives (B, max_len),
    masks (B, max_len), labels (B, max_len)), rows padded with 0s."""
    centers = nd.array([center for center, _, _ in data]).reshape((-1, 1))
    contexts_negatives = nd.array([context + negative for _, context, negative in data])
    masks = nd.ones_like(contexts_negatives)
    labels = nd.array([[1] * len(context) + [0] * len(negative) for _, context, negative in data])
    return centers, contexts_negatives, masks, labels
'''}, fails={"batchify.layout", "batchify.masks", "batchify.labels"}, student="example-crash"),
)
