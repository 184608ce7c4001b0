"""gan_gaussian (d2l-en "Generative Adversarial Networks", MXNet): X = Z·A + b (1000 points), batch 8, Adam lr_D 0.05,
lr_G 0.005, latent 2, 20 epochs → the book prints loss_D 0.693, loss_G 0.693 at the end and the generated points
overlap the data. Here the whole run takes minutes on a shared CPU (2500 steps of two tiny nets: per-step overhead),
so the test suite runs it on the first TEST_DATA_LIMIT points (every cell must pass) and
`benchmarks/book_results.py --assignment gan_gaussian` runs it whole and asserts EXPECT: both last-epoch losses
within 0.05 of ln 2, the generated mean (net_G's bias) within 0.3 of b and covariance (W Wᵀ) within 0.6 of AᵀA,
read with plain MXNet from the notebook's nets."""
PROBE = """{
    "loss_D": history['discriminator'][-1],
    "loss_G": history['generator'][-1],
    "epochs": len(history['generator']),
    "points": len(data),
    "mean_error": float((net_G[0].bias.data() - b).abs().max().asscalar()),
    "cov_error": float((nd.dot(net_G[0].weight.data(), net_G[0].weight.data().T) - nd.dot(A.T, A)).abs().max()
                       .asscalar())}"""
EXPECT = {"loss_D": (0.643, 0.743), "loss_G": (0.643, 0.743), "epochs": 20, "points": 1000,
          "mean_error": (None, 0.3), "cov_error": (None, 0.6)}
TEST_DATA_LIMIT = 64
