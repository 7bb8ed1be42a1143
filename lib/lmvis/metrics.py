"""How good is a prediction: errors, confusion counts, the majority baseline, importance.

Every chapter that reports a result uses these, so a number in one chapter means the same in
another. The majority-class baseline is here because an accuracy means nothing until it is
compared with it.
"""

from __future__ import annotations

import numpy as np

from lmvis.linear import _check_xy


def rmse(y_true, y_pred) -> float:
    """Root mean squared error."""
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"shapes differ: {y_true.shape} vs {y_pred.shape}")
    return float(np.sqrt(np.mean((y_true - y_pred) ** 2)))

def mae(y_true, y_pred) -> float:
    """Mean absolute error."""
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"shapes differ: {y_true.shape} vs {y_pred.shape}")
    return float(np.mean(np.abs(y_true - y_pred)))

def permutation_importance(predict, X, y, groups: dict, n_repeats: int = 5, seed: int = 0):
    """Increase in RMSE when the columns of each group are shuffled together (rows permuted).

    ``groups`` maps a name (an original column) to the list of its column indices in X (one
    one-hot block moves as one). Returns {name: (mean increase, std)} over ``n_repeats``.
    """
    X, y = _check_xy(X, y)
    if not isinstance(n_repeats, int) or n_repeats < 1:
        raise ValueError(f"n_repeats must be a positive int, got {n_repeats!r}")
    rng = np.random.default_rng(seed)
    base = rmse(y, predict(X))
    out = {}
    for name, cols in groups.items():
        cols = np.asarray(cols, dtype=int)
        deltas = []
        for _ in range(n_repeats):
            Xp = X.copy()
            Xp[:, cols] = X[rng.permutation(X.shape[0])][:, cols]
            deltas.append(rmse(y, predict(Xp)) - base)
        out[name] = (float(np.mean(deltas)), float(np.std(deltas)))
    return out


def confusion_matrix(y_true, y_pred, n_classes: int) -> np.ndarray:
    """Counts C[i, j] of examples with true class i predicted as class j, shape (K, K)."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise ValueError(f"y_true and y_pred must be 1-D of the same shape, got {y_true.shape} "
                         f"and {y_pred.shape}")
    for name, v in (("y_true", y_true), ("y_pred", y_pred)):
        if len(v) and (v.min() < 0 or v.max() >= n_classes):
            raise ValueError(f"{name} must hold labels in [0, {n_classes}), got "
                             f"[{v.min()}, {v.max()}]")
    C = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(C, (y_true, y_pred), 1)
    return C


def majority_class(y_train) -> int:
    """The most frequent label in ``y_train`` (the smallest label on ties)."""
    y = np.asarray(y_train)
    if y.ndim != 1 or len(y) == 0 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y_train must be a non-empty 1-D integer array, got {y.dtype} "
                         f"shape {y.shape}")
    values, counts = np.unique(y, return_counts=True)
    return int(values[np.argmax(counts)])

def majority_accuracy(y_train, y_eval) -> float:
    """Accuracy on ``y_eval`` of always predicting the majority class of ``y_train``."""
    c = majority_class(y_train)
    y_eval = np.asarray(y_eval)
    if y_eval.ndim != 1 or len(y_eval) == 0:
        raise ValueError(f"y_eval must be a non-empty 1-D array, got shape {y_eval.shape}")
    return float(np.mean(y_eval == c))
