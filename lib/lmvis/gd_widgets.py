"""The chapter-5 explorer: a pure callback (settings -> trajectory and figure) and a thin
ipywidgets shell around it. Extreme settings never raise; divergence is drawn and labelled.
"""

from __future__ import annotations

from lmvis.landscapes import LANDSCAPES
from lmvis.trajectory import Trajectory, run

__all__ = ["SLIDERS", "explore", "explore_figure", "explorer"]

#: Slider ranges of the widget; the tests call the callback at every extreme.
SLIDERS = {
    "landscape": tuple(LANDSCAPES),
    "optimizer": ("sgd", "rmsprop", "adam"),
    "lr": (1e-4, 10.0),
    "momentum": (0.0, 0.99),
    "steps": (1, 300),
}


def explore(landscape: str = "quadratic", optimizer: str = "sgd", lr: float = 0.05,
            momentum: float = 0.0, steps: int = 50) -> Trajectory:
    """Run one setting of the explorer. ``momentum`` is SGD's momentum, Adam's beta1, and is
    ignored by RMSprop (torch's default RMSprop has no momentum)."""
    if landscape not in LANDSCAPES:
        raise ValueError(f"landscape must be one of {list(LANDSCAPES)}, got {landscape!r}")
    land = LANDSCAPES[landscape]()
    if optimizer == "sgd":
        kw = {"momentum": momentum}
    elif optimizer == "adam":
        kw = {"betas": (momentum, 0.999)}
    else:
        kw = {}
    return run(land, optimizer, lr=lr, steps=int(steps), **kw)


def explore_figure(landscape: str = "quadratic", optimizer: str = "sgd", lr: float = 0.05,
                   momentum: float = 0.0, steps: int = 50, ax=None):
    """The widget's picture for one setting: contours, trajectory, and its status in the title.

    Returns ``(Axes, Trajectory)``.
    """
    from lmvis.gd_plots import plot_contour

    tr = explore(landscape, optimizer, lr, momentum, steps)
    title = f"{optimizer}, lr={lr:.3g}, β/momentum={momentum:.2f}\n{tr.label}"
    ax = plot_contour(LANDSCAPES[landscape](), {optimizer: tr}, ax=ax, title=title)
    if tr.diverged:
        ax.title.set_color("crimson")
    return ax, tr


def explorer():
    """The interactive explorer for JupyterLab (needs a running kernel)."""
    import ipywidgets as w
    import matplotlib.pyplot as plt

    def show(landscape, optimizer, lr, momentum, steps):
        explore_figure(landscape, optimizer, lr, momentum, steps)
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
