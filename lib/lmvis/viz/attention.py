"""Attention heatmaps: one head, every head of a layer, a layers × heads grid, one row."""

from __future__ import annotations

import numpy as np

__all__ = ["plot_attention", "plot_attention_grid", "plot_attention_row"]


def _as_array(w, ndim, name):
    w = np.asarray(w.detach().cpu() if hasattr(w, "detach") else w, dtype=float)
    if w.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, got shape {w.shape}")
    return w


def _labels(tokens, n, name):
    if tokens is None:
        return [str(i) for i in range(n)]
    tokens = [str(t) for t in tokens]
    if len(tokens) != n:
        raise ValueError(f"{name} has {len(tokens)} labels for {n} positions")
    return tokens


def plot_attention(weights, query_tokens=None, key_tokens=None, ax=None, title=None,
                   annotate=False):
    """Heatmap of one head's (L, S) weights: rows are queries, columns keys. Returns the Axes."""
    import matplotlib.pyplot as plt

    w = _as_array(weights, 2, "weights")
    L, S = w.shape
    if ax is None:
        _, ax = plt.subplots(figsize=(0.45 * S + 1.5, 0.45 * L + 1.0))
    ax.imshow(w, vmin=0, vmax=1, cmap="viridis")
    ax.set_xticks(range(S), _labels(key_tokens, S, "key_tokens"))
    ax.set_yticks(range(L), _labels(query_tokens, L, "query_tokens"))
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


def plot_attention_grid(layer_weights, query_tokens=None, key_tokens=None, size=2.2):
    """Grid of heatmaps, one row per layer, one column per head.

    layer_weights: a list (one per layer) of (n_heads, L, S) arrays, or an (n_heads, L, S)
    array for a single layer. Returns the Figure.
    """
    import matplotlib.pyplot as plt

    if not isinstance(layer_weights, list | tuple):
        layer_weights = [layer_weights]
    layers = [_as_array(w, 3, "each layer's weights") for w in layer_weights]
    n_layers, n_heads = len(layers), layers[0].shape[0]
    if any(w.shape != layers[0].shape for w in layers):
        raise ValueError(f"all layers must share a shape, got {[w.shape for w in layers]}")
    fig, axes = plt.subplots(n_layers, n_heads, figsize=(size * n_heads, size * n_layers),
                             squeeze=False, constrained_layout=True)
    for li, w in enumerate(layers):
        for h in range(n_heads):
            ax = plot_attention(w[h], query_tokens, key_tokens, ax=axes[li, h],
                                title=f"layer {li}, head {h}")
            if h:
                ax.set_ylabel("")
            if li < n_layers - 1:
                ax.set_xlabel("")
    return fig


def plot_attention_row(row, key_tokens=None, ax=None, title=None):
    """Bar chart of one query's weights over the keys. Returns the Axes."""
    import matplotlib.pyplot as plt

    r = _as_array(row, 1, "row")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 2.6))
    ax.bar(range(len(r)), r, color="C0")
    ax.set_xticks(range(len(r)), _labels(key_tokens, len(r), "key_tokens"))
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("key")
    ax.set_ylabel("attention weight")
    if title:
        ax.set_title(title)
    return ax
