"""rnn_scratch (section 6.4): a character-level RNN from scratch on the 300 Tang poems (the book's lyrics corpus
cannot be redistributed)."""
ID = "rnn_scratch"
STUBS = ("to_onehot", "rnn", "grad_clipping", "predict_rnn", "data_iter_consecutive")
OUTCOME = True
VARIABLES = ()
DATASETS = ("tang-poems",)
SIGNATURES = {"to_onehot": ("X", "size"), "rnn": ("inputs", "state", "params"),
              "grad_clipping": ("params", "theta", "ctx"),
              "predict_rnn": ("prefix", "num_chars", "rnn", "params", "init_rnn_state", "num_hiddens", "vocab_size",
                              "ctx", "idx_to_char", "char_to_idx"),
              "data_iter_consecutive": ("corpus_indices", "batch_size", "num_steps", "ctx")}
DATA_LIMIT = 2000         # characters: with 2 epochs under grading the training cells take seconds; nothing graded
