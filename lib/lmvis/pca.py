"""Principal component analysis (主成分分析) for pictures: project onto the top two directions."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from lmvis import checks


def pca_2d(H: ArrayLike) -> np.ndarray:
    """Project the rows of ``H`` (n, d) on their first two principal components, (n, 2).

    The sign of each component is fixed so that its largest-magnitude loading is positive,
    which makes the picture reproducible.
    """
    H = checks.array("H", H, ndim=2).astype(np.float64, copy=False)
    checks.integer("number of rows of H", H.shape[0], minimum=2)
    checks.integer("number of columns of H", H.shape[1], minimum=2)
    Hc = H - H.mean(axis=0)
    _, _, Vt = np.linalg.svd(Hc, full_matrices=False)
    V = Vt[:2].T  # (d, 2)
    signs = np.sign(V[np.abs(V).argmax(axis=0), [0, 1]])
    return Hc @ (V * signs)
