"""Programming versus learning: a hand-written rule and a fitted model on the same digits."""

from __future__ import annotations

import numpy as np


def _check_images(images):
    images = np.asarray(images, dtype=float)
    if images.ndim != 3 or images.shape[1:] != (8, 8):
        raise ValueError(f"images must have shape (n, 8, 8), got {images.shape}")
    return images


def centre_ink(images) -> np.ndarray:
    """Mean ink (0-16 scale) in the central 2×4 block of each 8×8 digit image."""
    images = _check_images(images)
    return images[:, 2:6, 3:5].mean(axis=(1, 2))


def zero_or_one_rule(images, threshold: float = 8.0) -> np.ndarray:
    """The programmer's rule: a '0' has an empty centre, a '1' is ink down the middle.

    Returns 1 where the centre holds more ink than ``threshold`` (by default half of the 0-16
    ink scale), else 0.
    """
    return (centre_ink(images) > threshold).astype(int)


def shift_right(images, pixels: int = 1) -> np.ndarray:
    """Move every image ``pixels`` columns to the right, filling with blank (0) columns."""
    images = _check_images(images)
    if not isinstance(pixels, int) or not 0 <= pixels < 8:
        raise ValueError(f"pixels must be an int in [0, 8), got {pixels!r}")
    out = np.zeros_like(images)
    out[:, :, pixels:] = images[:, :, : 8 - pixels]
    return out


def with_shifted_copies(images, labels, shifts=(1, 2)):
    """Data augmentation: the images and labels plus copies shifted right by each of ``shifts``."""
    images = _check_images(images)
    labels = np.asarray(labels)
    if labels.shape != (images.shape[0],):
        raise ValueError(f"labels must have shape ({images.shape[0]},), got {labels.shape}")
    xs = [images] + [shift_right(images, s) for s in shifts]
    return np.concatenate(xs), np.tile(labels, len(xs))
