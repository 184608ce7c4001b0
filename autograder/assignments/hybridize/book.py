"""hybridize (sections 8.1–8.2): the MLP gives the same outputs before and after hybridize() and once exported and
re-loaded; export wrote `-symbol.json` and `-0000.params`; 1000 forward passes hybridized are faster than
imperatively (the book's builds: 1.15×–2.5×; asserted only > 1, the machine's load moves the number)."""
PROBE = """{
    "same_after_hybridize": float((before - after).abs().max().asscalar()) < 1e-6,
    "export_files": " ".join(sorted(os.listdir(folder))),
    "loaded_agrees": float((mlp(x) - loaded(x)).abs().max().asscalar()) < 1e-6,
    "loaded_type": type(loaded).__name__,
    "speedup": imperative / symbolic}"""
EXPECT = {"same_after_hybridize": True, "export_files": "my_mlp-0000.params my_mlp-symbol.json",
          "loaded_agrees": True, "loaded_type": "SymbolBlock", "speedup": (1.0, None)}
TEST_DATA_LIMIT = 0
