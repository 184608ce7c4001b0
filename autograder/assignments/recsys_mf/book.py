"""recsys_mf (d2l-en "Matrix Factorization", MXNet): 30 factors, Adam lr 0.002, wd 1e-5, 20 epochs → test RMSE ≈ 1.05 on
MovieLens 100K. Here: synthetic ratings (300 users × 200 items, rank 5, noise sd 0.5, 20% of the pairs), whose noise
floor is ≈ 0.49 and mean-prediction baseline ≈ 1.33; with the book's settings but lr 0.01 (0.002 learns only the
biases in 20 epochs: test RMSE 1.16 in our run) the test RMSE is asserted below 0.80. It is computed here in numpy
from the trained net's predictions on the whole test split, not by the notebook's evaluator. The whole notebook runs
in well under a minute (20 epochs: ~5 s of training), so the test suite runs it whole."""
PROBE = """{
    "test_rmse": float(np.sqrt(np.mean((net(nd.array(test_data.users, ctx=ctx), nd.array(test_data.items, ctx=ctx)
                                            ).asnumpy() - test_data.ratings) ** 2))),
    "noise_floor": d2l.floor_rmse(test_data),
    "baseline": d2l.mean_rmse(test_data, train_data),
    "epochs": len(history["test RMSE"]),
    "params_on_ctx": all(p.list_ctx() == [ctx] for p in net.collect_params().values())}"""
EXPECT = {"test_rmse": (0.49, 0.80), "epochs": 20, "params_on_ctx": True}
TEST_DATA_LIMIT = 0
