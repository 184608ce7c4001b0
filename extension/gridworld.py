"""A FrozenLake-like grid world for the q_learning lesson, shipped with the course (nothing to install).

The map is a list of strings: `S` start, `F` frozen (safe), `H` hole, `G` goal. Actions are FrozenLake's:
0 left, 1 down, 2 right, 3 up. Walking into the edge leaves the agent where it is. On slippery ice the agent
moves in the intended direction or in one of the two perpendicular ones, each with probability 1/3.
Reaching the goal earns 1; everything else earns 0. Holes and the goal end an episode: as an MDP they are
absorbing states with no reward, so value iteration needs no special case for them.

    world = GridWorld(FROZEN_LAKE_4X4, slippery=False)
    world.P  # (S, A, S) transition probabilities      world.R  # (S, A) expected rewards
    s = world.reset(); s, r, done = world.step(s, a, rng)   # sample an episode with a numpy Generator
    draw_policy(world, policy, V)                            # arrows on the grid

`random_world(seed)` makes other layouts (always with a path from start to goal) for data a notebook never saw.
Everything here is plain numpy, so the grader's judge uses the same definitions.
"""
from __future__ import annotations

from collections import deque

import numpy as np

FROZEN_LAKE_4X4 = ("SFFF",
                   "FHFH",
                   "FFFH",
                   "HFFG")

ACTIONS = ("left", "down", "right", "up")
_MOVES = ((0, -1), (1, 0), (0, 1), (-1, 0))
_ARROWS = ((-1, 0), (0, 1), (1, 0), (0, -1))       # (dx, dy) on imshow's axes: row numbers grow downwards


class GridWorld:
    """A grid MDP: `P` (S, A, S), `R` (S, A), `terminal` (S,) bool, `start` and `goal` state indices."""

    def __init__(self, desc=FROZEN_LAKE_4X4, slippery: bool = False):
        self.desc = tuple(str(row) for row in desc)
        self.rows, self.cols = len(self.desc), len(self.desc[0])
        if any(len(row) != self.cols for row in self.desc):
            raise ValueError("every row of the map must have the same length")
        cells = "".join(self.desc)
        if cells.count("S") != 1 or cells.count("G") != 1 or set(cells) - set("SFHG"):
            raise ValueError("the map needs one S, one G, and only the letters S, F, H, G")
        self.slippery = bool(slippery)
        self.n_states, self.n_actions = self.rows * self.cols, len(ACTIONS)
        self.start, self.goal = cells.index("S"), cells.index("G")
        self.terminal = np.array([c in "HG" for c in cells])
        self.P, self.R = self._model()

    def _move(self, s: int, a: int) -> int:
        r, c = divmod(s, self.cols)
        dr, dc = _MOVES[a]
        r, c = min(max(r + dr, 0), self.rows - 1), min(max(c + dc, 0), self.cols - 1)
        return r * self.cols + c

    def outcomes(self, s: int, a: int) -> list[int]:
        """The next states an action can lead to, equally likely (one when not slippery)."""
        if not self.slippery:
            return [self._move(s, a)]
        return [self._move(s, (a + turn) % 4) for turn in (-1, 0, 1)]

    def _model(self):
        S, A = self.n_states, self.n_actions
        P, R = np.zeros((S, A, S)), np.zeros((S, A))
        for s in range(S):
            for a in range(A):
                if self.terminal[s]:
                    P[s, a, s] = 1.0              # absorbing, no reward: the episode is over
                    continue
                nexts = self.outcomes(s, a)
                for s_next in nexts:
                    P[s, a, s_next] += 1.0 / len(nexts)
                    R[s, a] += (s_next == self.goal) / len(nexts)
        return P, R

    def reset(self) -> int:
        return self.start

    def step(self, s: int, a: int, rng=None):
        """(s_next, reward, done) for action `a` in state `s`; slippery ice draws the direction from `rng`."""
        nexts = self.outcomes(int(s), int(a))
        s_next = nexts[int(rng.integers(len(nexts)))] if len(nexts) > 1 else nexts[0]
        return s_next, float(s_next == self.goal), bool(self.terminal[s_next])

    def greedy_path(self, policy, max_steps: int | None = None) -> list[int]:
        """The states visited following `policy` from the start without slipping, until a terminal state
        or `max_steps` (default: the number of states, enough for any path that does not loop)."""
        path, s = [self.start], self.start
        for _ in range(max_steps or self.n_states):
            if self.terminal[s]:
                break
            s = self._move(s, int(policy[s]))
            path.append(s)
        return path

    def reaches_goal(self, policy) -> bool:
        return self.greedy_path(policy)[-1] == self.goal


def random_world(seed: int, size: int = 4, holes: int = 3, slippery: bool = False) -> GridWorld:
    """A size×size world with `holes` holes at random and start and goal in random places, always with a
    safe path between them (layouts without one are drawn again)."""
    rng = np.random.default_rng(seed)
    while True:
        cells = rng.permutation(size * size)
        grid = np.full(size * size, "F")
        grid[cells[0]], grid[cells[1]], grid[cells[2:2 + holes]] = "S", "G", "H"
        desc = ["".join(grid[r * size:(r + 1) * size]) for r in range(size)]
        world = GridWorld(desc, slippery=slippery)
        if _distance(world) >= 3:          # a goal next to the start teaches nothing
            return world


def _distance(world: GridWorld) -> int:
    """Steps on the shortest safe path from start to goal (0 when there is none)."""
    seen, queue = {world.start: 0}, deque([world.start])
    while queue:
        s = queue.popleft()
        if s == world.goal:
            return seen[s]
        if world.terminal[s]:
            continue
        for a in range(world.n_actions):
            t = world._move(s, a)
            if t not in seen:
                seen[t] = seen[s] + 1
                queue.append(t)
    return 0


def draw_policy(world: GridWorld, policy, V=None, ax=None, title: str | None = None):
    """The grid with an arrow per non-terminal state for `policy`, coloured by V when given."""
    from matplotlib import pyplot as plt
    if ax is None:
        _, ax = plt.subplots(figsize=(0.9 * world.cols + 0.6, 0.9 * world.rows))
    values = np.zeros(world.n_states) if V is None else np.asarray(V, dtype=float).reshape(-1)
    image = ax.imshow(values.reshape(world.rows, world.cols), cmap="Blues", vmin=0,
                      vmax=max(1.0, values.max()))
    for s in range(world.n_states):
        r, c = divmod(s, world.cols)
        letter = world.desc[r][c]
        if world.terminal[s]:
            ax.text(c, r, letter, ha="center", va="center", fontsize=14,
                    color="darkred" if letter == "H" else "darkgreen", weight="bold")
            continue
        dx, dy = _ARROWS[int(policy[s])]
        ax.arrow(c - 0.25 * dx, r - 0.25 * dy, 0.3 * dx, 0.3 * dy, head_width=0.15, color="black")
        if letter == "S":
            ax.text(c - 0.35, r - 0.3, "S", fontsize=9, color="darkgreen")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)
    if V is not None:
        plt.colorbar(image, ax=ax, fraction=0.046)
    return ax
