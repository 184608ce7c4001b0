"""The book's hybridize experiment, measured here: 1000 forward passes of the MLP 512 → 256 → 128 → 2 on one
example, imperatively (the baseline) and after hybridize(), in the same process, printed beside the range the
book's builds measured (1.15×–2.5×, on their machines). Rounds alternate the two so a change in the machine's load
hits both; the median ratio is reported.

    .venv/bin/python benchmarks/hybridize_speedup.py [--passes 1000] [--rounds 5]
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

BOOK_RANGE = (1.15, 2.5)


def get_net(hybridize: bool):
    from mxnet import nd
    from mxnet.gluon import nn
    net = nn.HybridSequential()
    net.add(nn.Dense(256, activation="relu"), nn.Dense(128, activation="relu"), nn.Dense(2))
    net.initialize()
    if hybridize:
        net.hybridize()
    net(nd.zeros((1, 512)))          # allocate the parameters (and build the graph) outside the timing
    return net


def seconds(net, x, passes: int) -> float:
    from mxnet import nd
    nd.waitall()
    start = time.perf_counter()
    for _ in range(passes):
        net(x)
    nd.waitall()                     # the queued work counts (section 8.2)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from mxnet import nd
    x = nd.random.normal(shape=(1, 512))
    imperative, hybridized = get_net(False), get_net(True)
    rows = []
    for _ in range(args.rounds):
        rows.append((seconds(imperative, x, args.passes), seconds(hybridized, x, args.passes)))
    for i, (imp, hyb) in enumerate(rows):
        print(f"round {i + 1}: imperative {imp:.3f} s, hybridized {hyb:.3f} s, speed-up {imp / hyb:.2f}x")
    ratio = statistics.median(imp / hyb for imp, hyb in rows)
    print(f"median speed-up over {args.rounds} rounds of {args.passes} passes: {ratio:.2f}x "
          f"(the book's builds: {BOOK_RANGE[0]}x to {BOOK_RANGE[1]}x) — {os.cpu_count()} CPU cores, no GPU, "
          "shared with other work")


if __name__ == "__main__":
    main()
