"""How chapter 7 chose its digit models: by 5-fold cross-validation on the development set.

The protocol, in the order it runs:

1. One test set is set aside first (``lmvis.datasets.digits.load_digits_development`` with its
   default seed, ``TEST_SPLIT_SEED``: 269 test images that no earlier version of the book split
   off). This script never reads it: it uses ``X_dev`` and ``y_dev`` only, the other 1,528
   images.
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
(the numerical environment of the notebooks; a few minutes on two cores). It writes every
candidate's five fold accuracies, the choices, the settings and the run's provenance to
lib/lmvis/datasets/digit_models/selection.json; put the printed SHA-256 into
lib/lmvis/datasets/digit_models.py (SELECTION_SHA256). Chapter 7 reads its settings from there.
"""

import itertools
import json
import sys
import time
from pathlib import Path

import numpy as np
from lmvis import crossval, optim
from lmvis.datasets import sha256_file
from lmvis.datasets.digits import TEST_SPLIT_SEED, load_digits_development
from lmvis.losses import cross_entropy
from lmvis.mlp import MLP
from lmvis.training import fit_numpy

sys.path.insert(0, str(Path(__file__).resolve().parent))
from provenance import ROOT, provenance  # noqa: E402

OUT = ROOT / "lib" / "lmvis" / "datasets" / "digit_models" / "selection.json"

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


def main(out: Path = OUT) -> None:
    wall0, cpu0 = time.perf_counter(), time.process_time()
    data = load_digits_development(seed=TEST_SPLIT_SEED)
    folds = crossval.kfold(data.X_dev, data.y_dev, k=K, seed=FOLD_SEED,
                           n_classes=data.n_classes)
    print(f"development set: {len(data.y_dev)} images in {K} folds of "
          f"{[len(f.y_val) for f in folds]}; the {len(data.y_test)} test images are not used")
    models = {}
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
        size = {c: MLP([data.n_features, *c[0], data.n_classes]).n_params for c in scores}
        chosen = min(close, key=lambda c: (size[c], -scores[c].mean()))
        print(f"  best mean {scores[best].mean():.4f} (hidden {best[0]}, lr {best[1]}, "
              f"weight_decay {best[2]}), one standard error {se:.4f}: {len(close)} candidates "
              f"within it")
        print(f"  chosen: hidden {chosen[0]}, lr {chosen[1]}, weight_decay {chosen[2]} "
              f"(mean validation accuracy {scores[chosen].mean():.4f}, "
              f"{size[chosen]} parameters)")

        def entry(c, size=size, scores=scores):
            return {"hidden": list(c[0]), "lr": c[1], "weight_decay": c[2],
                    "params": size[c], "fold_accuracy": scores[c].tolist()}

        models[model] = {"candidates": [entry(c) for c in grid], "best": entry(best),
                         "standard_error": float(se), "within_one_se": len(close),
                         "chosen": entry(chosen)}
    result = {
        "what": "5-fold cross-validated accuracy of every candidate setting of chapter 7's "
                "from-scratch digit models on the development set, and the settings chosen",
        "settings": {"split_seed": TEST_SPLIT_SEED, "test_fraction": 0.15,
                     "development_images": len(data.y_dev), "test_images_not_read":
                     len(data.y_test), "folds": K, "fold_seed": FOLD_SEED,
                     "batch_size": BATCH_SIZE, "max_epochs": MAX_EPOCHS, "patience": PATIENCE,
                     "rule": "one standard error: fewest parameters within one SE of the best "
                             "mean, then the higher mean"},
        "models": models,
        "provenance": provenance("tools/select_digits_models.py",
                                 cpu_seconds=time.process_time() - cpu0,
                                 wall_seconds=time.perf_counter() - wall0),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"\n{out}: SHA-256 {sha256_file(out)}, "
          f"{result['provenance']['wall_seconds']:.0f} s wall, "
          f"{result['provenance']['cpu_seconds']:.0f} s CPU")


if __name__ == "__main__":
    sys.exit(main())
