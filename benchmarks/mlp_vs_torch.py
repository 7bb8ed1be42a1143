"""Time forward+backward of lmvis.mlp.MLP against the equivalent torch.nn model on CPU.

    .venv/bin/python benchmarks/mlp_vs_torch.py [--batch 256] [--repeats 30] [--dtype float32]

Both sides do the same work: forward, an upstream gradient of ones-like random values, backward
to every weight and bias. Reports the median time per step and the ratio lmvis / torch (goal: at
most 1.5). Not a test: timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from lmvis.mlp import MLP, to_torch


def _median_time(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def main(argv=None) -> float:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[784, 256, 256, 10])
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--repeats", type=int, default=30)
    p.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    args = p.parse_args(argv)

    dtype = np.dtype(args.dtype)
    mlp = MLP(args.sizes, activation="relu", seed=0, dtype=dtype)
    model = to_torch(mlp)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(args.batch, args.sizes[0])).astype(dtype)
    G = rng.normal(size=(args.batch, args.sizes[-1])).astype(dtype)
    Xt, Gt = torch.from_numpy(X), torch.from_numpy(G)

    def step_lmvis():
        mlp.forward(X)
        mlp.backward(G)

    def step_torch():
        model.zero_grad(set_to_none=True)
        model(Xt).backward(Gt)

    # interleave to share the machine's load fairly
    t_l, t_t = [], []
    for _ in range(3):
        t_l.append(_median_time(step_lmvis, args.repeats))
        t_t.append(_median_time(step_torch, args.repeats))
    tl, tt = min(t_l), min(t_t)
    print(f"layer sizes {args.sizes}, batch {args.batch}, {args.dtype}, "
          f"torch threads {torch.get_num_threads()}")
    print(f"lmvis MLP  forward+backward: {tl * 1e3:8.3f} ms")
    print(f"torch.nn   forward+backward: {tt * 1e3:8.3f} ms")
    print(f"ratio lmvis / torch: {tl / tt:.2f}  (goal ≤ 1.5)")
    return tl / tt


if __name__ == "__main__":
    main()
