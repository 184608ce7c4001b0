"""Synthetic object-detection data for the `anchors` lesson, and drawing boxes on an image.

The book's detection chapters download the Pikachu data set; nothing downloads here. Instead
`synthetic_detection_image(seed)` paints coloured rectangles on noise and returns their ground-truth boxes,
so every box the lesson draws has a known answer:

    image, boxes = d2l.synthetic_detection_image(seed=1)      # (H, W, 3) floats in [0, 1]; (k, 4) boxes
    d2l.show_boxes(image, boxes, labels=['object'])           # normalised corners drawn on the image

Boxes are in corner format `(xmin, ymin, xmax, ymax)`, normalised by the image's width and height, as
MXNet's `MultiBoxPrior` gives anchors. Everything is numpy and matplotlib: no MXNet needed.
"""
from __future__ import annotations

import numpy as np

COLORS = ("b", "g", "r", "m", "c")


def synthetic_detection_image(seed: int = 0, height: int = 96, width: int = 128, num_objects: int = 1,
                              min_side: float = 0.25, max_side: float = 0.6):
    """(image, boxes): grey noise with `num_objects` solid rectangles of random colours, and their boxes.

    Each rectangle's sides are between `min_side` and `max_side` of the image's; rectangles may overlap
    (a later one is painted over an earlier one, its box is still the whole rectangle)."""
    rng = np.random.default_rng(seed)
    image = np.clip(0.5 + 0.15 * rng.normal(size=(height, width, 3)), 0, 1)
    boxes = []
    for _ in range(int(num_objects)):
        bw, bh = rng.uniform(min_side, max_side, size=2)
        x0, y0 = rng.uniform(0, 1 - bw), rng.uniform(0, 1 - bh)
        c0, r0 = int(round(x0 * width)), int(round(y0 * height))
        c1, r1 = int(round((x0 + bw) * width)), int(round((y0 + bh) * height))
        colour = rng.uniform(0, 1, size=3)
        image[r0:r1, c0:c1] = np.clip(colour + 0.05 * rng.normal(size=(r1 - r0, c1 - c0, 3)), 0, 1)
        boxes.append([c0 / width, r0 / height, c1 / width, r1 / height])
    return image.astype(np.float32), np.array(boxes, dtype=np.float32)


def _numpy(boxes) -> np.ndarray:
    boxes = boxes.asnumpy() if hasattr(boxes, "asnumpy") else np.asarray(boxes)
    return np.asarray(boxes, dtype=np.float64).reshape(-1, 4)


def show_boxes(image, boxes, labels=None, colors=None, axes=None):
    """Draw normalised corner boxes (k, 4) (NDArray or numpy) on `image` (H, W, 3); returns the axes.

    Pass `axes` to draw on an existing plot (several sets of boxes on one image)."""
    import matplotlib.pyplot as plt
    image = np.asarray(image.asnumpy() if hasattr(image, "asnumpy") else image)
    if axes is None:
        _, axes = plt.subplots(figsize=(4, 3))
        axes.imshow(image)
        axes.axis("off")
    height, width = image.shape[:2]
    labels = list(labels) if labels is not None else []
    colors = list(colors) if colors is not None else list(COLORS)
    for i, (x0, y0, x1, y1) in enumerate(_numpy(boxes)):
        color = colors[i % len(colors)]
        axes.add_patch(plt.Rectangle((x0 * width, y0 * height), (x1 - x0) * width, (y1 - y0) * height,
                                     fill=False, edgecolor=color, linewidth=2))
        if i < len(labels):
            axes.text(x0 * width, y0 * height, labels[i], va="center", ha="center", fontsize=8,
                      color="k" if color == "w" else "w", bbox=dict(facecolor=color, lw=0))
    return axes
