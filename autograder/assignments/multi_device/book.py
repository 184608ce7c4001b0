"""multi_device (sections 8.4–8.5): the book's LeNet variant, batch 256, lr 0.2, 4 epochs, on one device and on
two ([cpu(0), cpu(1)] here): the book's GPUs reached 0.80 and 0.76; the two runs must land in the same band.
The Gluon version trains the same net (not the book's ResNet-18, hours on a CPU) for 2 epochs on two devices."""
PROBE = """{
    "acc_one": acc_one, "acc_two": acc_two, "acc_gluon": acc_gluon,
    "one_vs_two_gap": abs(acc_one - acc_two),
    "devices": [str(c) for c in ctx]}"""
EXPECT = {"acc_one": (0.70, None), "acc_two": (0.70, None), "acc_gluon": (0.65, None),
          "one_vs_two_gap": (None, 0.06)}
TEST_DATA_LIMIT = 1024
