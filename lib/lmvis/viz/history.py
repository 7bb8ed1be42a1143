"""History in pictures: published parameter counts of landmark networks against the year."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from lmvis import checks
from lmvis.datasets.milestones import MILESTONES, Milestone
from lmvis.viz import _axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

_LABEL_OFFSETS = {  # (dx, dy) in points for the crowded 2017-2024 labels
    "Transformer (big)": (-6, 2), "GPT": (6, -4), "BERT-Large": (-6, 4),
    "GPT-3": (-6, -2), "Gopher": (-6, 4), "PaLM": (0, 7), "Llama 3.1 405B": (6, 0),
    "Chinchilla": (-6, -9), "LLaMA-65B": (6, -7),
    "AlexNet": (-6, 4), "ResNet-152": (6, -9), "GoogLeNet (Inception)": (-6, 2),
}

def plot_parameter_growth(milestones: Sequence[Milestone] = MILESTONES, ax: Axes | None = None
                          ) -> Axes:
    """Scatter of published parameter counts against year on a log scale, each point labelled."""
    items = checks.sequence("milestones", milestones)
    for i, m in enumerate(items):
        checks.instance(f"milestones[{i}]", m, Milestone, "an lmvis.datasets.milestones.Milestone")
    sized = [m for m in items if m.params is not None]
    if not sized:
        raise ValueError("milestones must include one with a parameter count to plot, got none")
    ax = _axes(ax, figsize=(8, 5))
    years = np.array([m.year for m in sized])
    params = np.array([m.params for m in sized])
    ax.scatter(years, params, s=30, color="C0", zorder=3)
    for i, m in enumerate(sized):
        # alternate label sides so neighbours do not overlap; hand-placed where crowded
        dx, dy = _LABEL_OFFSETS.get(m.name, (6, 2) if i % 2 == 0 else (-6, 2))
        ax.annotate(m.name, (m.year, m.params), textcoords="offset points", xytext=(dx, dy),
                    ha="left" if dx > 0 else "right" if dx < 0 else "center", fontsize=8)
    ax.set_xlim(min(years) - 3, max(years) + 5)
    ax.set_yscale("log")
    ax.set_xlabel("year")
    ax.set_ylabel("trainable parameters (log scale)")
    ax.set_title("Published parameter counts of landmark networks")
    return ax
