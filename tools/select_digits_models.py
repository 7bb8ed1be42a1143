"""How chapter 7 chose its digit models: on validation accuracy only, over ten splits.

For every candidate (learning rate, L2 weight decay and, for the MLP, hidden width) this trains
the from-scratch model (lmvis.mlp.MLP + lmvis.optim.Adam + lmvis.training.fit_numpy, the same
algorithm as the chapter's PyTorch models) on each of the split seeds 0-9 and reports the mean
validation accuracy. The test sets are never read.

The choice follows the one-standard-error rule (Hastie, Tibshirani and Friedman, The Elements of
Statistical Learning, 2nd ed., section 7.10): among the candidates whose mean is within one
standard error of the best mean, take the one with the fewest parameters (then the higher mean).
Differences smaller than that are noise of the split, not evidence. Run with
`.venv/bin/python tools/select_digits_models.py` (about seven minutes on two cores); chapter 7
uses what it prints as "chosen".
"""

import itertools
import sys
import time

import numpy as np
from lmvis import optim
from lmvis.datasets.digits import load_digits_split
from lmvis.losses import cross_entropy
from lmvis.mlp import MLP
from lmvis.training import fit_numpy

SEEDS = range(10)
BATCH_SIZE, MAX_EPOCHS, PATIENCE = 64, 200, 15
GRIDS = {
    "linear softmax": [((), lr, wd) for lr in (0.003, 0.01, 0.03, 0.1) for wd in (0.0, 1e-4, 1e-3)],
    "MLP": [((h,), lr, wd) for h, lr, wd in itertools.product(
        (32, 64, 128, 256), (0.001, 0.003, 0.01), (0.0, 1e-4, 1e-3))],
}


def validation_accuracy(split, hidden, lr, weight_decay):
    net = MLP([split.n_features, *hidden, split.n_classes], activation="relu", seed=0)
    opt = optim.Adam(net.parameters(), lr=lr, weight_decay=weight_decay)
    fit_numpy(net, cross_entropy, opt, split.X_train, split.y_train, split.X_val, split.y_val,
              batch_size=BATCH_SIZE, max_epochs=MAX_EPOCHS, patience=PATIENCE, progress=False)
    return float(np.mean(net.forward(split.X_val).argmax(axis=1) == split.y_val))


def main():
    splits = [load_digits_split(seed=s) for s in SEEDS]
    for model, grid in GRIDS.items():
        print(f"\n{model}: mean (sd) validation accuracy over split seeds {list(SEEDS)}")
        scores = {}
        for hidden, lr, wd in grid:
            start = time.perf_counter()
            acc = np.array([validation_accuracy(s, hidden, lr, wd) for s in splits])
            scores[hidden, lr, wd] = acc
            seconds = time.perf_counter() - start
            print(f"  hidden {hidden!s:7} lr {lr:<6} weight_decay {wd:<7} "
                  f"{acc.mean():.4f} ({acc.std(ddof=1):.4f})  [{seconds:.1f} s]", flush=True)
        best = max(scores, key=lambda c: scores[c].mean())
        se = scores[best].std(ddof=1) / np.sqrt(len(SEEDS))
        threshold = scores[best].mean() - se
        close = [c for c in scores if scores[c].mean() >= threshold]
        size = {c: MLP([splits[0].n_features, *c[0], splits[0].n_classes]).n_params for c in close}
        chosen = min(close, key=lambda c: (size[c], -scores[c].mean()))
        print(f"  best mean {scores[best].mean():.4f} (hidden {best[0]}, lr {best[1]}, "
              f"weight_decay {best[2]}), one standard error {se:.4f}: {len(close)} candidates "
              f"within it")
        print(f"  chosen: hidden {chosen[0]}, lr {chosen[1]}, weight_decay {chosen[2]} "
              f"(validation accuracy {scores[chosen].mean():.4f})")


if __name__ == "__main__":
    sys.exit(main())
