"""The book's interactive views: each a pure, tested callback and a thin ipywidgets shell.

* the optimizer explorer (chapter 5): settings -> trajectory and figure. Extreme settings never
  raise; divergence is drawn and labelled.
* the attention view (chapter 8): pick a layer, head and query position, see its row.
* the poem writer (chapter 9): a prompt, temperature, top-k and seed -> a generated poem.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from lmvis import checks
from lmvis.landscapes import LANDSCAPES, OPTIMIZERS, Trajectory, run

if TYPE_CHECKING:
    import ipywidgets
    import torch
    from matplotlib.axes import Axes

    from lmvis.tokenizers import CharTokenizer

__all__ = [
    "SLIDERS", "explore", "explore_figure", "explorer", "attention_row", "attention_view",
    "POEM_SLIDERS", "continue_poem", "poem_view",
]

#: Slider ranges of the widget; the tests call the callback at every extreme.
SLIDERS = {
    "landscape": tuple(LANDSCAPES),
    "optimizer": ("sgd", "rmsprop", "adam"),
    "lr": (1e-4, 10.0),
    "momentum": (0.0, 0.99),
    "steps": (1, 300),
}


def explore(landscape: str = "quadratic", optimizer: str = "sgd", *, lr: float = 0.05,
            momentum: float = 0.0, steps: int = 50) -> Trajectory:
    """Run one setting of the explorer. ``momentum`` is SGD's momentum, Adam's beta1, and is
    ignored by RMSprop (torch's default RMSprop has no momentum)."""
    land = LANDSCAPES[checks.choice("landscape", landscape, LANDSCAPES)]()
    optimizer = checks.choice("optimizer", optimizer, OPTIMIZERS)
    momentum = checks.real("momentum", momentum, minimum=0.0, maximum=1.0, high_open=True)
    if optimizer == "sgd":
        kw = {"momentum": momentum}
    elif optimizer == "adam":
        kw = {"betas": (momentum, 0.999)}
    else:
        kw = {}
    return run(land, optimizer, lr=lr, steps=steps, **kw)


def explore_figure(landscape: str = "quadratic", optimizer: str = "sgd", *, lr: float = 0.05,
                   momentum: float = 0.0, steps: int = 50, ax: Axes | None = None
                   ) -> tuple[Axes, Trajectory]:
    """The widget's picture for one setting: contours, trajectory, and its status in the title.

    Returns ``(Axes, Trajectory)``.
    """
    from lmvis.viz.landscapes import plot_contour

    tr = explore(landscape, optimizer, lr=lr, momentum=momentum, steps=steps)
    title = f"{optimizer}, lr={lr:.3g}, β/momentum={momentum:.2f}\n{tr.label}"
    ax = plot_contour(LANDSCAPES[landscape](), {optimizer: tr}, ax=ax, title=title)
    if tr.diverged:
        ax.title.set_color("crimson")
    return ax, tr


def explorer() -> ipywidgets.interactive:
    """The interactive explorer for JupyterLab (needs a running kernel)."""
    import ipywidgets as w
    import matplotlib.pyplot as plt

    def show(landscape, optimizer, lr, momentum, steps):
        explore_figure(landscape, optimizer, lr=lr, momentum=momentum, steps=steps)
        plt.show()

    lo, hi = SLIDERS["lr"]
    import math

    return w.interactive(
        show,
        landscape=w.Dropdown(options=SLIDERS["landscape"], value="quadratic"),
        optimizer=w.Dropdown(options=SLIDERS["optimizer"], value="sgd"),
        lr=w.FloatLogSlider(value=0.05, base=10, min=math.log10(lo), max=math.log10(hi),
                            step=0.1, description="lr"),
        momentum=w.FloatSlider(value=0.0, min=SLIDERS["momentum"][0],
                               max=SLIDERS["momentum"][1], step=0.01),
        steps=w.IntSlider(value=50, min=SLIDERS["steps"][0], max=SLIDERS["steps"][1]),
    )


def _layers(layer_weights: Sequence[ArrayLike]) -> list[np.ndarray]:
    """One example's attention weights, a list of (n_heads, L, S) arrays (tensors allowed)."""
    from lmvis.viz import _as_array

    layers = checks.sequence("layer_weights (one (n_heads, L, S) array per layer)", layer_weights,
                             min_length=1)
    return [_as_array(f"layer_weights[{i}] (n_heads, L, S)", w, ndim=3)
            for i, w in enumerate(layers)]


def attention_row(layer_weights: Sequence[ArrayLike], layer: int, head: int, query: int
                  ) -> tuple[np.ndarray, tuple[int, int, int]]:
    """Weights of one query over all keys, as (row (S,), (layer, head, query) actually used).

    layer_weights: list of (n_heads, L, S) arrays (one example's weights per layer). Indices
    are clipped into range, so a slider at any value shows something instead of raising.
    """
    layers = _layers(layer_weights)
    layer, head, query = (checks.integer(n, v) for n, v in
                          (("layer", layer), ("head", head), ("query", query)))
    layer = int(np.clip(layer, 0, len(layers) - 1))
    w = layers[layer]
    head = int(np.clip(head, 0, w.shape[0] - 1))
    query = int(np.clip(query, 0, w.shape[1] - 1))
    return w[head, query], (layer, head, query)


def attention_view(layer_weights: Sequence[ArrayLike], tokens: Sequence[object]
                   ) -> ipywidgets.interactive:
    """Sliders for layer, head and query over one example's attention; returns the widget."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    from lmvis.viz.attention import plot_attention_row

    layers = _layers(layer_weights)
    n_layers = len(layers)
    n_heads, L, _ = layers[0].shape
    tokens = [str(t) for t in checks.sequence(f"tokens ({L} labels)", tokens, length=L)]

    def show(layer, head, query):
        row, (li, h, q) = attention_row(layers, layer, head, query)
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


#: Ranges of the poem writer's sliders (chapter 9); top_k 0 means "no restriction".
POEM_SLIDERS = {"temperature": (0.1, 2.0), "top_k": (0, 100), "seed": (0, 99)}


def continue_poem(model: torch.nn.Module, tokenizer: CharTokenizer, prompt: str = "", *,
                  temperature: float = 1.0, top_k: int = 0, seed: int = 0) -> tuple[str, str]:
    """The poem writer's callback: (the poem, a note on what was changed to make it run).

    Never raises on a slider's value or on what a reader types: the temperature is clipped into
    ``POEM_SLIDERS`` (±inf too; NaN is refused, no slider gives it), top_k into [0, vocabulary]
    (0 = all tokens), the prompt loses line breaks and spaces and is cut to 40 characters, and
    characters of the prompt outside the vocabulary are shown as □ (the model reads them as
    ``<unk>``). What the model adds never holds □: :func:`write_poems` never draws ``<unk>``.
    """
    import torch

    from lmvis.datasets.poems import write_poems
    from lmvis.tokenizers import CharTokenizer

    checks.instance("tokenizer", tokenizer, CharTokenizer)
    notes = []
    text = "".join(checks.text("prompt", prompt).split())
    if len(text) > 40:
        text = text[:40]
        notes.append("prompt cut to 40 characters")
    unknown = sorted({c for c in text if c not in tokenizer})
    if unknown:
        notes.append(f"not in the vocabulary, shown as □: {''.join(unknown)}")
    lo, hi = POEM_SLIDERS["temperature"]
    t = checks.real("temperature", temperature, finite=False)  # a number; then made usable
    t = float(np.clip(t, lo, hi))
    k = int(np.clip(checks.integer("top_k", top_k), 0, tokenizer.vocab_size))
    g = torch.Generator().manual_seed(abs(checks.integer("seed", seed)))
    poem = write_poems(model, tokenizer, 1, text, temperature=t, top_k=k or None, generator=g)[0]
    return poem, "; ".join(notes)


def poem_view(model: torch.nn.Module, tokenizer: CharTokenizer
              ) -> ipywidgets.interactive:  # pragma: no cover - thin UI shell
    """A prompt box and sliders for temperature, top-k and seed over :func:`continue_poem`."""
    import ipywidgets as widgets

    from lmvis.datasets.poems import _check_writer

    _check_writer(model, tokenizer)  # fails now, naming the argument, rather than in a slider

    def show(prompt: str, temperature: float, top_k: int, seed: int) -> None:
        poem, note = continue_poem(model, tokenizer, prompt, temperature=temperature,
                                   top_k=top_k, seed=seed)
        print(poem.replace("。", "。\n"))
        if note:
            print(f"({note})")

    t_lo, t_hi = POEM_SLIDERS["temperature"]
    return widgets.interactive(
        show,
        prompt=widgets.Text(value="", placeholder="the first characters, e.g. 春风",
                            description="prompt"),
        temperature=widgets.FloatSlider(value=0.8, min=t_lo, max=t_hi, step=0.05),
        top_k=widgets.IntSlider(value=0, min=POEM_SLIDERS["top_k"][0], max=POEM_SLIDERS["top_k"][1],
                                description="top_k (0=all)"),
        seed=widgets.IntSlider(value=0, min=POEM_SLIDERS["seed"][0], max=POEM_SLIDERS["seed"][1]),
    )
