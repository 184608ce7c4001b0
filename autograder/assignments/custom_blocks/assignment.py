"""custom_blocks (sections 4.1 and 4.4): Gluon blocks of one's own — a Sequential container, a layer without
parameters and a dense layer with parameters."""
ID = "custom_blocks"
STUBS = ("MySequential", "CenteredLayer", "MyDense")      # classes: each stub's cell defines one nn.Block
OUTCOME = False          # nothing trains here; every behaviour is judged on the judge's inputs (see checks.py)
VARIABLES = ()
