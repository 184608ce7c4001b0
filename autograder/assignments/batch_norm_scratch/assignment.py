"""batch_norm_scratch (section 5.10): batch normalisation from scratch, in LeNet on Fashion-MNIST."""
ID = "batch_norm_scratch"
STUBS = ("batch_norm", "BatchNorm")
OUTCOME = True
VARIABLES = ()
DATASETS = ("fashion-mnist",)
SIGNATURES = {"batch_norm": ("X", "gamma", "beta", "moving_mean", "moving_var", "eps", "momentum")}
DATA_LIMIT = 256           # the notebook trains LeNet for minutes; graded, its loaders give one batch a split
