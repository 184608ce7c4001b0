"""gru_lstm (sections 6.7–6.8): 256 hidden units, 35 steps, batch 32, lr 100, clipping 0.01, 160 epochs; the book's
perplexities (GRU ≈1.8, LSTM ≈3.8 at its last printed epoch) belong to its lyrics corpus. Ours trains both models on
the first 10,000 characters of the Tang poems for the epochs a 2-core CPU affords (stated in the notebook); the test
suite runs the notebook on the first TEST_DATA_LIMIT characters (1 epoch each: every cell must pass, nothing
asserted) and `benchmarks/book_results.py --assignment gru_lstm` runs it whole and asserts EXPECT."""
PROBE = """{
    "epochs": [len(gru_history["perplexity"]), len(lstm_history["perplexity"])],
    "gru_perplexity": gru_history["perplexity"][-1],
    "lstm_perplexity": lstm_history["perplexity"][-1],
    "gru_falls": gru_history["perplexity"][-1] < gru_history["perplexity"][0],
    "lstm_falls": lstm_history["perplexity"][-1] < lstm_history["perplexity"][0],
    "gru_seconds_per_epoch": sum(gru_history["seconds"]) / len(gru_history["seconds"]),
    "lstm_seconds_per_epoch": sum(lstm_history["seconds"]) / len(lstm_history["seconds"]),
    "gru_lines": [predict_rnn(p, 30, gru, gru_params, init_gru_state, num_hiddens, vocab_size, ctx, idx_to_char,
                              char_to_idx) for p in prefixes],
    "lstm_lines": [predict_rnn(p, 30, lstm, lstm_params, init_lstm_state, num_hiddens, vocab_size, ctx, idx_to_char,
                               char_to_idx) for p in prefixes]}"""
EXPECT = {"epochs": [10, 10], "gru_falls": True, "lstm_falls": True}
TEST_DATA_LIMIT = 1200
