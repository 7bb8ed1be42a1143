"""Handwritten digits as arrays, split honestly into train / validation / test.

The data is scikit-learn's bundled copy of the UCI optical digits (1,797 images of 8×8 pixels,
grey levels 0–16), so nothing is downloaded. Everything downstream only sees an
:class:`ImageSplit` of NumPy arrays, so MNIST or CIFAR-10 arrays (once downloaded by the
reader) can be passed to :func:`split_dataset` instead, with their own ``image_shape``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ImageSplit:
    """Flattened images and integer labels for the three parts of one seeded split.

    ``X_*`` are float arrays (n, d) scaled to [0, 1], float64 unless asked otherwise; ``y_*``
    are int64 arrays (n,);
    ``image_shape`` turns one row back into an image, e.g. ``(8, 8)`` or ``(3, 32, 32)``.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    image_shape: tuple[int, ...]
    n_classes: int

    @property
    def n_features(self) -> int:
        return self.X_train.shape[1]

    def images(self, X) -> np.ndarray:
        """Rows of ``X`` (n, d) reshaped to images (n, *image_shape)."""
        X = np.asarray(X)
        return X.reshape(len(X), *self.image_shape)


def _stratified_indices(y, fraction: float, rng) -> np.ndarray:
    """Indices taking ``round(fraction * count)`` examples of every class (at least one)."""
    chosen = []
    for c in np.unique(y):
        idx = np.flatnonzero(y == c)
        k = max(1, int(round(fraction * len(idx))))
        chosen.append(rng.permutation(idx)[:k])
    return np.sort(np.concatenate(chosen))


def split_dataset(X, y, image_shape, val_fraction: float = 0.15, test_fraction: float = 0.15,
                  seed: int = 0, scale: float | None = None, dtype=np.float64) -> ImageSplit:
    """Seeded, stratified train / validation / test split of images ``X`` (n, d) or (n, *shape).

    Every class keeps (up to rounding) the same proportion in each part, and the parts are
    disjoint. ``scale`` divides the pixels (default: the largest pixel value), giving [0, 1].
    ``dtype`` of the pixels: float64 by default, so that models trained on them in float64
    print the same digits on every CPU; float32 for speed.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    image_shape = tuple(int(s) for s in image_shape)
    d = int(np.prod(image_shape))
    if X.ndim < 2 or len(X) == 0:
        raise ValueError(f"X must hold at least one image (n, ...), got shape {X.shape}")
    X = X.reshape(len(X), -1)
    if X.shape[1] != d:
        raise ValueError(f"images have {X.shape[1]} values, but image_shape {image_shape} "
                         f"needs {d}")
    if y.shape != (len(X),) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must be integer labels of shape ({len(X)},), got {y.dtype} "
                         f"shape {y.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinite values")
    for name, f in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
        if not 0 < f < 1:
            raise ValueError(f"{name} must be in (0, 1), got {f!r}")
    if val_fraction + test_fraction >= 1:
        raise ValueError(f"val_fraction + test_fraction must be < 1, got "
                         f"{val_fraction + test_fraction}")
    counts = np.bincount(y - y.min())
    if counts[counts > 0].min() < 3:
        raise ValueError("every class needs at least 3 examples to appear in all three parts")
    rng = np.random.default_rng(seed)
    scale = float(np.abs(X).max()) if scale is None else float(scale)
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    all_idx = np.arange(len(y))
    test = _stratified_indices(y, test_fraction, rng)
    rest = np.setdiff1d(all_idx, test)
    val = rest[_stratified_indices(y[rest], val_fraction / (1 - test_fraction), rng)]
    train = np.setdiff1d(rest, val)
    train = rng.permutation(train)

    def part(idx):
        return (X[idx] / scale).astype(dtype), y[idx].astype(np.int64)

    return ImageSplit(*part(train), *part(val), *part(test), image_shape=image_shape,
                      n_classes=int(len(np.unique(y))))


def load_digits_split(val_fraction: float = 0.15, test_fraction: float = 0.15,
                      seed: int = 0, dtype=np.float64) -> ImageSplit:
    """scikit-learn's 8×8 digits (offline), split with :func:`split_dataset`, pixels / 16."""
    from sklearn.datasets import load_digits

    data = load_digits()
    return split_dataset(data.data, data.target, (8, 8), val_fraction, test_fraction,
                         seed=seed, scale=16.0, dtype=dtype)


# --- Moving digits: the shift that breaks a hand-written rule, and augmentation ------------


def shift_right(images, pixels: int = 1) -> np.ndarray:
    """Move every image ``pixels`` columns to the right, filling with blank (0) columns."""
    images = _check_8x8(images)
    if not isinstance(pixels, int) or not 0 <= pixels < 8:
        raise ValueError(f"pixels must be an int in [0, 8), got {pixels!r}")
    out = np.zeros_like(images)
    out[:, :, pixels:] = images[:, :, : 8 - pixels]
    return out

def with_shifted_copies(images, labels, shifts=(1, 2)):
    """Data augmentation: the images and labels plus copies shifted right by each of ``shifts``."""
    images = _check_8x8(images)
    labels = np.asarray(labels)
    if labels.shape != (images.shape[0],):
        raise ValueError(f"labels must have shape ({images.shape[0]},), got {labels.shape}")
    xs = [images] + [shift_right(images, s) for s in shifts]
    return np.concatenate(xs), np.tile(labels, len(xs))


def _check_8x8(images):
    images = np.asarray(images, dtype=float)
    if images.ndim != 3 or images.shape[1:] != (8, 8):
        raise ValueError(f"images must have shape (n, 8, 8), got {images.shape}")
    return images


# --- One test set set aside first, everything else for choosing (chapter 7) ---------------


@dataclass(frozen=True)
class DevelopmentSplit:
    """Images with one stratified test set set aside before anything else is done.

    ``X_dev``, ``y_dev`` (the development set) are all that model selection may use, e.g. cut
    into folds by :func:`lmvis.crossval.kfold`; ``X_test``, ``y_test`` are read once, at the end.
    """

    X_dev: np.ndarray
    y_dev: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    image_shape: tuple[int, ...]
    n_classes: int

    @property
    def n_features(self) -> int:
        return self.X_dev.shape[1]

    def images(self, X) -> np.ndarray:
        """Rows of ``X`` (n, d) reshaped to images (n, *image_shape)."""
        X = np.asarray(X)
        return X.reshape(len(X), *self.image_shape)


def load_digits_development(test_fraction: float = 0.15, seed: int = 0,
                            dtype=np.float64) -> DevelopmentSplit:
    """The 8×8 digits with a stratified test set set aside first, pixels / 16.

    The test set is the one :func:`load_digits_split` draws with the same ``test_fraction`` and
    ``seed`` (it draws the test set first); its training and validation parts together are the
    development set, in a seeded random order.
    """
    split = load_digits_split(val_fraction=(1 - test_fraction) / 2, test_fraction=test_fraction,
                              seed=seed, dtype=dtype)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(split.y_train) + len(split.y_val))
    X_dev = np.concatenate([split.X_train, split.X_val])[order]
    y_dev = np.concatenate([split.y_train, split.y_val])[order]
    return DevelopmentSplit(X_dev, y_dev, split.X_test, split.y_test, split.image_shape,
                            split.n_classes)
