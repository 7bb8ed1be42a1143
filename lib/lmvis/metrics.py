"""How good is a prediction: errors, confusion counts, the majority baseline, importance.

Every chapter that reports a result uses these, so a number in one chapter means the same in
another. The majority-class baseline is here because an accuracy means nothing until it is
compared with it. Classes are integer indices 0, 1, ..., K − 1 everywhere in the book (as in
:func:`lmvis.losses.cross_entropy` and :func:`confusion_matrix`), so labels of another kind,
e.g. strings, are refused rather than compared with integers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from lmvis import checks
from lmvis.linear import _check_xy


def _pair(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    y_true, y_pred = checks.array("y_true", y_true), checks.array("y_pred", y_pred)
    checks.same_shape(y_true=y_true, y_pred=y_pred)
    return y_true.astype(np.float64, copy=False), y_pred.astype(np.float64, copy=False)


def rmse(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Root mean squared error."""
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.sqrt(np.mean((y_true - y_pred) ** 2)))


def mae(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Mean absolute error."""
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.mean(np.abs(y_true - y_pred)))


def permutation_importance(predict: Callable[[np.ndarray], ArrayLike], X: ArrayLike,
                           y: ArrayLike, groups: Mapping[str, Sequence[int]], *,
                           n_repeats: int = 5, seed: int = 0) -> dict[str, tuple[float, float]]:
    """Increase in RMSE when the columns of each group are shuffled together (rows permuted).

    ``groups`` maps a name (an original column) to the list of its column indices in X (one
    one-hot block moves as one). Returns {name: (mean increase, std)} over ``n_repeats``.
    """
    checks.is_callable("predict", predict)
    X, y = _check_xy(X, y)
    checks.instance("groups", groups, Mapping, "a dict {name: column indices}")
    columns = {name: np.asarray(checks.integers(f"groups[{name!r}]", cols, minimum=0,
                                                maximum=X.shape[1] - 1, min_length=1),
                                dtype=np.int64)
               for name, cols in groups.items()}
    n_repeats = checks.integer("n_repeats", n_repeats, minimum=1)
    rng = np.random.default_rng(checks.integer("seed", seed, minimum=0))

    def error(Xp):
        pred = checks.array("predict(X)", predict(Xp), shape=(X.shape[0],))
        return rmse(y, pred)

    base = error(X)
    out = {}
    for name, cols in columns.items():
        deltas = []
        for _ in range(n_repeats):
            Xp = X.copy()
            Xp[:, cols] = X[rng.permutation(X.shape[0])][:, cols]
            deltas.append(error(Xp) - base)
        out[name] = (float(np.mean(deltas)), float(np.std(deltas)))
    return out


def confusion_matrix(y_true: ArrayLike, y_pred: ArrayLike, n_classes: int) -> np.ndarray:
    """Counts C[i, j] of examples with true class i predicted as class j, shape (K, K)."""
    n_classes = checks.integer("n_classes", n_classes, minimum=1)
    labels = {"minimum": 0, "maximum": n_classes - 1, "kind": "int", "nonempty": False}
    y_true = checks.array("y_true", y_true, ndim=1, **labels)
    y_pred = checks.array("y_pred", y_pred, ndim=1, **labels)
    checks.same_shape(y_true=y_true, y_pred=y_pred)
    C = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(C, (y_true, y_pred), 1)
    return C


def majority_class(y_train: ArrayLike) -> int:
    """The most frequent label in ``y_train`` (the smallest label on ties)."""
    y = checks.array("y_train (class indices)", y_train, ndim=1, kind="int")
    values, counts = np.unique(y, return_counts=True)
    return int(values[np.argmax(counts)])


def majority_accuracy(y_train: ArrayLike, y_eval: ArrayLike) -> float:
    """Accuracy on ``y_eval`` of always predicting the majority class of ``y_train``."""
    c = majority_class(y_train)
    y_eval = checks.array("y_eval (class indices)", y_eval, ndim=1, kind="int")
    return float(np.mean(y_eval == c))
