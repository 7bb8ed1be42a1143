"""Pictures of chapter 9's language models: learning curves against baselines, attention over
characters, how the next-character distribution sharpens, and poems set as text.

Chinese characters are drawn with the font shipped in ``viz/fonts`` (a subset of Noto Sans CJK
SC, SIL OFL 1.1; see its LICENSE-OFL.txt), so the figures look the same on a machine or in
Colab without any Chinese font installed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lmvis import checks
from lmvis.viz import _as_array, _axes

if TYPE_CHECKING:
    import matplotlib.axes
    import matplotlib.figure

    from lmvis.training import LMRun

__all__ = [
    "CJK_FONT", "cjk_family", "plot_lm_curves", "plot_char_attention", "plot_next_char_panels",
    "plot_poem_grid", "plot_run_lengths",
]

#: The shipped font file (made by tools/make_cjk_font.py).
CJK_FONT = Path(__file__).with_name("fonts") / "NotoSansCJKsc-subset.otf"
_registered: list[str] = []


def cjk_family() -> list[str]:
    """A font family list for text that mixes Latin and Chinese: DejaVu Sans, falling back to the
    shipped Chinese font (registered with matplotlib on first use)."""
    if not _registered:
        from matplotlib import font_manager

        if not CJK_FONT.is_file():
            raise RuntimeError(f"the Chinese font is missing from the package: {CJK_FONT}")
        font_manager.fontManager.addfont(str(CJK_FONT))
        _registered.append(font_manager.FontProperties(fname=str(CJK_FONT)).get_name())
    return ["DejaVu Sans", _registered[0]]


def _title(title: str | None) -> str | None:
    return None if title is None else checks.text("title", title)


def plot_lm_curves(runs: dict[str, LMRun], baselines: dict[str, float], *,
                   ax: matplotlib.axes.Axes | None = None, smooth: int = 25,
                   title: str | None = None) -> matplotlib.axes.Axes:
    """Training loss (a moving average of ``smooth`` steps) and validation loss of each run,
    with each baseline's validation loss as a horizontal line. Returns the Axes.

    runs: ``{label: LMRun}``; baselines: ``{label: nats per character}``.
    """
    from lmvis.training import LMRun

    checks.instance("runs", runs, dict)
    checks.instance("baselines", baselines, dict)
    for label, run in runs.items():
        checks.instance(f"runs[{label!r}]", run, LMRun)
    baselines = {k: checks.real(f"baselines[{k!r}]", v) for k, v in baselines.items()}
    smooth = checks.integer("smooth", smooth, minimum=1)
    title, ax = _title(title), _axes(ax, figsize=(7.5, 4.2))
    for i, (label, run) in enumerate(runs.items()):
        loss = np.asarray(run.train_loss, dtype=float)
        k = max(1, min(int(smooth), len(loss)))
        avg = np.convolve(loss, np.ones(k) / k, mode="valid")
        ax.plot(np.arange(k, len(loss) + 1), avg, color=f"C{i}", alpha=0.6, lw=1,
                label=f"{label}: training (mean of {k} steps)")
        if run.val_loss:
            ax.plot(run.eval_steps, run.val_loss, "o-", color=f"C{i}", ms=4,
                    label=f"{label}: validation")
    for j, (label, value) in enumerate(baselines.items()):
        ax.axhline(value, color="gray", ls=("--", ":", "-.")[j % 3], lw=1.2,
                   label=f"{label}: {value:.2f}")
    ax.set(xlabel="training step", ylabel="cross-entropy (nats per character)")
    ax.legend(fontsize=8, loc="upper right")
    if title:
        ax.set_title(title)
    return ax


def plot_char_attention(layer_weights: Sequence[Any], chars: Sequence[str], size: float = 3.2,
                        title: str | None = None) -> matplotlib.figure.Figure:
    """A layers × heads grid of attention maps over one text, labelled by its characters.

    layer_weights: list (one per layer) of (n_heads, T, T) arrays; chars: T labels. Returns the
    Figure.
    """
    import matplotlib.pyplot as plt

    layers = [_as_array(f"layer_weights[{i}]", w, ndim=3) for i, w in
              enumerate(checks.sequence("layer_weights", layer_weights, min_length=1))]
    n_heads, T, _ = layers[0].shape
    if any(w.shape != layers[0].shape for w in layers):
        raise ValueError(f"layer_weights must share one shape, got {[w.shape for w in layers]}")
    chars = [checks.text(f"chars[{i}]", c) for i, c in enumerate(checks.sequence("chars", chars))]
    size = checks.real("size", size, minimum=0, low_open=True)
    title = _title(title)
    if len(chars) != T:
        raise ValueError(f"chars: {len(chars)} labels for {T} positions")
    family = cjk_family()
    fig, axes = plt.subplots(len(layers), n_heads, figsize=(size * n_heads, size * len(layers)),
                             squeeze=False, constrained_layout=True)
    for li, w in enumerate(layers):
        for h in range(n_heads):
            ax = axes[li, h]
            ax.imshow(w[h], vmin=0, vmax=1, cmap="viridis")
            # characters along the outer edges only: the grid's panels share both axes
            ax.set_xticks(range(T), chars if li == len(layers) - 1 else [""] * T,
                          fontfamily=family, fontsize=5)
            ax.set_yticks(range(T), chars if h == 0 else [""] * T, fontfamily=family,
                          fontsize=5)
            ax.tick_params(length=0, pad=1)
            ax.grid(False)
            ax.set_title(f"layer {li}, head {h}", fontsize=9)
    if title:
        fig.suptitle(title, fontfamily=family)
    return fig


def plot_next_char_panels(panels: Sequence[tuple[str, Any]], tokens: Sequence[str], top: int = 8,
                          title: str | None = None) -> matplotlib.figure.Figure:
    """One bar chart per panel of the ``top`` most likely next characters.

    panels: list of ``(label, probs (V,))``; tokens: the vocabulary's V display strings. Each
    title gives the distribution's entropy in nats. Returns the Figure.
    """
    import matplotlib.pyplot as plt

    panels = [checks.sequence(f"panels[{i}]", p, length=2) for i, p in
              enumerate(checks.sequence("panels", panels, min_length=1))]
    tokens = [checks.text(f"tokens[{i}]", t)
              for i, t in enumerate(checks.sequence("tokens", tokens))]
    top = checks.integer("top", top, minimum=1)
    title = _title(title)
    family = cjk_family()
    fig, axes = plt.subplots(1, len(panels), figsize=(2.4 * len(panels), 2.8), sharey=True,
                             squeeze=False, constrained_layout=True)
    for ax, (label, probs) in zip(axes[0], panels, strict=True):
        p = _as_array("panels: probs", probs, ndim=1)
        if len(p) != len(tokens):
            raise ValueError(f"panels: probs has {len(p)} entries for {len(tokens)} tokens")
        order = np.argsort(-p, kind="stable")[:top]
        entropy = -float(np.sum(p[p > 0] * np.log(p[p > 0])))
        ax.bar(range(len(order)), p[order], color="C0")
        ax.set_xticks(range(len(order)), [tokens[i] for i in order], fontfamily=family)
        ax.set_ylim(0, 1)
        ax.set_title(f"{label}\nentropy {entropy:.2f} nats", fontsize=9)
    axes[0, 0].set_ylabel("probability")
    if title:
        fig.suptitle(title, fontfamily=family)
    return fig


def _poem_lines(text: str) -> str:
    """A poem with a line break after each couplet (after each "。")."""
    return text.replace("。", "。\n").rstrip("\n")


def plot_poem_grid(texts: Sequence[Sequence[str]], row_labels: Sequence[str],
                   col_labels: Sequence[str], *, title: str | None = None,
                   size: tuple[float, float] = (2.6, 2.2)) -> matplotlib.figure.Figure:
    """Poems set as text in a grid of panels: ``texts[i][j]`` under row and column labels.

    Returns the Figure.
    """
    import matplotlib.pyplot as plt

    row_labels = checks.sequence("row_labels", row_labels, min_length=1)
    col_labels = checks.sequence("col_labels", col_labels, min_length=1)
    n_rows, n_cols = len(row_labels), len(col_labels)
    texts = [[checks.text(f"texts[{i}][{j}]", t) for j, t in
              enumerate(checks.sequence(f"texts[{i}]", row, length=n_cols))]
             for i, row in enumerate(checks.sequence("texts", texts, length=n_rows))]
    size = tuple(checks.real(f"size[{i}]", v, minimum=0, low_open=True)
                 for i, v in enumerate(checks.sequence("size", size, length=2)))
    title = _title(title)
    family = cjk_family()
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(size[0] * n_cols, size[1] * n_rows),
                             squeeze=False, constrained_layout=True)
    for i in range(n_rows):
        for j in range(n_cols):
            ax = axes[i, j]
            ax.set_axis_off()
            ax.text(0.5, 0.92, f"{row_labels[i]}, {col_labels[j]}", ha="center", va="top",
                    fontsize=8, color="dimgray", transform=ax.transAxes)
            ax.text(0.5, 0.78, _poem_lines(texts[i][j]), ha="center", va="top", fontsize=9,
                    fontfamily=family, linespacing=1.4, transform=ax.transAxes)
    if title:
        fig.suptitle(title, fontfamily=family)
    return fig


def plot_run_lengths(groups: dict[str, Sequence[int]], ax: matplotlib.axes.Axes | None = None,
                     title: str | None = None) -> matplotlib.axes.Axes:
    """Histograms (as step lines) of the longest shared run of each text, one line per group.

    groups: ``{label: list of run lengths}``. Returns the Axes.
    """
    checks.instance("groups", groups, dict)
    groups = {k: checks.integers(f"groups[{k!r}]", v, minimum=0, min_length=1)
              for k, v in groups.items()}
    if not groups:
        raise ValueError("groups must hold at least one group")
    title, ax = _title(title), _axes(ax, figsize=(6.4, 3.4))
    top = max(max(v) for v in groups.values())  # every group holds at least one length
    bins = np.arange(0, max(top, 1) + 2) - 0.5
    for i, (label, lengths) in enumerate(groups.items()):
        lengths = np.asarray(lengths)
        ax.hist(lengths, bins=bins, histtype="step", lw=1.6, color=f"C{i}",
                label=f"{label} (median {np.median(lengths):g})")
    ax.set(xlabel="longest run of characters also found in the training poems",
           ylabel="texts")
    ax.set_xlim(0, min(top, 50) + 1)
    ax.set_xticks(range(0, min(top, 50) + 1, max(1, math.ceil(min(top, 50) / 12))))
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return ax
