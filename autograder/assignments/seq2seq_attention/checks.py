"""Checks for seq2seq_attention (section 10.12): attention_forward, batch_loss, bleu.

attention_forward runs with the book's attention model holding the judge's weights and is compared with a
float64 recomputation. batch_loss runs with a toy encoder and decoder (scenarios.py) whose outputs the judge
recomputes in float64, so the loss of teacher forcing, the mask after <eos> and the mean over real tokens show in
one number. bleu is compared with hand-worked examples. Nothing is graded from the notebook's own training
(no OUTCOME; its BLEU is the book result, book.py)."""
from __future__ import annotations

import math
from collections import Counter

import numpy as np

from autograder.checks import check
from autograder.checks.expect import close, fail, malformed_reply, numbers, shape, show
from autograder.probes import StudentFailure

A = "seq2seq_attention"
PAD, BOS, EOS = 1, 2, 3          # the notebook's Vocabulary: <unk> 0, then the reserved <pad>, <bos>, <eos>


# ---- attention_forward ----

def _softmax(e, axis):
    z = np.exp(e - e.max(axis=axis, keepdims=True))
    return z / z.sum(axis=axis, keepdims=True)


def attention_scores(W1, W2, enc, dec):
    """e = Dense(1)(tanh(Dense(a)([enc_t; dec]))), shape (T, B, 1)."""
    both = np.concatenate([enc, np.broadcast_to(dec[None], enc.shape)], axis=2)
    return np.tanh(both @ W1.T) @ W2.T


def reference_attention(W1, W2, enc, dec, axis=0):
    return (_softmax(attention_scores(W1, W2, enc, dec), axis) * enc).sum(axis=0)


def _attention(probe, enc, dec, seed):
    rng = np.random.default_rng(seed)
    a, h = 5, enc.shape[2]
    W1, W2 = rng.normal(scale=0.7, size=(a, 2 * h)), rng.normal(scale=1.5, size=(1, a))
    reply = probe.run("attention_on", W1=W1, W2=W2, enc_states=enc, dec_state=dec)
    with malformed_reply("attention_forward"):
        return numbers(reply["value"], function="attention_forward"), W1, W2


@check(A, "attention_forward", "weights_sum_to_one", points=1)
def attention_weights_sum_to_one(probe):
    """With the same encoder state at every time step, weights that sum to 1 over time give back that state."""
    rng = np.random.default_rng(71)
    T, B, H = 5, 3, 4
    states = rng.normal(size=(B, H))
    enc = np.broadcast_to(states[None], (T, B, H)).copy()
    out, _, _ = _attention(probe, enc, rng.normal(size=(B, H)), 72)
    if out.shape != (B, H):
        fail(f"attention_forward returned shape {shape(out)} for enc_states (T, B, h) = {enc.shape} and dec_state "
             f"{(B, H)}; expected the context (B, h) = {(B, H)}: the weighted sum over the time steps (axis 0)")
    if not close(out, states):
        ratio = np.round(np.median(out / states, axis=1), 3)
        fail(f"attention_forward's weights do not sum to 1 over the time steps: with the same encoder state at all "
             f"{T} steps the context should be that state, but came out {show(ratio)} times it per example: "
             "softmax the scores over the time axis (axis 0 of (T, B, 1)), not over the batch")


@check(A, "attention_forward", "values", points=1)
def attention_values(probe):
    rng = np.random.default_rng(73)
    T, B, H = 6, 3, 4
    enc, dec = rng.normal(size=(T, B, H)), rng.normal(size=(B, H))
    out, W1, W2 = _attention(probe, enc, dec, 74)
    expected = reference_attention(W1, W2, enc, dec)
    if close(out, expected):
        return
    if close(out, reference_attention(W1, W2, enc, dec, axis=1)):
        fail("attention_forward took the softmax over the batch (axis 1): each example's weights are a "
             "distribution over its time steps, softmax over axis 0 of the (T, B, 1) scores")
    e = attention_scores(W1, W2, enc, dec)
    if close(out, (e * enc).sum(axis=0)):
        fail("attention_forward weighted the encoder states by the raw scores: turn them into weights with a "
             "softmax over the time steps first")
    if out.shape == enc.shape:
        fail(f"attention_forward returned shape {out.shape}, the weighted states of every step: sum them over the "
             f"time steps (axis 0) to get the context (B, h) = {(B, H)}")
    fail(f"attention_forward returned {show(out)} (shape {shape(out)}); expected the context {show(expected)} of "
         f"shape {(B, H)}: concatenate each enc_state with dec_state, score with the model, softmax over time, "
         "weighted sum of enc_states")


# ---- batch_loss ----

def _toy(seed, V=9, H=4):
    rng = np.random.default_rng(seed)
    return dict(E=rng.normal(size=(V, H)), A=rng.normal(scale=0.5, size=(H, H)), D=rng.normal(size=(V, H)),
                O=rng.normal(size=(H, V)), b=rng.normal(scale=0.3, size=(V,)))


def loss_terms(X, Y, p, feed="teacher", carry=True):
    """Per-step cross-entropies (T, B) of the toy decoder (scenarios.py) and the masks after <eos> (inclusive)."""
    enc = np.tanh(p["E"][X.astype(int)].transpose(1, 0, 2))
    h0 = enc.mean(axis=0)
    h, inp = h0, np.full(len(X), BOS)
    mask, losses, masks = np.ones(len(X)), [], []
    for y in Y.T.astype(int):
        h_new = np.tanh((h if carry else h0) @ p["A"] + p["D"][inp] + enc.mean(axis=0))
        logits = h_new @ p["O"] + p["b"]
        top = logits.max(axis=1, keepdims=True)
        losses.append((np.log(np.exp(logits - top).sum(axis=1)) + top[:, 0]) - logits[np.arange(len(y)), y])
        masks.append(mask.copy())
        mask = mask * (y != EOS)
        h, inp = h_new, (y if feed == "teacher" else logits.argmax(axis=1))
    return np.array(losses), np.array(masks)


def _batch_loss(probe, X, Y, p):
    reply = probe.run("batch_loss_on", X=X, Y=Y, **p)
    with malformed_reply("batch_loss"):
        out = numbers(reply["value"], function="batch_loss")
    if out.size != 1:
        fail(f"batch_loss returned shape {shape(out)}; expected one number, the mean loss over the real tokens")
    return float(out.reshape(-1)[0])


def _is(value, expected):
    return bool(np.isclose(value, expected, rtol=1e-4, atol=1e-5))


@check(A, "batch_loss", "teacher_forcing", points=1)
def batch_loss_teacher_forcing(probe):
    """Targets without <eos> or padding, so every position counts: the loss is the mean cross-entropy of the
    decoder fed <bos> and then the true previous word, its state carried from step to step."""
    rng = np.random.default_rng(81)
    X, Y = rng.integers(4, 9, size=(3, 5)).astype(float), rng.integers(4, 9, size=(3, 4)).astype(float)
    p = _toy(82)
    value = _batch_loss(probe, X, Y, p)
    L, _ = loss_terms(X, Y, p)
    if _is(value, L.mean()):
        return
    if _is(value, loss_terms(X, Y, p, feed="greedy")[0].mean()):
        fail("batch_loss fed the decoder its own predictions: with teacher forcing the input of each step is the "
             "true previous word (dec_input = y), starting from <bos>")
    if _is(value, loss_terms(X, Y, p, carry=False)[0].mean()):
        fail("batch_loss did not carry the decoder's state from step to step: keep the state each decoder call "
             "returns and pass it to the next call")
    if _is(value, L.sum()) or _is(value, L.sum() / len(X)):
        fail(f"batch_loss returned {value:.4f}, a sum; expected the mean over the real tokens, {L.mean():.4f}")
    fail(f"batch_loss returned {value:.4f} for targets without <eos> or padding; expected the mean cross-entropy "
         f"of the decoder with teacher forcing, {L.mean():.4f}: start from <bos>, feed the true previous word, "
         "carry the state")


@check(A, "batch_loss", "padding_masked", points=1)
def batch_loss_padding_masked(probe):
    """Targets of different lengths, each ended by <eos> and padded: positions after <eos> add nothing, and the
    loss is divided by the number of real tokens (<eos> included), not by all positions."""
    rng = np.random.default_rng(83)
    X = rng.integers(4, 9, size=(4, 6)).astype(float)
    Y = np.full((4, 6), PAD, dtype=float)
    for row, n in enumerate((1, 3, 5, 2)):
        Y[row, :n] = rng.integers(4, 9, size=n)
        Y[row, n] = EOS
    p = _toy(84)
    value = _batch_loss(probe, X, Y, p)
    L, M = loss_terms(X, Y, p)
    expected = (L * M).sum() / M.sum()
    if _is(value, expected):
        return
    if _is(value, L.mean()):
        fail(f"batch_loss averaged over the padding too ({value:.4f}): mask every position after <eos> and divide "
             f"by the number of real tokens, {expected:.4f}")
    if _is(value, (L * M).sum() / M.size):
        fail(f"batch_loss masked the padding but divided by all {M.size} positions: divide by the number of real "
             f"tokens ({int(M.sum())}, <eos> included), giving {expected:.4f}")
    no_eos = np.vstack([np.ones(len(X)), M[:-1] * (Y.T[:-1] != EOS)]) * (Y.T != EOS)
    if _is(value, (L * no_eos).sum() / no_eos.sum()):
        fail("batch_loss masked the <eos> token itself: <eos> is a real token the decoder must learn to emit; "
             "only the positions after it are padding")
    fail(f"batch_loss returned {value:.4f} for padded targets; expected {expected:.4f}, the mean cross-entropy over "
         "the tokens up to and including each <eos>")


# ---- bleu ----

def reference_bleu(pred, label, k, clip=True, brevity=True, weight=lambda n: 0.5 ** n):
    """The book's BLEU with clipped n-gram counts; orders longer than the prediction are skipped; an empty
    prediction scores 0."""
    if not pred:
        return 0.0
    score = math.exp(min(0.0, 1 - len(label) / len(pred))) if brevity else 1.0
    for n in range(1, min(k, len(pred)) + 1):
        pred_grams = Counter(tuple(pred[i:i + n]) for i in range(len(pred) - n + 1))
        label_grams = Counter(tuple(label[i:i + n]) for i in range(len(label) - n + 1))
        matches = sum(min(c, label_grams[g]) if clip else c * (g in label_grams) for g, c in pred_grams.items())
        score *= (matches / (len(pred) - n + 1)) ** weight(n)
    return score


def _bleu(probe, pred, label, k):
    value, _ = probe.call("bleu", pred.split(), label.split(), k)
    out = numbers(np.asarray(value, dtype=float) if isinstance(value, (int, float)) else value, function="bleu")
    if out.size != 1:
        fail(f"bleu returned shape {shape(out)}; expected one number")
    return float(out.reshape(-1)[0])


def _case(pred, label, k):
    return f"bleu({pred.split()}, {label.split()}, k={k})"


@check(A, "bleu", "extremes", points=1)
def bleu_extremes(probe):
    """A prediction equal to its label scores 1; one sharing no word with it scores 0."""
    for pred, k in (("ils regardent .", 2), ("i am tired today .", 3)):
        value = _bleu(probe, pred, pred, k)
        if not _is(value, 1.0):
            fail(f"{_case(pred, pred, k)} returned {value:.4f}; a prediction equal to its label scores 1")
    pred, label = "x y z", "a b c"
    value = _bleu(probe, pred, label, 2)
    if not _is(value, 0.0):
        fail(f"{_case(pred, label, 2)} returned {value:.4f}; with no word in common p_1 = 0, so BLEU is 0")


@check(A, "bleu", "brevity_penalty", points=1)
def bleu_brevity_penalty(probe):
    """Every n-gram of the prediction is in the label, so only the penalty for its shortness is left."""
    for pred, label, k in (("a b", "a b c d", 2), ("i am", "i am tired .", 1)):
        value, expected = _bleu(probe, pred, label, k), reference_bleu(pred.split(), label.split(), k)
        if _is(value, 1.0):
            fail(f"{_case(pred, label, k)} returned 1: a prediction shorter than its label is penalised by "
                 f"exp(min(0, 1 - len_label / len_pred)) = exp(-1), giving {expected:.4f}")
        if not _is(value, expected):
            fail(f"{_case(pred, label, k)} returned {value:.4f}; every n-gram matches, so BLEU is the brevity "
                 f"penalty exp(min(0, 1 - len_label / len_pred)) = {expected:.4f}")


def _any_weights(pred, label, k, **kwargs):
    return [reference_bleu(pred.split(), label.split(), k, weight=w, **kwargs)
            for w in (lambda n: 0.5 ** n, lambda n: 1 / k)]


@check(A, "bleu", "clipped_counts", points=1)
def bleu_clipped_counts(probe):
    """The book's 2019 builds counted a repeated n-gram of the prediction as often as it appears there. The
    weights are judged by their own check: any of the usual weightings passes here."""
    for pred, label, k in (("the the the", "the cat", 1), ("a a b a", "a b c", 2)):
        value = _bleu(probe, pred, label, k)
        expected = reference_bleu(pred.split(), label.split(), k)
        if any(_is(value, v) for v in _any_weights(pred, label, k)):
            continue
        if any(_is(value, v) for v in _any_weights(pred, label, k, clip=False)):
            fail(f"{_case(pred, label, k)} returned {value:.4f}: a repeated n-gram of the prediction was counted "
                 f"each time; count it at most as often as it occurs in the label (expected {expected:.4f})")
        fail(f"{_case(pred, label, k)} returned {value:.4f}; expected {expected:.4f} (clipped counts)")


@check(A, "bleu", "weights", points=1)
def bleu_weights(probe):
    pred, label, k = "a b c d e", "a b c x e", 3
    value, expected = _bleu(probe, pred, label, k), reference_bleu(pred.split(), label.split(), k)
    if _is(value, expected):
        return
    if _is(value, reference_bleu(pred.split(), label.split(), k, weight=lambda n: 1 / k)):
        fail(f"{_case(pred, label, k)} returned {value:.4f}, the plain geometric mean of p_1..p_k: the book weighs "
             f"p_n by 0.5^n, p_1^(1/2) * p_2^(1/4) * p_3^(1/8) = {expected:.4f}")
    fail(f"{_case(pred, label, k)} returned {value:.4f}; expected p_1^(1/2) * p_2^(1/4) * p_3^(1/8) with p_1 = 4/5, "
         f"p_2 = 2/4, p_3 = 1/3: {expected:.4f}")


@check(A, "bleu", "short_predictions", points=0.5)
def bleu_short_predictions(probe):
    """k beyond the prediction's length (the book divides by zero there): orders with no n-gram in the
    prediction are left out; an empty prediction (a translation that emits <eos> first) scores 0."""
    pred, k = "ils regardent", 4
    try:
        value = _bleu(probe, pred, pred, k)
    except StudentFailure as exc:
        fail(f"{exc.message} for {_case(pred, pred, k)}: with k beyond the prediction's length there are no "
             "n-grams of order n > len(pred_tokens) (len_pred - n + 1 <= 0): leave those orders out")
    if not _is(value, 1.0):
        fail(f"{_case(pred, pred, k)} returned {value:.4f}; a prediction equal to its label scores 1 even when "
             "k exceeds its length: leave out the orders n > len(pred_tokens), which have no n-gram to count")
    try:
        value = _bleu(probe, "", "a b c", 2)
    except StudentFailure as exc:
        fail(f"{exc.message} for an empty prediction (a translation that emits <eos> first): return 0 for it")
    if not _is(value, 0.0):
        fail(f"bleu([], ['a', 'b', 'c'], k=2) returned {value:.4f}; an empty prediction scores 0")
