"""Figures for classification: decision boundaries, image grids, learning curves, confusion
matrices, weights as images and 2-D projections of a hidden layer.

Each plot helper takes arrays and returns a matplotlib Figure (or draws into a given Axes and
returns it). The computations behind them live elsewhere and are tested on their own:
:func:`decision_grid` here, :func:`lmvis.metrics.confusion_matrix`, :func:`lmvis.pca.pca_2d`.
"""

from __future__ import annotations

import numpy as np


def decision_grid(predict, lo: float = -0.5, hi: float = 1.5, n: int = 101):
    """Evaluate ``predict`` (maps (m, 2) points to (m,) scores) on an n×n grid over [lo, hi]².

    Returns ``(xx, yy, zz)``, each (n, n), ready for ``contourf``.
    """
    if not callable(predict):
        raise TypeError(f"predict must be callable, got {type(predict).__name__}")
    if not isinstance(n, int) or n < 2:
        raise ValueError(f"n must be an int >= 2, got {n!r}")
    if not lo < hi:
        raise ValueError(f"need lo < hi, got lo={lo}, hi={hi}")
    xs = np.linspace(lo, hi, n)
    xx, yy = np.meshgrid(xs, xs)
    points = np.column_stack([xx.ravel(), yy.ravel()])  # (n*n, 2)
    zz = np.asarray(predict(points), dtype=float).reshape(n, n)
    return xx, yy, zz


def plot_decision_boundary(xx, yy, probs, X, y, ax=None, title: str = ""):
    """Shade P(class 1) over the plane, draw the 0.5 contour and the labelled points."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(3.2, 3.0))
    X, y = np.asarray(X), np.asarray(y)
    ax.contourf(xx, yy, probs, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6,
                vmin=0, vmax=1)
    if probs.min() < 0.5 < probs.max():
        ax.contour(xx, yy, probs, levels=[0.5], colors="k", linewidths=1.5)
    for label, marker in ((0, "o"), (1, "s")):
        m = y == label
        ax.scatter(X[m, 0], X[m, 1], marker=marker, s=80, c="white" if label == 0 else "k",
                   edgecolors="k", label=f"y = {label}", zorder=3)
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title, aspect="equal")
    ax.grid(False)
    return ax


def plot_confusion_matrix(C, class_names=None, title: str = "Confusion matrix"):
    """Heat map of a confusion matrix with the count written in every non-empty cell."""
    import matplotlib.pyplot as plt

    C = np.asarray(C)
    if C.ndim != 2 or C.shape[0] != C.shape[1]:
        raise ValueError(f"C must be a square matrix, got shape {C.shape}")
    names = [str(i) for i in range(len(C))] if class_names is None else list(class_names)
    fig, ax = plt.subplots(figsize=(5.0, 4.4))
    im = ax.imshow(C, cmap="Blues")
    for i in range(len(C)):
        for j in range(len(C)):
            if C[i, j]:
                ax.text(j, i, str(C[i, j]), ha="center", va="center", fontsize=8,
                        color="white" if C[i, j] > C.max() / 2 else "black")
    ax.set(xticks=range(len(C)), yticks=range(len(C)), xticklabels=names, yticklabels=names,
           xlabel="predicted class", ylabel="true class", title=title)
    ax.grid(False)
    fig.colorbar(im, ax=ax, fraction=0.046)
    fig.tight_layout()
    return fig


def plot_image_grid(images, titles=None, ncols: int = 10, cmap: str = "gray_r",
                    suptitle: str = "", size: float = 0.9):
    """Show ``images`` (n, h, w) in a grid, one optional title per image."""
    import matplotlib.pyplot as plt

    images = np.asarray(images)
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(f"images must be a non-empty (n, h, w) array, got shape {images.shape}")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"got {len(titles)} titles for {len(images)} images")
    n = len(images)
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, (size + 0.25) * nrows),
                             squeeze=False)
    for k, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if k < n:
            ax.imshow(images[k], cmap=cmap)
            if titles is not None:
                ax.set_title(titles[k], fontsize=8)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def plot_weight_images(W, image_shape, n: int | None = None, ncols: int = 8, title: str = ""):
    """Show the first-layer weights ``W`` (fan_in, fan_out): each column as an image.

    A diverging colour map centred on 0 per unit: red pixels push the unit up, blue down.
    """
    import matplotlib.pyplot as plt

    W = np.asarray(W)
    if W.ndim != 2 or W.shape[0] != int(np.prod(image_shape)):
        raise ValueError(f"W must be (fan_in={int(np.prod(image_shape))}, fan_out), got "
                         f"shape {W.shape}")
    n = W.shape[1] if n is None else min(n, W.shape[1])
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(0.9 * ncols, 0.9 * nrows + 0.3),
                             squeeze=False)
    for k, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if k < n:
            w = W[:, k].reshape(image_shape)
            m = np.abs(w).max() or 1.0
            ax.imshow(w, cmap="RdBu_r", vmin=-m, vmax=m)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_learning_curves(train_loss, val_loss, best_epoch: int | None = None,
                         ylabel: str = "cross-entropy loss"):
    """Training and validation loss per epoch (epochs from 1), best epoch marked."""
    import matplotlib.pyplot as plt

    if len(train_loss) != len(val_loss) or len(train_loss) == 0:
        raise ValueError(f"need equally long non-empty curves, got {len(train_loss)} and "
                         f"{len(val_loss)}")
    epochs = np.arange(1, len(train_loss) + 1)
    fig, ax = plt.subplots()
    ax.plot(epochs, train_loss, label="training")
    ax.plot(epochs, val_loss, label="validation")
    if best_epoch:
        ax.axvline(best_epoch, color="k", ls="--", lw=1,
                   label=f"best validation (epoch {best_epoch})")
    ax.set(xlabel="epoch", ylabel=ylabel, yscale="log", title="Learning curves")
    ax.legend()
    return fig


def plot_embedding(Z, y, ax=None, title: str = ""):
    """Scatter 2-D points ``Z`` (n, 2) coloured by integer class ``y``, one legend entry each."""
    import matplotlib.pyplot as plt

    Z, y = np.asarray(Z), np.asarray(y)
    if Z.ndim != 2 or Z.shape[1] != 2 or len(Z) != len(y):
        raise ValueError(f"Z must be (n, 2) with n = len(y) = {len(y)}, got shape {Z.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.0))
    cmap = plt.get_cmap("tab10")
    for c in np.unique(y):
        m = y == c
        ax.scatter(Z[m, 0], Z[m, 1], s=8, color=cmap(int(c) % 10), label=str(c), alpha=0.8)
    ax.set(xlabel="PC 1", ylabel="PC 2", title=title)
    return ax
