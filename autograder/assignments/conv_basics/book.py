"""conv_basics (section 5.1): the edge kernel [[1, -1]] learned in 10 steps at lr 3e-2, loss ≈ 0.004 at step 10 in the
book's builds (asserted: the loss after the 10 steps below 0.02 and the kernel within 0.1 of [[1, -1]], measured with
plain MXNet on the notebook's image); corr2d's book example [[19, 25], [37, 43]]."""
PROBE = """{
    "loss": float(((conv2d(X4) - Y4) ** 2).sum().asscalar()),
    "kernel_error": float((learned_K - nd.array([[1, -1]])).abs().max().asscalar()),
    "corr2d_example_ok": corr2d(nd.arange(9).reshape((3, 3)), nd.array([[0, 1], [2, 3]])).asnumpy().tolist()
                         == [[19, 25], [37, 43]]}"""
EXPECT = {"loss": (None, 0.02), "kernel_error": (None, 0.1), "corr2d_example_ok": True}
TEST_DATA_LIMIT = 0
