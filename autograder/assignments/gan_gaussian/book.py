"""gan_gaussian (d2l-en "Generative Adversarial Networks", MXNet): X = Z·A + b (1000 points), batch 8, Adam lr_D 0.05,
lr_G 0.005, latent 2, 20 epochs → the book prints loss_D 0.693, loss_G 0.693 at the end and the generated points
overlap the data. Here the whole run takes minutes on a shared CPU (2500 steps of two tiny nets: per-step overhead),
so the test suite runs it on the first TEST_DATA_LIMIT points (every cell must pass) and
`benchmarks/book_results.py --assignment gan_gaussian` runs it whole and asserts EXPECT: both last-epoch losses
within 0.05 of ln 2, the generated mean (net_G's bias) within 0.5 of b = [1, 2] and covariance (W Wᵀ) within 0.8 of
AᵀA (largest entry 4.25), read with plain MXNet from the notebook's nets. Measured (mx.random.seed(1), whole run):
losses 0.6932 / 0.6931, mean [0.81, 1.58] (0.42 from b: at equilibrium the generator still drifts slowly with
lr_G 0.005), covariance 0.52 from AᵀA."""
PROBE = """{
    "loss_D": history['discriminator'][-1],
    "loss_G": history['generator'][-1],
    "epochs": len(history['generator']),
    "points": len(data),
    "mean_error": float((net_G[0].bias.data() - b).abs().max().asscalar()),
    "cov_error": float((nd.dot(net_G[0].weight.data(), net_G[0].weight.data().T) - nd.dot(A.T, A)).abs().max()
                       .asscalar())}"""
EXPECT = {"loss_D": (0.643, 0.743), "loss_G": (0.643, 0.743), "epochs": 20, "points": 1000,
          "mean_error": (None, 0.5), "cov_error": (None, 0.8)}
TEST_DATA_LIMIT = 64
