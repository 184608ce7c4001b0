"""q_learning (d2l-en's reinforcement-learning chapter: MDPs, value iteration, Q-learning) on a FrozenLake-like grid
world shipped with the course (extension/gridworld.py); no MXNet edition has this chapter, so the English edition's
tabular version is followed."""
ID = "q_learning"
STUBS = ("value_iteration", "q_update", "epsilon_greedy")
OUTCOME = True
VARIABLES = ()
DATASETS = ()                  # the grid world is generated: nothing to read
SIGNATURES = {"value_iteration": ("P", "R", "gamma", "num_iters"),
              "q_update": ("Q", "s", "a", "r", "s_next", "done", "alpha", "gamma"),
              "epsilon_greedy": ("Q", "s", "epsilon", "rng")}
