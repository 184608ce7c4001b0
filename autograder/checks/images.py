"""Image data the judge classifies with: the Fashion-MNIST test set, and small image-shaped hidden problems.

Checks of assignments that train a classifier on Fashion-MNIST use both: the test set to measure the
notebook's own trained parameters (in numpy, here), and a hidden problem to train the student's stubs on
data the notebook never saw, with every step recomputed (`trajectory.py`).
"""
from __future__ import annotations

import numpy as np

from ..faults import GraderFault


def fashion_mnist_test_set(root=None) -> tuple[np.ndarray, np.ndarray]:
    """(images (10000, 784) float64 in [0, 1], labels (10000,)) as the course's loaders scale them. Missing
    files are the grader's problem, not the student's: a GraderFault, so no grade at all."""
    from extension.fashion_mnist import FashionMNISTNotFound, load_arrays
    try:
        images, labels = load_arrays(train=False, root=root)
    except FashionMNISTNotFound as exc:
        raise GraderFault("course data missing: the grader cannot find the Fashion-MNIST test set ("
                          + " ".join(str(exc).split())[:300] + ")") from None
    return images.reshape(len(images), -1).astype(np.float64) / 255.0, labels


def image_problem(seed: int, n_train: int = 1500, n_test: int = 500, classes: int = 10, noise: float = 0.35):
    """((images, labels) for training, (images, labels) held out): class prototypes in [0, 1]^784 plus
    Gaussian noise, clipped to [0, 1], shaped (n, 1, 28, 28) like a Fashion-MNIST batch."""
    rng = np.random.default_rng(seed)
    prototypes = rng.uniform(size=(classes, 784))
    labels = rng.integers(0, classes, size=n_train + n_test)
    images = np.clip(prototypes[labels] + rng.normal(scale=noise, size=(n_train + n_test, 784)), 0, 1)
    images = images.reshape(-1, 1, 28, 28)
    return (images[:n_train], labels[:n_train]), (images[n_train:], labels[n_train:])
