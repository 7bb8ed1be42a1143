"""Training throughput of chapter 9's GPT against the same model built from torch's own parts.

    .venv/bin/python tools/numerics.py -- .venv/bin/python benchmarks/gpt_vs_torch.py

Both models have chapter 9's configuration and the same weights: lmvis.gpt.GPT (the book's
MultiHeadAttention with its explicit softmax, FeedForward, pre-LN blocks) and
lmvis.gpt.TorchGPT (nn.TransformerEncoderLayer(norm_first=True) with a causal mask, whose
attention is torch's fused scaled_dot_product_attention). A step is what the chapter's training
does: forward, cross-entropy, backward, gradient clipping, AdamW. The two are timed in
alternating rounds, so that both see the same load, and the median of each is reported as
characters per second and as a ratio (goal: the book's model costs at most 1.2× the reference).
Not a test: timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
import torch.nn.functional as F
from lmvis.gpt import GPT, GPTConfig, TorchGPT
from lmvis.pretrained import SETTINGS
from lmvis.training import adamw_for


def _trainer(model, batch, length, vocab, seed):
    opt = adamw_for(model, SETTINGS["lr"])
    g = torch.Generator().manual_seed(seed)
    data = torch.randint(0, vocab, (64, length + 1), generator=g)

    def step():
        idx = data[torch.randint(0, len(data), (batch,), generator=g)]
        out = model(idx[:, :-1])
        logits = out[0] if isinstance(out, tuple) else out
        loss = F.cross_entropy(logits.reshape(-1, vocab), idx[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), SETTINGS["grad_clip"])
        opt.step()

    return step


def _seconds(step, n):
    start = time.perf_counter()
    for _ in range(n):
        step()
    return (time.perf_counter() - start) / n


def main(argv=None) -> float:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--vocab", type=int, default=SETTINGS["max_chars"] + 1)
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--steps", type=int, default=10, help="steps per round and model")
    p.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    args = p.parse_args(argv)

    s = SETTINGS
    config = GPTConfig(args.vocab, s["context"], s["d_model"], s["n_layers"], s["n_heads"])
    dtype = getattr(torch, args.dtype)
    torch.manual_seed(0)
    book = GPT(config).to(dtype)
    ref = TorchGPT.from_gpt(book)
    steps = {"lmvis GPT": _trainer(book, s["batch_size"], s["context"], args.vocab, 1),
             "torch parts": _trainer(ref, s["batch_size"], s["context"], args.vocab, 1)}
    for step in steps.values():  # warm-up
        _seconds(step, 3)
    times = {name: [] for name in steps}
    for _ in range(args.rounds):
        for name, step in steps.items():
            times[name].append(_seconds(step, args.steps))
    chars = s["batch_size"] * s["context"]
    print(f"config {config}\n{args.dtype}, batch {s['batch_size']} x {s['context']} characters, "
          f"torch threads {torch.get_num_threads()}, median of {args.rounds} rounds of "
          f"{args.steps} steps")
    med = {name: float(np.median(t)) for name, t in times.items()}
    for name, t in med.items():
        print(f"{name:12s} {t * 1e3:7.1f} ms per step, {chars / t:8.0f} characters/s")
    ratio = med["lmvis GPT"] / med["torch parts"]
    print(f"ratio lmvis / torch (time per step): {ratio:.2f}  (goal ≤ 1.2)")
    return ratio


if __name__ == "__main__":
    main()
