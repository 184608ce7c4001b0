"""resnet (section 5.11): the book trains ResNet-18 on 96x96 images (lr 0.05, batch 256, 5 epochs) to test accuracy
≈ 0.91 on a GPU; a two-core CPU would need hours per epoch. The notebook trains a ResNet-8 of the same design on
28x28 images (3x3 stem with max-pooling, one residual block per stage, 16/32/64 channels) with the book's lr,
batch size and epochs; EXPECT holds it to what it reached on this CPU (see docs/course/resnet.md). The test suite
runs it on the first TEST_DATA_LIMIT examples of each split; benchmarks/book_results.py runs it whole."""
PROBE = """{
    "test_acc": float(d2l.evaluate_accuracy(test_iter, net, ctx)),
    "epochs": len(history["test acc"]),
    "last_epoch_test_acc": float(history["test acc"][-1]),
    "loss_falls": bool(history["train loss"][-1] < history["train loss"][0]),
    "seconds_per_epoch": float(sum(history["seconds"]) / len(history["seconds"]))}"""
EXPECT = {"test_acc": (0.85, None), "epochs": 5, "last_epoch_test_acc": (0.85, None), "loss_falls": True}
TEST_DATA_LIMIT = 256
