"""word2vec (section 10.3): skip-gram with negative sampling on the Tang poems at character level."""
ID = "word2vec"
STUBS = ("get_centers_and_contexts", "get_negatives", "batchify", "skip_gram")
OUTCOME = False          # the notebook's embedding is not graded: every stub is judged on the judge's inputs
VARIABLES = ()
DATASETS = ("tang-poems",)
SIGNATURES = {"get_centers_and_contexts": ("dataset", "max_window_size"),
              "get_negatives": ("all_contexts", "sampling_weights", "K"),
              "batchify": ("data",),
              "skip_gram": ("center", "contexts_and_negatives", "embed_v", "embed_u")}
DATA_LIMIT = 4000         # graded, the poems loader gives the first 4,000 characters: the cells run in seconds
