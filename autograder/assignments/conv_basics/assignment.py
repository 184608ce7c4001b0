"""conv_basics (sections 5.1–5.4): 2-D cross-correlation, multiple channels, pooling, and a kernel learned."""
ID = "conv_basics"
STUBS = ("corr2d", "corr2d_multi_in", "corr2d_multi_in_out", "pool2d")
OUTCOME = True
VARIABLES = ("learned_K",)
SIGNATURES = {"corr2d": ("X", "K"), "corr2d_multi_in": ("X", "K"), "corr2d_multi_in_out": ("X", "K"),
              "pool2d": ("X", "pool_size", "mode")}
