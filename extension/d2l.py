"""Course helpers the notebooks import (`from extension import d2l`): the d2lzh functions these chapters use.

Every helper computes on `context.default_context()` unless given a context, and none downloads
anything: Fashion-MNIST is read from local IDX files (see `extension.fashion_mnist`), the Tang poems from
Debian's fortunes-zh (see `extension.tang_poems`).
"""
from __future__ import annotations

import os
import time

from .context import default_context, try_all_gpus, try_gpu  # noqa: F401  (re-exported for notebooks)

__all__ = ["synthetic_data", "load_data_fashion_mnist", "load_data_tang_poems", "get_fashion_mnist_labels", "show_fashion_mnist",
           "sgd", "evaluate_accuracy", "train_ch3", "train_ch5", "data_limit", "plot_curves", "set_figsize", "use_svg_display",
           "try_gpu", "try_all_gpus", "default_context", "Timer",
           "data_parallel_contexts",
           "synthetic_detection_image", "show_boxes",
           "load_data_gaussian",
           "read_zh_en_pairs",
           "GridWorld", "FROZEN_LAKE_4X4", "ACTIONS", "draw_policy", "random_world",
           "synthetic_ratings", "split_ratings", "floor_rmse", "mean_rmse", "rating_iter"]

FASHION_MNIST_LABELS = ["t-shirt", "trouser", "pullover", "dress", "coat",
                        "sandal", "shirt", "sneaker", "bag", "ankle boot"]


def synthetic_data(w, b, num_examples: int, noise: float = 0.01, ctx=None):
    """The book's linear-regression data: X ~ N(0, 1), y = Xw + b + N(0, noise²). Returns (features, labels)."""
    from mxnet import nd
    ctx = ctx or default_context()
    w = nd.array(w, ctx=ctx).reshape((-1,))
    features = nd.random.normal(scale=1, shape=(num_examples, w.shape[0]), ctx=ctx)
    labels = nd.dot(features, w) + b
    labels += nd.random.normal(scale=noise, shape=labels.shape, ctx=ctx)
    return features, labels


def data_limit() -> int:
    """Examples per split the loaders give (0: all). The grader sets D2L_DATA_LIMIT for assignments whose
    notebooks train for minutes, so grading runs their cells in seconds; nothing is graded from that training."""
    try:
        return max(int(os.environ.get("D2L_DATA_LIMIT", "0")), 0)
    except ValueError:
        return 0


def load_data_fashion_mnist(batch_size: int, resize: int | None = None, root: str | None = None,
                            num_workers: int = 0):
    """(train_iter, test_iter) over local Fashion-MNIST files, with the book's ToTensor transform
    (the first `data_limit()` examples of each split when the grader sets one)."""
    from mxnet.gluon import data as gdata
    from .fashion_mnist import FashionMNIST, to_tensor_dataset
    limit = data_limit()
    if limit:
        print(f"grading: the data loaders give the first {limit} examples of each split (D2L_DATA_LIMIT)")
    loaders = []
    for train in (True, False):
        dataset = FashionMNIST(root=root, train=train)
        if limit:
            dataset._data, dataset._label = dataset._data[:limit], dataset._label[:limit]
        if resize:
            transform = gdata.vision.transforms.Compose(
                [gdata.vision.transforms.Resize(resize), gdata.vision.transforms.ToTensor()])
            dataset = dataset.transform_first(transform)
        else:
            dataset = to_tensor_dataset(dataset)   # same values as ToTensor, converted once, not per item
        loaders.append(gdata.DataLoader(dataset, batch_size, shuffle=train, num_workers=num_workers))
    return tuple(loaders)


def load_data_tang_poems(num_chars: int | None = None, root: str | None = None):
    """(corpus_indices, char_to_idx, idx_to_char, vocab_size) of the 300 Tang poems, the course's stand-in for
    the book's lyrics corpus (see `extension.tang_poems` for what is kept and why). `num_chars` keeps the first
    characters; when the grader sets `data_limit()`, at most that many characters are kept."""
    from .tang_poems import load_data_tang_poems as load
    limit = data_limit()
    if limit and (num_chars is None or num_chars > limit):
        print(f"grading: the poems loader gives the first {limit} characters (D2L_DATA_LIMIT)")
        num_chars = limit
    return load(num_chars, root)


def get_fashion_mnist_labels(labels) -> list[str]:
    return [FASHION_MNIST_LABELS[int(i)] for i in labels]


def use_svg_display() -> None:
    from matplotlib_inline import backend_inline
    backend_inline.set_matplotlib_formats("svg")


def set_figsize(figsize=(3.5, 2.5)) -> None:
    import matplotlib.pyplot as plt
    plt.rcParams["figure.figsize"] = figsize


def show_fashion_mnist(images, labels) -> None:
    """A row of images with their text labels, as in the book's section 3.5."""
    import matplotlib.pyplot as plt
    _, axes = plt.subplots(1, len(images), figsize=(12, 12))
    for ax, img, lbl in zip(axes, images, labels):
        ax.imshow(img.reshape((28, 28)).asnumpy())
        ax.set_title(lbl)
        ax.axes.get_xaxis().set_visible(False)
        ax.axes.get_yaxis().set_visible(False)
    plt.show()


def plot_curves(curves: dict, xlabel: str = "epoch", ylabel: str = "loss", logy: bool = False) -> None:
    """Plot named series against 1..n: {'train loss': [...], 'test acc': [...]}."""
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=plt.rcParams["figure.figsize"])
    for name, values in curves.items():
        ax.plot(range(1, len(values) + 1), values, marker="o", label=name)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if logy:
        ax.set_yscale("log")
    ax.legend()
    plt.show()


def sgd(params, lr, batch_size) -> None:
    """Mini-batch SGD, in place (the book's d2l.sgd)."""
    for param in params:
        param[:] = param - lr * param.grad / batch_size


def _check_same_context(what: str, *arrays) -> None:
    contexts = {a.context for a in arrays if hasattr(a, "context")}
    if len(contexts) > 1:
        raise ValueError(f"{what}: inputs live on different contexts {sorted(map(str, contexts))}; "
                         "move them with .as_in_context(d2l.default_context()) (MXNet: 'All inputs must "
                         "live on the same context')")


def _forward(net, X, ctx, helper: str):
    """net(X), with MXNet's bare "same context" error turned into one that says what to move where, and scores
    of the wrong shape refused before a loss can crash the kernel."""
    from mxnet.base import MXNetError
    try:
        y_hat = net(X)
    except (MXNetError, ValueError, RuntimeError) as exc:
        if "context" not in str(exc):
            raise
        raise ValueError(f"{helper}: the data is on {ctx} but the model's parameters are elsewhere (MXNet: "
                         "'All inputs must live on the same context'). Create the parameters after choosing "
                         "the context, or move them: W = W.as_in_context(ctx) / "
                         "net.collect_params().reset_ctx(ctx)") from None
    # MXNet 1.9 aborts the whole process (a segfault, the kernel dies) when a loss or argmax meets scores of
    # another shape, e.g. a half-built net whose last layer is a convolution: refuse with a message instead.
    if getattr(y_hat, "ndim", 2) != 2 or y_hat.shape[0] != X.shape[0]:
        raise ValueError(f"{helper}: the net returned shape {tuple(y_hat.shape)} for a batch of {X.shape[0]}; it "
                         "must return one row of class scores per example, (batch, classes): check the net's "
                         "last layers (flatten, then a Dense layer with one unit per class)")
    return y_hat


def evaluate_accuracy(data_iter, net, ctx=None) -> float:
    """Fraction of examples whose argmax prediction equals the label."""
    ctx = ctx or default_context()
    correct, total = 0.0, 0
    for X, y in data_iter:
        X, y = X.as_in_context(ctx), y.as_in_context(ctx).astype("float32")
        correct += (_forward(net, X, ctx, "evaluate_accuracy").argmax(axis=1) == y).sum().asscalar()
        total += y.size
    return float(correct / total)


def _train_epoch(net, train_iter, loss, ctx, step, helper: str) -> tuple[float, float]:
    """One pass of the book's loop: each batch moved to ctx, summed loss, backward, `step()`.
    Returns (mean training loss, training accuracy) over the examples seen."""
    from mxnet import autograd
    loss_sum, correct, n = 0.0, 0.0, 0
    for X, y in train_iter:
        X, y = X.as_in_context(ctx), y.as_in_context(ctx)
        with autograd.record():
            y_hat = _forward(net, X, ctx, helper)
            batch_loss = loss(y_hat, y).sum()
        batch_loss.backward()
        step()
        y = y.astype("float32")
        loss_sum += batch_loss.asscalar()
        correct += (y_hat.argmax(axis=1) == y).sum().asscalar()
        n += y.size
    return loss_sum / n, correct / n


def train_ch3(net, train_iter, test_iter, loss, num_epochs, batch_size, params=None, lr=None,
              trainer=None, ctx=None, verbose=True) -> dict:
    """The book's training loop for chapter 3, on the default context. Returns the per-epoch history."""
    ctx = ctx or default_context()
    if params:
        _check_same_context("train_ch3 params", *params)
        if params[0].context != ctx:
            raise ValueError(f"train_ch3: the parameters live on {params[0].context} but training runs on "
                             f"{ctx}; create them after choosing the context, or pass ctx=")
    step = (lambda: sgd(params, lr, batch_size)) if trainer is None else (lambda: trainer.step(batch_size))
    history = {"train loss": [], "train acc": [], "test acc": []}
    for epoch in range(num_epochs):
        train_loss, train_acc = _train_epoch(net, train_iter, loss, ctx, step, "train_ch3")
        test_acc = evaluate_accuracy(test_iter, net, ctx)
        for key, value in zip(history, (train_loss, train_acc, test_acc)):
            history[key].append(value)
        if verbose:
            print(f"epoch {epoch + 1}, loss {train_loss:.4f}, train acc {train_acc:.3f}, test acc {test_acc:.3f}")
    return history


def train_ch5(net, train_iter, test_iter, batch_size, trainer, ctx, num_epochs, verbose=True) -> dict:
    """The book's training loop for chapter 5: every batch moved to `ctx` (the net's parameters must live
    there: initialise with ctx=ctx), summed softmax cross-entropy, trainer.step(batch_size).
    Returns the per-epoch history, seconds per epoch included."""
    from mxnet import gluon
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    history = {"train loss": [], "train acc": [], "test acc": [], "seconds": []}
    for epoch in range(num_epochs):
        start = time.perf_counter()
        train_loss, train_acc = _train_epoch(net, train_iter, loss, ctx, lambda: trainer.step(batch_size),
                                             "train_ch5")
        test_acc = evaluate_accuracy(test_iter, net, ctx)
        seconds = time.perf_counter() - start
        for key, value in zip(history, (train_loss, train_acc, test_acc, seconds)):
            history[key].append(value)
        if verbose:
            print(f"epoch {epoch + 1}, loss {train_loss:.4f}, train acc {train_acc:.3f}, "
                  f"test acc {test_acc:.3f}, time {seconds:.1f} sec")
    return history


class Timer:
    """Wall-clock laps, as the book's d2l.Timer."""

    def __init__(self):
        self.times = []
        self.start()

    def start(self) -> None:
        self._start = time.perf_counter()

    def stop(self) -> float:
        self.times.append(time.perf_counter() - self._start)
        return self.times[-1]

    def sum(self) -> float:
        return sum(self.times)


# --- multi_device helpers ---
from .context import data_parallel_contexts  # noqa: E402  (re-exported: [gpus] or [cpu(0), cpu(1)], says why)


# --- anchors helpers ---
from .detection import show_boxes, synthetic_detection_image  # noqa: E402  (synthetic boxes, drawing them)


# --- gan_gaussian helpers ---
from .gan_data import load_data_gaussian  # noqa: E402  (the book's 2-D Gaussian, X = Z·A + b, seeded)


# --- seq2seq_attention helpers ---
def read_zh_en_pairs(root: str | None = None):
    """The course's Chinese→English pairs as [(source tokens, target tokens), ...] (see extension.parallel_corpus);
    when the grader sets `data_limit()`, only the first that many pairs."""
    from .parallel_corpus import read_pairs
    pairs = read_pairs(root)
    limit = data_limit()
    if limit and limit < len(pairs):
        print(f"grading: the pairs loader gives the first {limit} pairs (D2L_DATA_LIMIT)")
        pairs = pairs[:limit]
    return pairs


# --- q_learning helpers ---
from .gridworld import ACTIONS, FROZEN_LAKE_4X4, GridWorld, draw_policy, random_world  # noqa: E402,F401

# --- recsys_mf helpers ---
from .ratings import floor_rmse, mean_rmse, rating_iter, synthetic_ratings  # noqa: E402,F401
from .ratings import split as split_ratings  # noqa: E402,F401
