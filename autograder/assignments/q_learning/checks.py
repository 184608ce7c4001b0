"""Checks for q_learning: value_iteration, q_update, epsilon_greedy, and Q-learning on grid worlds the notebook
never saw.

Every reference here is float64 numpy in the judge:
- value_iteration is judged on small random MDPs the check builds (absorbing states included) against the exact
  optimal values, found by solving the Bellman equation of every deterministic policy (np.linalg.solve) and
  taking the best; with few iterations, against the iterates themselves (synchronous, as the book, or in place:
  both converge to the same fixed point and both are accepted).
- q_update is replayed transition by transition; epsilon_greedy's action frequencies are compared with the
  exact distribution with a Hoeffding tolerance (false failure < 1e-9, stated where it is used).
- The outcomes run the student's stubs in the judge's learning loop on a grid world (`learn_grid`), then
  replay every reported transition here: each must be a legal move of that world from the judge's start
  states, the reported Q table must be exactly what correct updates on those transitions give, and the
  judge's own greedy walk on that table must reach the goal.
"""
from __future__ import annotations

import itertools

import numpy as np

from autograder.checks import check
from autograder.checks.expect import close, fail, malformed_reply, numbers, shape, show
from extension.gridworld import GridWorld, random_world

A = "q_learning"


# ---- MDPs the checks build, and exact answers ----

def random_mdp(seed: int, S: int, A_: int, absorbing: int = 1):
    """P (S, A, S) with 1-3 reachable next states per (s, a), R (S, A) in [-1, 1]; the last `absorbing` states
    loop on themselves with no reward (terminal states, as holes and the goal are)."""
    rng = np.random.default_rng(seed)
    P, R = np.zeros((S, A_, S)), rng.uniform(-1, 1, size=(S, A_))
    for s in range(S):
        for a in range(A_):
            if s >= S - absorbing:
                P[s, a, s], R[s, a] = 1.0, 0.0
                continue
            nexts = rng.choice(S, size=int(rng.integers(1, 4)), replace=False)
            P[s, a, nexts] = rng.dirichlet(np.ones(len(nexts)))
    return P, R


def optimal_values(P, R, gamma):
    """V* of a tiny MDP, exactly: the best of the values of all A^S deterministic policies, each from its
    Bellman equation (I - gamma P_pi) V = R_pi. The optimal policy's values dominate all others in every state."""
    S, A_ = R.shape
    best = np.full(S, -np.inf)
    for pi in itertools.product(range(A_), repeat=S):
        rows = np.arange(S), np.array(pi)
        V = np.linalg.solve(np.eye(S) - gamma * P[rows], R[rows])
        best = np.maximum(best, V)
    return best


def q_values(P, R, gamma, V):
    return R + gamma * P @ V


def iterate(P, R, gamma, num_iters, mode="sync"):
    """num_iters sweeps of value iteration from V = 0 — the book's synchronous update, the in-place one, and
    the classic mistakes, so a wrong answer can be named."""
    S, A_ = R.shape
    V = np.zeros(S)
    for _ in range(num_iters):
        if mode == "in_place":
            for s in range(S):
                V[s] = np.max(R[s] + gamma * P[s] @ V)
        elif mode == "no_gamma":
            V = np.max(R + P @ V, axis=1)
        elif mode == "gamma_twice":
            V = np.max(R + gamma * gamma * P @ V, axis=1)
        elif mode == "current_state":
            V = np.max(R + gamma * V[:, None], axis=1)
        elif mode == "next_state_reward":
            V = np.max(np.einsum("sat,ta->sa", P, R) + gamma * P @ V, axis=1)
        else:
            V = np.max(R + gamma * P @ V, axis=1)
    return V


MISTAKES = (("current_state", "value_iteration takes the max over the current state's value (R[s, a] + gamma * "
                              "V[s]): the value of an action is its reward plus gamma times the expected value of "
                              "the NEXT state, sum over s' of P[s, a, s'] * V[s']"),
            ("no_gamma", "value_iteration does not discount: multiply the expected next value by gamma"),
            ("gamma_twice", "value_iteration discounts twice (gamma**2): multiply the expected next value by "
                            "gamma once"),
            ("next_state_reward", "value_iteration uses the reward of the next state (R[s', a]): the reward of "
                                  "taking action a in state s is R[s, a]"))


def _solve(probe, P, R, gamma, num_iters):
    reply = probe.run("value_iteration_run", P=P, R=R, gamma=gamma, num_iters=num_iters)
    with malformed_reply("value_iteration"):
        if not reply["pair"]:
            fail(f"value_iteration returned {'an' if reply['type'][0] in 'aeiouAEIOU' else 'a'} {reply['type']}; "
                 "return the pair (V, policy)")
        V, policy = reply["V"], reply["policy"]
    return numbers(V, function="value_iteration", what="returned V as"), policy, reply


@check(A, "value_iteration", "shapes", points=0.5)
def value_iteration_shapes(probe):
    """6 states, 2 actions: V (6,) of floats, policy (6,) of integer actions (they index arrays)."""
    P, R = random_mdp(11, 6, 2)
    V, policy, reply = _solve(probe, P, R, 0.9, 20)
    if V.shape != (6,):
        hint = ": that is the Q table; return V = the max of Q over actions" if V.shape == (6, 2) else ""
        fail(f"value_iteration returned V of shape {shape(V)} for 6 states and 2 actions; expected (6,){hint}")
    if not isinstance(policy, np.ndarray) or policy.shape != (6,):
        fail(f"value_iteration returned a policy of shape {shape(policy)} for 6 states; expected (6,), one "
             "action per state")
    if reply["policy_dtype"][:3] not in ("int", "uin"):
        fail(f"value_iteration's policy has dtype {reply['policy_dtype'] or reply['policy_type']}: actions index "
             "arrays, so return integers (np.argmax gives them; or .astype(int))")
    if not np.all((policy >= 0) & (policy < 2)):
        fail(f"value_iteration's policy {show(policy)} holds values outside the 2 actions 0..1")


@check(A, "value_iteration", "fixed_point", points=1.5)
def value_iteration_fixed_point(probe):
    """Run long enough to converge (gamma**400 < 1e-18), V must be the exact optimal values of two random MDPs."""
    for seed, S, A_, gamma in ((12, 5, 3, 0.9), (13, 6, 2, 0.7)):
        P, R = random_mdp(seed, S, A_)
        V, _, _ = _solve(probe, P, R, gamma, 400)
        exact = optimal_values(P, R, gamma)
        if close(V, exact, rtol=1e-6, atol=1e-6):
            continue
        if V.shape != exact.shape:
            fail(f"value_iteration returned V of shape {shape(V)} for {S} states; expected ({S},)")
        for mode, words in MISTAKES:
            if close(V, iterate(P, R, gamma, 400, mode), rtol=1e-6, atol=1e-6):
                fail(words)
        fail(f"after 400 iterations (gamma {gamma}) value_iteration gave V = {show(V)}; the optimal values are "
             f"{show(exact)}: V[s] = max over a of R[s, a] + gamma * sum over s' of P[s, a, s'] * V[s']")


@check(A, "value_iteration", "policy", points=1)
def value_iteration_policy(probe):
    """The policy must be greedy for the optimal values: Q*(s, policy[s]) = max_a Q*(s, a) in every state
    (any of tied actions; in absorbing states every action ties)."""
    P, R = random_mdp(14, 5, 3)
    gamma = 0.9
    _, policy, _ = _solve(probe, P, R, gamma, 400)
    if not isinstance(policy, np.ndarray) or policy.shape != (5,):
        fail(f"value_iteration returned a policy of shape {shape(policy)} for 5 states; expected (5,)")
    Q = q_values(P, R, gamma, optimal_values(P, R, gamma))
    if not np.all(np.isin(policy, np.arange(3))):
        fail(f"value_iteration's policy {show(policy)} is not one action 0..2 per state")
    chosen = Q[np.arange(5), policy.astype(int)]
    bad = np.flatnonzero(chosen < Q.max(axis=1) - 1e-6)
    if bad.size == 0:
        return
    if np.array_equal(policy, R.argmax(axis=1)):
        fail("value_iteration's policy picks the action with the largest immediate reward R[s, a]: take the "
             "argmax over a of R[s, a] + gamma * sum over s' of P[s, a, s'] * V[s'] with the final V")
    if np.array_equal(policy, Q.argmin(axis=1)):
        fail("value_iteration's policy picks the worst action in every state (argmin): take the argmax")
    s = int(bad[0])
    fail(f"value_iteration's policy takes action {int(policy[s])} in state {s}, worth {chosen[s]:.4f}; the best "
         f"action there is worth {Q[s].max():.4f}: policy[s] = argmax over a of R[s, a] + gamma * P[s, a] · V")


@check(A, "value_iteration", "iterations", points=1)
def value_iteration_iterations(probe):
    """num_iters sweeps from V = 0, no more, no fewer: after 1 and 3 sweeps V must be the synchronous iterate
    (the book's: V_new from V_old) or the in-place one (states updated in order, each with the newest values)."""
    P, R = random_mdp(15, 4, 2)
    gamma = 0.8
    for num_iters in (1, 3):
        V, _, _ = _solve(probe, P, R, gamma, num_iters)
        if any(close(V, iterate(P, R, gamma, num_iters, mode), rtol=1e-6, atol=1e-8)
               for mode in ("sync", "in_place")):
            continue
        for other, words in ((num_iters + 1, "one sweep more"), (num_iters - 1, "one sweep fewer")):
            if any(close(V, iterate(P, R, gamma, other, mode), rtol=1e-6, atol=1e-8) for mode in ("sync", "in_place")):
                fail(f"value_iteration(P, R, gamma, num_iters={num_iters}) did {words} than asked: start from "
                     "V = 0 and update it num_iters times")
        if close(V, optimal_values(P, R, gamma), rtol=1e-4, atol=1e-4):
            fail(f"value_iteration(P, R, gamma, num_iters={num_iters}) returned the converged values: it must "
                 "stop after num_iters updates of V (from V = 0)")
        fail(f"value_iteration(P, R, gamma, num_iters={num_iters}) gave V = {show(V)}; {num_iters} update(s) from "
             f"V = 0 give {show(iterate(P, R, gamma, num_iters))}")


# ---- q_update ----

def reference_update(Q, s, a, r, s_next, done, alpha, gamma, mode="right"):
    """Q after one update; `mode` gives the classic mistakes, to name them."""
    Q = np.array(Q, dtype=np.float64)
    following = {"current_state": Q[s].max(), "same_action": Q[s_next, a], "mean": Q[s_next].mean()}
    ahead = following.get(mode, Q[s_next].max())
    discount = 1.0 if mode == "no_gamma" else gamma
    target = r if done and mode != "bootstrap" else r + discount * ahead
    if mode == "no_alpha":
        Q[s, a] = target
    elif mode == "alpha_swapped":
        Q[s, a] = alpha * Q[s, a] + (1 - alpha) * target
    else:
        Q[s, a] += alpha * (target - Q[s, a])
    return Q


UPDATE_MISTAKES = (("current_state", "q_update bootstraps from the current state (max of Q[s]): the target is "
                                     "r + gamma * max over a' of Q[s_next, a']"),
                   ("same_action", "q_update bootstraps from Q[s_next, a], the same action in the next state "
                                   "(that is SARSA with a guess): Q-learning takes the max over the next state's "
                                   "actions"),
                   ("mean", "q_update averages the next state's action values: Q-learning takes their max"),
                   ("no_gamma", "q_update does not discount: the target is r + gamma * max Q[s_next]"),
                   ("no_alpha", "q_update replaces Q[s, a] by the target: move it only a step alpha towards it, "
                                "Q[s, a] += alpha * (target - Q[s, a])"),
                   ("alpha_swapped", "q_update weighs old value and target the wrong way round (alpha * Q[s, a] + "
                                     "(1 - alpha) * target): Q[s, a] += alpha * (target - Q[s, a])"))


def _updates(probe, Q0, rows, fresh):
    reply = probe.run("q_updates", Q0=Q0, transitions=np.array(rows, dtype=np.float64), fresh=fresh)
    with malformed_reply("q_update"):
        after = numbers(reply["after"], function="q_update", what="left the table as")
        returned = [None if t is None else numbers(t, function="q_update") for t in reply["returned_tables"]]
        if after.shape != (len(rows),) + Q0.shape:
            fail(f"q_update changed the shape of the Q table {Q0.shape} to {shape(after[0])}")
    return after, returned


def _table(after, returned, Q0):
    """What the update produced: the table passed in if it changed, else the array returned (in_place judges
    which one it was)."""
    if not np.array_equal(after, Q0) or returned is None or returned.shape != Q0.shape:
        return after
    return returned


def _q_table(seed, S=5, A_=3):
    return np.round(np.random.default_rng(seed).normal(size=(S, A_)), 3)


def _transition_rows(seed, n, S, A_, done):
    """[s, a, r, s_next, done, alpha, gamma] with s != s_next (so the current and next states differ)."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(n):
        s = int(rng.integers(S))
        s_next = int((s + rng.integers(1, S)) % S)
        alpha, gamma = (0.5, 0.9, 0.3, 0.8)[k % 4], (0.9, 0.6, 0.95, 0.5)[k % 4]
        rows.append([s, int(rng.integers(A_)), float(np.round(rng.uniform(-1, 1), 2)), s_next, float(done),
                     alpha, gamma])
    return rows


@check(A, "q_update", "in_place", points=0.5)
def q_update_in_place(probe):
    """The table passed in is changed, at Q[s, a] only; what q_update returns is ignored."""
    Q0 = _q_table(21)
    rows = _transition_rows(22, 1, *Q0.shape, done=False)
    after, returned = _updates(probe, Q0, rows, fresh=True)
    s, a = int(rows[0][0]), int(rows[0][1])
    if np.array_equal(after[0], Q0):
        fail("q_update left the Q table it was given unchanged"
             + (" and returned a new one" if returned[0] is not None else "")
             + ": update it in place (Q[s, a] += ...); the training loop keeps using the same table and ignores "
               "what q_update returns")
    changed = np.argwhere(after[0] != Q0)
    if any((int(i), int(j)) != (s, a) for i, j in changed):
        i, j = (int(v) for v in changed[[tuple(c) != (s, a) for c in changed]][0])
        fail(f"q_update for state {s}, action {a} also changed Q[{i}, {j}]: one transition updates one entry, "
             "Q[s, a]")


@check(A, "q_update", "values", points=1.5)
def q_update_values(probe):
    """8 transitions to non-terminal states, each on its own copy of a random table, various alpha and gamma."""
    Q0 = _q_table(23)
    rows = _transition_rows(24, 8, *Q0.shape, done=False)
    after, returned = _updates(probe, Q0, rows, fresh=True)
    for k, row in enumerate(rows):
        s, a, r, s_next, done, alpha, gamma = row
        args = (int(s), int(a), r, int(s_next), False, alpha, gamma)
        got = _table(after[k], returned[k], Q0)
        if close(got, reference_update(Q0, *args), rtol=1e-9, atol=1e-9):
            continue
        for mode, words in UPDATE_MISTAKES:
            if close(got, reference_update(Q0, *args, mode=mode), rtol=1e-9, atol=1e-9):
                fail(words)
        fail(f"q_update(Q, s={int(s)}, a={int(a)}, r={r}, s_next={int(s_next)}, done=False, alpha={alpha}, "
             f"gamma={gamma}) set Q[s, a] from {Q0[int(s), int(a)]:.4f} to {got[int(s), int(a)]:.4f}; expected "
             f"{reference_update(Q0, *args)[int(s), int(a)]:.4f}")


@check(A, "q_update", "terminal", points=1)
def q_update_terminal(probe):
    """Transitions into a terminal state (done=True) whose Q row is far from 0: the target is the reward alone."""
    Q0 = _q_table(25) * 5
    rows = _transition_rows(26, 4, *Q0.shape, done=True)
    after, returned = _updates(probe, Q0, rows, fresh=True)
    for k, row in enumerate(rows):
        s, a, r, s_next, done, alpha, gamma = row
        args = (int(s), int(a), r, int(s_next), True, alpha, gamma)
        got = _table(after[k], returned[k], Q0)
        if close(got, reference_update(Q0, *args), rtol=1e-9, atol=1e-9):
            continue
        if close(got, reference_update(Q0, *args, mode="bootstrap"), rtol=1e-9, atol=1e-9):
            fail("q_update bootstraps from a terminal state (done=True): nothing follows the end of an episode, so "
                 "the target is r alone, not r + gamma * max Q[s_next]")
        fail(f"q_update for a transition into a terminal state (done=True, r={r}, alpha={alpha}) set Q[s, a] from "
             f"{Q0[int(s), int(a)]:.4f} to {got[int(s), int(a)]:.4f}; expected "
             f"{reference_update(Q0, *args)[int(s), int(a)]:.4f} (target r alone)")


# ---- epsilon_greedy ----

def _greedy_Q(seed, S=5, A_=4):
    """Distinct values in every row except the last, whose maximum is shared by actions 1 and 3."""
    Q = np.random.default_rng(seed).permuted(np.tile(np.arange(A_, dtype=float), (S, 1)), axis=1)
    Q[-1] = [0.0, 2.0, 1.0, 2.0]
    return Q


@check(A, "epsilon_greedy", "greedy", points=1)
def epsilon_greedy_greedy(probe):
    """epsilon = 0: always the argmax of Q[s] (with a tie, either of the best actions)."""
    Q = _greedy_Q(31)
    states = [0, 1, 2, 3, 4, 4, 4, 4]
    reply = probe.run("greedy_choices", Q=Q, states=states, epsilon=0.0, seeds=[32])
    with malformed_reply("epsilon_greedy"):
        actions = reply["sequences"][0]
    wrong = []
    for s, a in zip(states, actions):
        if a is None or not float(a).is_integer() or not 0 <= a < Q.shape[1]:
            fail(f"epsilon_greedy returned {a!r} for state {s}; return an action, an int in 0..{Q.shape[1] - 1}")
        if Q[s, int(a)] != Q[s].max():
            wrong.append((s, int(a)))
    if not wrong:
        return
    if all(a == int(np.argmax(Q)) for _, a in wrong):
        fail(f"with epsilon=0 epsilon_greedy returned {wrong[0][1]}, the argmax of the whole table: take the argmax "
             "of the row Q[s]")
    if all(a == int(np.argmin(Q[s])) for s, a in zip(states, actions)):
        fail("with epsilon=0 epsilon_greedy returned the worst action of every state (argmin): return the argmax "
             "of Q[s]")
    s, a = wrong[0]
    fail(f"with epsilon=0 epsilon_greedy returned a non-greedy action in {len(wrong)} of {len(states)} calls (action "
         f"{a} in state {s} where Q[s] = {show(Q[s])}): epsilon is the probability of a random action, so "
         "epsilon=0 must always give the argmax of Q[s] (is epsilon inverted?)")


FREQ_DRAWS, FREQ_EPSILON = 20_000, 0.3
# Hoeffding: P(|count/N - p| >= t) <= 2 exp(-2 N t^2) per action; 4 actions, union bound: false failure
# <= 8 exp(-2 N t^2) = 1e-9 for t = sqrt(ln(8e9) / (2N)) = 0.0239 at N = 20,000.
FREQ_TOLERANCE = float(np.sqrt(np.log(8e9) / (2 * FREQ_DRAWS)))


@check(A, "epsilon_greedy", "frequencies", points=1.5)
def epsilon_greedy_frequencies(probe):
    """20,000 draws in one state with epsilon 0.3 and 4 actions, one Generator seeded by the check. A random
    action is uniform over ALL actions, the greedy one included, so P(greedy) = 1 - eps + eps/4 = 0.775 and
    each other action 0.075. Each frequency must be within t = 0.0239 of its probability: by Hoeffding's bound
    and a union over the 4 actions, a correct epsilon_greedy fails with probability below 1e-9. The classic
    mistakes are far outside: epsilon inverted gives 0.475, a random action that excludes the greedy one 0.7."""
    Q = np.array([[0.1, -0.4, 0.9, 0.3]])
    reply = probe.run("greedy_counts", Q=Q, s=0, epsilon=FREQ_EPSILON, draws=FREQ_DRAWS, seed=33)
    with malformed_reply("epsilon_greedy"):
        counts = numbers(reply["counts"], function="epsilon_greedy", what="gave counts")
    if counts.shape != (5,):
        fail("epsilon_greedy's counts came back malformed")
    if counts[-1] > 0:
        fail(f"epsilon_greedy returned something that is not an action 0..3 in {int(counts[-1])} of "
             f"{FREQ_DRAWS} calls")
    freq, eps, k = counts[:4] / FREQ_DRAWS, FREQ_EPSILON, 4
    expected = np.full(4, eps / k)
    expected[2] += 1 - eps
    if np.all(np.abs(freq - expected) <= FREQ_TOLERANCE):
        return
    seen = f"it chose the greedy action in {freq[2]:.3f} of {FREQ_DRAWS} draws with epsilon = {eps}"
    if abs(freq[2] - (eps + (1 - eps) / k)) <= FREQ_TOLERANCE:
        fail(f"epsilon_greedy explores with probability 1 - epsilon ({seen}): epsilon is the probability of "
             "a random action")
    if abs(freq[2] - (1 - eps)) <= FREQ_TOLERANCE:
        fail(f"epsilon_greedy's random action never is the greedy one ({seen}; expected {expected[2]:.3f}): "
             "draw the random action uniformly from ALL actions, as the book does")
    if freq[2] == 1:
        fail(f"epsilon_greedy never explores ({seen}): with probability epsilon return a random action")
    fail(f"epsilon_greedy chose the actions with frequencies {show(freq)} in {FREQ_DRAWS} draws (epsilon {eps}, "
         f"greedy action 2); expected {show(expected)} within {FREQ_TOLERANCE:.3f}")


@check(A, "epsilon_greedy", "uses_rng", points=0.5)
def epsilon_greedy_uses_rng(probe):
    """Randomness from the rng argument only: the same seed gives the same actions, another seed other ones
    (two independent 200-draw sequences at epsilon 0.5 agree with probability below 0.7**200 < 1e-30). A function
    that never explores shows no randomness to attribute: that is the frequencies check's finding."""
    Q = np.array([[0.2, 0.5, -0.1, 0.0]])
    reply = probe.run("greedy_choices", Q=Q, states=[0] * 200, epsilon=0.5, seeds=[34, 34, 35])
    with malformed_reply("epsilon_greedy"):
        first, again, other = ([None if a is None else float(a) for a in seq] for seq in reply["sequences"])
    if first != again:
        fail("epsilon_greedy gave different actions for two Generators with the same seed: draw every random "
             "number from the rng argument (rng.random(), rng.integers(...)), so runs are reproducible")
    if first == other and len(set(first)) > 1:
        fail("epsilon_greedy gave the same actions for Generators with different seeds: it draws its random "
             "numbers elsewhere (np.random, random); use the rng argument")


# ---- outcomes: Q-learning on a grid world, replayed here ----

EPISODES, MAX_STEPS, ALPHA, GAMMA = 500, 20, 0.5, 0.9
EPS_START, EPS_END = 1.0, 0.1


def learning_run(world: GridWorld, seed: int):
    """The judge's choices for one run: exploring starts (a random non-terminal state per episode) and
    epsilon decaying linearly from EPS_START to EPS_END."""
    rng = np.random.default_rng(seed)
    starts = rng.choice(np.flatnonzero(~world.terminal), size=EPISODES)
    return starts, np.linspace(EPS_START, EPS_END, EPISODES)


def replay(world: GridWorld, starts, transitions, what: str) -> np.ndarray:
    """Verify each reported transition is a legal step of `world` in the judge's episodes, and recompute Q."""
    Q = np.zeros((world.n_states, world.n_actions))
    episode, steps, s = 0, 0, int(starts[0])
    for k, (ts, ta, tr, tn, td) in enumerate(transitions):
        if episode >= len(starts):
            fail(f"{what}: more transitions were reported than the {len(starts)} episodes allow")
        if int(ts) != s or not float(ta).is_integer() or not 0 <= ta < world.n_actions:
            fail(f"{what}: transition {k + 1} does not continue its episode (state {int(ts)}, expected {s})")
        s_next, r, done = world.step(s, int(ta))
        if (int(tn), float(tr), bool(td)) != (s_next, r, done):
            fail(f"{what}: transition {k + 1} is not a move of the grid world (reported {int(tn)}, {tr}, "
                 f"{bool(td)}; the world gives {s_next}, {r}, {done})")
        Q = reference_update(Q, s, int(ta), r, s_next, done, ALPHA, GAMMA)
        steps, s = steps + 1, s_next
        if done or steps == MAX_STEPS:
            episode, steps = episode + 1, 0
            s = int(starts[episode]) if episode < len(starts) else -1
    if episode != len(starts):
        fail(f"{what}: {episode} of {len(starts)} episodes were reported")
    return Q


def _learn(probe, world: GridWorld, seed: int, what: str):
    starts, epsilons = learning_run(world, seed)
    reply = probe.run("learn_grid", desc=list(world.desc), starts=starts.astype(float), max_steps=MAX_STEPS,
                      epsilons=epsilons, alpha=ALPHA, gamma=GAMMA, seed=seed + 1)
    how = f"Q-learning with your epsilon_greedy and q_update on {what}"
    with malformed_reply(how):
        if reply["stopped"]:
            fail(f"{how}: {reply['stopped']}")
        transitions = numbers(reply["transitions"], function=how, what="reported")
        Q = replay(world, starts, transitions, how)
        reported = numbers(reply["Q"], function=how, what="reported")
    if not close(reported, Q, rtol=1e-9, atol=1e-9):
        fail(f"{how}: the final Q table is not what Q-learning updates on the reported transitions give "
             "(recomputed by the grader)")
    path = world.greedy_path(Q.argmax(axis=1))
    if path[-1] != world.goal:
        fail(f"{how} ({EPISODES} episodes): the greedy policy of the learned Q walks {path[:8]} from the start "
             f"{world.start} and does not reach the goal {world.goal} (walked by the grader)")


STUBS = ("q_update", "epsilon_greedy")


@check(A, None, "fresh_world", points=1, timeout=120, requires=STUBS)
def fresh_world(probe):
    _learn(probe, random_world(7_000_001), 7_000_002, "a fresh grid world")


@check(A, None, "hidden_world", points=1, hidden=True, timeout=120, requires=STUBS)
def hidden_world(probe):
    seed = 7_000_003 + probe.hidden_seed
    _learn(probe, random_world(seed), seed + 1, "a grid world the notebook never saw")
