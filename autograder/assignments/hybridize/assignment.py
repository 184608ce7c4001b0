"""hybridize (section 8.1–8.2): imperative and symbolic programming — a HybridBlock, timing asynchronous work,
and exporting a hybridized model to files another program can load."""
ID = "hybridize"
STUBS = ("HybridMLP", "benchmark", "export_and_load")
OUTCOME = True
VARIABLES = ()
SIGNATURES = {"benchmark": ("fn", "repeats"), "export_and_load": ("net", "prefix")}
