"""q_learning: example submissions — classic mistakes (each with the checks it must fail), other correct styles
(which must fail nothing), and the demo's buggy and crashing students. `selftest` grades each."""
from autograder.examples import Example

EXAMPLES = (
    # ---- value_iteration ----
    Example("value_iteration: max over the current state instead of the next", {"value_iteration": """\
def value_iteration(P, R, gamma, num_iters):
    V = np.zeros(R.shape[0])
    for _ in range(num_iters):
        V = (R + gamma * V[:, None]).max(axis=1)
    policy = (R + gamma * V[:, None]).argmax(axis=1)
    return V, policy
"""}, fails={"value_iteration.fixed_point", "value_iteration.iterations", "value_iteration.policy"}),
    Example("value_iteration: gamma missing", {"value_iteration": """\
def value_iteration(P, R, gamma, num_iters):
    V = np.zeros(R.shape[0])
    for _ in range(num_iters):
        V = (R + P @ V).max(axis=1)
    return V, (R + gamma * P @ V).argmax(axis=1)
"""}, fails={"value_iteration.fixed_point", "value_iteration.iterations"}),
    Example("value_iteration: gamma applied twice", {"value_iteration": """\
def value_iteration(P, R, gamma, num_iters):
    V = np.zeros(R.shape[0])
    for _ in range(num_iters):
        V = (R + gamma * (P @ (gamma * V))).max(axis=1)
    return V, (R + gamma * P @ V).argmax(axis=1)
"""}, fails={"value_iteration.fixed_point", "value_iteration.iterations"}),
    Example("value_iteration: reward of the next state", {"value_iteration": """\
def value_iteration(P, R, gamma, num_iters):
    S, A = R.shape
    V = np.zeros(S)
    for _ in range(num_iters):
        Q = np.zeros((S, A))
        for a in range(A):
            Q[:, a] = P[:, a, :] @ (R[:, a] + gamma * V)
        V = Q.max(axis=1)
    return V, Q.argmax(axis=1)
"""}, fails={"value_iteration.fixed_point", "value_iteration.iterations"}),
    Example("value_iteration: policy of the immediate reward", {"value_iteration": """\
def value_iteration(P, R, gamma, num_iters):
    V = np.zeros(R.shape[0])
    for _ in range(num_iters):
        V = (R + gamma * P @ V).max(axis=1)
    return V, R.argmax(axis=1)
"""}, fails={"value_iteration.policy"}),
    Example("value_iteration: the book's loop, one update short", {"value_iteration": """\
def value_iteration(P, R, gamma, num_iters):
    S, A = R.shape
    V = np.zeros((num_iters, S))
    Q = np.zeros((num_iters, S, A))
    pi = np.zeros((num_iters, S), dtype=int)
    for k in range(1, num_iters):          # d2l-en's range: num_iters - 1 updates
        for s in range(S):
            for a in range(A):
                Q[k, s, a] = R[s, a] + gamma * P[s, a] @ V[k - 1]
            pi[k, s] = np.argmax(Q[k, s])
            V[k, s] = Q[k, s, pi[k, s]]
    return V[-1], pi[-1]
"""}, fails={"value_iteration.iterations"}),
    Example("value_iteration: policy as floats, Q instead of V", {"value_iteration": """\
def value_iteration(P, R, gamma, num_iters):
    V = np.zeros(R.shape[0])
    for _ in range(num_iters):
        V = (R + gamma * P @ V).max(axis=1)
    policy = np.zeros(R.shape[0])
    policy[:] = (R + gamma * P @ V).argmax(axis=1)
    return V, policy
"""}, fails={"value_iteration.shapes"}),
    Example("another correct value_iteration: in place, loops", {"value_iteration": """\
def value_iteration(P, R, gamma, num_iters):
    S, A = R.shape
    V = np.zeros(S)
    for _ in range(num_iters):
        for s in range(S):                 # Gauss-Seidel: each state sees the newest values
            V[s] = max(R[s, a] + gamma * sum(P[s, a, t] * V[t] for t in range(S)) for a in range(A))
    policy = np.array([int(np.argmax([R[s, a] + gamma * P[s, a] @ V for a in range(A)])) for s in range(S)])
    return V, policy
"""}),
    Example("another correct value_iteration: einsum", {"value_iteration": """\
def value_iteration(P, R, gamma, num_iters):
    V = np.zeros(len(R))
    Q = R.copy()
    for _ in range(num_iters):
        Q = R + gamma * np.einsum('sat,t->sa', P, V)
        V = Q.max(axis=1)
    Q = R + gamma * np.einsum('sat,t->sa', P, V)
    return V, Q.argmax(axis=1).astype(np.int32)
"""}),
    # ---- q_update ----
    Example("q_update: bootstraps from a terminal state", {"q_update": """\
def q_update(Q, s, a, r, s_next, done, alpha, gamma):
    Q[s, a] += alpha * (r + gamma * Q[s_next].max() - Q[s, a])
"""}, fails={"q_update.terminal"}),
    Example("q_update: max over the current state", {"q_update": """\
def q_update(Q, s, a, r, s_next, done, alpha, gamma):
    target = r if done else r + gamma * Q[s].max()
    Q[s, a] += alpha * (target - Q[s, a])
"""}, fails={"q_update.values"}),
    Example("q_update: no learning rate", {"q_update": """\
def q_update(Q, s, a, r, s_next, done, alpha, gamma):
    Q[s, a] = r if done else r + gamma * np.max(Q[s_next])
"""}, fails={"q_update.values", "q_update.terminal"}),
    Example("q_update: gamma missing", {"q_update": """\
def q_update(Q, s, a, r, s_next, done, alpha, gamma):
    target = r if done else r + Q[s_next].max()
    Q[s, a] += alpha * (target - Q[s, a])
"""}, fails={"q_update.values"}),
    Example("q_update: returns a new table", {"q_update": """\
def q_update(Q, s, a, r, s_next, done, alpha, gamma):
    Q = Q.copy()
    target = r if done else r + gamma * Q[s_next].max()
    Q[s, a] += alpha * (target - Q[s, a])
    return Q
"""}, fails={"q_update.in_place"}),
    Example("another correct q_update: the book's weighted form", {"q_update": """\
def q_update(Q, s, a, r, s_next, done, alpha, gamma):
    future = 0.0 if done else gamma * np.max(Q[s_next, :])
    Q[s, a] = (1 - alpha) * Q[s, a] + alpha * (r + future)
    return Q
"""}),
    Example("another correct q_update: (1 - done) mask", {"q_update": """\
def q_update(Q, s, a, r, s_next, done, alpha, gamma):
    td_error = r + gamma * (1 - float(done)) * Q[s_next].max() - Q[s, a]
    Q[s][a] = Q[s][a] + alpha * td_error
"""}),
    # ---- epsilon_greedy ----
    Example("epsilon_greedy: epsilon inverted", {"epsilon_greedy": """\
def epsilon_greedy(Q, s, epsilon, rng):
    if rng.random() < epsilon:
        return int(np.argmax(Q[s]))
    return int(rng.integers(Q.shape[1]))
"""}, fails={"epsilon_greedy.greedy", "epsilon_greedy.frequencies"}),
    Example("epsilon_greedy: the random action excludes the greedy one", {"epsilon_greedy": """\
def epsilon_greedy(Q, s, epsilon, rng):
    best = int(np.argmax(Q[s]))
    if rng.random() < epsilon:
        return int(rng.choice([a for a in range(Q.shape[1]) if a != best]))
    return best
"""}, fails={"epsilon_greedy.frequencies"}),
    Example("epsilon_greedy: argmax of the whole table", {"epsilon_greedy": """\
def epsilon_greedy(Q, s, epsilon, rng):
    if rng.random() < epsilon:
        return int(rng.integers(Q.shape[1]))
    return int(np.argmax(Q))
"""}, fails={"epsilon_greedy.greedy"}),
    Example("epsilon_greedy: numpy's global random state instead of rng", {"epsilon_greedy": """\
def epsilon_greedy(Q, s, epsilon, rng):
    if np.random.rand() < epsilon:
        return np.random.randint(Q.shape[1])
    return int(np.argmax(Q[s]))
"""}, fails={"epsilon_greedy.uses_rng"}),
    Example("another correct epsilon_greedy: random tie-breaking", {"epsilon_greedy": """\
def epsilon_greedy(Q, s, epsilon, rng):
    if rng.uniform() < epsilon:
        return int(rng.choice(Q.shape[1]))
    best = np.flatnonzero(Q[s] == Q[s].max())
    return int(rng.choice(best))
"""}),
    Example("another correct epsilon_greedy: probabilities", {"epsilon_greedy": """\
def epsilon_greedy(Q, s, epsilon, rng):
    A = Q.shape[1]
    p = np.full(A, epsilon / A)
    p[np.argmax(Q[s])] += 1 - epsilon
    return int(rng.choice(A, p=p))
"""}),
    # ---- the demo's students ----
    Example("bug (the demo): epsilon_greedy never explores", {"epsilon_greedy": '''\
def epsilon_greedy(Q, s, epsilon, rng):
    """A random action (uniform over all A) with probability epsilon, else the argmax of Q[s]."""
    return int(np.argmax(Q[s]))
'''}, fails={"epsilon_greedy.frequencies", "outcome.fresh_world", "outcome.hidden_world"},
            whole=True, student="example-bug"),
    Example("crash (the demo): q_update", {"q_update": '''\
def q_update(Q, s, a, r, s_next, done, alpha, gamma):
    """One Q-learning update of Q[s, a] in place; no bootstrapping from a terminal s_next (done=True)."""
    Q[s, a] += alpha * (r + gamma * Q[s_next].max(axis=1) * (not done) - Q[s, a])
'''}, fails={"q_update.in_place", "q_update.values", "q_update.terminal", "outcome.fresh_world",
             "outcome.hidden_world"}, whole=True, student="example-crash"),
)
