"""dropout_scratch (section 3.13): inverted dropout from scratch in a 784-256-256-10 MLP on Fashion-MNIST."""
ID = "dropout_scratch"
STUBS = ("dropout", "net")
OUTCOME = True
VARIABLES = ()
DATASETS = ("fashion-mnist",)
SIGNATURES = {"dropout": ("X", "drop_prob"), "net": ("X",)}
DATA_LIMIT = 2000      # the notebook trains an MLP for 5 epochs (minutes on a CPU); its result is not graded
