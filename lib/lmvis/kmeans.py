"""k-means clustering (Lloyd's algorithm): structure found without labels."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from lmvis import checks


def kmeans(X: ArrayLike, k: int, n_iter: int = 100, seed: int = 0
           ) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Cluster the rows of ``X`` (n, d) into ``k`` groups.

    Alternates two steps until nothing changes: assign each point to its nearest centre, then
    move each centre to the mean of its points. Returns ``(centres (k, d), labels (n,),
    history)``, where ``history`` lists the centres after every iteration (for figures).
    """
    X = checks.array("X", X, ndim=2).astype(np.float64, copy=False)
    k = checks.integer(f"k (at most n = {X.shape[0]} rows of X)", k, minimum=1,
                       maximum=X.shape[0])
    n_iter = checks.integer("n_iter", n_iter, minimum=1)  # 0 iterations would label nothing
    rng = np.random.default_rng(checks.integer("seed", seed, minimum=0))
    centres = X[rng.choice(X.shape[0], size=k, replace=False)].copy()
    history = [centres.copy()]
    labels = np.full(X.shape[0], -1)
    for _ in range(n_iter):
        distances = ((X[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)  # (n, k)
        new_labels = distances.argmin(axis=1)
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
        for j in range(k):
            if np.any(labels == j):  # an empty cluster keeps its centre
                centres[j] = X[labels == j].mean(axis=0)
        history.append(centres.copy())
    return centres, labels, history


def inertia(X: ArrayLike, centres: ArrayLike, labels: ArrayLike) -> float:
    """Sum of squared distances from each point to its assigned centre (what k-means lowers)."""
    X = checks.array("X", X, ndim=2)
    centres = checks.array("centres (one row per cluster, as wide as X)", centres,
                           shape=(None, X.shape[1]))
    labels = checks.array("labels (one per row of X, indices of centres)", labels,
                          shape=(X.shape[0],), kind="int", minimum=0, maximum=len(centres) - 1)
    return float(((X - centres[labels]) ** 2).sum())
