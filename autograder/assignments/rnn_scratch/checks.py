"""Checks for rnn_scratch: to_onehot, rnn, grad_clipping, predict_rnn, data_iter_consecutive, and a training on a
hidden corpus the judge recomputes step by step.

Every reference here is float64 numpy computed in the judge from the inputs the check chose; the student's
process only ever sees those inputs, never the expected values."""
from __future__ import annotations

import numpy as np

from autograder.checks import check
from autograder.checks.expect import close, fail, malformed_reply, numbers, shape, show
from autograder.checks.sequences import clipped, consecutive_batches, mean_cross_entropy, onehot
from autograder.checks.trajectory import stopped_message, trajectory, verify_steps

A = "rnn_scratch"
CHARS = "天地玄黄宇宙洪荒日月盈昃辰宿列张"        # the judge's own vocabulary (never the poems)


# ---- float64 references ----
def rnn_forward(params, inputs, H, activation=np.tanh, carry=True):
    """The tanh RNN over a list of (batch, vocab) inputs; `carry=False` is the classic mistake of starting every
    step from the initial state, `activation` another nonlinearity: both only to name mistakes."""
    W_xh, W_hh, b_h, W_hq, b_q = params
    H0, outputs = H, []
    for X in inputs:
        H = activation(X @ W_xh + (H if carry else H0) @ W_hh + b_h)
        outputs.append(H @ W_hq + b_q)
    return outputs, H

def rnn_gradient(params, inputs, H0, Y):
    """Backpropagation through time of the mean cross-entropy (the book's loss) with respect to every parameter;
    H0 is a constant (the state detached from the previous batch)."""
    W_xh, W_hh, b_h, W_hq, b_q = params
    Hs, outputs = [H0], []
    for X in inputs:
        Hs.append(np.tanh(X @ W_xh + Hs[-1] @ W_hh + b_h))
        outputs.append(Hs[-1] @ W_hq + b_q)
    n = len(inputs) * len(H0)
    grads = [np.zeros_like(p) for p in params]
    dH_next = np.zeros_like(H0)
    for t in reversed(range(len(inputs))):
        P = np.exp(outputs[t] - outputs[t].max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        P[np.arange(len(P)), np.asarray(Y)[:, t].astype(int)] -= 1
        dY = P / n
        grads[3] += Hs[t + 1].T @ dY
        grads[4] += dY.sum(axis=0)
        dA = (dY @ W_hq.T + dH_next) * (1 - Hs[t + 1] ** 2)
        grads[0] += inputs[t].T @ dA
        grads[1] += Hs[t].T @ dA
        grads[2] += dA.sum(axis=0)
        dH_next = dA @ W_hh.T
    return grads
def greedy(params, prefix_idx, num_chars, feed_prefix=True):
    """Greedy decoding (indices) and, per generated character, the sorted logits (for the float32 margin)."""
    H, output, logits = np.zeros((1, params[0].shape[1])), [prefix_idx[0]], []
    V = params[0].shape[0]
    for t in range(num_chars + len(prefix_idx) - 1):
        (Y,), H = rnn_forward(params, [onehot([output[-1]], V)], H)
        if feed_prefix and t < len(prefix_idx) - 1:
            output.append(prefix_idx[t + 1])
        else:
            output.append(int(Y[0].argmax()))
            logits.append(Y[0])
    return output, logits


def rnn_params(rng, vocab, hiddens, scale=1.0):
    return [rng.normal(scale=scale, size=(vocab, hiddens)), rng.normal(scale=scale, size=(hiddens, hiddens)),
            rng.normal(scale=scale * 0.5, size=hiddens), rng.normal(scale=scale, size=(hiddens, vocab)),
            rng.normal(scale=scale * 0.5, size=vocab)]


# ---- to_onehot ----

def _onehot_reply(probe, X, size):
    value, type_name = probe.call("to_onehot", X.astype(np.float64), size)
    if not isinstance(value, list):
        fail(f"to_onehot returned {'an' if type_name[0] in 'AEIOU' else 'a'} {type_name}; return a Python list "
             "with one (batch, size) NDArray per time step")
    return [numbers(v, function="to_onehot", what="returned a list holding") for v in value]


@check(A, "to_onehot", "layout", points=1.5)
def to_onehot_layout(probe):
    """X (batch 3, num_steps 5): a list of 5 arrays of shape (3, size); over the batch axis it is 3 of (5, size)."""
    X = np.random.default_rng(11).integers(0, 7, size=(3, 5))
    out = _onehot_reply(probe, X, 7)
    if len(out) == 3 and all(o.shape == (5, 7) for o in out):
        fail("to_onehot made one array per example (over the batch axis) for X of shape (3, 5): the list must "
             "be time-major, one (batch, size) array per time step — iterate over X.T, the columns of X")
    if len(out) != 5 or any(o.shape != (3, 7) for o in out):
        fail(f"to_onehot returned {len(out)} arrays of shapes {[shape(o) for o in out][:6]} for X of shape "
             "(batch 3, num_steps 5) and size 7; expected a list of 5 arrays of shape (3, 7)")


@check(A, "to_onehot", "values", points=0.5)
def to_onehot_values(probe):
    """A square X (4 x 4) so the shapes cannot tell the axes apart: the values must."""
    X = np.random.default_rng(12).integers(0, 9, size=(4, 4))
    value, _ = probe.call("to_onehot", X.astype(np.float64), 9)
    out = _onehot_reply(probe, X, 9)
    expected = [onehot(X[:, t], 9) for t in range(4)]
    if len(out) == 4 and all(close(o, onehot(X[t], 9)) for t, o in enumerate(out)):
        fail("to_onehot's t-th array encodes row t of X (one example) instead of column t (time step t of every "
             "example): iterate over X.T")
    for t, (o, e) in enumerate(zip(out, expected)):
        if not close(o, e):
            fail(f"to_onehot's array for time step {t} is {show(o)}; expected the one-hot rows of X[:, {t}] = "
                 f"{show(X[:, t])}, {show(e)}")
    dtypes = {getattr(v, "sent_dtype", "float32") for v in value}
    if dtypes != {"float32"}:
        fail(f"to_onehot returned arrays of dtype {', '.join(sorted(dtypes))}; the inputs of nd.dot with the "
             "float32 parameters must be float32 (nd.one_hot's default)")


# ---- rnn ----

def _rnn_case(seed, T=4, B=3, V=5, Hn=4):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(B, V)) for _ in range(T)], rng.normal(scale=0.5, size=(B, Hn)), \
        rnn_params(rng, V, Hn, scale=0.6)


def _rnn_reply(probe, inputs, H0, params):
    """(outputs, state) as rnn returned them: outputs a list of arrays; state a list of arrays, or None when rnn
    returned something other than a tuple there (the state check says so)."""
    reply = probe.run("rnn_call", function="rnn", inputs=inputs, H0=H0, params=params)
    with malformed_reply("rnn"):
        value, parts = reply["value"], reply["parts"]
        if not isinstance(value, list) or len(value) != 2:
            got = f"a {reply['type']}" if not isinstance(value, list) else f"{len(value)} values"
            fail(f"rnn returned {got}; return (outputs, (H,)): the list of outputs and the state tuple")
        outputs, state = value
        if not isinstance(outputs, list):
            fail("rnn's first result must be a list with one (batch, vocab) output per time step; got "
                 f"{shape(outputs)}")
        outputs = [numbers(o, function="rnn", what="returned an output") for o in outputs]
        if not isinstance(state, list):
            return outputs, None, parts[1]
        return outputs, [numbers(s, function="rnn", what="returned a state holding") for s in state], parts[1]


def _rnn_mistake(outputs, params, inputs, H0):
    """A name for a wrong rnn, recognised by its values."""
    for name, kwargs in (("the state is not carried from one time step to the next (every step starts from "
                          "the initial H): compute each H from the previous step's H", {"carry": False}),
                         ("it uses ReLU instead of tanh", {"activation": lambda a: np.maximum(a, 0)}),
                         ("it uses sigmoid instead of tanh", {"activation": lambda a: 1 / (1 + np.exp(-a))}),
                         ("the hidden state has no nonlinearity: apply nd.tanh", {"activation": lambda a: a})):
        variant, _ = rnn_forward(params, inputs, H0, **kwargs)
        if len(outputs) == len(variant) and all(close(o, v) for o, v in zip(outputs, variant)):
            return name
    return None


@check(A, "rnn", "outputs", points=2)
def rnn_outputs(probe):
    """Four time steps from a non-zero H0, random (not one-hot) inputs: the recurrence and tanh must both show."""
    inputs, H0, params = _rnn_case(21)
    outputs, _, _ = _rnn_reply(probe, inputs, H0, params)
    expected, _ = rnn_forward(params, inputs, H0)
    if len(outputs) != len(expected):
        fail(f"rnn returned {len(outputs)} outputs for {len(inputs)} time steps; expected one per step")
    if all(close(o, e) for o, e in zip(outputs, expected)):
        return
    mistake = _rnn_mistake(outputs, params, inputs, H0)
    if mistake:
        fail(f"rnn's outputs show that {mistake}")
    bad = next(t for t, (o, e) in enumerate(zip(outputs, expected)) if not close(o, e))
    fail(f"rnn's output at time step {bad} is {show(outputs[bad])}; expected {show(expected[bad])} "
         "(H = tanh(X W_xh + H W_hh + b_h), output H W_hq + b_q)")


@check(A, "rnn", "state", points=1)
def rnn_state(probe):
    """The state returned is (H,) after the last step, so consecutive batches can continue from it."""
    inputs, H0, params = _rnn_case(22, T=3, B=2, V=6, Hn=5)
    _, state, kind = _rnn_reply(probe, inputs, H0, params)
    _, H = rnn_forward(params, inputs, H0)
    if state is None:
        fail(f"rnn returned its state as {'an' if kind[:1] in 'AEIOU' else 'a'} {kind}: return it as a tuple (H,), "
             "like init_rnn_state, so the training loop and the next batch can continue from it")
    if len(state) != 1:
        fail(f"rnn returned a state of {len(state)} arrays; the RNN's state is (H,), one array")
    if close(state[0], H0):
        fail("rnn returned the state it was given: return the H of the last time step")
    if not close(state[0], H):
        _, wrong = rnn_forward(params, inputs, H0, carry=False)
        if close(state[0], wrong):
            fail("rnn's final state shows the state is not carried from one time step to the next: compute "
                 "each H from the previous step's H")
        fail(f"rnn's final state H is {show(state[0])}; expected {show(H)} after {len(inputs)} steps")


# ---- grad_clipping ----

def _clip(probe, seed, grads, theta):
    """grad_clipping on parameters of the gradients' shapes; (gradients before, gradients after)."""
    values = [np.random.default_rng(seed).normal(size=g.shape) for g in grads]
    reply = probe.run("clip_grads", function="grad_clipping", values=values, grads=grads, theta=theta)
    with malformed_reply("grad_clipping"):
        after = [numbers(g, function="grad_clipping", what="left a gradient as") for g in reply["grads"]]
        params = [numbers(p, function="grad_clipping", what="left a parameter as") for p in reply["params"]]
    if any(not close(p, v) for p, v in zip(params, values)):
        fail("grad_clipping changed the parameters themselves: it must only rescale their gradients "
             "(param.grad[:] *= ...)")
    return grads, after


def _clip_mistake(grads, after, theta):
    if all(close(a, g) for a, g in zip(after, grads)):
        return ("left the gradients unchanged although their global norm is above theta: rescale them in place "
                "(param.grad[:] *= theta / norm; a new array assigned to a name changes nothing)")
    per_param = [g * min(1.0, theta / np.linalg.norm(g)) for g in grads]
    if all(close(a, p) for a, p in zip(after, per_param)):
        return ("clipped each parameter's gradient by its own norm: compute one norm over all gradients "
                "together, sqrt of the sum of every gradient's squares")
    return None


def _clip_failed(grads, after, expected, theta):
    mistake = _clip_mistake(grads, after, theta)
    if mistake:
        fail(f"grad_clipping {mistake}")
    fail(f"grad_clipping gave {show(after[0])} for the first gradient; expected {show(expected[0])} (global norm "
         f"{np.sqrt(sum((g ** 2).sum() for g in grads)):.3g}, theta {theta})")


@check(A, "grad_clipping", "scales_above", points=1)
def grad_clipping_scales_above(probe):
    """Gradients whose global norm is far above theta: each is multiplied by theta / global norm."""
    theta = 0.5
    rng = np.random.default_rng(31)
    grads, after = _clip(probe, 31, [rng.normal(scale=s, size=shape) for shape, s in
                                     (((4, 3), 1.0), ((3, 3), 2.0), ((3,), 0.5))], theta)
    expected = clipped(grads, theta)
    if all(close(a, e) for a, e in zip(after, expected)):
        return
    _clip_failed(grads, after, expected, theta)


@check(A, "grad_clipping", "global_norm", points=1)
def grad_clipping_global_norm(probe):
    """Every single gradient's norm is below theta but their global norm is above it: only a global clip acts."""
    theta = 1.0
    rng = np.random.default_rng(32)
    grads = [g * 0.8 / np.linalg.norm(g) for g in rng.normal(size=(5, 3, 2))]   # each 0.8, together 0.8·√5
    grads, after = _clip(probe, 32, grads, theta)
    expected = clipped(grads, theta)
    if all(close(a, e) for a, e in zip(after, expected)):
        return
    _clip_failed(grads, after, expected, theta)


@check(A, "grad_clipping", "below_unchanged", points=0.5)
def grad_clipping_below(probe):
    """A global norm below theta leaves the gradients as they are (clipping never scales up)."""
    theta = 10.0
    rng = np.random.default_rng(33)
    grads, after = _clip(probe, 33, [rng.normal(scale=0.3, size=(2, 3)), rng.normal(scale=0.3, size=3)], theta)
    if all(close(a, g) for a, g in zip(after, grads)):
        return
    norm = np.sqrt(sum((g ** 2).sum() for g in grads))
    if all(close(a, g * theta / norm) for a, g in zip(after, grads)):
        fail(f"grad_clipping scaled gradients of global norm {norm:.3g} up to theta = {theta}: rescale only when "
             "the norm is above theta")
    fail(f"grad_clipping changed gradients of global norm {norm:.3g}, below theta = {theta}: leave them as they are")


# ---- predict_rnn ----

def _predict_case(seed, V=7, Hn=5):
    """A tiny random RNN whose greedy choices all win by a clear margin (float32 cannot flip them)."""
    for attempt in range(100):
        rng = np.random.default_rng(seed * 1000 + attempt)
        params = rnn_params(rng, V, Hn, scale=1.0)
        prefix = rng.choice(V, size=3, replace=False).tolist()
        output, logits = greedy(params, prefix, 8)
        _, bad_logits = greedy(params, prefix, 8, feed_prefix=False)
        margins = [np.sort(l)[-1] - np.sort(l)[-2] for l in logits + bad_logits]
        if min(margins) > 1e-2 and len(set(output)) > 2:
            return params, prefix
    raise AssertionError("no well-separated RNN found")       # never: seeds are fixed and checked by tests


@check(A, "predict_rnn", "length", points=1)
def predict_rnn_length(probe):
    """As many characters as the prefix and num_chars together (what they are is the greedy check's business)."""
    params, prefix = _predict_case(41)
    text = "".join(CHARS[i] for i in prefix)
    for num_chars in (1, 6):
        out = _predict(probe, text, num_chars, params)
        if len(out) == num_chars:
            fail(f"predict_rnn('{text}', {num_chars}) returned {len(out)} characters: only the generated ones. "
                 "Return the prefix followed by them")
        if len(out) != len(text) + num_chars:
            fail(f"predict_rnn('{text}', {num_chars}) returned {len(out)} characters; expected the prefix and "
                 f"{num_chars} more, {len(text) + num_chars} in all (off by one in the loop's range?)")


def _predict(probe, text, num_chars, params):
    reply = probe.run("predict_call", function="predict_rnn", prefix=text, num_chars=num_chars, params=params,
                      num_hiddens=5, idx_to_char=list(CHARS[:params[0].shape[0]]))
    with malformed_reply("predict_rnn"):
        if not isinstance(reply["value"], str):
            fail(f"predict_rnn returned {'an' if reply['type'][0] in 'AEIOU' else 'a'} {reply['type']}; return "
                 "the string: ''.join(idx_to_char[i] for i in output)")
        return reply["value"]


@check(A, "predict_rnn", "greedy", points=1.5)
def predict_rnn_greedy(probe):
    """The judge's greedy decoding of its own RNN: prefix fed character by character, then argmax fed back."""
    params, prefix = _predict_case(42)
    text = "".join(CHARS[i] for i in prefix)
    out = _predict(probe, text, 8, params)
    expected = "".join(CHARS[i] for i in greedy(params, prefix, 8)[0])
    if out == expected:
        return
    fed_argmax = "".join(CHARS[i] for i in greedy(params, prefix, 8, feed_prefix=False)[0])
    if out == fed_argmax:
        fail(f"predict_rnn('{text}', 8) returned '{out}': during the prefix it fed its own argmax instead of "
             f"the prefix's next character; expected '{expected}'")
    if len(out) == len(expected) - len(text) and out == expected[len(text):]:
        fail(f"predict_rnn('{text}', 8) returned only the generated characters '{out}'; return the prefix too")
    if not out.startswith(text):
        fail(f"predict_rnn('{text}', 8) returned '{out}', which does not start with the prefix: the prefix's own "
             "characters are the first of the result (they are fed, not predicted)")
    fail(f"predict_rnn('{text}', 8) returned '{out}'; greedy decoding (feed the prefix, then the argmax of each "
         f"output, carrying the state) gives '{expected}'")


# ---- data_iter_consecutive ----

def _iter_case(probe, seed, length, batch_size, num_steps):
    corpus = np.random.default_rng(seed).permutation(length) + 100     # each value marks its position
    reply = probe.run("consecutive_batches", function="data_iter_consecutive", corpus=corpus.tolist(),
                      batch_size=batch_size, num_steps=num_steps)
    with malformed_reply("data_iter_consecutive"):
        if reply["cut_off"]:
            fail(f"data_iter_consecutive yielded far more batches than a corpus of {length} indices allows "
                 f"(batch size {batch_size}, {num_steps} steps): it was stopped")
        batches = []
        for item in reply["batches"]:
            if len(item) != 2:
                fail("data_iter_consecutive must yield pairs (X, Y)")
            batches.append([numbers(v, function="data_iter_consecutive", what="yielded") for v in item])
    return corpus, batches, consecutive_batches(corpus, batch_size, num_steps)


CASES = ((51, 103, 4, 5), (52, 60, 3, 4))      # seed, corpus length, batch size, steps


@check(A, "data_iter_consecutive", "shapes", points=1)
def data_iter_consecutive_shapes(probe):
    """(batch_len - 1) // num_steps batches of X and Y, each (batch_size, num_steps)."""
    for seed, length, batch_size, num_steps in CASES:
        _, batches, expected = _iter_case(probe, seed, length, batch_size, num_steps)
        if len(batches) != len(expected):
            fail(f"data_iter_consecutive yielded {len(batches)} batches for a corpus of {length} indices, batch "
                 f"size {batch_size}, {num_steps} steps; expected {len(expected)}: each of the {batch_size} rows "
                 f"holds {length // batch_size} indices, and (row length - 1) // num_steps batches fit, the labels "
                 "needing one more")
        for X, Y in batches:
            if X.shape != (batch_size, num_steps) or Y.shape != (batch_size, num_steps):
                fail(f"data_iter_consecutive yielded X {shape(X)} and Y {shape(Y)}; expected both "
                     f"({batch_size}, {num_steps}), (batch_size, num_steps)")


@check(A, "data_iter_consecutive", "labels_shifted", points=1)
def data_iter_consecutive_labels(probe):
    """Y holds, for every index in X, the index that follows it in the corpus."""
    for seed, length, batch_size, num_steps in CASES:
        corpus, batches, _ = _iter_case(probe, seed, length, batch_size, num_steps)
        position = {int(v): i for i, v in enumerate(corpus)}
        for X, Y in batches:
            if X.shape != Y.shape:
                continue           # the shapes check says so
            if np.array_equal(X, Y):
                fail("data_iter_consecutive yielded labels Y equal to the inputs X: the label of each character "
                     "is the one after it, Y = the same slice shifted by one")
            follows = [corpus[position[int(x)] + 1] if int(x) in position and position[int(x)] + 1 < length
                       else None for x in X.reshape(-1)]
            if not all(f is not None and f == y for f, y in zip(follows, Y.reshape(-1))):
                fail("data_iter_consecutive yielded labels Y that are not the indices following X's in the corpus: "
                     "Y must be X's slice shifted by one position")


@check(A, "data_iter_consecutive", "continuity", points=1)
def data_iter_consecutive_continuity(probe):
    """Row r of batch i+1 continues row r of batch i; row r is the r-th consecutive part of the corpus."""
    for seed, length, batch_size, num_steps in CASES:
        corpus, batches, expected = _iter_case(probe, seed, length, batch_size, num_steps)
        position = {int(v): i for i, v in enumerate(corpus)}
        for k, ((X, _), (E, _)) in enumerate(zip(batches, expected)):
            if X.shape == E.shape and np.array_equal(X, E):
                continue
            if X.ndim != 2 or not all(int(v) in position for v in X.reshape(-1)):
                fail(f"data_iter_consecutive's batch {k + 1} holds values that are not the corpus's: X = {show(X)}")
            starts = [position[int(row[0])] for row in X]
            if k > 0:
                prev = batches[k - 1][0]
                ends = [position[int(row[-1])] for row in prev] if prev.ndim == 2 else []
                gaps = sorted({s - e for s, e in zip(starts, ends)})
                if gaps and gaps != [1]:
                    how = "skips" if min(gaps) > 1 else "overlaps"
                    fail(f"data_iter_consecutive's batch {k + 1} {how} batch {k}: each row must start right after "
                         f"where the same row of the previous batch ended (gaps {gaps} indices), so the carried "
                         "hidden state continues the same text")
            fail(f"data_iter_consecutive's batch {k + 1} is X = {show(X)}; expected {show(E)}: the corpus cut into "
                 f"{batch_size} rows of {length // batch_size} consecutive indices, batch i holding columns "
                 f"i*num_steps to (i+1)*num_steps")


# ---- outcome: a hidden corpus, trained with the student's stubs, recomputed here ----

STUBS = ("to_onehot", "rnn", "grad_clipping", "predict_rnn", "data_iter_consecutive")
V, HIDDENS, BATCH, STEPS, EPOCHS = 6, 8, 4, 5, 5
LR, THETA = 2.0, 1.0


def hidden_corpus(rng, length=4 * (STEPS * 6 + 1)):
    """A repeating random cycle of the judge's symbols with 10% of positions replaced at random."""
    cycle = rng.permutation(V)
    corpus = np.resize(cycle, length)
    noisy = rng.random(length) < 0.1
    corpus[noisy] = rng.integers(0, V, size=noisy.sum())
    return corpus


def perplexity(params, corpus):
    """exp(mean cross-entropy) of the model run through the whole corpus as consecutive batches."""
    H, losses = np.zeros((BATCH, HIDDENS)), []
    for X, Y in consecutive_batches(corpus, BATCH, STEPS):
        outputs, H = rnn_forward(params, [onehot(X[:, t], V) for t in range(STEPS)], H)
        losses.append(mean_cross_entropy(outputs, Y))
    return float(np.exp(np.mean(losses)))


def _train_and_verify(probe, seed: int, what: str):
    rng = np.random.default_rng(seed)
    corpus = hidden_corpus(rng)
    params0 = rnn_params(rng, V, HIDDENS, scale=0.1)
    batches = consecutive_batches(corpus, BATCH, STEPS)
    idx_to_char = list(CHARS[:V])
    prefix = idx_to_char[int(corpus[0])] + idx_to_char[int(corpus[1])]
    reply = probe.run("train_rnn", corpus=corpus.tolist(), vocab_size=V, num_hiddens=HIDDENS, params0=params0,
                      batch_size=BATCH, num_steps=STEPS, lr=LR, theta=THETA, epochs=EPOCHS, prefix=prefix,
                      num_chars=10, idx_to_char=idx_to_char)
    how = f"trained with your stubs on {what}"
    steps = EPOCHS * len(batches)
    with malformed_reply(how):
        if reply.get("stopped"):
            fail(f"{how}: {stopped_message(reply['stopped'])}")
        if reply.get("cut_off"):
            fail(f"{how}: data_iter_consecutive yielded far more batches than the corpus allows")
        seen = reply["batches"]
        expected_batches = [b for _ in range(EPOCHS) for b in batches]
        if len(seen) != steps or not all(np.array_equal(np.asarray(x), e[0]) and np.array_equal(np.asarray(y), e[1])
                                         for (x, y), e in zip(seen, expected_batches)):
            fail(f"{how}: data_iter_consecutive's batches differ from the book's on this corpus")
        carry = {"H": None}

        def step(k, params):
            X, Y = expected_batches[k]
            H0 = np.zeros((BATCH, HIDDENS)) if k % len(batches) == 0 else carry["H"]
            inputs = [onehot(X[:, t], V) for t in range(STEPS)]
            carry["H"] = rnn_forward(params, inputs, H0)[1]
            grads = clipped(rnn_gradient(params, inputs, H0, Y), THETA)
            return [p - LR * g for p, g in zip(params, grads)]

        final = verify_steps(params0, trajectory(reply, ("W_xh", "W_hh", "b_h", "W_hq", "b_q"), steps, how), step,
                             how)
    before, after = perplexity(params0, corpus), perplexity(final, corpus)
    if not after < 0.75 * before:
        fail(f"{how}: perplexity went from {before:.2f} to only {after:.2f} (computed by the grader) in {steps} "
             "correct steps")
    _verify_prediction(reply, final, prefix, idx_to_char, how)


def _verify_prediction(reply, params, prefix, idx_to_char, how):
    """predict_rnn from the trained parameters must be greedy decoding of them; a character whose logit is within
    float32 noise of the best one is accepted as a tie."""
    text = reply.get("text")
    if not isinstance(text, str):
        fail(f"{how}: predict_rnn returned {reply.get('text_type')}, not a string")
    index = {c: i for i, c in enumerate(idx_to_char)}
    if len(text) != len(prefix) + 10 or not text.startswith(prefix) or any(c not in index for c in text):
        fail(f"{how}: predict_rnn('{prefix}', 10) returned '{text}'; expected the prefix and 10 characters")
    H = np.zeros((1, HIDDENS))
    for t in range(len(text) - 1):
        (Y,), H = rnn_forward(params, [onehot([index[text[t]]], V)], H)
        if t >= len(prefix) - 1 and Y[0][index[text[t + 1]]] < Y[0].max() - 1e-3:
            fail(f"{how}: predict_rnn('{prefix}', 10) returned '{text}', whose character {t + 2} is not the "
                 "argmax of the trained model's output (computed by the grader)")


@check(A, None, "training", points=2, timeout=120, requires=STUBS)
def training(probe):
    """Not the notebook's own training (it is cut short under grading): the student's stubs train a tiny RNN on a
    corpus the judge made, every step recomputed here, and the trained model must predict better."""
    _train_and_verify(probe, 6_000_001, "a corpus the grader made")


@check(A, None, "hidden_data", points=1, hidden=True, timeout=120, requires=STUBS)
def hidden_data(probe):
    _train_and_verify(probe, 6_000_003 + probe.hidden_seed, "a hidden corpus the notebook never saw")
