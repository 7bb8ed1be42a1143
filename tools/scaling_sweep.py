"""Chapter 10's scaling sweep: chapter 9's GPT at six sizes, each trained on the same tokens.

Every run uses chapter 9's data, vocabulary, context, batch, optimiser, schedule and depth
(lmvis.pretrained.SETTINGS and lmvis.training.train_language_model); only the width and the
number of heads change (SIZES), and every run takes STEPS steps, so every model sees the same
STEPS × batch × context training tokens. Validation loss (nats per character on the held-out
poems) is recorded every EVAL_EVERY steps. The results, with the settings and provenance (commit,
versions, processor, numerical environment, CPU and wall time), go to
lib/lmvis/datasets/scaling/sweep.json, which chapter 10 plots; lmvis.datasets.scaling checks its
SHA-256 on load.

    .venv/bin/python tools/numerics.py -- .venv/bin/python tools/scaling_sweep.py

Then put the printed SHA-256 into lib/lmvis/datasets/scaling.py (SWEEP_SHA256). Not run by
make: about 5 minutes of one CPU core (float32; float64 would take twice as long). Run on one
machine in the pinned numerical environment, it is deterministic there (seeded data order and
initialisation, one thread); float32 sums on another processor may differ in the last digits.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import torch
from lmvis import scale
from lmvis.gpt import GPTConfig
from lmvis.pretrained import SETTINGS

sys.path.insert(0, str(Path(__file__).resolve().parent))
from provenance import commit, provenance  # noqa: E402
from train_gpt import chapter9_data, seeded_gpt, train_like_chapter9  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "lib" / "lmvis" / "datasets" / "scaling" / "sweep.json"
#: (d_model, n_layers, n_heads) of the six models, smallest first: chapter 9's depth, widths up
#: to chapter 9's 64. (A first run that also made the two largest models 3 layers deep, at 64
#: and 96 wide, found them worse than the 2-layer ones at chapter 9's learning rate, which was
#: tuned for 2 layers; so only the width varies.)
SIZES = ((8, 2, 2), (16, 2, 2), (24, 2, 2), (32, 2, 4), (48, 2, 4), (64, 2, 4))
STEPS = 1000
EVAL_EVERY = 200


def main(out: Path = OUT) -> None:
    s = SETTINGS
    torch.set_num_threads(1)
    started = commit()  # the code the sweep ran, before anything changes while it runs
    split, tok, ids, starts, X_val, Y_val = chapter9_data(s)
    tokens = STEPS * s["batch_size"] * s["context"]
    wall0 = time.perf_counter()
    runs = []
    for d_model, n_layers, n_heads in SIZES:
        config = GPTConfig(tok.vocab_size, s["context"], d_model, n_layers, n_heads)
        model = seeded_gpt(config, s)  # float32, as the chapter's live run
        cpu0 = time.process_time()
        run = train_like_chapter9(model, ids, starts, X_val, Y_val, steps=STEPS, s=s,
                                  eval_every=EVAL_EVERY)
        cpu = time.process_time() - cpu0
        runs.append({
            "d_model": d_model, "n_layers": n_layers, "n_heads": n_heads,
            "params": scale.gpt_param_count(config),
            "non_embedding_params": scale.non_embedding_params(config),
            "training_flops": scale.training_flops(config, s["context"], s["batch_size"]) * STEPS,
            "eval_steps": run.eval_steps, "val_loss": run.val_loss,
            "final_train_loss": sum(run.train_loss[-50:]) / 50,
            "cpu_seconds": round(cpu, 1),
        })
        print(f"d_model {d_model:3d}, {n_layers} layers: {runs[-1]['non_embedding_params']:>7,} "
              f"non-embedding parameters, validation loss {run.val_loss[-1]:.4f}, "
              f"{cpu:.0f} s CPU", flush=True)
    result = {
        "what": "validation loss of chapter 9's GPT at six sizes, each trained on the same tokens",
        "settings": {**s, "steps": STEPS, "eval_every": EVAL_EVERY, "tokens": tokens,
                     "dtype": "float32", "vocab_size": tok.vocab_size,
                     "val_poems": len(split.val), "val_targets": int((Y_val != -100).sum())},
        "runs": runs,
        "provenance": provenance("tools/scaling_sweep.py", at_commit=started,
                                 cpu_seconds=sum(r["cpu_seconds"] for r in runs),
                                 wall_seconds=time.perf_counter() - wall0),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    from lmvis.datasets import sha256_file

    print(f"{out}: {out.stat().st_size:,} bytes, SHA-256 {sha256_file(out)}, "
          f"{result['provenance']['wall_seconds']:.0f} s wall, "
          f"{result['provenance']['cpu_seconds']:.0f} s CPU")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
