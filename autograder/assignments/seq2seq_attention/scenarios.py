"""seq2seq_attention: scenarios — run in the student's process (students can read this file); they call the
student's functions on the judge's inputs and report plain values, never verdicts.

batch_loss is judged with a toy encoder and decoder defined here: tiny recurrences in plain NDArray operations
whose every output the judge recomputes in float64 (checks.py), so the loss of teacher forcing, the mask after
<eos> and the mean over real tokens can be read from one number."""
from __future__ import annotations

from autograder.harness import call_student, nd_array, notebook_globals, plain, scenario

PAD, BOS, EOS = "<pad>", "<bos>", "<eos>"
RESERVED = {"<unk>": 0, PAD: 1, BOS: 2, EOS: 3}     # mxnet.contrib.text's Vocabulary with reserved [PAD, BOS, EOS]


@scenario
def attention_on(ns, W1, W2, enc_states, dec_state):
    """attention_forward with the book's attention model (Dense(a, tanh, no bias), Dense(1, no bias)) holding the
    judge's weights W1 (a, 2h) and W2 (1, a)."""
    from mxnet.gluon import nn
    model = nn.Sequential()
    model.add(nn.Dense(W1.shape[0], activation="tanh", use_bias=False, flatten=False, in_units=W1.shape[1]),
              nn.Dense(1, use_bias=False, flatten=False, in_units=W1.shape[0]))
    model.initialize()
    model[0].weight.set_data(nd_array(W1))
    model[1].weight.set_data(nd_array(W2))
    out = call_student(ns, "attention_forward", model, nd_array(enc_states), nd_array(dec_state))
    return {"value": plain(out)}


class ToyVocab:
    """What batch_loss may read from the notebook's out_vocab: the reserved tokens' indices."""
    token_to_idx = dict(RESERVED)
    idx_to_token = list(RESERVED)


class ToyEncoder:
    """outputs = tanh(E[X]) time-major (T, B, h); state = [mean of outputs over time, shape (1, B, h)]."""

    def __init__(self, E):
        self.E = nd_array(E)

    def begin_state(self, *args, batch_size=None, **kwargs):
        from mxnet import nd
        batch_size = batch_size if batch_size is not None else (args[0] if args else 1)
        return [nd.zeros((1, int(batch_size), self.E.shape[1]))]

    def __call__(self, X, state):
        from mxnet import nd
        outputs = nd.tanh(nd.take(self.E, X).swapaxes(0, 1) + state[0][-1].expand_dims(0))
        return outputs, [outputs.mean(axis=0).expand_dims(0)]


class ToyDecoder:
    """h' = tanh(h A + D[input] + mean over time of enc_states); logits = h' O + b; state [h'] (1, B, h)."""

    def __init__(self, A, D, O, b):
        self.A, self.D, self.O, self.b = (nd_array(v) for v in (A, D, O, b))

    def begin_state(self, enc_state):
        return enc_state

    def __call__(self, cur_input, state, enc_states):
        from mxnet import nd
        h = state[0][-1]
        h_new = nd.tanh(nd.dot(h, self.A) + nd.take(self.D, cur_input) + enc_states.mean(axis=0))
        return nd.dot(h_new, self.O) + self.b, [h_new.expand_dims(0)]


@scenario
def batch_loss_on(ns, X, Y, E, A, D, O, b):
    """batch_loss with the toy encoder and decoder and a fresh SoftmaxCrossEntropyLoss; the notebook's out_vocab
    and reserved tokens are the judge's for the call (indices as the notebook's Vocabulary gives them)."""
    from mxnet.gluon import loss as gloss
    with notebook_globals(ns, {"out_vocab": ToyVocab(), "PAD": PAD, "BOS": BOS, "EOS": EOS}):
        out = call_student(ns, "batch_loss", ToyEncoder(E), ToyDecoder(A, D, O, b), nd_array(X), nd_array(Y),
                           gloss.SoftmaxCrossEntropyLoss())
    return {"value": plain(out)}
