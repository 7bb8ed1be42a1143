"""Attention heatmaps: one head, every head of a layer, a layers × heads grid, one row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from numpy.typing import ArrayLike

from lmvis import checks
from lmvis.viz import _as_array, _axes, _labels

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_attention", "plot_attention_grid", "plot_attention_row"]


def plot_attention(weights: ArrayLike, query_tokens: Sequence[object] | None = None,
                   key_tokens: Sequence[object] | None = None, *, ax: Axes | None = None,
                   title: str | None = None, annotate: bool = False) -> Axes:
    """Heatmap of one head's (L, S) weights: rows are queries, columns keys. Returns the Axes."""
    w = _as_array("weights (L, S)", weights, ndim=2)
    L, S = w.shape
    xlabels = _labels("key_tokens", key_tokens, S)
    ylabels = _labels("query_tokens", query_tokens, L)
    title = None if title is None else checks.text("title", title)
    annotate = checks.boolean("annotate", annotate)
    ax = _axes(ax, figsize=(0.45 * S + 1.5, 0.45 * L + 1.0))
    ax.imshow(w, vmin=0, vmax=1, cmap="viridis")
    ax.set_xticks(range(S), xlabels)
    ax.set_yticks(range(L), ylabels)
    ax.set_xlabel("key")
    ax.set_ylabel("query")
    ax.grid(False)
    if annotate:
        for i in range(L):
            for j in range(S):
                ax.text(j, i, f"{w[i, j]:.2f}", ha="center", va="center", fontsize=8,
                        color="black" if w[i, j] > 0.5 else "white")
    if title:
        ax.set_title(title)
    return ax


def plot_attention_grid(layer_weights: ArrayLike | Sequence[ArrayLike],
                        query_tokens: Sequence[object] | None = None,
                        key_tokens: Sequence[object] | None = None, size: float = 2.2
                        ) -> Figure:
    """Grid of heatmaps, one row per layer, one column per head.

    layer_weights: a list (one per layer) of (n_heads, L, S) arrays, or an (n_heads, L, S)
    array for a single layer. Returns the Figure.
    """
    import matplotlib.pyplot as plt

    if not isinstance(layer_weights, list | tuple):
        layer_weights = [layer_weights]
    checks.sequence("layer_weights", layer_weights, min_length=1)
    layers = [_as_array(f"layer_weights[{i}] (n_heads, L, S)", w, ndim=3)
              for i, w in enumerate(layer_weights)]
    n_layers, (n_heads, L, S) = len(layers), layers[0].shape
    if any(w.shape != layers[0].shape for w in layers):
        raise ValueError(f"layer_weights must all share a shape, got {[w.shape for w in layers]}")
    _labels("query_tokens", query_tokens, L)
    _labels("key_tokens", key_tokens, S)
    size = checks.real("size", size, minimum=0.0, low_open=True)
    fig, grid = plt.subplots(n_layers, n_heads, figsize=(size * n_heads, size * n_layers),
                             squeeze=False, constrained_layout=True)
    for li, w in enumerate(layers):
        for h in range(n_heads):
            ax = plot_attention(w[h], query_tokens, key_tokens, ax=grid[li, h],
                                title=f"layer {li}, head {h}")
            if h:
                ax.set_ylabel("")
            if li < n_layers - 1:
                ax.set_xlabel("")
    return fig


def plot_attention_row(row: ArrayLike, key_tokens: Sequence[object] | None = None, *,
                       ax: Axes | None = None, title: str | None = None) -> Axes:
    """Bar chart of one query's weights over the keys. Returns the Axes."""
    r = _as_array("row (S,)", row, ndim=1)
    xlabels = _labels("key_tokens", key_tokens, len(r))
    title = None if title is None else checks.text("title", title)
    ax = _axes(ax, figsize=(6.4, 2.6))
    ax.bar(range(len(r)), r, color="C0")
    ax.set_xticks(range(len(r)), xlabels)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("key")
    ax.set_ylabel("attention weight")
    if title:
        ax.set_title(title)
    return ax
