"""Synthetic ratings with a known answer, for the recsys_mf lesson (MovieLens cannot be downloaded here).

Each user u and item i have true latent factors p_u, q_i (rank `rank`) and biases b_u, b_i; a rating is

    r_ui = p_u · q_i + b_u + b_i + mean + noise,     noise ~ N(0, noise²),

observed for a random fraction `density` of the (user, item) pairs. Ratings are neither rounded nor clipped to
1..5: that keeps the noise exactly Gaussian, so the best any model can do on unseen ratings — the *noise floor* —
is known: an RMSE of `noise` (and, on a finite test set, the RMSE of the noiseless ratings, `floor_rmse`).

    data = synthetic_ratings(seed=0)                     # 300 users × 200 items, rank 5, noise 0.5
    train, test = split(data, test_fraction=0.1, seed=1)
    train_iter = rating_iter(train, batch_size=512, shuffle=True)   # batches (users, items, ratings)

Plain numpy except `rating_iter` (NDArray batches); the grader's judge uses the same generator.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Ratings:
    """Observed ratings as three aligned arrays, with the noiseless ratings they came from."""
    users: np.ndarray          # (n,) int64 user ids 0..num_users-1
    items: np.ndarray          # (n,) int64 item ids 0..num_items-1
    ratings: np.ndarray        # (n,) float32 observed ratings
    truth: np.ndarray          # (n,) float64 the same ratings without noise
    num_users: int
    num_items: int
    noise: float

    def __len__(self) -> int:
        return len(self.ratings)

    def subset(self, index) -> "Ratings":
        return Ratings(self.users[index], self.items[index], self.ratings[index], self.truth[index],
                       self.num_users, self.num_items, self.noise)


def synthetic_ratings(num_users: int = 300, num_items: int = 200, rank: int = 5, noise: float = 0.5,
                      density: float = 0.25, mean: float = 3.0, seed: int = 0) -> Ratings:
    """Ratings of a random `density` of all pairs from known rank-`rank` factors, biases and Gaussian noise.
    The factors are scaled so that p_u · q_i has standard deviation 1, the biases 0.5 each."""
    rng = np.random.default_rng(seed)
    P = rng.normal(scale=rank ** -0.25, size=(num_users, rank))
    Q = rng.normal(scale=rank ** -0.25, size=(num_items, rank))
    b_u, b_i = rng.normal(scale=0.5, size=num_users), rng.normal(scale=0.5, size=num_items)
    pairs = rng.permutation(num_users * num_items)[:max(1, int(round(density * num_users * num_items)))]
    users, items = np.divmod(np.sort(pairs), num_items)
    truth = (P[users] * Q[items]).sum(axis=1) + b_u[users] + b_i[items] + mean
    ratings = truth + rng.normal(scale=noise, size=len(truth))
    return Ratings(users.astype(np.int64), items.astype(np.int64), ratings.astype(np.float32), truth,
                   num_users, num_items, float(noise))


def split(data: Ratings, test_fraction: float = 0.1, seed: int = 1):
    """(train, test): a random `test_fraction` of the ratings held out."""
    order = np.random.default_rng(seed).permutation(len(data))
    n_test = int(round(test_fraction * len(data)))
    return data.subset(np.sort(order[n_test:])), data.subset(np.sort(order[:n_test]))


def floor_rmse(data: Ratings) -> float:
    """The RMSE of the noiseless ratings on these observed ones: what a perfect model scores here."""
    return float(np.sqrt(np.mean((data.truth - data.ratings.astype(np.float64)) ** 2)))


def mean_rmse(data: Ratings, reference: Ratings | None = None) -> float:
    """The RMSE of always predicting the mean rating of `reference` (default: of `data`): the baseline."""
    mu = float(np.mean((reference or data).ratings))
    return float(np.sqrt(np.mean((data.ratings.astype(np.float64) - mu) ** 2)))


class RatingIter:
    """Batches (users, items, ratings) of float32 NDArrays, like a Gluon DataLoader over the three arrays but
    sliced in bulk (a DataLoader stacks examples one by one, which is most of an epoch's time here). With
    `shuffle`, each pass draws a new order from its own Generator (seeded: runs repeat)."""

    def __init__(self, data: Ratings, batch_size: int, shuffle: bool = False, seed: int = 0):
        self.data, self.batch_size, self.shuffle = data, int(batch_size), bool(shuffle)
        self._rng = np.random.default_rng(seed)

    def __len__(self) -> int:
        return -(-len(self.data) // self.batch_size)

    def __iter__(self):
        from mxnet import nd
        order = self._rng.permutation(len(self.data)) if self.shuffle else np.arange(len(self.data))
        columns = (self.data.users.astype(np.float32), self.data.items.astype(np.float32),
                   self.data.ratings.astype(np.float32))
        for start in range(0, len(order), self.batch_size):
            rows = order[start:start + self.batch_size]
            yield tuple(nd.array(column[rows], dtype="float32") for column in columns)


def rating_iter(data: Ratings, batch_size: int, shuffle: bool = False, seed: int = 0) -> RatingIter:
    """Batches (users, items, ratings): float32 ids, as the book's, and float32 ratings, on the default context.
    When graded (D2L_DATA_LIMIT set, see d2l.data_limit) only the first N ratings are served, like the other
    course loaders, so the notebook's own training takes seconds; nothing is graded from it."""
    from .d2l import data_limit
    if data_limit():
        data = data.subset(slice(0, data_limit()))
    return RatingIter(data, batch_size, shuffle, seed)
