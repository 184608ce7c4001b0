"""linreg_scratch (section 3.2): linear regression from scratch on the book's synthetic data."""
ID = "linreg_scratch"
STUBS = ("data_iter", "net", "square_loss", "SGD")
OUTCOME = True
VARIABLES = ("w", "b")
SIGNATURES = {"data_iter": ("batch_size", "features", "labels"), "net": ("X", "w", "b"),
              "square_loss": ("y_hat", "y"), "SGD": ("params", "lr", "batch_size")}
