"""resnet (section 5.11): residual blocks and a small ResNet on Fashion-MNIST."""
ID = "resnet"
STUBS = ("Residual", "resnet_block")
OUTCOME = True
VARIABLES = ()
DATASETS = ("fashion-mnist",)
SIGNATURES = {"resnet_block": ("num_channels", "num_residuals", "first_block")}
DATA_LIMIT = 256           # the notebook trains a ResNet for minutes; graded, its loaders give one batch a split
