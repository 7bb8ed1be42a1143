"""Programming versus learning: a rule written by hand to tell a 0 from a 1 in 8×8 digits.

Chapter 1 puts it beside a fitted model; :func:`lmvis.datasets.digits.shift_right` moves the
digits to show how brittle such a rule is.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from lmvis import checks


def centre_ink(images: ArrayLike) -> np.ndarray:
    """Mean ink (0-16 scale) in the central 2×4 block of each 8×8 digit image."""
    images = checks.array("images", images, shape=(None, 8, 8))
    return images[:, 2:6, 3:5].mean(axis=(1, 2))


def zero_or_one_rule(images: ArrayLike, threshold: float = 8.0) -> np.ndarray:
    """The programmer's rule: a '0' has an empty centre, a '1' is ink down the middle.

    Returns 1 where the centre holds more ink than ``threshold`` (by default half of the 0-16
    ink scale), else 0.
    """
    threshold = checks.real("threshold", threshold)
    return (centre_ink(images) > threshold).astype(int)
