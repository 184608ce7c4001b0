"""batch_norm_scratch (section 5.10): LeNet with the notebook's BatchNorm, lr 1.0, batch 256, 5 epochs, Xavier →
test accuracy 0.857–0.881 in the book's GPU builds. On this CPU the whole run takes minutes, so the test suite
runs it on the first TEST_DATA_LIMIT examples of each split (every cell must pass) and
benchmarks/book_results.py runs it whole and asserts EXPECT."""
PROBE = """{
    "test_acc": float(d2l.evaluate_accuracy(test_iter, net, ctx)),
    "epochs": len(history["test acc"]),
    "last_epoch_test_acc": float(history["test acc"][-1]),
    "loss_falls": bool(history["train loss"][-1] < history["train loss"][0]),
    "seconds_per_epoch": float(sum(history["seconds"]) / len(history["seconds"]))}"""
EXPECT = {"test_acc": (0.85, None), "epochs": 5, "last_epoch_test_acc": (0.85, None), "loss_falls": True}
TEST_DATA_LIMIT = 256
