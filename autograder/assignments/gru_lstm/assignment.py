"""gru_lstm (sections 6.7–6.8): gated recurrent units and long short-term memory from scratch, on the Tang poems."""
ID = "gru_lstm"
STUBS = ("gru", "lstm")
OUTCOME = True
VARIABLES = ()
DATASETS = ("tang-poems",)
SIGNATURES = {"gru": ("inputs", "state", "params"), "lstm": ("inputs", "state", "params")}
DATA_LIMIT = 1200         # characters (vocabulary 568): one epoch of one batch per model under grading
