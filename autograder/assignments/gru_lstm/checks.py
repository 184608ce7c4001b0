"""Checks for gru_lstm: the GRU's and the LSTM's equations against float64 references over several time steps, and a
training of each on a hidden corpus, every step recomputed here.

The classic mistakes are named by their values: each is a variant of the reference forward pass (`mistake=`)
that the check compares the student's outputs with when they are wrong."""
from __future__ import annotations

import numpy as np

from autograder.checks import check
from autograder.checks.expect import close, fail, malformed_reply, numbers, shape, show
from autograder.checks.sequences import clipped, consecutive_batches, mean_cross_entropy, onehot
from autograder.checks.trajectory import stopped_message, trajectory, verify_steps

A = "gru_lstm"
GRU_NAMES = ("W_xz", "W_hz", "b_z", "W_xr", "W_hr", "b_r", "W_xh", "W_hh", "b_h", "W_hq", "b_q")
LSTM_NAMES = ("W_xi", "W_hi", "b_i", "W_xf", "W_hf", "b_f", "W_xo", "W_ho", "b_o", "W_xc", "W_hc", "b_c",
              "W_hq", "b_q")


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


# ---- float64 references (and the mistakes, by name) ----

def gru_forward(params, inputs, state, mistake=None):
    W_xz, W_hz, b_z, W_xr, W_hr, b_r, W_xh, W_hh, b_h, W_hq, b_q = params
    H, = state
    outputs = []
    for X in inputs:
        Z = sigmoid(X @ W_xz + H @ W_hz + b_z)
        R = sigmoid(X @ W_xr + H @ W_hr + b_r)
        if mistake == "reset_after_product":
            H_tilda = np.tanh(X @ W_xh + R * (H @ W_hh) + b_h)
        elif mistake == "no_reset":
            H_tilda = np.tanh(X @ W_xh + H @ W_hh + b_h)
        elif mistake == "sigmoid_candidate":
            H_tilda = sigmoid(X @ W_xh + (R * H) @ W_hh + b_h)
        else:
            H_tilda = np.tanh(X @ W_xh + (R * H) @ W_hh + b_h)
        if mistake == "update_swapped":
            H = (1 - Z) * H + Z * H_tilda
        elif mistake == "gates_swapped":
            H = R * H + (1 - R) * np.tanh(X @ W_xh + (Z * H) @ W_hh + b_h)
        else:
            H = Z * H + (1 - Z) * H_tilda
        outputs.append(H @ W_hq + b_q)
    return outputs, (H,)


GRU_MISTAKES = {
    "reset_after_product": "the reset gate multiplies H·W_hh after the matrix product; it gates the state before "
                           "it: H̃ = tanh(X W_xh + (R ⊙ H) W_hh + b_h)",
    "no_reset": "the reset gate is not used in the candidate state: H̃ = tanh(X W_xh + (R ⊙ H) W_hh + b_h)",
    "sigmoid_candidate": "the candidate state uses sigmoid; it uses tanh: H̃ = tanh(X W_xh + (R ⊙ H) W_hh + b_h)",
    "update_swapped": "Z and 1 - Z are swapped in the update: H = Z ⊙ H + (1 - Z) ⊙ H̃ (Z near 1 keeps the old "
                      "state)",
    "gates_swapped": "the update gate Z and the reset gate R are swapped (check which weights make which gate)",
}


def lstm_forward(params, inputs, state, mistake=None):
    (W_xi, W_hi, b_i, W_xf, W_hf, b_f, W_xo, W_ho, b_o, W_xc, W_hc, b_c, W_hq, b_q) = params
    H, C = state
    outputs = []
    for X in inputs:
        I = sigmoid(X @ W_xi + H @ W_hi + b_i)
        F = sigmoid(X @ W_xf + H @ W_hf + b_f)
        O = sigmoid(X @ W_xo + H @ W_ho + b_o)
        act = sigmoid if mistake == "sigmoid_candidate" else np.tanh
        C_tilda = act(X @ W_xc + H @ W_hc + b_c)
        if mistake == "input_forget_swapped":
            C = I * C + F * C_tilda
        elif mistake == "no_forget":
            C = C + I * C_tilda
        else:
            C = F * C + I * C_tilda
        if mistake == "no_tanh_on_C":
            H = O * C
        elif mistake == "output_input_swapped":
            H = I * np.tanh(C)
        else:
            H = O * np.tanh(C)
        outputs.append(H @ W_hq + b_q)
    return outputs, (H, C)


LSTM_MISTAKES = {
    "no_tanh_on_C": "H = O ⊙ C without the tanh: the memory cell goes through tanh, H = O ⊙ tanh(C)",
    "input_forget_swapped": "the input gate and the forget gate are swapped: C = F ⊙ C + I ⊙ C̃ (F keeps the old "
                            "memory, I admits the new candidate)",
    "output_input_swapped": "the input gate is used where the output gate belongs: H = O ⊙ tanh(C)",
    "no_forget": "the forget gate is not applied to the old memory: C = F ⊙ C + I ⊙ C̃",
    "sigmoid_candidate": "the candidate memory uses sigmoid; it uses tanh: C̃ = tanh(X W_xc + H W_hc + b_c)",
}


def _gate(rng, V, Hn, scale):
    return [rng.normal(scale=scale, size=(V, Hn)), rng.normal(scale=scale, size=(Hn, Hn)),
            rng.normal(scale=scale * 0.5, size=Hn)]


def model_params(rng, gates, V, Hn, scale=0.6):
    """`gates` weight triples (input, hidden, bias), then the output layer W_hq, b_q."""
    params = [p for _ in range(gates) for p in _gate(rng, V, Hn, scale)]
    return params + [rng.normal(scale=scale, size=(Hn, V)), rng.normal(scale=scale * 0.5, size=V)]


MODELS = {"gru": (gru_forward, 3, 1, GRU_MISTAKES), "lstm": (lstm_forward, 4, 2, LSTM_MISTAKES)}
GRADIENTS = {"gru": "gru_gradient", "lstm": "lstm_gradient"}      # defined below, with the outcome


def _case(seed, model, T=4, B=3, V=5, Hn=4):
    _, gates, n_state, _ = MODELS[model]
    rng = np.random.default_rng(seed)
    inputs = [rng.normal(size=(B, V)) for _ in range(T)]
    state = [rng.normal(scale=0.5, size=(B, Hn)) for _ in range(n_state)]
    return inputs, state, model_params(rng, gates, V, Hn)


def _reply(probe, model, inputs, state, params):
    """(outputs, state or None, state's type): outputs a list of arrays; the state a list of arrays when the
    student returned a tuple or list."""
    reply = probe.run("gated_call", function=model, inputs=inputs, state=state, params=params)
    with malformed_reply(model):
        value, parts = reply["value"], reply["parts"]
        if not isinstance(value, list) or len(value) != 2:
            got = f"a {reply['type']}" if not isinstance(value, list) else f"{len(value)} values"
            fail(f"{model} returned {got}; return (outputs, state): the list of outputs and the state tuple")
        outputs, new_state = value
        if not isinstance(outputs, list):
            fail(f"{model}'s first result must be a list with one (batch, vocab) output per time step; got "
                 f"{shape(outputs)}")
        outputs = [numbers(o, function=model, what="returned an output") for o in outputs]
        if not isinstance(new_state, list):
            return outputs, None, parts[1]
        return outputs, [numbers(s, function=model, what="returned a state holding") for s in new_state], parts[1]


def _named_mistake(model, got, params, inputs, state, which):
    forward, _, _, mistakes = MODELS[model]
    for name, words in mistakes.items():
        expected = forward(params, inputs, state, mistake=name)
        variant = expected[0] if which == "outputs" else list(expected[1])
        if len(got) == len(variant) and all(close(g, v) for g, v in zip(got, variant)):
            return words
    return None


def _outputs_check(probe, model, seed):
    forward = MODELS[model][0]
    inputs, state, params = _case(seed, model)
    outputs, _, _ = _reply(probe, model, inputs, state, params)
    expected, _ = forward(params, inputs, state)
    if len(outputs) != len(expected):
        fail(f"{model} returned {len(outputs)} outputs for {len(inputs)} time steps; expected one per step")
    if all(close(o, e) for o, e in zip(outputs, expected)):
        return
    mistake = _named_mistake(model, outputs, params, inputs, state, "outputs")
    if mistake:
        fail(f"{model}'s outputs over {len(inputs)} steps show that {mistake}")
    bad = next(t for t, (o, e) in enumerate(zip(outputs, expected)) if not close(o, e))
    fail(f"{model}'s output at time step {bad} is {show(outputs[bad])}; the book's equations give "
         f"{show(expected[bad])}")


def _state_check(probe, model, seed):
    forward, _, n_state, _ = MODELS[model]
    inputs, state, params = _case(seed, model, T=3, B=2, V=6, Hn=5)
    _, got, kind = _reply(probe, model, inputs, state, params)
    _, expected = forward(params, inputs, state)
    names = "(H,)" if n_state == 1 else "(H, C)"
    if got is None:
        fail(f"{model} returned its state as {'an' if kind[:1] in 'AEIOU' else 'a'} {kind}: return it as a tuple "
             f"{names}, like its init function, so the next batch can continue from it")
    if len(got) != n_state:
        fail(f"{model} returned a state of {len(got)} arrays; expected {names}"
             + (": the memory cell C must be returned too, or the next step starts from a forgotten memory"
                if n_state == 2 and len(got) == 1 else ""))
    if all(close(g, e) for g, e in zip(got, expected)):
        return
    if all(close(g, s) for g, s in zip(got, state)):
        fail(f"{model} returned the state it was given: return the state after the last time step")
    mistake = _named_mistake(model, got, params, inputs, state, "state")
    if mistake:
        fail(f"{model}'s final state shows that {mistake}")
    fail(f"{model}'s final state is {', '.join(show(g) for g in got)}; the book's equations give "
         f"{', '.join(show(e) for e in expected)}")


@check(A, "gru", "outputs", points=2)
def gru_outputs(probe):
    """Four steps from a non-zero state: every gate and the recurrence show in the outputs."""
    _outputs_check(probe, "gru", 61)


@check(A, "gru", "state", points=1)
def gru_state(probe):
    """The final (H,) after three steps."""
    _state_check(probe, "gru", 62)


@check(A, "lstm", "outputs", points=2)
def lstm_outputs(probe):
    """Four steps from a non-zero (H, C): every gate, the memory cell and its tanh show in the outputs."""
    _outputs_check(probe, "lstm", 71)


@check(A, "lstm", "state", points=1)
def lstm_state(probe):
    """The final (H, C) after three steps: both, with the memory cell's own value."""
    _state_check(probe, "lstm", 72)


# ---- outcome: hidden corpus, trained with each model, recomputed here ----

V, HIDDENS, BATCH, STEPS, EPOCHS = 5, 6, 3, 4, 8
LR, THETA = 3.0, 1.0
def _softmax_grad(Y, labels, n):
    P = np.exp(Y - Y.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    P[np.arange(len(P)), labels] -= 1
    return P / n


def _gate_grads(grads, k, X, H_prev, dA, W_h):
    """Accumulate the gradients of gate k's (W_x, W_h, b) from dA, the gradient at its pre-activation; return
    what flows back into H_prev through W_h."""
    grads[3 * k] += X.T @ dA
    grads[3 * k + 1] += H_prev.T @ dA
    grads[3 * k + 2] += dA.sum(axis=0)
    return dA @ W_h.T


def gru_gradient(params, inputs, state, Y):
    """Backpropagation through time of the mean cross-entropy through the GRU, the state a constant (detached)."""
    W_xz, W_hz, b_z, W_xr, W_hr, b_r, W_xh, W_hh, b_h, W_hq, b_q = params
    H, = state
    cache = []
    for X in inputs:
        Z = sigmoid(X @ W_xz + H @ W_hz + b_z)
        R = sigmoid(X @ W_xr + H @ W_hr + b_r)
        H_tilda = np.tanh(X @ W_xh + (R * H) @ W_hh + b_h)
        H_new = Z * H + (1 - Z) * H_tilda
        cache.append((X, H, Z, R, H_tilda, H_new))
        H = H_new
    grads, n = [np.zeros_like(p) for p in params], len(inputs) * len(H)
    labels = np.asarray(Y).astype(int)
    dH_next = np.zeros_like(H)
    for t in reversed(range(len(inputs))):
        X, H_prev, Z, R, H_tilda, H_new = cache[t]
        dY = _softmax_grad(H_new @ W_hq + b_q, labels[:, t], n)
        grads[9] += H_new.T @ dY
        grads[10] += dY.sum(axis=0)
        dH = dY @ W_hq.T + dH_next
        dZ, dH_tilda, dH_prev = dH * (H_prev - H_tilda), dH * (1 - Z), dH * Z
        dA_h = dH_tilda * (1 - H_tilda ** 2)
        grads[6] += X.T @ dA_h
        grads[7] += (R * H_prev).T @ dA_h
        grads[8] += dA_h.sum(axis=0)
        dRH = dA_h @ W_hh.T
        dH_prev += dRH * R
        dH_prev += _gate_grads(grads, 0, X, H_prev, dZ * Z * (1 - Z), W_hz)
        dH_prev += _gate_grads(grads, 1, X, H_prev, dRH * H_prev * R * (1 - R), W_hr)
        dH_next = dH_prev
    return grads


def lstm_gradient(params, inputs, state, Y):
    """Backpropagation through time of the mean cross-entropy through the LSTM, (H, C) a constant (detached)."""
    (W_xi, W_hi, b_i, W_xf, W_hf, b_f, W_xo, W_ho, b_o, W_xc, W_hc, b_c, W_hq, b_q) = params
    H, C = state
    cache = []
    for X in inputs:
        I = sigmoid(X @ W_xi + H @ W_hi + b_i)
        F = sigmoid(X @ W_xf + H @ W_hf + b_f)
        O = sigmoid(X @ W_xo + H @ W_ho + b_o)
        C_tilda = np.tanh(X @ W_xc + H @ W_hc + b_c)
        C_new = F * C + I * C_tilda
        H_new = O * np.tanh(C_new)
        cache.append((X, H, C, I, F, O, C_tilda, C_new, H_new))
        H, C = H_new, C_new
    grads, n = [np.zeros_like(p) for p in params], len(inputs) * len(H)
    labels = np.asarray(Y).astype(int)
    dH_next, dC_next = np.zeros_like(H), np.zeros_like(C)
    for t in reversed(range(len(inputs))):
        X, H_prev, C_prev, I, F, O, C_tilda, C_new, H_new = cache[t]
        dY = _softmax_grad(H_new @ W_hq + b_q, labels[:, t], n)
        grads[12] += H_new.T @ dY
        grads[13] += dY.sum(axis=0)
        dH = dY @ W_hq.T + dH_next
        tanh_C = np.tanh(C_new)
        dC = dC_next + dH * O * (1 - tanh_C ** 2)
        dH_prev = _gate_grads(grads, 0, X, H_prev, dC * C_tilda * I * (1 - I), W_hi)
        dH_prev += _gate_grads(grads, 1, X, H_prev, dC * C_prev * F * (1 - F), W_hf)
        dH_prev += _gate_grads(grads, 2, X, H_prev, dH * tanh_C * O * (1 - O), W_ho)
        dH_prev += _gate_grads(grads, 3, X, H_prev, dC * I * (1 - C_tilda ** 2), W_hc)
        dH_next, dC_next = dH_prev, dC * F
    return grads
def hidden_corpus(rng, length=BATCH * (STEPS * 5 + 1)):
    """A repeating random cycle of the judge's symbols with 10% of positions replaced at random."""
    corpus = np.resize(rng.permutation(V), length)
    noisy = rng.random(length) < 0.1
    corpus[noisy] = rng.integers(0, V, size=noisy.sum())
    return corpus


def perplexity(model, params, corpus):
    forward, _, n_state, _ = MODELS[model]
    state, losses = tuple(np.zeros((BATCH, HIDDENS)) for _ in range(n_state)), []
    for X, Y in consecutive_batches(corpus, BATCH, STEPS):
        outputs, state = forward(params, [onehot(X[:, t], V) for t in range(STEPS)], state)
        losses.append(mean_cross_entropy(outputs, Y))
    return float(np.exp(np.mean(losses)))


def _train_and_verify(probe, model, seed, what):
    forward, gates, n_state, _ = MODELS[model]
    names = GRU_NAMES if model == "gru" else LSTM_NAMES
    rng = np.random.default_rng(seed)
    corpus = hidden_corpus(rng)
    params0 = model_params(rng, gates, V, HIDDENS, scale=0.3)
    batches = consecutive_batches(corpus, BATCH, STEPS)
    reply = probe.run("train_gated", function=model, corpus=corpus.tolist(), vocab_size=V, num_hiddens=HIDDENS,
                      params0=params0, batch_size=BATCH, num_steps=STEPS, lr=LR, theta=THETA, epochs=EPOCHS)
    how = f"{model} trained on {what}"
    steps = EPOCHS * len(batches)
    order = [b for _ in range(EPOCHS) for b in batches]
    carry = {"state": None}

    def step(k, params):
        X, Y = order[k]
        state0 = (tuple(np.zeros((BATCH, HIDDENS)) for _ in range(n_state)) if k % len(batches) == 0
                  else carry["state"])
        inputs = [onehot(X[:, t], V) for t in range(STEPS)]
        carry["state"] = forward(params, inputs, state0)[1]
        grads = globals()[GRADIENTS[model]](params, inputs, state0, Y)
        return [p - LR * g for p, g in zip(params, clipped(grads, THETA))]

    with malformed_reply(how):
        if reply.get("stopped"):
            fail(f"{how}: {stopped_message(reply['stopped'])}")
        final = verify_steps(params0, trajectory(reply, names, steps, how), step, how)
    before, after = perplexity(model, params0, corpus), perplexity(model, final, corpus)
    if not after < 0.8 * before:
        fail(f"{how}: perplexity went from {before:.2f} to only {after:.2f} (computed by the grader) in {steps} "
             "correct steps")


@check(A, None, "training", points=2, timeout=120, requires=("gru", "lstm"))
def training(probe):
    """Not the notebook's own training (cut short under grading): the student's gru and lstm each train a tiny model
    on a corpus the judge made, in the book's loop; every step is recomputed here and the perplexity must fall."""
    for model in ("gru", "lstm"):
        _train_and_verify(probe, model, 7_000_001, "a corpus the grader made")


@check(A, None, "hidden_data", points=1, hidden=True, timeout=120, requires=("gru", "lstm"))
def hidden_data(probe):
    for model in ("gru", "lstm"):
        _train_and_verify(probe, model, 7_000_003 + probe.hidden_seed, "a hidden corpus the notebook never saw")
