"""softmax_gluon (section 3.7): softmax regression with Gluon's Dense layer, SoftmaxCrossEntropyLoss and Trainer."""
ID = "softmax_gluon"
STUBS = ("net", "loss", "trainer")      # cells that build objects, not functions: no SIGNATURES
OUTCOME = True
VARIABLES = ("net",)
DATASETS = ("fashion-mnist",)
