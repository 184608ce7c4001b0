"""linreg_gluon (section 3.3): the same model with Gluon's Sequential, L2Loss and Trainer."""
ID = "linreg_gluon"
STUBS = ("net", "loss", "trainer")      # cells that build objects, not functions: no SIGNATURES
OUTCOME = True
VARIABLES = ("net",)
