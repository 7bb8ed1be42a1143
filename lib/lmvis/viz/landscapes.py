"""Plot helpers for chapter 5: contours with trajectories, a 3-D surface, and a race animation.

Each takes data (a Landscape and Trajectories) and returns a Figure/Axes or an Animation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from lmvis import checks
from lmvis.landscapes import Landscape, Trajectory
from lmvis.viz import _axes

if TYPE_CHECKING:
    from matplotlib.animation import FuncAnimation
    from matplotlib.axes import Axes

__all__ = ["plot_contour", "plot_surface", "animate_race"]

COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]


def _levels(landscape: Landscape, Z: np.ndarray, n: int = 25) -> np.ndarray:
    lo, hi = float(Z.min()), float(np.percentile(Z, 98))
    if landscape.name == "Rosenbrock":  # huge dynamic range: geometric levels
        return lo + np.geomspace(1e-2, hi - lo + 1e-2, n)
    return np.linspace(lo, hi, n)


def _check(landscape: Landscape, trajectories: Mapping[str, Trajectory] | None,
           minimum: int = 0) -> dict[str, Trajectory]:
    checks.instance("landscape", landscape, Landscape, "an lmvis.landscapes.Landscape")
    what = "a dict {label: lmvis.landscapes.Trajectory}"
    trajectories = dict(checks.instance("trajectories", {} if trajectories is None
                                        else trajectories, Mapping, what))
    checks.integer("number of trajectories", len(trajectories), minimum=minimum)
    for label, tr in trajectories.items():
        checks.text("each label of trajectories", label)
        checks.instance(f"trajectories[{label!r}]", tr, Trajectory)
    return trajectories


def plot_contour(landscape: Landscape, trajectories: Mapping[str, Trajectory] | None = None, *,
                 ax: Axes | None = None, n: int = 150, title: str | None = None,
                 filled: bool = True) -> Axes:
    """Filled contours of the landscape with each trajectory drawn on top; returns the Axes.

    A diverged trajectory ends in an x and its legend entry says when it diverged.
    """
    trajectories = _check(landscape, trajectories)
    n = checks.integer("n", n, minimum=2)
    title = None if title is None else checks.text("title", title)
    filled = checks.boolean("filled", filled)
    ax = _axes(ax, figsize=(5, 4))
    X, Y, Z = landscape.grid(n)
    if filled:
        ax.contourf(X, Y, Z, levels=_levels(landscape, Z), cmap="Greys_r", alpha=0.7)
    ax.contour(X, Y, Z, levels=_levels(landscape, Z), colors="k", linewidths=0.3, alpha=0.5)
    for m in landscape.minima:
        ax.plot(*m, marker="*", color="gold", markersize=12, markeredgecolor="k", zorder=5)
    for i, (label, tr) in enumerate(trajectories.items()):
        c = COLORS[i % len(COLORS)]
        p = tr.points
        ax.plot(p[:, 0], p[:, 1], "-o", color=c, markersize=2, linewidth=1.2,
                label=f"{label}: {tr.label}")
        ax.plot(*p[0], "o", color=c, markersize=6, markeredgecolor="k")
        if tr.diverged:
            ax.plot(*p[-1], "x", color=c, markersize=12, markeredgewidth=3)
    ax.set_xlim(landscape.xlim)
    ax.set_ylim(landscape.ylim)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.set_title(title if title is not None else landscape.name)
    if trajectories:
        ax.legend(loc="lower left", fontsize=7, frameon=True, framealpha=0.85)
    return ax


def plot_surface(landscape: Landscape, trajectories: Mapping[str, Trajectory] | None = None, *,
                 ax: Axes | None = None, n: int = 60, zclip: float | None = None) -> Axes:
    """A 3-D surface of the landscape with trajectories lifted onto it; returns the Axes."""
    trajectories = _check(landscape, trajectories)
    n = checks.integer("n", n, minimum=2)
    zclip = None if zclip is None else checks.real("zclip", zclip)
    ax = _axes(ax, figsize=(6, 4.5), subplot_kw={"projection": "3d"})
    if ax.name != "3d":
        raise ValueError(f"ax must be a 3-D Axes (projection='3d'), got a {ax.name!r} Axes")
    X, Y, Z = landscape.grid(n)
    if zclip is not None:
        Z = np.minimum(Z, zclip)
    ax.plot_surface(X, Y, Z, cmap="viridis", alpha=0.6, linewidth=0, antialiased=True)
    for i, (label, tr) in enumerate(trajectories.items()):
        p = tr.points
        z = landscape.f(p)
        if zclip is not None:
            z = np.minimum(z, zclip)
        ax.plot(p[:, 0], p[:, 1], z, "-o", color=COLORS[i % len(COLORS)], markersize=2,
                label=label, zorder=10)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.set_zlabel("loss")
    if trajectories:
        ax.legend(loc="upper left", fontsize=8)
    return ax


def animate_race(landscape: Landscape, trajectories: Mapping[str, Trajectory], *,
                 frames: int = 30, figsize: tuple[float, float] = (5, 4), dpi: int = 60
                 ) -> FuncAnimation:
    """An animation of several optimizers racing on the landscape; returns a FuncAnimation.

    Trajectories are subsampled to ``frames`` frames so the embedded HTML stays small.
    """
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    trajectories = _check(landscape, trajectories, minimum=1)
    frames = checks.integer("frames", frames, minimum=2)
    figsize = tuple(checks.real(f"figsize[{i}]", v, minimum=0.0, low_open=True)
                    for i, v in enumerate(checks.sequence("figsize", figsize, length=2)))
    dpi = checks.integer("dpi", dpi, minimum=1)
    fig, ax = plt.subplots(figsize=figsize, dpi=dpi)
    plot_contour(landscape, None, ax=ax, n=100, filled=False)  # lines compress well
    n_max = max(len(t.points) for t in trajectories.values())
    idx = np.unique(np.linspace(0, n_max - 1, frames).round().astype(int))
    lines, heads = [], []
    for i, label in enumerate(trajectories):
        c = COLORS[i % len(COLORS)]
        (ln,) = ax.plot([], [], "-", color=c, linewidth=1.5, label=label)
        (hd,) = ax.plot([], [], "o", color=c, markersize=7, markeredgecolor="k")
        lines.append(ln)
        heads.append(hd)
    ax.legend(loc="lower left", fontsize=7, frameon=True)
    text = ax.text(0.02, 0.97, "", transform=ax.transAxes, va="top", fontsize=8)

    def update(k):
        for tr, ln, hd in zip(trajectories.values(), lines, heads, strict=True):
            p = tr.points[: min(idx[k], len(tr.points) - 1) + 1]
            ln.set_data(p[:, 0], p[:, 1])
            hd.set_data([p[-1, 0]], [p[-1, 1]])
        text.set_text(f"step {idx[k]}")
        return [*lines, *heads, text]

    anim = FuncAnimation(fig, update, frames=len(idx), interval=150, blit=False)
    plt.close(fig)
    return anim
