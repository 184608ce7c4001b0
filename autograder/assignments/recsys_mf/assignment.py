"""recsys_mf (d2l-en's "Matrix Factorization", MXNet): a matrix-factorisation recommender as an nn.Block and its
RMSE, on synthetic ratings from known low-rank factors (extension/ratings.py; MovieLens cannot be downloaded)."""
ID = "recsys_mf"
STUBS = ("MF", "evaluator")          # MF: a class, its cell defines one nn.Block
OUTCOME = True
VARIABLES = ()
DATASETS = ()                        # the ratings are generated: nothing to read
SIGNATURES = {"evaluator": ("net", "test_iter", "ctx")}
