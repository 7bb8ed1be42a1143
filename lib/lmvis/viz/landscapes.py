"""Plot helpers for chapter 5: contours with trajectories, a 3-D surface, and a race animation.

Each takes data (a Landscape and Trajectories) and returns a Figure/Axes or an Animation.
"""

from __future__ import annotations

import numpy as np

from lmvis.landscapes import Landscape, Trajectory

__all__ = ["plot_contour", "plot_surface", "animate_race"]

COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]


def _levels(landscape: Landscape, Z: np.ndarray, n: int = 25) -> np.ndarray:
    lo, hi = float(Z.min()), float(np.percentile(Z, 98))
    if landscape.name == "Rosenbrock":  # huge dynamic range: geometric levels
        return lo + np.geomspace(1e-2, hi - lo + 1e-2, n)
    return np.linspace(lo, hi, n)


def plot_contour(landscape: Landscape, trajectories: dict[str, Trajectory] | None = None,
                 ax=None, n: int = 150, title: str | None = None, filled: bool = True):
    """Filled contours of the landscape with each trajectory drawn on top; returns the Axes.

    A diverged trajectory ends in an x and its legend entry says when it diverged.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4))
    X, Y, Z = landscape.grid(n)
    if filled:
        ax.contourf(X, Y, Z, levels=_levels(landscape, Z), cmap="Greys_r", alpha=0.7)
    ax.contour(X, Y, Z, levels=_levels(landscape, Z), colors="k", linewidths=0.3, alpha=0.5)
    for m in landscape.minima:
        ax.plot(*m, marker="*", color="gold", markersize=12, markeredgecolor="k", zorder=5)
    for i, (label, tr) in enumerate((trajectories or {}).items()):
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


def plot_surface(landscape: Landscape, trajectories: dict[str, Trajectory] | None = None,
                 ax=None, n: int = 60, zclip: float | None = None):
    """A 3-D surface of the landscape with trajectories lifted onto it; returns the Axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        ax = plt.figure(figsize=(6, 4.5)).add_subplot(projection="3d")
    X, Y, Z = landscape.grid(n)
    if zclip is not None:
        Z = np.minimum(Z, zclip)
    ax.plot_surface(X, Y, Z, cmap="viridis", alpha=0.6, linewidth=0, antialiased=True)
    for i, (label, tr) in enumerate((trajectories or {}).items()):
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


def animate_race(landscape: Landscape, trajectories: dict[str, Trajectory], frames: int = 30,
                 figsize=(5, 4), dpi: int = 60):
    """An animation of several optimizers racing on the landscape; returns a FuncAnimation.

    Trajectories are subsampled to ``frames`` frames so the embedded HTML stays small.
    """
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    if not trajectories:
        raise ValueError("trajectories must contain at least one Trajectory, got none")
    if not isinstance(frames, int) or frames < 2:
        raise ValueError(f"frames must be an int >= 2, got {frames!r}")
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
