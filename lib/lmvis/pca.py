"""Principal component analysis (主成分分析) for pictures: project onto the top two directions."""

from __future__ import annotations

import numpy as np


def pca_2d(H):
    """Project the rows of ``H`` (n, d) on their first two principal components, (n, 2).

    The sign of each component is fixed so that its largest-magnitude loading is positive,
    which makes the picture reproducible.
    """
    H = np.asarray(H, dtype=np.float64)
    if H.ndim != 2 or H.shape[0] < 2 or H.shape[1] < 2:
        raise ValueError(f"H must be (n >= 2, d >= 2), got shape {H.shape}")
    Hc = H - H.mean(axis=0)
    _, _, Vt = np.linalg.svd(Hc, full_matrices=False)
    V = Vt[:2].T  # (d, 2)
    signs = np.sign(V[np.abs(V).argmax(axis=0), [0, 1]])
    return Hc @ (V * signs)
