"""q_learning: scenarios — run in the student's process (students can read this file); they call the student's
functions on the judge's inputs and report plain values, never verdicts.

The stubs of this lesson work on numpy arrays (P, R, the Q table) and a numpy Generator, as the notebook does,
so these scenarios pass numpy float64 arrays and Python numbers, not NDArrays."""
from __future__ import annotations

import numpy as np

from autograder.harness import call_student, plain, scenario


@scenario
def value_iteration_run(ns, P, R, gamma, num_iters):
    """value_iteration(P, R, gamma, num_iters) on the judge's MDP; reports V and the policy as returned."""
    result = call_student(ns, "value_iteration", np.array(P, dtype=np.float64), np.array(R, dtype=np.float64),
                          float(gamma), int(num_iters))
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        return {"pair": False, "type": type(result).__name__, "V": None, "policy": None}
    V, policy = result
    return {"pair": True, "type": type(result).__name__, "V": plain(np.asarray(V, dtype=np.float64))
            if _numeric(V) else plain(V), "policy": plain(np.asarray(policy)) if _numeric(policy) else plain(policy),
            "policy_type": type(policy).__name__,
            "policy_dtype": str(np.asarray(policy).dtype) if _numeric(policy) else ""}


def _numeric(value) -> bool:
    try:
        return np.asarray(value).dtype.kind in "biuf"
    except Exception:        # noqa: BLE001 - an NDArray or an odd object: plain() names its type
        return False


@scenario
def q_updates(ns, Q0, transitions, fresh=False):
    """q_update(Q, s, a, r, s_next, done, alpha, gamma) for each of the judge's transitions (rows of
    [s, a, r, s_next, done, alpha, gamma]), each on its own copy of Q0 if `fresh`, else on one table. Reports the
    table after every call, read from the array object passed in, and what the call returned when that is an
    array of another identity (a new table)."""
    Q = np.array(Q0, dtype=np.float64)
    after, returned = [], []
    for s, a, r, s_next, done, alpha, gamma in np.asarray(transitions, dtype=np.float64):
        if fresh:
            Q = np.array(Q0, dtype=np.float64)
        result = call_student(ns, "q_update", Q, int(s), int(a), float(r), int(s_next), bool(done), float(alpha),
                              float(gamma))
        other = result is not Q and isinstance(result, np.ndarray) and result.dtype.kind in "biuf"
        returned.append(np.array(result, dtype=np.float64) if other else None)
        after.append(Q.copy())
    return {"after": np.stack(after), "returned_tables": returned}


@scenario
def greedy_choices(ns, Q, states, epsilon, seeds):
    """epsilon_greedy(Q, s, epsilon, rng) once for each state, with one Generator per seed of the judge: one
    sequence of actions per seed."""
    Q = np.array(Q, dtype=np.float64)
    sequences = []
    for seed in seeds:
        rng = np.random.default_rng(int(seed))
        sequences.append([_action(call_student(ns, "epsilon_greedy", Q, int(s), float(epsilon), rng))
                          for s in states])
    return {"sequences": sequences}


def _action(a):
    try:
        return float(a)
    except Exception:        # noqa: BLE001 - not a number: the judge says what it was
        return None


@scenario
def greedy_counts(ns, Q, s, epsilon, draws, seed):
    """How often epsilon_greedy(Q, s, epsilon, rng) picks each action in `draws` calls sharing one Generator
    seeded by the judge (-1 counts answers that are not an action)."""
    rng = np.random.default_rng(int(seed))
    Q = np.array(Q, dtype=np.float64)
    counts = np.zeros(Q.shape[1] + 1)
    for _ in range(int(draws)):
        a = _action(call_student(ns, "epsilon_greedy", Q, int(s), float(epsilon), rng))
        ok = a is not None and float(a).is_integer() and 0 <= a < Q.shape[1]
        counts[int(a) if ok else -1] += 1
    return {"counts": counts}


@scenario
def learn_grid(ns, desc, starts, max_steps, epsilons, alpha, gamma, seed):
    """Tabular Q-learning with the student's epsilon_greedy and q_update on the judge's grid world (not
    slippery): one episode per entry of `starts` (the judge's start states), at most `max_steps` steps, with
    epsilon `epsilons[i]` in episode i, Q starting at zeros. Reports every transition [s, a, r, s_next, done]
    and the final Q for the judge to replay; `stopped` names a stub that returned something that is not an
    action."""
    from extension.gridworld import GridWorld
    world = GridWorld([str(row) for row in desc], slippery=False)
    rng = np.random.default_rng(int(seed))
    Q = np.zeros((world.n_states, world.n_actions))
    transitions, stopped = [], None
    for start, epsilon in zip(starts, epsilons):
        s = int(start)
        for _ in range(int(max_steps)):
            a = _action(call_student(ns, "epsilon_greedy", Q, s, float(epsilon), rng))
            if a is None or not float(a).is_integer() or not 0 <= a < world.n_actions:
                stopped = f"epsilon_greedy returned {a!r} in state {s}, not an action 0..{world.n_actions - 1}"
                break
            s_next, r, done = world.step(s, int(a))
            call_student(ns, "q_update", Q, s, int(a), r, s_next, done, float(alpha), float(gamma))
            transitions.append([s, int(a), r, s_next, float(done)])
            s = s_next
            if done:
                break
        if stopped:
            break
    return {"transitions": np.array(transitions, dtype=np.float64).reshape(-1, 5), "Q": Q, "stopped": stopped}
