"""lenet (section 5.5): LeNet on Fashion-MNIST, computing on the chosen context (d2l.try_gpu())."""
ID = "lenet"
STUBS = ("net", "evaluate_accuracy", "train_ch5")
OUTCOME = True
VARIABLES = ()
DATASETS = ("fashion-mnist",)
SIGNATURES = {"evaluate_accuracy": ("data_iter", "net", "ctx"),
              "train_ch5": ("net", "train_iter", "test_iter", "batch_size", "trainer", "ctx", "num_epochs")}
DATA_LIMIT = 1000         # 5 epochs of LeNet on 60,000 images take minutes on a CPU; nothing is graded from them
