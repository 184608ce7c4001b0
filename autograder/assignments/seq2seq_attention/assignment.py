"""seq2seq_attention (section 10.12): an encoder–decoder with attention translating our Chinese→English pairs."""
ID = "seq2seq_attention"
STUBS = ("attention_forward", "batch_loss", "bleu")
OUTCOME = False          # the notebook's translations are not graded: every stub is judged on the judge's inputs
VARIABLES = ()
DATASETS = ("zh-en-pairs",)
SIGNATURES = {"attention_forward": ("model", "enc_states", "dec_state"),
              "batch_loss": ("encoder", "decoder", "X", "Y", "loss"),
              "bleu": ("pred_tokens", "label_tokens", "k")}
DATA_LIMIT = 20          # the notebook trains for minutes on 232 pairs; graded, it gets 20 pairs and 1 epoch
