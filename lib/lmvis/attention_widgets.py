"""An ipywidgets view of attention: pick a layer, head and query position, see its row.

The logic is the pure function :func:`attention_row`; the widget only wires sliders to it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["attention_row", "attention_view"]


def attention_row(layer_weights, layer: int, head: int, query: int):
    """Weights of one query over all keys, as (row (S,), (layer, head, query) actually used).

    layer_weights: list of (n_heads, L, S) arrays (one example's weights per layer). Indices
    are clipped into range, so a slider at any value shows something instead of raising.
    """
    if not isinstance(layer_weights, list | tuple) or not layer_weights:
        raise ValueError("layer_weights must be a non-empty list of (n_heads, L, S) arrays")
    layers = [np.asarray(w.detach().cpu() if hasattr(w, "detach") else w, dtype=float)
              for w in layer_weights]
    if any(w.ndim != 3 for w in layers):
        raise ValueError(f"each layer must be (n_heads, L, S), got {[w.shape for w in layers]}")
    layer = int(np.clip(layer, 0, len(layers) - 1))
    w = layers[layer]
    head = int(np.clip(head, 0, w.shape[0] - 1))
    query = int(np.clip(query, 0, w.shape[1] - 1))
    return w[head, query], (layer, head, query)


def attention_view(layer_weights, tokens):  # pragma: no cover - thin UI shell
    """Sliders for layer, head and query over one example's attention; returns the widget."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    from lmvis.attention_plots import plot_attention_row

    n_layers = len(layer_weights)
    n_heads, L, _ = np.shape(layer_weights[0])
    tokens = [str(t) for t in tokens]

    def show(layer, head, query):
        row, (li, h, q) = attention_row(layer_weights, layer, head, query)
        ax = plot_attention_row(row, tokens,
                                title=f"layer {li}, head {h}: query position {q} ({tokens[q]})")
        ax.get_xticklabels()[int(np.argmax(row))].set_fontweight("bold")
        plt.show()

    return widgets.interactive(
        show,
        layer=widgets.IntSlider(0, 0, n_layers - 1, description="layer"),
        head=widgets.IntSlider(0, 0, n_heads - 1, description="head"),
        query=widgets.IntSlider(0, 0, L - 1, description="query"),
    )
