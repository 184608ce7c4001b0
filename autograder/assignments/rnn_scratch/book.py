"""rnn_scratch (section 6.4): 256 hidden units, 35 steps, batch 32, lr 100, clipping 0.01; the book reaches perplexity
≈1.19 (consecutive sampling) to 1.29 (random) after 250 epochs on its lyrics corpus. Ours trains on the Tang poems
with consecutive sampling for the 60 epochs a 2-core CPU affords; the whole run takes many minutes, so the test
suite runs the notebook on the first TEST_DATA_LIMIT characters (2 epochs: every cell must pass, nothing asserted) and
`benchmarks/book_results.py --assignment rnn_scratch` runs it whole and asserts EXPECT. The perplexity is the given
training function's (the book's measure: exp of the mean loss over the last epoch); the lines are printed to show."""
PROBE = """{
    "epochs": len(history["perplexity"]),
    "perplexity": history["perplexity"][-1],
    "first_perplexity": history["perplexity"][0],
    "falls_fivefold": history["perplexity"][-1] < history["perplexity"][0] / 5,
    "seconds_per_epoch": sum(history["seconds"]) / len(history["seconds"]),
    "lines": [predict_rnn(p, 30, rnn, params, init_rnn_state, num_hiddens, vocab_size, ctx, idx_to_char,
                          char_to_idx) for p in prefixes]}"""
EXPECT = {"epochs": 60, "falls_fivefold": True}
TEST_DATA_LIMIT = 2000
