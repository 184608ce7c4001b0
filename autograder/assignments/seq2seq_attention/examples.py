"""seq2seq_attention: example submissions — classic mistakes (each with the checks it must fail), other correct
styles (which must fail nothing), and the demo's buggy and crashing students. `selftest` grades each. No example
runs whole: there is no outcome to compare (assignment.py)."""
from autograder.examples import Example

ATTENTION = '''\
def attention_forward(model, enc_states, dec_state):
    dec_states = nd.broadcast_axis(dec_state.expand_dims(0), axis=0, size=enc_states.shape[0])
    enc_and_dec_states = nd.concat(enc_states, dec_states, dim=2)
    e = model(enc_and_dec_states)
    alpha = {alpha}
    return (alpha * enc_states).sum(axis=0)
'''

LOSS = '''\
def batch_loss(encoder, decoder, X, Y, loss):
    batch_size = X.shape[0]
    enc_state = encoder.begin_state(batch_size=batch_size)
    enc_outputs, enc_state = encoder(X, enc_state)
    dec_state = decoder.begin_state(enc_state)
    dec_input = nd.array([out_vocab.token_to_idx[BOS]] * batch_size)
    mask, num_not_pad_tokens = nd.ones(shape=(batch_size,)), 0
    l = nd.array([0])
    for y in Y.T:
        dec_output, dec_state = decoder(dec_input, dec_state, enc_outputs)
        l = l + ({masked}).sum()
        dec_input = {next_input}
        num_not_pad_tokens += {count}
        mask = mask * (y != out_vocab.token_to_idx[EOS])
    return l / num_not_pad_tokens
'''


def loss(masked="mask * loss(dec_output, y)", next_input="y", count="mask.sum().asscalar()"):
    return {"batch_loss": LOSS.format(masked=masked, next_input=next_input, count=count)}


BLEU = '''\
import collections
import math


def bleu(pred_tokens, label_tokens, k):
    len_pred, len_label = len(pred_tokens), len(label_tokens)
    if len_pred == 0:
        return 0.0
    score = {penalty}
    for n in range(1, min(k, len_pred) + 1):
        num_matches, label_subs = 0, collections.defaultdict(int)
        for i in range(len_label - n + 1):
            label_subs[tuple(label_tokens[i: i + n])] += 1
        for i in range(len_pred - n + 1):
            if label_subs[tuple(pred_tokens[i: i + n])] > 0:
                num_matches += 1
                {clip}
        score *= math.pow(num_matches / (len_pred - n + 1), {weight})
    return score
'''


def bleu(penalty="math.exp(min(0, 1 - len_label / len_pred))", clip="label_subs[tuple(pred_tokens[i: i + n])] -= 1",
         weight="math.pow(0.5, n)"):
    return {"bleu": BLEU.format(penalty=penalty, clip=clip, weight=weight)}


EXAMPLES = (
    Example("attention_forward: softmax over the batch axis",
            {"attention_forward": ATTENTION.format(alpha="nd.softmax(e, axis=1)")},
            fails={"attention_forward.weights_sum_to_one", "attention_forward.values"}),
    Example("attention_forward: raw scores as weights (no softmax)",
            {"attention_forward": ATTENTION.format(alpha="e")},
            fails={"attention_forward.weights_sum_to_one", "attention_forward.values"}),
    Example("batch_loss: averaged over the padding", loss(masked="loss(dec_output, y)", count="batch_size"),
            fails={"batch_loss.padding_masked"}),
    Example("batch_loss: masked, but divided by all positions", loss(count="batch_size"),
            fails={"batch_loss.padding_masked"}),
    Example("batch_loss: no teacher forcing (feeds its own predictions)",
            loss(next_input="dec_output.argmax(axis=1)"),
            fails={"batch_loss.teacher_forcing", "batch_loss.padding_masked"}),
    Example("bleu: repeated n-grams not clipped (the book's 2019 builds)", bleu(clip="pass"),
            fails={"bleu.clipped_counts"}),
    Example("bleu: no brevity penalty", bleu(penalty="1.0"),
            fails={"bleu.brevity_penalty"}),
    Example("bleu: equal weights 1/k (a plain geometric mean)", bleu(weight="1 / k"),
            fails={"bleu.weights"}),
    Example("bleu: the book's code as printed (divides by zero when k exceeds the prediction)", {"bleu": """\
import collections
import math


def bleu(pred_tokens, label_tokens, k):
    len_pred, len_label = len(pred_tokens), len(label_tokens)
    score = math.exp(min(0, 1 - len_label / len_pred))
    for n in range(1, k + 1):
        num_matches, label_subs = 0, collections.defaultdict(int)
        for i in range(len_label - n + 1):
            label_subs[''.join(label_tokens[i: i + n])] += 1
        for i in range(len_pred - n + 1):
            if label_subs[''.join(pred_tokens[i: i + n])] > 0:
                num_matches += 1
                label_subs[''.join(pred_tokens[i: i + n])] -= 1
        score *= math.pow(num_matches / (len_pred - n + 1), math.pow(0.5, n))
    return score
"""}, fails={"bleu.short_predictions"}),
    Example("another correct attention_forward (stacked states, softmax by hand)", {"attention_forward": """\
def attention_forward(model, enc_states, dec_state):
    dec_states = nd.stack(*([dec_state] * enc_states.shape[0]))
    e = model(nd.concat(enc_states, dec_states, dim=2))
    w = (e - e.max(axis=0, keepdims=True)).exp()
    alpha = w / w.sum(axis=0, keepdims=True)
    return nd.broadcast_mul(alpha, enc_states).sum(axis=0)
"""}),
    Example("another correct batch_loss (mask computed up front)", {"batch_loss": """\
import numpy as np

def batch_loss(encoder, decoder, X, Y, loss):
    B = X.shape[0]
    enc_outputs, enc_state = encoder(X, encoder.begin_state(batch_size=B))
    dec_state = decoder.begin_state(enc_state)
    eos = out_vocab.token_to_idx[EOS]
    is_eos = (Y.asnumpy() == eos)
    real = (np.cumsum(is_eos, axis=1) - is_eos) == 0      # up to and including the first <eos>
    mask = nd.array(real.astype('float32'))
    inputs = [nd.full((B,), out_vocab.token_to_idx[BOS])] + [Y[:, t] for t in range(Y.shape[1] - 1)]
    total = nd.zeros((1,))
    for t, dec_input in enumerate(inputs):
        out, dec_state = decoder(dec_input, dec_state, enc_outputs)
        total = total + (loss(out, Y[:, t]) * mask[:, t]).sum()
    return total / mask.sum()
"""}),
    Example("another correct bleu (Counter, clipped by min)", {"bleu": """\
import math
from collections import Counter

def bleu(pred_tokens, label_tokens, k):
    if not pred_tokens:
        return 0.0
    score = math.exp(min(0.0, 1 - len(label_tokens) / len(pred_tokens)))
    for n in range(1, min(k, len(pred_tokens)) + 1):
        pred = Counter(tuple(pred_tokens[i:i + n]) for i in range(len(pred_tokens) - n + 1))
        label = Counter(tuple(label_tokens[i:i + n]) for i in range(len(label_tokens) - n + 1))
        matches = sum(min(count, label[gram]) for gram, count in pred.items())
        score *= (matches / sum(pred.values())) ** (0.5 ** n)
    return score
"""}),
    Example("bug (the demo): attention_forward", {"attention_forward": '''\
def attention_forward(model, enc_states, dec_state):
    """The context vector (batch, h): enc_states (T, batch, h) weighted by a softmax over the T time steps of
    the scores model([enc_state_t; dec_state]), shape (T, batch, 1), and summed over time."""
    dec_states = nd.broadcast_axis(dec_state.expand_dims(0), axis=0, size=enc_states.shape[0])
    e = model(nd.concat(enc_states, dec_states, dim=2))
    alpha = nd.softmax(e, axis=1)
    return (alpha * enc_states).sum(axis=0)
'''}, fails={"attention_forward.weights_sum_to_one", "attention_forward.values"}, student="example-bug"),
    Example("crash (the demo): bleu", {"bleu": '''\
import collections
import math


def bleu(pred_tokens, label_tokens, k):
    """BLEU of a predicted token list against its label: brevity penalty times p_n^(0.5^n) for n = 1..k, p_n the
    share of the prediction's n-grams found in the label (each label n-gram matched at most once)."""
    len_pred, len_label = len(pred_tokens), len(label_tokens)
    log_score = min(0, 1 - len_label / len_pred)
    for n in range(1, k + 1):
        label_subs = collections.Counter(tuple(label_tokens[i: i + n]) for i in range(len_label - n + 1))
        num_matches = 0
        for i in range(len_pred - n + 1):
            gram = tuple(pred_tokens[i: i + n])
            if label_subs[gram] > 0:
                num_matches += 1
                label_subs[gram] -= 1
        log_score += math.pow(0.5, n) * math.log(num_matches / (len_pred - n + 1))
    return math.exp(log_score)
'''}, fails={"bleu.extremes", "bleu.short_predictions"}, student="example-crash"),
)
