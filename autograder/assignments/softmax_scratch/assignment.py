"""softmax_scratch (section 3.6): softmax regression from scratch on Fashion-MNIST."""
ID = "softmax_scratch"
STUBS = ("softmax", "net", "cross_entropy", "accuracy")
OUTCOME = True
VARIABLES = ("W", "b")
DATASETS = ("fashion-mnist",)           # course data the notebook loads (see autograder.course_data)
SIGNATURES = {"softmax": ("X",), "net": ("X", "W", "b"), "cross_entropy": ("y_hat", "y"),
              "accuracy": ("y_hat", "y")}
