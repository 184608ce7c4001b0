"""linreg_gluon (section 3.3): the same problem and settings as linreg_scratch, with Gluon."""
PROBE = """{
    "loss": float(((nd.dot(features, net[0].weight.data().T) + net[0].bias.data()
                    - labels.reshape((-1, 1))) ** 2 / 2).mean().asscalar()),
    "w_error": float((net[0].weight.data().reshape((-1,)) - nd.array(true_w)).abs().max().asscalar()),
    "b_error": abs(float(net[0].bias.data().asscalar()) - true_b)}"""
EXPECT = {"loss": (None, 1e-4), "w_error": (None, 0.01), "b_error": (None, 0.01)}
TEST_DATA_LIMIT = 0
