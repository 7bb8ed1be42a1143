"""The book's pictures, one module per subject; each function takes data and returns a Figure
or Axes (or an Animation), so the computations behind it are tested elsewhere.

:mod:`~lmvis.viz.history` (parameter growth), :mod:`~lmvis.viz.graph` (computation graphs),
:mod:`~lmvis.viz.landscapes` (loss surfaces and optimizer paths),
:mod:`~lmvis.viz.classification` (boundaries, images, curves, confusion matrices, embeddings),
:mod:`~lmvis.viz.attention` (attention heat maps), :mod:`~lmvis.viz.gpt` (chapter 9's language
models: learning curves, attention over characters, poems set as text).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from lmvis import checks

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def _axes(ax: Axes | None, **subplots: Any) -> Axes:
    """``ax`` if it is a matplotlib Axes; a new figure's Axes (``plt.subplots(**subplots)``) if
    it is None. Plot functions call this after checking their data, so that a refused input
    leaves no empty figure behind."""
    from matplotlib.axes import Axes

    if ax is not None:
        return checks.instance("ax", ax, Axes, "a matplotlib Axes or None")
    import matplotlib.pyplot as plt

    return plt.subplots(**subplots)[1]


def _as_array(name: str, x: Any, *, ndim: int) -> np.ndarray:
    """``x`` (an array, or a torch tensor, even one that needs grad) as a finite float array."""
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    return checks.array(name, x, ndim=ndim).astype(np.float64, copy=False)


def _labels(name: str, tokens: Sequence[object] | None, n: int) -> list[str]:
    """``n`` tick labels: ``str`` of each of ``tokens``, or 0, 1, ... when it is None."""
    if tokens is None:
        return [str(i) for i in range(n)]
    return [str(t) for t in checks.sequence(f"{name} ({n} labels, one per position)", tokens,
                                            length=n)]
