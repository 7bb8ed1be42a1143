"""How chapter 7 chose its digit models: by 5-fold cross-validation on the development set.

The protocol, in the order it runs:

1. One test set is set aside first (``lmvis.datasets.digits.load_digits_development``: the 269
   test images of split seed 0). This script never reads it: it uses ``X_dev`` and ``y_dev``
   only, the other 1,528 images.
2. The development set is cut into 5 stratified folds (``lmvis.crossval.kfold``, seed 0). For
   every candidate (learning rate, L2 weight decay and, for the MLP, hidden width) the
   from-scratch model (lmvis.mlp.MLP + lmvis.optim.Adam + lmvis.training.fit_numpy, the same
   algorithm as the chapter's PyTorch models) is trained 5 times, each time on 4 folds with
   early stopping on the fifth, and scored by its accuracy on that fifth fold.
3. The choice follows the one-standard-error rule (Hastie, Tibshirani and Friedman, The Elements
   of Statistical Learning, 2nd ed., section 7.10): among the candidates whose mean accuracy is
   within one standard error (the folds' standard deviation / sqrt(5)) of the best mean, take
   the one with the fewest parameters (then the higher mean). Differences smaller than that are
   noise of the folds, not evidence.

Run with ``.venv/bin/python tools/numerics.py -- .venv/bin/python tools/select_digits_models.py``
(the numerical environment of the notebooks; a few minutes on two cores). Chapter 7 uses what it
prints as "chosen"; the README records the last run's result and runtime.
"""

import itertools
import sys
import time

import numpy as np
from lmvis import crossval, optim
from lmvis.datasets.digits import load_digits_development
from lmvis.losses import cross_entropy
from lmvis.mlp import MLP
from lmvis.training import fit_numpy

K, FOLD_SEED = 5, 0
BATCH_SIZE, MAX_EPOCHS, PATIENCE = 64, 200, 15
GRIDS = {
    "linear softmax": [((), lr, wd) for lr in (0.003, 0.01, 0.03, 0.1) for wd in (0.0, 1e-4, 1e-3)],
    "MLP": [((h,), lr, wd) for h, lr, wd in itertools.product(
        (32, 64, 128, 256), (0.001, 0.003, 0.01), (0.0, 1e-4, 1e-3))],
}


def validation_accuracy(fold, hidden, lr, weight_decay):
    """Train on the fold's training part, early-stop on its validation part, score on it."""
    net = MLP([fold.n_features, *hidden, fold.n_classes], activation="relu", seed=0)
    opt = optim.Adam(net.parameters(), lr=lr, weight_decay=weight_decay)
    fit_numpy(net, cross_entropy, opt, fold.X_train, fold.y_train, fold.X_val, fold.y_val,
              batch_size=BATCH_SIZE, max_epochs=MAX_EPOCHS, patience=PATIENCE, seed=0,
              progress=False)
    return float(np.mean(net.forward(fold.X_val).argmax(axis=1) == fold.y_val))


def main():
    started = time.perf_counter()
    data = load_digits_development(seed=0)
    folds = crossval.kfold(data.X_dev, data.y_dev, k=K, seed=FOLD_SEED,
                           n_classes=data.n_classes)
    print(f"development set: {len(data.y_dev)} images in {K} folds of "
          f"{[len(f.y_val) for f in folds]}; the {len(data.y_test)} test images are not used")
    for model, grid in GRIDS.items():
        print(f"\n{model}: mean (sd) validation accuracy over the {K} folds")
        scores = {}
        for hidden, lr, wd in grid:
            start = time.perf_counter()
            acc = np.array([validation_accuracy(f, hidden, lr, wd) for f in folds])
            scores[hidden, lr, wd] = acc
            seconds = time.perf_counter() - start
            print(f"  hidden {hidden!s:7} lr {lr:<6} weight_decay {wd:<7} "
                  f"{acc.mean():.4f} ({acc.std(ddof=1):.4f})  [{seconds:.1f} s]", flush=True)
        best = max(scores, key=lambda c: scores[c].mean())
        se = scores[best].std(ddof=1) / np.sqrt(K)
        threshold = scores[best].mean() - se
        close = [c for c in scores if scores[c].mean() >= threshold]
        size = {c: MLP([data.n_features, *c[0], data.n_classes]).n_params for c in close}
        chosen = min(close, key=lambda c: (size[c], -scores[c].mean()))
        print(f"  best mean {scores[best].mean():.4f} (hidden {best[0]}, lr {best[1]}, "
              f"weight_decay {best[2]}), one standard error {se:.4f}: {len(close)} candidates "
              f"within it")
        print(f"  chosen: hidden {chosen[0]}, lr {chosen[1]}, weight_decay {chosen[2]} "
              f"(mean validation accuracy {scores[chosen].mean():.4f}, "
              f"{size[chosen]} parameters)")
    print(f"\nruntime {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
