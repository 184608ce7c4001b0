"""q_learning (d2l-en's tabular RL chapter; no MXNet edition has one): on the 4x4 lake without slipping, value
iteration (gamma 0.95) gives the start state the value 0.95**5 = 0.7738 (the goal is 6 moves away, rewarded on the
6th), and Q-learning with the book's alpha 0.9, gamma 0.95, epsilon 0.9 — 1000 episodes instead of the book's 256,
see the notebook — learns a greedy policy that walks to the goal. Both walks are taken here by the course's
GridWorld, not by the notebook's stubs; the whole notebook runs in seconds."""
PROBE = """{
    "vi_start_value": float(V[lake.start]),
    "vi_policy_reaches_goal": bool(lake.reaches_goal(policy)),
    "q_policy_reaches_goal": bool(lake.reaches_goal(Q.argmax(axis=1))),
    "q_path_length": len(lake.greedy_path(Q.argmax(axis=1))) - 1}"""
EXPECT = {"vi_start_value": (0.7737, 0.7739), "vi_policy_reaches_goal": True, "q_policy_reaches_goal": True,
          "q_path_length": 6}
TEST_DATA_LIMIT = 0
