"""k-means clustering (Lloyd's algorithm): structure found without labels."""

from __future__ import annotations

import numpy as np


def kmeans(X, k: int, n_iter: int = 100, seed: int = 0):
    """Cluster the rows of ``X`` (n, d) into ``k`` groups.

    Alternates two steps until nothing changes: assign each point to its nearest centre, then
    move each centre to the mean of its points. Returns ``(centres (k, d), labels (n,),
    history)``, where ``history`` lists the centres after every iteration (for figures).
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"X must be a non-empty 2-D array (n, d), got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinite values")
    if not isinstance(k, int) or not 1 <= k <= X.shape[0]:
        raise ValueError(f"k must be an int between 1 and n={X.shape[0]}, got {k!r}")
    rng = np.random.default_rng(seed)
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


def inertia(X, centres, labels) -> float:
    """Sum of squared distances from each point to its assigned centre (what k-means lowers)."""
    X = np.asarray(X, dtype=float)
    return float(((X - np.asarray(centres)[labels]) ** 2).sum())
