"""anchors (d2l-en "Anchor Boxes", MXNet): a 561×728 image with sizes [0.75, 0.5, 0.25] and ratios [1, 2, 0.5] has
2,042,040 anchors, and the first anchor of pixel (250, 250) is [0.06, 0.07, 0.63, 0.82] (the book's printout).
Asserted: those two facts; the notebook's anchors equal to MXNet's contrib MultiBoxPrior; its NMS result on 20
random boxes equal to contrib box_nms's (the demo's IoU scores have ties, whose order MXNet's sorts leave
arbitrary); each object of the synthetic image found by a kept anchor with IoU > 0.5 (IoU by contrib box_iou). Runs whole in seconds: TEST_DATA_LIMIT = 0."""
PROBE = """{
    "num_anchors": int(Y.shape[1]),
    "anchor_250_250_0": boxes[250, 250, 0, :].asnumpy().astype('float64').round(2).tolist(),
    "matches_multibox_prior": float((anchors - contrib.nd.MultiBoxPrior(
        fmap, sizes=[0.5, 0.3, 0.2], ratios=[1, 2, 0.5])[0]).abs().max().asscalar()) < 1e-6,
    "matches_box_nms": [int(i) for i in mine.asnumpy()] == theirs,
    "objects_found": int((contrib.nd.box_iou(anchors.take(nd.array(detections)), nd.array(gt_boxes))
                          .max(axis=0) > 0.5).sum().asscalar()),
    "num_objects": len(gt_boxes)}"""
EXPECT = {"num_anchors": 2042040, "anchor_250_250_0": [0.06, 0.07, 0.63, 0.82], "matches_multibox_prior": True,
          "matches_box_nms": True, "objects_found": 2, "num_objects": 2}
TEST_DATA_LIMIT = 0
