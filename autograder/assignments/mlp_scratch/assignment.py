"""mlp_scratch (section 3.9): a multilayer perceptron from scratch on Fashion-MNIST: relu, and net reading the
globals W1, b1, W2, b2."""
ID = "mlp_scratch"
STUBS = ("relu", "net")
OUTCOME = True
VARIABLES = ()                          # nothing is graded from the notebook's own training (DATA_LIMIT)
DATASETS = ("fashion-mnist",)
SIGNATURES = {"relu": ("X",), "net": ("X",)}
DATA_LIMIT = 1000                       # 5 epochs of 784-256-10 take minutes on a CPU; grading runs them on 1000
