"""word2vec (section 10.3): the book trains skip-gram with negative sampling on PTB (887,000 words; not available
offline) for 5 epochs to a loss of 0.31 (window 5, K 5, t 1e-4, embedding 100, batch 512, Adam 0.005). Ours: the
Tang poems at character level (871 characters seen at least 5 times, 16,223 tokens, about 4,300 after
subsampling), same settings; the loss after 5 epochs measured at about 0.62 (seeded notebook, 2 CPU cores) — on a corpus
50 times smaller the task is far from learned (asserted: between 0.5 and 0.68, and falling)."""
PROBE = """{
    "vocab": len(idx_to_token),
    "tokens": num_tokens,
    "epochs": len(history),
    "loss_last": history[-1],
    "loss_falls": history[-1] < history[0]}"""
EXPECT = {"vocab": 871, "tokens": 16223, "epochs": 5, "loss_last": (0.5, 0.68), "loss_falls": True}
TEST_DATA_LIMIT = 0
