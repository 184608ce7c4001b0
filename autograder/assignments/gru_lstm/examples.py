"""gru_lstm: example submissions — classic mistakes (each with the checks it must fail), other correct styles
(which must fail nothing), and the demo's buggy and crashing students. `selftest` grades each."""
from autograder.examples import Example

GRU = '''\
def gru(inputs, state, params):
    W_xz, W_hz, b_z, W_xr, W_hr, b_r, W_xh, W_hh, b_h, W_hq, b_q = params
    H, = state
    outputs = []
    for X in inputs:
        Z = nd.sigmoid(nd.dot(X, W_xz) + nd.dot(H, W_hz) + b_z)
        R = nd.sigmoid(nd.dot(X, W_xr) + nd.dot(H, W_hr) + b_r)
        H_tilda = {candidate}
        H = {blend}
        outputs.append(nd.dot(H, W_hq) + b_q)
    return {returned}
'''


def gru(candidate="nd.tanh(nd.dot(X, W_xh) + nd.dot(R * H, W_hh) + b_h)", blend="Z * H + (1 - Z) * H_tilda",
        returned="outputs, (H,)"):
    return GRU.format(candidate=candidate, blend=blend, returned=returned)


LSTM = '''\
def lstm(inputs, state, params):
    [W_xi, W_hi, b_i, W_xf, W_hf, b_f, W_xo, W_ho, b_o, W_xc, W_hc, b_c, W_hq, b_q] = params
    (H, C) = state
    outputs = []
    for X in inputs:
        I = nd.sigmoid(nd.dot(X, W_xi) + nd.dot(H, W_hi) + b_i)
        F = nd.sigmoid(nd.dot(X, W_xf) + nd.dot(H, W_hf) + b_f)
        O = nd.sigmoid(nd.dot(X, W_xo) + nd.dot(H, W_ho) + b_o)
        C_tilda = {candidate}
        C = {memory}
        H = {hidden}
        outputs.append(nd.dot(H, W_hq) + b_q)
    return {returned}
'''


def lstm(candidate="nd.tanh(nd.dot(X, W_xc) + nd.dot(H, W_hc) + b_c)", memory="F * C + I * C_tilda",
         hidden="O * C.tanh()", returned="outputs, (H, C)"):
    return LSTM.format(candidate=candidate, memory=memory, hidden=hidden, returned=returned)


EXAMPLES = (
    # ---- gru ----
    Example("gru: the reset gate applied after the matrix product (the book's early builds)",
            {"gru": gru(candidate="nd.tanh(nd.dot(X, W_xh) + R * nd.dot(H, W_hh) + b_h)")},
            fails={"gru.outputs", "gru.state"}),
    Example("gru: Z and 1 - Z swapped in the update",
            {"gru": gru(blend="(1 - Z) * H + Z * H_tilda")}, fails={"gru.outputs", "gru.state"}),
    Example("gru: the reset gate left out", {"gru": gru(candidate="nd.tanh(nd.dot(X, W_xh) + nd.dot(H, W_hh) + b_h)")},
            fails={"gru.outputs", "gru.state"}),
    Example("gru: sigmoid on the candidate",
            {"gru": gru(candidate="nd.sigmoid(nd.dot(X, W_xh) + nd.dot(R * H, W_hh) + b_h)")},
            fails={"gru.outputs", "gru.state"}),
    Example("gru: returns H instead of the tuple (H,)", {"gru": gru(returned="outputs, H")}, fails={"gru.state"}),
    Example("another correct gru: the gates from one concatenated product", {"gru": """\
def gru(inputs, state, params):
    W_xz, W_hz, b_z, W_xr, W_hr, b_r, W_xh, W_hh, b_h, W_hq, b_q = params
    (H,) = state
    W_x = nd.concat(W_xz, W_xr, dim=1)
    W_h = nd.concat(W_hz, W_hr, dim=1)
    b = nd.concat(b_z, b_r, dim=0)
    n = H.shape[1]
    outputs = []
    for X in inputs:
        gates = nd.sigmoid(nd.dot(X, W_x) + nd.dot(H, W_h) + b)
        Z, R = gates[:, :n], gates[:, n:]
        H_tilda = (nd.dot(X, W_xh) + nd.dot(R * H, W_hh) + b_h).tanh()
        H = H_tilda + Z * (H - H_tilda)
        outputs.append(nd.dot(H, W_hq) + b_q)
    return outputs, (H,)
"""}),
    # ---- lstm ----
    Example("lstm: no tanh on the memory cell", {"lstm": lstm(hidden="O * C")}, fails={"lstm.outputs", "lstm.state"}),
    Example("lstm: input and forget gates swapped", {"lstm": lstm(memory="I * C + F * C_tilda")},
            fails={"lstm.outputs", "lstm.state"}),
    Example("lstm: sigmoid on the candidate memory",
            {"lstm": lstm(candidate="nd.sigmoid(nd.dot(X, W_xc) + nd.dot(H, W_hc) + b_c)")},
            fails={"lstm.outputs", "lstm.state"}),
    Example("lstm: the memory cell not returned", {"lstm": lstm(returned="outputs, (H,)")}, fails={"lstm.state"}),
    Example("lstm: the old memory not forgotten", {"lstm": lstm(memory="C + I * C_tilda")},
            fails={"lstm.outputs", "lstm.state"}),
    Example("another correct lstm: a helper per gate", {"lstm": """\
def lstm(inputs, state, params):
    gate_params, (W_hq, b_q) = params[:12], params[12:]
    H, C = state
    outputs = []
    for X in inputs:
        pre = [nd.dot(X, gate_params[3 * k]) + nd.dot(H, gate_params[3 * k + 1]) + gate_params[3 * k + 2]
               for k in range(4)]
        I, F, O = (p.sigmoid() for p in pre[:3])
        C = F * C + I * pre[3].tanh()
        H = O * nd.tanh(C)
        outputs.append(nd.FullyConnected(H, W_hq.T, b_q, num_hidden=W_hq.shape[1]))
    return outputs, (H, C)
"""}),
    # ---- the demo's students ----
    Example("bug (the demo): the GRU's reset gate after the product",
            {"gru": gru(candidate="nd.tanh(nd.dot(X, W_xh) + R * nd.dot(H, W_hh) + b_h)")},
            fails={"gru.outputs", "gru.state", "outcome.training", "outcome.hidden_data"}, whole=True,
            student="example-bug"),
    Example("crash (the demo): lstm", {"lstm": '''\
def lstm(inputs, state, params):
    """LSTM over the time steps of inputs; returns (outputs, (H, C))."""
    [W_xi, W_hi, b_i, W_xf, W_hf, b_f, W_xo, W_ho, b_o, W_xc, W_hc, b_c, W_hq, b_q] = params
    H, C = state
    outputs = []
    for X in inputs:
        I = nd.sigmoid(nd.dot(X, W_xi) + nd.dot(H, W_hi) + b_i)
        C = I * nd.dot(X, W_hc)              # W_hc is (hiddens, hiddens): the shapes do not match X
        H = nd.tanh(C)
        outputs.append(nd.dot(H, W_hq) + b_q)
    return outputs, (H, C)
'''}, fails={"lstm.outputs", "lstm.state", "outcome.training", "outcome.hidden_data"}, whole=True,
        student="example-crash"),
)
