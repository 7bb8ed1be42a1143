"""Figures for classification: decision boundaries, image grids, learning curves, confusion
matrices, weights as images and 2-D projections of a hidden layer.

Each plot helper takes arrays and returns a matplotlib Figure (or draws into a given Axes and
returns it). The computations behind them live elsewhere and are tested on their own:
:func:`decision_grid` here, :func:`lmvis.metrics.confusion_matrix`, :func:`lmvis.pca.pca_2d`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from lmvis import checks
from lmvis.viz import _axes, _labels

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def decision_grid(predict: Callable[[np.ndarray], ArrayLike], lo: float = -0.5,
                  hi: float = 1.5, n: int = 101) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Evaluate ``predict`` (maps (m, 2) points to (m,) scores) on an n×n grid over [lo, hi]².

    Returns ``(xx, yy, zz)``, each (n, n), ready for ``contourf``.
    """
    checks.is_callable("predict", predict)
    lo = checks.real("lo", lo)
    hi = checks.real(f"hi (above lo = {lo})", hi, minimum=lo, low_open=True)
    n = checks.integer("n", n, minimum=2)
    xs = np.linspace(lo, hi, n)
    xx, yy = np.meshgrid(xs, xs)
    points = np.column_stack([xx.ravel(), yy.ravel()])  # (n*n, 2)
    zz = checks.array(f"predict(points) (one score for each of the {n * n} points)",
                      predict(points), ndim=(1, 2))
    if zz.size != n * n:
        raise ValueError(f"predict(points) must return {n * n} scores (one per point), got "
                         f"shape {zz.shape}")
    return xx, yy, zz.astype(np.float64, copy=False).reshape(n, n)


def plot_decision_boundary(xx: ArrayLike, yy: ArrayLike, probs: ArrayLike, X: ArrayLike,
                           y: ArrayLike, *, ax: Axes | None = None, title: str = "") -> Axes:
    """Shade P(class 1) over the plane, draw the 0.5 contour and the labelled points."""
    xx, yy = checks.array("xx", xx, ndim=2), checks.array("yy", yy, ndim=2)
    probs = checks.array("probs", probs, ndim=2, minimum=0.0, maximum=1.0)
    checks.same_shape(xx=xx, yy=yy, probs=probs)
    X = checks.array("X", X, shape=(None, 2))
    y = checks.array("y (labels 0 and 1, one per row of X)", y, shape=(len(X),), kind="int",
                     minimum=0, maximum=1)
    title = checks.text("title", title)
    ax = _axes(ax, figsize=(3.2, 3.0))
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


def plot_confusion_matrix(C: ArrayLike, class_names: Sequence[object] | None = None,
                          title: str = "Confusion matrix") -> Figure:
    """Heat map of a confusion matrix with the count written in every non-empty cell."""
    import matplotlib.pyplot as plt

    C = checks.array("C (counts)", C, ndim=2, kind="int", minimum=0)
    checks.same_length(**{"C's rows": C, "C's columns": C.T})
    names = _labels("class_names", class_names, len(C))
    title = checks.text("title", title)
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


def plot_image_grid(images: ArrayLike, titles: Sequence[str] | None = None, *, ncols: int = 10,
                    cmap: str = "gray_r", suptitle: str = "", size: float = 0.9) -> Figure:
    """Show ``images`` (n, h, w) in a grid, one optional title per image."""
    import matplotlib.pyplot as plt

    images = checks.array("images (n, h, w)", images, ndim=3)
    n = len(images)
    if titles is not None:
        titles = [checks.text(f"titles[{i}]", t) for i, t in
                  enumerate(checks.sequence(f"titles (one per image: {n})", titles, length=n))]
    ncols = min(checks.integer("ncols", ncols, minimum=1), n)
    cmap = checks.choice("cmap", cmap, plt.colormaps())
    suptitle = checks.text("suptitle", suptitle)
    size = checks.real("size", size, minimum=0.0, low_open=True)
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


def plot_weight_images(W: ArrayLike, image_shape: Sequence[int], *, n: int | None = None,
                       ncols: int = 8, title: str = "") -> Figure:
    """Show the first-layer weights ``W`` (fan_in, fan_out): each column as an image.

    A diverging colour map centred on 0 per unit: red pixels push the unit up, blue down.
    """
    import matplotlib.pyplot as plt

    image_shape = checks.integers("image_shape", image_shape, minimum=1, min_length=1)
    fan_in = int(np.prod(image_shape))
    W = checks.array(f"W (fan_in={fan_in}, fan_out)", W, shape=(fan_in, None))
    n = W.shape[1] if n is None else min(checks.integer("n", n, minimum=1), W.shape[1])
    ncols = min(checks.integer("ncols", ncols, minimum=1), n)
    title = checks.text("title", title)
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


def plot_learning_curves(train_loss: ArrayLike, val_loss: ArrayLike,
                         best_epoch: int | None = None, ylabel: str = "cross-entropy loss"
                         ) -> Figure:
    """Training and validation loss per epoch (epochs from 1), best epoch marked."""
    import matplotlib.pyplot as plt

    # the y axis is logarithmic: losses must be positive
    train_loss = checks.array("train_loss", train_loss, ndim=1, minimum=0.0, low_open=True)
    val_loss = checks.array("val_loss", val_loss, ndim=1, minimum=0.0, low_open=True)
    checks.same_length(train_loss=train_loss, val_loss=val_loss)
    if best_epoch is not None:
        best_epoch = checks.integer("best_epoch", best_epoch, minimum=1, maximum=len(val_loss))
    ylabel = checks.text("ylabel", ylabel)
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


def plot_embedding(Z: ArrayLike, y: ArrayLike, *, ax: Axes | None = None, title: str = ""
                   ) -> Axes:
    """Scatter 2-D points ``Z`` (n, 2) coloured by integer class ``y``, one legend entry each."""
    import matplotlib.pyplot as plt

    Z = checks.array("Z", Z, shape=(None, 2))
    y = checks.array("y (class indices, one per row of Z)", y, shape=(len(Z),), kind="int")
    title = checks.text("title", title)
    ax = _axes(ax, figsize=(4.5, 4.0))
    cmap = plt.get_cmap("tab10")
    for c in np.unique(y):
        m = y == c
        ax.scatter(Z[m, 0], Z[m, 1], s=8, color=cmap(int(c) % 10), label=str(c), alpha=0.8)
    ax.set(xlabel="PC 1", ylabel="PC 2", title=title)
    return ax
