"""linreg_scratch (section 3.2): lr 0.03, batch 10, 3 epochs → training loss ≈ 5e-5, w and b within 0.01."""
PROBE = """{
    "loss": float(((nd.dot(features, w) + b - labels.reshape((-1, 1))) ** 2 / 2).mean().asscalar()),
    "w_error": float((w.reshape((-1,)) - nd.array(true_w)).abs().max().asscalar()),
    "b_error": abs(float(b.asscalar()) - true_b)}"""
EXPECT = {"loss": (None, 1e-4), "w_error": (None, 0.01), "b_error": (None, 0.01)}
TEST_DATA_LIMIT = 0
