"""Checks for anchors: box_iou, multibox_prior, nms, and the detection demo on a hidden image.

Every reference here is float64 numpy, written to equal MXNet's contrib operators (`box_iou`, `MultiBoxPrior`,
`box_nms`): `tests/assignments/test_anchors.py` compares them on random inputs, so the judge never imports MXNet.
Conventions those operators fix, and the checks therefore demand:
- IoU of boxes that share only an edge or a corner is 0 (no "+1 pixel" in widths), never negative.
- MultiBoxPrior's anchors, per pixel in row-major order, are (sizes[i], ratios[0]) for every size, then
  (sizes[0], ratios[j]) for j >= 1; width = size·sqrt(ratio)·h/w, height = size/sqrt(ratio), centres at
  ((col + 0.5)/w, (row + 0.5)/h).
- box_nms suppresses a box only when its IoU with a kept box is strictly above the threshold: IoU exactly at
  the threshold is kept (measured on MXNet 1.9.1, asserted in the test above).
Inputs are chosen so float32 (the student's process) cannot flip a comparison: scores are distinct and no IoU
that decides a suppression lies within 1e-3 of the threshold, except the threshold check's exact 0.5.
"""
from __future__ import annotations

import numpy as np

from autograder.checks import check
from autograder.checks.expect import close, fail, malformed_reply, numbers, shape, show
from autograder.wire import Opaque

A = "anchors"


# ---- references (float64; the variants are the classic mistakes, recognised by value) ----

def reference_box_iou(boxes1, boxes2, plus_one=False, clamp=True):
    """IoU matrix (n, m) of corner boxes; `plus_one` adds the pixel-inclusive +1 to widths and heights and
    `clamp=False` lets the intersection's width and height go negative (both classic mistakes)."""
    b1, b2, p = np.asarray(boxes1, np.float64), np.asarray(boxes2, np.float64), 1.0 if plus_one else 0.0
    area1 = (b1[:, 2] - b1[:, 0] + p) * (b1[:, 3] - b1[:, 1] + p)
    area2 = (b2[:, 2] - b2[:, 0] + p) * (b2[:, 3] - b2[:, 1] + p)
    lt = np.maximum(b1[:, None, :2], b2[None, :, :2])
    rb = np.minimum(b1[:, None, 2:], b2[None, :, 2:])
    wh = rb - lt + p
    if clamp:
        wh = np.clip(wh, 0, None)
    inter = wh[..., 0] * wh[..., 1]
    return inter / (area1[:, None] + area2[None, :] - inter)


def reference_multibox_prior(h, w, sizes, ratios, variant=None):
    """MXNet's MultiBoxPrior output (1, h*w*(n+m-1), 4) for a feature map of height h and width w, or one
    of the classic variants named in MISTAKES."""
    sizes, ratios = [float(s) for s in sizes], [float(r) for r in ratios]
    pairs = [(s, ratios[0]) for s in sizes] + [(sizes[0], r) for r in ratios[1:]]
    if variant == "all_pairs":
        pairs = [(s, r) for s in sizes for r in ratios]
    elif variant == "ratios_first":
        pairs = [(sizes[0], r) for r in ratios] + [(s, ratios[0]) for s in sizes[1:]]
    root = (lambda r: r) if variant == "no_sqrt" else np.sqrt
    aspect = 1.0 if variant == "no_aspect" else h / w
    half_w = np.array([s * root(r) for s, r in pairs]) * aspect / 2
    half_h = np.array([s / root(r) for s, r in pairs]) / 2
    if variant == "swapped_wh":
        half_w, half_h = (np.array([s / root(r) for s, r in pairs]) * aspect / 2,
                          np.array([s * root(r) for s, r in pairs]) / 2)
    offset = 0.0 if variant == "no_offset" else 0.5
    cy, cx = (np.arange(h) + offset) / h, (np.arange(w) + offset) / w
    if variant == "column_major":
        grid_x, grid_y = np.meshgrid(cx, cy, indexing="ij")          # x outer, y inner
    else:
        grid_y, grid_x = np.meshgrid(cy, cx, indexing="ij")
    centres = np.stack([grid_x.ravel(), grid_y.ravel()] * 2, axis=1)           # (hw, 4)
    extents = np.stack([-half_w, -half_h, half_w, half_h], axis=1)             # (k, 4)
    if variant == "anchor_major":
        return (extents[:, None, :] + centres[None, :, :]).reshape(1, -1, 4)
    return (centres[:, None, :] + extents[None, :, :]).reshape(1, -1, 4)


def reference_nms(boxes, scores, threshold, variant=None):
    """Greedy NMS as MXNet's box_nms: visit boxes by decreasing score, keep one, drop the rest whose IoU with it
    is > threshold. Variants: the classic mistakes named in NMS_MISTAKES."""
    boxes, scores = np.asarray(boxes, np.float64), np.asarray(scores, np.float64)
    order = list(np.arange(len(scores)) if variant == "no_sort" else np.argsort(-scores, kind="stable"))
    iou = reference_box_iou(boxes, boxes)
    if variant == "suppressed_suppress":
        return [int(i) for k, i in enumerate(order) if not any(iou[i, j] > threshold for j in order[:k])]
    keep = []
    while order:
        i = order.pop(0)
        keep.append(int(i))
        order = [j for j in order if (iou[i, j] < threshold if variant == "at_threshold" else
                                      iou[i, j] <= threshold)]
    return sorted(keep) if variant == "ascending" else keep


# ---- box_iou ----

def _iou(probe, boxes1, boxes2):
    out, _ = probe.call("box_iou", boxes1, boxes2)
    return numbers(out, function="box_iou")


def _iou_verdict(boxes1, boxes2, out, what):
    expected = reference_box_iou(boxes1, boxes2)
    n, m = len(boxes1), len(boxes2)
    if out.shape == expected.shape and close(out, expected):
        return
    if out.shape == (m, n) and n != m:
        fail(f"box_iou returned shape {out.shape} for {n} boxes1 and {m} boxes2 ({what}); expected (n, m) = "
             f"({n}, {m}): row i is boxes1[i] against every box of boxes2")
    if out.shape != expected.shape:
        fail(f"box_iou returned shape {shape(out)} for {n} boxes1 and {m} boxes2 ({what}); expected the matrix "
             f"of every pair, ({n}, {m}): broadcast boxes1[:, None, :] against boxes2")
    if close(out, reference_box_iou(boxes1, boxes2, plus_one=True)):
        fail(f"box_iou used the '+1 pixel' convention (width = xmax - xmin + 1) ({what}): these boxes have "
             "normalised corner coordinates, as MXNet's box_iou: width = xmax - xmin")
    if close(out, reference_box_iou(boxes1, boxes2, clamp=False)) or (out < -1e-6).any():
        fail(f"box_iou gave {show(out.ravel())} ({what}); expected {show(expected.ravel())}: the intersection's "
             "width and height must be clamped at 0 (.clip(0, ...)) before multiplying, or boxes that do not "
             "overlap get a negative (or, apart on both axes, a positive) intersection")
    fail(f"box_iou gave {show(out.ravel())} ({what}); expected {show(expected.ravel())}: "
         "IoU = intersection area / (area1 + area2 - intersection)")


A_BOX = np.array([[0.2, 0.2, 0.5, 0.6]])


@check(A, "box_iou", "disjoint_touching", points=1)
def iou_disjoint_touching(probe):
    """Boxes apart on one axis, apart on both, sharing an edge, sharing a corner: IoU 0 for each."""
    others = np.array([[0.6, 0.3, 0.9, 0.5],        # to the right, overlapping in y
                       [0.6, 0.7, 0.8, 0.9],        # below and to the right: apart on both axes
                       [0.5, 0.2, 0.7, 0.6],        # shares A's right edge
                       [0.5, 0.6, 0.8, 0.9]])       # shares A's bottom-right corner
    _iou_verdict(A_BOX, others, _iou(probe, A_BOX, others),
                 "boxes that are disjoint or touch only at an edge or corner")


@check(A, "box_iou", "nested_identical", points=1)
def iou_nested_identical(probe):
    others = np.array([[0.2, 0.2, 0.5, 0.6],        # identical: 1
                       [0.3, 0.3, 0.4, 0.5],        # inside A: area ratio 0.02 / 0.12
                       [0.1, 0.1, 0.7, 0.8],        # A inside it
                       [0.35, 0.4, 0.7, 0.9]])      # partial overlap
    _iou_verdict(A_BOX, others, _iou(probe, A_BOX, others), "identical, nested and partly overlapping boxes")


def random_boxes(rng, n, low=0.0, high=1.0):
    corners = rng.uniform(low, high, size=(n, 2, 2))
    return np.concatenate([corners.min(axis=1), corners.max(axis=1)], axis=1)


@check(A, "box_iou", "random", points=1)
def iou_random(probe):
    """5 against 3 random boxes (and 3 against 5): the (n, m) layout and the values."""
    rng = np.random.default_rng(31)
    b1, b2 = random_boxes(rng, 5), random_boxes(rng, 3)
    _iou_verdict(b1, b2, _iou(probe, b1, b2), "5 random boxes1 against 3 random boxes2")
    _iou_verdict(b2, b1, _iou(probe, b2, b1), "3 random boxes1 against 5 random boxes2")


# ---- multibox_prior ----

MISTAKES = {
    "all_pairs": "made an anchor for every (size, ratio) pair; MultiBoxPrior makes n + m - 1 per pixel: every size "
                 "with ratios[0], then sizes[0] with each other ratio",
    "ratios_first": "listed each pixel's anchors ratios first; MultiBoxPrior lists (sizes[i], ratios[0]) for every "
                    "size first, then (sizes[0], ratios[j]) for j >= 1",
    "no_sqrt": "used the ratio itself where MultiBoxPrior uses its square root: width = size·sqrt(ratio)·h/w, "
               "height = size/sqrt(ratio)",
    "swapped_wh": "swapped width and height: width = size·sqrt(ratio)·h/w, height = size/sqrt(ratio), so a "
                  "ratio of 2 gives a wide anchor",
    "no_aspect": "left out the feature map's aspect h/w from the width (width = size·sqrt(ratio)·h/w in "
                 "MultiBoxPrior; it only shows when h != w)",
    "no_offset": "put the centres on the pixels' corners; MultiBoxPrior centres each anchor in its pixel: "
                 "((col + 0.5)/w, (row + 0.5)/h)",
    "column_major": "visited the pixels column by column; MultiBoxPrior goes row by row (all columns of row 0 "
                    "first): meshgrid needs indexing='ij'",
    "anchor_major": "grouped the anchors by shape (all pixels of the first shape first); MultiBoxPrior lists "
                    "all anchors of pixel 0 first, then pixel 1, …",
}


def _anchors(probe, h, w, sizes, ratios, channels=2):
    X = np.random.default_rng(h * 10 + w).normal(size=(1, channels, h, w))
    out, _ = probe.call("multibox_prior", X, list(sizes), list(ratios))
    return numbers(out, function="multibox_prior")


def _anchors_verdict(h, w, sizes, ratios, out):
    expected = reference_multibox_prior(h, w, sizes, ratios)
    call = f"multibox_prior on a feature map of height {h} and width {w} with sizes {list(sizes)}, ratios {list(ratios)}"
    k = len(sizes) + len(ratios) - 1
    if out.shape == expected.shape and close(out, expected, rtol=1e-4, atol=1e-5):
        return
    if out.size == h * w * len(sizes) * len(ratios) * 4 and len(sizes) > 1 and len(ratios) > 1:
        fail(f"{call} returned {out.size // 4} anchors ({h}·{w}·{len(sizes)}·{len(ratios)}): it "
             f"{MISTAKES['all_pairs']}; expected {h}·{w}·{k} = {h * w * k}")
    if out.shape != expected.shape:
        hint = (": add the batch axis, shape (1, h·w·(n+m-1), 4)" if out.size == expected.size else "")
        fail(f"{call} returned shape {shape(out)}; expected (1, h·w·(n+m-1), 4) = {expected.shape}{hint}")
    for variant, words in MISTAKES.items():
        other = reference_multibox_prior(h, w, sizes, ratios, variant)
        if other.shape == out.shape and not close(other, expected) and close(out, other, rtol=1e-4, atol=1e-5):
            fail(f"{call}: it {words}")
    bad = int(np.argmax(np.abs(out - expected).max(axis=2).ravel()))
    fail(f"{call}: anchor {bad} (pixel {bad // k}, shape {bad % k}) is {show(out[0, bad])}; MXNet's MultiBoxPrior "
         f"gives {show(expected[0, bad])}")


@check(A, "multibox_prior", "shape", points=1)
def prior_shape(probe):
    """The count h·w·(n+m-1) and the batch axis, on three feature maps and size/ratio lists of other lengths."""
    for h, w, sizes, ratios in ((2, 3, [0.75, 0.5, 0.25], [1, 2, 0.5]), (3, 2, [0.4, 0.2], [1, 2, 0.5, 3]),
                                (1, 4, [0.3], [1, 2])):
        out = _anchors(probe, h, w, sizes, ratios)
        expected = (1, h * w * (len(sizes) + len(ratios) - 1), 4)
        if out.shape != expected:
            _anchors_verdict(h, w, sizes, ratios, out)


@check(A, "multibox_prior", "values", points=1)
def prior_values(probe):
    """A square map with the book's sizes and ratios: every anchor's corners, in MultiBoxPrior's order."""
    out = _anchors(probe, 4, 4, [0.75, 0.5, 0.25], [1, 2, 0.5])
    _anchors_verdict(4, 4, [0.75, 0.5, 0.25], [1, 2, 0.5], out)


@check(A, "multibox_prior", "non_square", points=1)
def prior_non_square(probe):
    """h != w both ways: the aspect factor h/w in the width and the row-major pixel order only show here."""
    for h, w, sizes, ratios in ((2, 5, [0.6, 0.3], [1, 3, 0.5]), (5, 3, [0.5, 0.2, 0.1], [2, 1])):
        _anchors_verdict(h, w, sizes, ratios, _anchors(probe, h, w, sizes, ratios))


# ---- nms ----

NMS_MISTAKES = {
    "no_sort": "visited the boxes in the order given instead of by decreasing score (sort with "
               "scores.argsort()[::-1] first)",
    "ascending": "returned the kept indices sorted by index; return them in decreasing score order, as "
                 "box_nms lists its boxes",
    "at_threshold": "also suppressed boxes whose IoU equals the threshold; MXNet's box_nms suppresses only "
                    "IoU > threshold (keep iou <= iou_threshold)",
    "suppressed_suppress": "let boxes that were already suppressed suppress others; only a kept box "
                           "suppresses (greedy: keep the best, drop its overlaps, repeat on what is left)",
}


def _indices(value, type_name, n):
    """The kept indices as a list of ints, or a failure saying what came back."""
    if isinstance(value, Opaque) or value is None:
        fail(f"nms returned {'None' if value is None else 'a ' + type_name}; return the kept indices (an "
             "NDArray or list of ints)")
    flat = np.asarray(value, dtype=np.float64).ravel()
    if not np.all(np.isfinite(flat)) or not np.all(flat == np.round(flat)) or (flat < 0).any() or (flat >= n).any():
        fail(f"nms returned {show(flat)}, not indices into the {n} boxes: return the indices of the kept boxes, "
             "not the boxes or their scores")
    return [int(i) for i in flat]


def _nms_verdict(boxes, scores, threshold, kept, what):
    expected = reference_nms(boxes, scores, threshold)
    if kept == expected:
        return
    for variant, words in NMS_MISTAKES.items():
        if kept == reference_nms(boxes, scores, threshold, variant) != expected:
            fail(f"nms on {what}: it {words}; kept {kept}, expected {expected}")
    if sorted(kept) == sorted(expected):
        fail(f"nms on {what} kept the right boxes in the wrong order {kept}; expected decreasing score order "
             f"{expected}")
    fail(f"nms on {what} (iou_threshold {threshold}) kept {kept}; expected {expected}: visit the boxes by "
         "decreasing score, keep the best, drop every remaining box whose IoU with it is > iou_threshold, repeat")


def _nms(probe, boxes, scores, threshold, what):
    value, type_name = probe.call("nms", boxes, scores, threshold, isolate=["box_iou"])
    kept = _indices(value, type_name, len(scores))
    _nms_verdict(boxes, scores, threshold, kept, what)


def clustered_boxes(rng, clusters, per_cluster, threshold, spread=0.06):
    """Boxes jittered around a few centres (so they overlap), distinct scores, and no pair's IoU within 1e-3
    of the threshold (float32 cannot flip a decision)."""
    while True:
        centres = rng.uniform(0.25, 0.75, size=(clusters, 2))
        sides = rng.uniform(0.15, 0.35, size=(clusters, 2))
        rows = []
        for c, s in zip(centres, sides):
            for _ in range(per_cluster):
                cc = c + rng.normal(scale=spread, size=2)
                ss = s * rng.uniform(0.8, 1.25, size=2)
                rows.append(np.concatenate([cc - ss / 2, cc + ss / 2]))
        boxes = np.array(rows)
        scores = rng.permutation(len(boxes)) / len(boxes) * 0.9 + 0.05
        iou = reference_box_iou(boxes, boxes)
        if np.abs(iou - threshold).min() > 1e-3:
            return boxes, scores


@check(A, "nms", "values", points=1)
def nms_values(probe):
    """Three clusters of overlapping boxes with shuffled scores, at two thresholds."""
    rng = np.random.default_rng(41)
    for threshold in (0.5, 0.3):
        boxes, scores = clustered_boxes(rng, 3, 4, threshold)
        _nms(probe, boxes, scores, threshold, f"12 boxes in 3 overlapping clusters")


@check(A, "nms", "score_order", points=1)
def nms_score_order(probe):
    """Boxes that do not overlap: every one is kept, and the indices must come in decreasing score order."""
    boxes = np.array([[0.0, 0.0, 0.2, 0.2], [0.3, 0.0, 0.5, 0.2], [0.6, 0.0, 0.8, 0.2],
                      [0.0, 0.5, 0.2, 0.7], [0.3, 0.5, 0.5, 0.7]])
    scores = np.array([0.3, 0.9, 0.1, 0.6, 0.8])
    _nms(probe, boxes, scores, 0.5, "5 boxes that do not overlap, scores [0.3, 0.9, 0.1, 0.6, 0.8]")


@check(A, "nms", "threshold", points=1)
def nms_threshold(probe):
    """IoU exactly 0.5 (a box half the size of the other, inside it; exact in float32) at threshold 0.5 is kept,
    as by MXNet's box_nms; at threshold 0.49 it is suppressed."""
    boxes = np.array([[0.0, 0.0, 0.5, 0.25], [0.0, 0.0, 0.25, 0.25], [0.5, 0.5, 1.0, 0.75]])
    scores = np.array([0.9, 0.8, 0.7])
    _nms(probe, boxes, scores, 0.5, "a box whose IoU with a better one is exactly 0.5, threshold 0.5")
    _nms(probe, boxes, scores, 0.49, "a box whose IoU with a better one is 0.5, threshold 0.49")


@check(A, "nms", "greedy_chain", points=1)
def nms_greedy_chain(probe):
    """A chain: B overlaps A (suppressed by it), C overlaps B but not A: C must be kept, since only kept boxes
    suppress. The lowest-scoring box comes first, so input order is not score order."""
    boxes = np.array([[0.35, 0.0, 0.55, 0.2],     # C: IoU 0.43 with B, 0.09 with A
                      [0.0, 0.0, 0.4, 0.2],       # A
                      [0.2, 0.0, 0.5, 0.2]])      # B: IoU 0.4 with A
    scores = np.array([0.5, 0.9, 0.8])
    _nms(probe, boxes, scores, 0.3, "a chain A > B > C where B overlaps A and C overlaps only B, threshold 0.3")


# ---- outcome: the detection demo on a hidden image ----

def hidden_problem(seed: int):
    """A feature map, anchor sizes and ratios, one or two ground-truth boxes and a score jitter such that the
    reference's NMS decisions have margins float32 cannot cross (redrawn until they do)."""
    rng = np.random.default_rng(seed)
    while True:
        h, w = int(rng.integers(3, 7)), int(rng.integers(3, 7))
        sizes = sorted(np.round(rng.uniform(0.15, 0.8, size=int(rng.integers(2, 4))), 2), reverse=True)
        ratios = [1.0] + list(np.round(rng.uniform(0.4, 2.5, size=int(rng.integers(1, 3))), 2))
        centres, sides = rng.uniform(0.3, 0.7, size=(int(rng.integers(1, 3)), 2)), rng.uniform(0.2, 0.5, size=2)
        gt = np.concatenate([centres - sides / 2, centres + sides / 2], axis=1)
        anchors = reference_multibox_prior(h, w, sizes, ratios)[0]
        jitter = rng.permutation(len(anchors)) * 2e-5
        scores = reference_box_iou(anchors, gt).max(axis=1) + jitter
        gaps = np.diff(np.sort(scores))
        iou = reference_box_iou(anchors, anchors)
        if gaps.min() > 1e-5 and np.abs(iou - 0.5).min() > 1e-4:
            return (1, 3, h, w), gt, sizes, ratios, jitter, 0.5


@check(A, None, "hidden_detection", points=1, hidden=True, requires=("box_iou", "multibox_prior", "nms"))
def hidden_detection(probe):
    """The demo (anchors scored by IoU with the ground truth, then NMS) on a hidden feature map and boxes, built
    from the three functions: the anchors and the kept indices must be the reference's, exactly."""
    fmap, gt, sizes, ratios, jitter, threshold = hidden_problem(7_000_003 + probe.hidden_seed)
    reply = probe.run("detect", fmap_shape=list(fmap), gt_boxes=gt, sizes=list(sizes), ratios=list(ratios),
                      jitter=jitter, iou_threshold=threshold)
    how = (f"the detection demo on a hidden {fmap[2]}×{fmap[3]} feature map (sizes {list(sizes)}, ratios "
           f"{list(ratios)}) with your three functions")
    anchors = reference_multibox_prior(fmap[2], fmap[3], sizes, ratios)[0]
    scores = reference_box_iou(anchors, gt).max(axis=1) + jitter
    expected = reference_nms(anchors, scores, threshold)
    with malformed_reply(how):
        got_anchors = numbers(reply["anchors"], function="multibox_prior")
        if not close(got_anchors, anchors):
            fail(f"{how}: the anchors differ from MultiBoxPrior's")
        kept = _indices(reply["keep"], reply["type"], len(anchors))
    if kept != expected:
        fail(f"{how}: nms kept {len(kept)} anchors {kept[:8]}{'…' if len(kept) > 8 else ''}; the reference keeps "
             f"{len(expected)}: {expected[:8]}{'…' if len(expected) > 8 else ''}")
