"""Checks for hybridize: HybridMLP before and after hybridize(), benchmark on lazily queued work, export_and_load's
files and re-loaded block, and the whole chain (the student's HybridMLP exported by their export_and_load) on
parameters and inputs the notebook never saw."""
from __future__ import annotations

import numpy as np

from autograder.checks import check
from autograder.student_errors import reported
from autograder.checks.expect import close, fail, malformed_reply, numbers, show

A = "hybridize"
LAYERS = ((512, 256), (256, 128), (128, 2))       # the book's MLP, 512 → 256 → 128 → 2
TOLERANCE = dict(rtol=1e-4, atol=1e-5)            # float32 in the student's process, float64 here

# benchmark: each fn() call queues CHAIN dependent 600×600 products (~0.1 s of work here, a few microseconds to
# queue); REPEATS calls. A correct benchmark reports (nearly) the wall time to finish them; one without waitall
# reports the time to queue them.
REPEATS, SIZE, CHAIN = 4, 600, 8
MIN_SHARE = 0.5          # reported seconds must cover at least half of the wall time the scenario measured


def mlp_params(rng):
    """Weights (out, in) and biases for the three Dense layers, scaled so the ReLUs are neither all on nor off."""
    params = []
    for n_in, n_out in LAYERS:
        params += [rng.normal(scale=1 / np.sqrt(n_in), size=(n_out, n_in)), rng.normal(scale=0.1, size=(n_out,))]
    return params


def reference_mlp(params, X):
    W1, b1, W2, b2, W3, b3 = params
    H1 = np.maximum(X @ W1.T + b1, 0)
    H2 = np.maximum(H1 @ W2.T + b2, 0)
    return H2 @ W3.T + b3


def _inputs(seed):
    rng = np.random.default_rng(seed)
    return mlp_params(rng), [rng.normal(size=(n, 512)) for n in (6, 3)]


def _stage_failure(reply, name, hint):
    failed = reply.get("failed")
    if failed:
        fail(f"{name} raised {reported(failed['error'])} at the {failed['stage']}{hint}")


def _mlp_outputs(probe, seed, hybridize):
    params, Xs = _inputs(seed)
    reply = probe.run("mlp_outputs", params=params, Xs=Xs, hybridize=hybridize)
    return reply, params, Xs


def _judge_outputs(reply, params, Xs, when):
    shapes = reply.get("shapes", {})
    wanted = sorted(tuple(np.shape(p)) for p in params)
    have = sorted(tuple(s) for s in shapes.values())
    if have != wanted:
        fail(f"HybridMLP's parameters have shapes {have}; the book's MLP (Dense layers 512 → 256 → 128 → 2) has "
             f"{wanted}: three nn.Dense layers with 256, 128 and 2 units")
    for X, out in zip(Xs, reply["outputs"]):
        out = numbers(out, function="HybridMLP")
        expected = reference_mlp(params, X)
        if close(out, expected, **TOLERANCE):
            continue
        if out.shape != expected.shape:
            fail(f"HybridMLP returned shape {tuple(out.shape)} {when} for an input of shape {X.shape}; "
                 f"expected {expected.shape}")
        W1, b1, W2, b2, W3, b3 = params
        linear = ((X @ W1.T + b1) @ W2.T + b2) @ W3.T + b3
        if close(out, linear, **TOLERANCE):
            fail(f"HybridMLP {when} has no ReLU between its layers: apply F.relu (or activation='relu') to the "
                 "outputs of the two hidden layers")
        if close(out, np.maximum(expected, 0), **TOLERANCE):
            fail(f"HybridMLP {when} applies ReLU to its output layer too: the last Dense(2) gives raw scores")
        fail(f"HybridMLP {when} returned {show(out[0])} for the first example; expected {show(expected[0])} "
             "(512 → Dense(256) → ReLU → Dense(128) → ReLU → Dense(2))")


@check(A, "HybridMLP", "values", points=1)
def mlp_values(probe):
    """Imperative (not hybridized): the book's MLP with the judge's parameters, two batch sizes."""
    reply, params, Xs = _mlp_outputs(probe, 1, hybridize=False)
    with malformed_reply("HybridMLP run before hybridize()"):
        _stage_failure(reply, "HybridMLP", " (before hybridize())")
        _judge_outputs(reply, params, Xs, "before hybridize()")


@check(A, "HybridMLP", "hybridized", points=1)
def mlp_hybridized(probe):
    """After hybridize(): the same outputs from the symbolic graph, on two batch sizes — hybrid_forward must use
    only F's operators, no nd., .asnumpy(), .shape or Python decisions on values."""
    reply, params, Xs = _mlp_outputs(probe, 2, hybridize=True)
    with malformed_reply("HybridMLP run after hybridize()"):
        if reply.get("hybrid_block") is False:
            fail(f"HybridMLP is {reply.get('type')}, not an nn.HybridBlock: hybridize() compiles nothing for a "
                 "plain Block; subclass nn.HybridBlock and write hybrid_forward(self, F, x)")
        _stage_failure(reply, "HybridMLP", ": once hybridized, hybrid_forward receives Symbols, so it may use only "
                                           "F's operators (F.relu, F.dot, …) — not nd., .asnumpy(), .shape, or "
                                           "Python if/for that looks at values")
        _judge_outputs(reply, params, Xs, "after hybridize()")
        if reply.get("cached_graph") is False:
            fail("HybridMLP ran, but hybridize() left it without a compiled graph: call super().__init__(**kwargs) "
                 "and compute in hybrid_forward(self, F, x), not forward(self, x)")


@check(A, "benchmark", "includes_async_work", points=1.5)
def benchmark_includes_async_work(probe):
    """fn() only queues work (CHAIN products of SIZE×SIZE matrices). A correct benchmark returns at least MIN_SHARE
    of the wall time the scenario measured from the call until that work had finished, and no more than that wall
    time. False failure: a correct benchmark's clock spans every fn() call and the waitall, which is all but
    microseconds of the measured span, so its share is ~1.0 under any load; it falls below 0.5 only if the
    student's own code spends more time outside its clock than inside (e.g. a warm-up of more than `repeats`
    calls). False pass: a benchmark without waitall reports only queueing (~1e-4 s here, against ≥ 0.3 s of
    work measured); it passes only if the process stalled for half the work's time *inside* its clock while
    queueing — on a loaded machine the work slows too, so the share stays near 0 (measured: below 0.01)."""
    reply = probe.run("benchmark_lazy_work", repeats=REPEATS, size=SIZE, chain=CHAIN)
    with malformed_reply("benchmark on queued work"):
        value, kind = reply["seconds"], reply["type"]
        if kind not in ("float", "int", "float64", "float32") or not np.ndim(value) == 0:
            fail(f"benchmark returned {'an' if kind[:1] in 'aeiouAEIOU' else 'a'} {kind}; return the elapsed "
                 "seconds as a Python float (time.time() - start)")
        seconds, finished = float(value), float(reply["finished_after"])
        if reply["calls"] != REPEATS:
            return          # judged by benchmark.calls
        if not np.isfinite(seconds) or seconds > finished * 1.05 + 0.05:
            fail(f"benchmark returned {seconds:.4g} s, but the whole call took only {finished:.3f} s by the "
                 "grader's clock: return the elapsed time (end - start), not a timestamp")
        if seconds < MIN_SHARE * finished:
            if np.isclose(seconds * REPEATS, finished, rtol=0.25):
                fail(f"benchmark returned {seconds:.3f} s for {REPEATS} calls whose work took {finished:.3f} s: it "
                     "returned the time per call; return the total for all `repeats` calls")
            fail(f"benchmark returned {seconds:.4f} s, but the work fn() queued took {finished:.3f} s to finish: "
                 "MXNet runs operators asynchronously, so fn() returns before its work is done — call "
                 "nd.waitall() before stopping the clock")


@check(A, "benchmark", "calls", points=0.5)
def benchmark_calls(probe):
    reply = probe.run("benchmark_lazy_work", repeats=REPEATS, size=SIZE, chain=CHAIN)
    with malformed_reply("benchmark on queued work"):
        if reply["calls"] != REPEATS:
            fail(f"benchmark(fn, {REPEATS}) called fn {reply['calls']} time(s); call it exactly `repeats` times")


def _judge_roundtrip(reply, params, X, what):
    _stage_failure(reply, "export_and_load", f" ({what})")
    files = reply["files"]
    missing = [f for f in ("mlp-symbol.json", "mlp-0000.params") if f not in files]
    if missing:
        fail(f"export_and_load(net, prefix) did not write {', '.join(missing)} next to the prefix ({what}); "
             f"the folder holds {files or 'nothing'}: call net.export(prefix) with the prefix it was given")
    if "call_error" in reply:
        fail(f"the block export_and_load returned cannot run: {reply['call_error']} — load both files: "
             "gluon.SymbolBlock.imports(prefix + '-symbol.json', ['data'], prefix + '-0000.params')")
    out = numbers(reply["outputs"], function="export_and_load's block", what="returned")
    expected = reference_mlp(params, X)
    if not close(out, expected, **TOLERANCE):
        fail(f"the block export_and_load returned gives {show(out[0])} for the first example; the exported net "
             f"gives {show(expected[0])}")
    after = numbers(reply["outputs_after_zeroing"], function="export_and_load's block", what="returned")
    if not close(after, expected, **TOLERANCE):
        fail("the block export_and_load returned changed when the original net's parameters did: return the "
             "block loaded from the files (gluon.SymbolBlock.imports), not the net itself")
    if reply["type"] != "SymbolBlock":
        fail(f"export_and_load returned {reply['type']}; return the gluon.SymbolBlock loaded from the files")


@check(A, "export_and_load", "after_forward", points=1)
def export_after_forward(probe):
    """A hybridized net that has already run forward: the files appear and the re-loaded block agrees."""
    params, Xs = _inputs(3)
    reply = probe.run("export_reference", params=params, X=Xs[0], forward_first=True)
    with malformed_reply("export_and_load"):
        _judge_roundtrip(reply, params, Xs[0], "a hybridized net that had run forward")


@check(A, "export_and_load", "fresh_net", points=1)
def export_fresh_net(probe):
    """A hybridized net that has not run yet: export has no graph to write until one forward pass ran."""
    params, Xs = _inputs(4)
    reply = probe.run("export_reference", params=params, X=Xs[0], forward_first=False)
    with malformed_reply("export_and_load"):
        failed = reply.get("failed")
        if failed and "forward" in failed["error"]:
            fail(f"export_and_load raised {reported(failed['error'])[:160]} for a hybridized net that had not run yet: "
                 "export writes the graph of the last forward pass, so run the net once (on a (1, 512) input) "
                 "before net.export(prefix)")
        _judge_roundtrip(reply, params, Xs[0], "a hybridized net that had not run yet")


def _whole_chain(probe, seed, what):
    rng = np.random.default_rng(seed)
    params, X = mlp_params(rng), rng.normal(size=(int(rng.integers(3, 9)), 512))
    reply = probe.run("export_student_mlp", params=params, X=X)
    with malformed_reply(what):
        _stage_failure(reply, "HybridMLP or export_and_load", f" ({what})")
        _judge_roundtrip(reply, params, X, what)


@check(A, None, "exported_mlp", points=1, requires=("HybridMLP", "export_and_load"))
def exported_mlp(probe):
    """Your HybridMLP, hybridized and exported with your export_and_load, gives the MLP's outputs once re-loaded."""
    _whole_chain(probe, 5, "your HybridMLP exported and re-loaded")


@check(A, None, "hidden_data", points=1, hidden=True, requires=("HybridMLP", "export_and_load"))
def hidden_data(probe):
    """The same chain on parameters and inputs derived from the submission (never seen by the notebook)."""
    _whole_chain(probe, 5_000_011 + probe.hidden_seed, "your HybridMLP exported and re-loaded, on hidden data")
