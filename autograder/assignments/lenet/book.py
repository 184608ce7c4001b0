"""lenet (section 5.5): sigmoid LeNet, Xavier, lr 0.9, batch 256, 5 epochs → test accuracy 0.749–0.754 in the book's
GPU builds, 1.8 s/epoch on one GPU. Here (2 CPU cores, no GPU) the whole run takes minutes, so the test suite runs the
notebook on the first TEST_DATA_LIMIT examples of each split (every cell must pass) and
`benchmarks/book_results.py --assignment lenet` runs it whole and asserts EXPECT: test accuracy measured with the
course's d2l.evaluate_accuracy (plain MXNet, not the notebook's stub) on ctx, 5 epochs, parameters on ctx."""
PROBE = """{
    "test_acc": d2l.evaluate_accuracy(test_iter, net, ctx),
    "epochs": len(history["test acc"]),
    "seconds_per_epoch": sum(history["seconds"]) / len(history["seconds"]),
    "params_on_ctx": all(p.list_ctx() == [ctx] for p in net.collect_params().values())}"""
EXPECT = {"test_acc": (0.70, None), "epochs": 5, "params_on_ctx": True}
TEST_DATA_LIMIT = 1000
