"""anchors (d2l-en "Anchor Boxes", MXNet): IoU, MXNet's MultiBoxPrior anchors and non-maximum suppression from
scratch, then a small detection demo on a synthetic image."""
ID = "anchors"
STUBS = ("multibox_prior", "box_iou", "nms")
OUTCOME = True
VARIABLES = ()
SIGNATURES = {"box_iou": ("boxes1", "boxes2"), "multibox_prior": ("data", "sizes", "ratios"),
              "nms": ("boxes", "scores", "iou_threshold")}
