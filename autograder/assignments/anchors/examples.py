"""anchors: example submissions — classic mistakes (each with the checks it must fail), other correct styles
(which must fail nothing), and the demo's buggy and crashing students. `selftest` grades each."""
from autograder.examples import Example

BOX_IOU = '''\
import math


def box_iou(boxes1, boxes2):
    """IoU of every pair: boxes1 (n, 4) and boxes2 (m, 4) in corner format → (n, m)."""
    def box_area(boxes):
        return (boxes[:, 2] - boxes[:, 0]{plus}) * (boxes[:, 3] - boxes[:, 1]{plus})
    areas1, areas2 = box_area(boxes1), box_area(boxes2)
    inter_upperlefts = nd.broadcast_maximum(boxes1[:, :2].expand_dims(1), boxes2[:, :2].expand_dims(0))
    inter_lowerrights = nd.broadcast_minimum(boxes1[:, 2:].expand_dims(1), boxes2[:, 2:].expand_dims(0))
    inters = {inters}
    inter_areas = {inter_areas}
    union_areas = areas1.expand_dims(1) + areas2.expand_dims(0) - inter_areas
    return {result}
'''


def box_iou(plus="", inters="(inter_lowerrights - inter_upperlefts).clip(0, math.inf)",
            inter_areas="inters[:, :, 0] * inters[:, :, 1]", result="inter_areas / union_areas"):
    return BOX_IOU.format(plus=plus, inters=inters, inter_areas=inter_areas, result=result)


PRIOR = '''\
import math
import numpy as np


def multibox_prior(data, sizes, ratios):
    in_height, in_width = data.shape[-2:]
    center_h = (nd.arange(in_height) + {offset}) / in_height
    center_w = (nd.arange(in_width) + {offset}) / in_width
    shift_y = center_h.reshape((-1, 1)).broadcast_to((in_height, in_width)).reshape(-1)
    shift_x = center_w.reshape((1, -1)).broadcast_to((in_height, in_width)).reshape(-1)
    {grid}
    shapes = {shapes}
    w = nd.array([s * {root} for s, r in shapes]) * {aspect}
    h = nd.array([s / {root} for s, r in shapes])
    anchor_offsets = nd.stack({stack}, axis=1) / 2
    centres = nd.stack(shift_x, shift_y, shift_x, shift_y, axis=1)
    output = centres.expand_dims(1) + anchor_offsets.expand_dims(0)
    return {result}
'''


def prior(offset="0.5", grid="", shapes="[(s, ratios[0]) for s in sizes] + [(sizes[0], r) for r in ratios[1:]]",
          root="math.sqrt(r)", aspect="in_height / in_width", stack="-w, -h, w, h",
          result="output.reshape((1, -1, 4))"):
    return PRIOR.format(offset=offset, grid=grid, shapes=shapes, root=root, aspect=aspect, stack=stack,
                        result=result)


NMS = '''\
import numpy as np


def nms(boxes, scores, iou_threshold):
    order = {order}
    keep = []
    while order.size > 0:
        i = int(order[0])
        keep.append(i)
        if order.size == 1:
            break
        rest = nd.array(order[1:], dtype='int64')
        iou = box_iou(boxes[i:i + 1], boxes.take(rest)).reshape(-1).asnumpy()
        order = order[1:][iou {compare} iou_threshold]
    return {result}
'''


def nms(order="np.argsort(-scores.asnumpy(), kind='stable')", compare="<=", result="nd.array(keep, dtype='int32')"):
    return NMS.format(order=order, compare=compare, result=result)


EXAMPLES = (
    Example('box_iou: intersection not clamped at 0', {'box_iou': box_iou(
        inters="inter_lowerrights - inter_upperlefts")},
            fails=['box_iou.disjoint_touching', 'box_iou.random']),
    Example('box_iou: only the intersection area clamped (apart on both axes gives a positive area)', {
        'box_iou': box_iou(inters="inter_lowerrights - inter_upperlefts",
                           inter_areas="(inters[:, :, 0] * inters[:, :, 1]).clip(0, math.inf)")},
            fails=['box_iou.disjoint_touching', 'box_iou.random']),
    Example('box_iou: the "+1 pixel" convention', {'box_iou': box_iou(
        plus=" + 1", inters="(inter_lowerrights - inter_upperlefts + 1).clip(0, math.inf)")},
            fails=['box_iou.disjoint_touching', 'box_iou.nested_identical', 'box_iou.random']),
    Example('box_iou: (m, n) instead of (n, m)', {'box_iou': box_iou(result="(inter_areas / union_areas).T")},
            fails=['box_iou.disjoint_touching', 'box_iou.nested_identical', 'box_iou.random']),
    Example('multibox_prior: every (size, ratio) pair', {'multibox_prior': prior(
        shapes="[(s, r) for s in sizes for r in ratios]")},
            fails=['multibox_prior.shape', 'multibox_prior.values', 'multibox_prior.non_square']),
    Example('multibox_prior: no batch axis', {'multibox_prior': prior(result="output.reshape((-1, 4))")},
            fails=['multibox_prior.shape', 'multibox_prior.values', 'multibox_prior.non_square']),
    Example('multibox_prior: ratios before sizes', {'multibox_prior': prior(
        shapes="[(sizes[0], r) for r in ratios] + [(s, ratios[0]) for s in sizes[1:]]")},
            fails=['multibox_prior.values', 'multibox_prior.non_square']),
    Example('multibox_prior: the ratio without its square root', {'multibox_prior': prior(root="r")},
            fails=['multibox_prior.values', 'multibox_prior.non_square']),
    Example('multibox_prior: width and height swapped', {'multibox_prior': prior(stack="-h * in_height / in_width, -w * in_width / in_height, h * in_height / in_width, w * in_width / in_height")},
            fails=['multibox_prior.values', 'multibox_prior.non_square']),
    Example('multibox_prior: no h/w factor in the width', {'multibox_prior': prior(aspect="1")},
            fails=['multibox_prior.non_square']),
    Example('multibox_prior: centres on the pixel corners', {'multibox_prior': prior(offset="0")},
            fails=['multibox_prior.values', 'multibox_prior.non_square']),
    Example('multibox_prior: pixels column by column (meshgrid without indexing="ij")', {'multibox_prior': prior(
        grid="shift_y, shift_x = [nd.array(a.ravel()) for a in np.meshgrid(center_h.asnumpy(), center_w.asnumpy())]")},
            fails=['multibox_prior.values', 'multibox_prior.non_square']),
    Example('nms: not sorted by score', {'nms': nms(order="np.arange(len(scores))")},
            fails=['nms.values', 'nms.score_order', 'nms.greedy_chain']),
    Example('nms: indices returned sorted by index', {'nms': nms(result="nd.array(sorted(keep), dtype='int32')")},
            fails=['nms.values', 'nms.score_order', 'nms.greedy_chain']),
    Example('nms: suppresses at IoU == threshold', {'nms': nms(compare="<")},
            fails=['nms.threshold']),
    Example('nms: suppressed boxes suppress others too', {'nms': '''\
import numpy as np


def nms(boxes, scores, iou_threshold):
    order = np.argsort(-scores.asnumpy(), kind='stable')
    iou = box_iou(boxes, boxes).asnumpy()
    return [int(i) for k, i in enumerate(order) if not (iou[i, order[:k]] > iou_threshold).any()]
'''},
            fails=['nms.values', 'nms.greedy_chain']),
    Example('nms: returns the kept boxes, not their indices', {'nms': nms(
        result="boxes.take(nd.array(keep, dtype='int64'))")},
            fails=['nms.values', 'nms.score_order', 'nms.threshold', 'nms.greedy_chain']),
    Example('another correct box_iou (maximum/minimum on reshaped boxes, relu)', {'box_iou': '''\
def box_iou(boxes1, boxes2):
    n, m = boxes1.shape[0], boxes2.shape[0]
    a = boxes1.reshape((n, 1, 4))
    b = boxes2.reshape((1, m, 4))
    lt = nd.broadcast_maximum(a[:, :, :2], b[:, :, :2])
    rb = nd.broadcast_minimum(a[:, :, 2:], b[:, :, 2:])
    wh = nd.relu(rb - lt)
    inter = wh[:, :, 0] * wh[:, :, 1]
    area_a = (a[:, :, 2] - a[:, :, 0]) * (a[:, :, 3] - a[:, :, 1])
    area_b = (b[:, :, 2] - b[:, :, 0]) * (b[:, :, 3] - b[:, :, 1])
    return inter / (nd.broadcast_add(area_a, area_b) - inter)
'''}),
    Example('another correct multibox_prior (numpy loops, then one NDArray)', {'multibox_prior': '''\
import math
import numpy as np


def multibox_prior(data, sizes, ratios):
    h, w = data.shape[2], data.shape[3]
    out = []
    for i in range(h):
        for j in range(w):
            cx, cy = (j + 0.5) / w, (i + 0.5) / h
            for s, r in [(s, ratios[0]) for s in sizes] + [(sizes[0], r) for r in ratios[1:]]:
                half_w, half_h = s * math.sqrt(r) * h / w / 2, s / math.sqrt(r) / 2
                out.append([cx - half_w, cy - half_h, cx + half_w, cy + half_h])
    return nd.array(np.array(out).reshape(1, -1, 4))
'''}),
    Example('another correct nms (plain Python, a list back)', {'nms': '''\
def nms(boxes, scores, iou_threshold):
    remaining = sorted(range(len(scores)), key=lambda i: -float(scores[i].asscalar()))
    keep = []
    while remaining:
        best = remaining.pop(0)
        keep.append(best)
        if remaining:
            ious = box_iou(boxes[best:best + 1], boxes.take(nd.array(remaining))).asnumpy()[0]
            remaining = [j for j, v in zip(remaining, ious) if v <= iou_threshold]
    return keep
'''}),
    Example('bug (the demo): box_iou', {'box_iou': box_iou(inters="inter_lowerrights - inter_upperlefts")},
            fails=['box_iou.disjoint_touching', 'box_iou.random', 'outcome.hidden_detection'], whole=True,
            student='example-bug'),
    Example('crash (the demo): nms', {'nms': '''\
def nms(boxes, scores, iou_threshold):
    """Indices of the boxes kept by non-maximum suppression, in decreasing score order."""
    order = scores.argsort(is_ascend=False)
    keep = []
    while order.size > 0:
        i = order[0]
        keep.append(i)
        iou = box_iou(boxes[i:i + 1], boxes[order[1:]]).reshape(-1)
        order = order[1:][iou <= iou_threshold]
    return nd.stack(*keep)
'''},
            fails=['nms.values', 'nms.score_order', 'nms.threshold', 'nms.greedy_chain', 'outcome.hidden_detection'],
            whole=True, student='example-crash'),
)
