"""multi_device (sections 8.4–8.5): data-parallel training from scratch (copies of the parameters per device,
allreduce, split_and_load, one synchronous step) and then with Gluon; on [cpu(0), cpu(1)] without two GPUs."""
ID = "multi_device"
STUBS = ("get_params", "allreduce", "split_and_load", "train_batch")
OUTCOME = True
VARIABLES = ()
DATASETS = ("fashion-mnist",)
SIGNATURES = {"get_params": ("params", "ctx"), "allreduce": ("data",), "split_and_load": ("data", "ctx"),
              "train_batch": ("X", "y", "device_params", "ctx", "lr")}
DATA_LIMIT = 512
