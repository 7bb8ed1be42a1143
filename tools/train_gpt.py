"""Train the GPT that chapter 9 ships (lib/lmvis/weights/tang_gpt.pt), deterministically.

The same data, vocabulary, model, settings (lmvis.pretrained.SETTINGS) and training loop
(lmvis.training.train_language_model) as the chapter's live run, with two differences:

* float64, with the weights rounded to a grid of 2⁻²⁰ before the first step and after every
  step (lmvis.training.quantize_), so the run is bit-identical on every CPU and thread count
  and the file's SHA-256 is the same wherever the script runs;
* longer: full runs of 400 (the live run's length: the chapter checks that its live run ends
  on the logged validation loss), 800, 1,600, 3,200 and 6,400 steps, each with its own warm-up
  and cosine decay. Every run's validation curve goes into the file's log (the chapter's table
  of what a longer run buys); the longest run's weights are saved, with snapshots of it at a
  few steps. The runs are independent and go to two worker processes, one thread each; the
  grid makes the result the same as running them one after another.

    .venv/bin/python tools/numerics.py -- .venv/bin/python tools/train_gpt.py

Then put the printed SHA-256 into lmvis/pretrained.py (TANG_GPT_SHA256). Not run by make:
about 17 minutes of CPU, some 9 in wall time on two free cores.
"""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import torch
from lmvis.datasets.poems import POEM_BREAK, load_poems, split_poems
from lmvis.gpt import GPT, GPTConfig
from lmvis.pretrained import SETTINGS, save_checkpoint, weights_path
from lmvis.tokenizers import CharTokenizer
from lmvis.training import lm_examples, lm_loss, train_language_model

BUDGETS = (400, 800, 1600, 3200, 6400)
LIVE_STEPS = BUDGETS[0]  # the chapter's live run
SNAPSHOTS = (0, 50, 150, 500, 1600)  # steps of the longest run kept in the file
QUANTUM = 2.0**-20
EVAL_EVERY = 200


def chapter9_data(s: dict = SETTINGS):
    """Chapter 9's data, as its live run prepares it: the tokenizer of the training split, the
    training stream of ids, the positions a training window may start at (every poem's start),
    and the validation examples, with the split they come from. tools/scaling_sweep.py
    uses it too."""
    split = split_poems(load_poems())
    train_text = POEM_BREAK + POEM_BREAK.join(split.train) + POEM_BREAK
    tok = CharTokenizer.from_text(train_text, max_chars=s["max_chars"])
    ids = torch.tensor(tok.encode(train_text))
    brk = tok.encode(POEM_BREAK)[0]
    starts = (ids[: -s["context"] - 1] == brk).nonzero()[:, 0]  # every poem's start
    X_val, Y_val = lm_examples([tok.encode(POEM_BREAK + p + POEM_BREAK) for p in split.val],
                               s["context"])
    return split, tok, ids, starts, X_val, Y_val


def seeded_gpt(config: GPTConfig, s: dict = SETTINGS, dtype: torch.dtype = torch.float32) -> GPT:
    """A GPT in ``dtype`` with chapter 9's initial weights: GPT-2's initialisation drawn from a
    generator seeded with ``s["init_seed"]`` (torch's global seed set to it too)."""
    torch.manual_seed(s["init_seed"])
    model = GPT(config).to(dtype)
    model.reset_parameters(torch.Generator().manual_seed(s["init_seed"]))
    return model


def train_like_chapter9(model: GPT, ids: torch.Tensor, starts: torch.Tensor,
                        X_val: torch.Tensor, Y_val: torch.Tensor, *, steps: int,
                        s: dict = SETTINGS, eval_every: int, **extra):
    """train_language_model with chapter 9's settings ``s``, the validation loss recorded every
    ``eval_every`` steps, and no progress bar; ``extra`` (quantum, snapshot_steps) is passed on.
    tools/scaling_sweep.py uses it too."""
    return train_language_model(
        model, ids, starts, steps=steps, batch_size=s["batch_size"], length=s["context"],
        lr=s["lr"], warmup=s["warmup"], min_lr_factor=s["min_lr_factor"],
        weight_decay=s["weight_decay"], grad_clip=s["grad_clip"], seed=s["seed"],
        eval_fn=lambda m: lm_loss(m, X_val, Y_val), eval_every=eval_every, progress=False,
        **extra)


def _run(steps: int) -> tuple:
    """One full run of ``steps`` steps in a worker: its validation curve, CPU minutes, and for
    the longest run its weights and snapshots."""
    torch.set_num_threads(1)
    s = SETTINGS
    _, tok, ids, starts, X_val, Y_val = chapter9_data(s)
    config = GPTConfig(tok.vocab_size, s["context"], s["d_model"], s["n_layers"], s["n_heads"])
    model = seeded_gpt(config, s, torch.float64)
    start = time.process_time()
    run = train_like_chapter9(
        model, ids, starts, X_val, Y_val, steps=steps, s=s, eval_every=EVAL_EVERY,
        quantum=QUANTUM, snapshot_steps=SNAPSHOTS if steps == BUDGETS[-1] else ())
    minutes = (time.process_time() - start) / 60
    print(f"{steps} steps: validation loss {run.val_loss[-1]:.4f} nats/char, "
          f"{minutes:.1f} min CPU", flush=True)
    kept = (model.state_dict(), run.snapshots) if steps == BUDGETS[-1] else None
    return {"eval_steps": run.eval_steps, "val_loss": run.val_loss}, kept


def main(out: Path | None = None) -> None:
    out = weights_path() if out is None else out
    s = SETTINGS
    _, tok, _, _, _, _ = chapter9_data(s)
    config = GPTConfig(tok.vocab_size, s["context"], s["d_model"], s["n_layers"], s["n_heads"])
    log = {"quantum": QUANTUM, "eval_every": EVAL_EVERY, "runs": {}}
    longest_first = sorted(BUDGETS, reverse=True)
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn")) as pool:
        results = dict(zip(longest_first, pool.map(_run, longest_first), strict=True))
    for steps in BUDGETS:
        log["runs"][steps] = results[steps][0]
    state, snapshots = results[BUDGETS[-1]][1]
    model = GPT(config).double()
    model.load_state_dict(state)
    chars = "".join(tok.tokens[1:])  # id 0 is <unk>
    digest = save_checkpoint(out, model, chars=chars, settings=s, log=log, snapshots=snapshots)
    print(f"{out}: {out.stat().st_size:,} bytes, SHA-256 {digest}")


if __name__ == "__main__":
    main()
