"""Stratified k-fold cross-validation: choose on the development data, never on the test set.

The honest protocol for a small data set: set one test set aside first, then make every choice
(hyperparameters, architecture) on what remains, the *development* data, by cutting it into
``k`` folds. Each fold serves once as the validation set while the other ``k - 1`` train the
model, so every development example is used for validation exactly once and the choice rests
on ``k`` measurements instead of one. The test set appears nowhere here: a :class:`Fold` has no
test part, so code that receives folds cannot read it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from lmvis import checks


@dataclass(frozen=True, kw_only=True)
class Fold:
    """One training / validation cut of the development data (no test part, on purpose).

    ``X_*`` are arrays (n, d), ``y_*`` integer labels (n,) in ``[0, n_classes)``; ``n_classes``
    counts the classes of the whole development set, so a fold that lacks a class still has
    every output.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    n_classes: int

    def __post_init__(self):
        n_classes = checks.integer("n_classes", self.n_classes, minimum=1)
        X_train = checks.array("X_train", self.X_train, ndim=2)
        d = X_train.shape[1]
        for part in ("train", "val"):
            checks.labelled_part(part, getattr(self, f"X_{part}"), getattr(self, f"y_{part}"),
                                 n_features=d, n_classes=n_classes)

    @property
    def n_features(self) -> int:
        """Values per example, the number of columns of ``X_*``."""
        return self.X_train.shape[1]


def stratified_folds(y: ArrayLike, k: int = 5, seed: int = 0) -> list[np.ndarray]:
    """``k`` disjoint, sorted index arrays that cover ``range(len(y))``, each stratified.

    The examples of every class are shuffled (seeded) and dealt out in turn, so each fold holds
    ``count // k`` or ``count // k + 1`` examples of each class: the class proportions of the
    whole, up to rounding.
    """
    y = checks.array("y (class labels)", y, ndim=1, kind="int")
    k = checks.integer("k", k, minimum=2)
    seed = checks.integer("seed", seed, minimum=0)
    _, counts = np.unique(y, return_counts=True)
    if counts.min() < k:
        raise ValueError(f"y must have at least k = {k} examples of every class, one per fold; "
                         f"its smallest class has {counts.min()}")
    rng = np.random.default_rng(seed)
    folds = [[] for _ in range(k)]
    offset = 0  # rotate the dealing so that the remainders do not all land in the first folds
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        for j, part in enumerate(np.array_split(idx, k)):
            folds[(j + offset) % k].append(part)
        offset += len(idx) % k
    return [np.sort(np.concatenate(f)) for f in folds]


def kfold(X: ArrayLike, y: ArrayLike, *, k: int = 5, seed: int = 0,
          n_classes: int | None = None) -> list[Fold]:
    """The development data ``X`` (n, d), ``y`` (n,) as ``k`` :class:`Fold` s.

    Fold ``i`` validates on the ``i``-th index array of :func:`stratified_folds` and trains on
    the others (in a seeded random order). ``n_classes`` defaults to ``max(y) + 1``.
    """
    X = checks.array("X", X, ndim=2)
    y = checks.array("y (class labels, one per row of X)", y, shape=(len(X),), kind="int",
                     minimum=0)
    lowest = int(y.max()) + 1
    n_classes = lowest if n_classes is None else checks.integer(
        f"n_classes (at least max(y) + 1 = {lowest})", n_classes, minimum=lowest)
    parts = stratified_folds(y, k, seed)
    rng = np.random.default_rng(seed)
    folds = []
    for i, val in enumerate(parts):
        train = rng.permutation(np.concatenate([p for j, p in enumerate(parts) if j != i]))
        folds.append(Fold(X_train=X[train], y_train=y[train], X_val=X[val], y_val=y[val],
                          n_classes=n_classes))
    return folds
