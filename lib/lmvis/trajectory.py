"""Run an optimizer on a 2-D landscape and record where it goes.

Divergence is a result, not an error: when the iterate leaves a large ball around the window
(or a value stops being finite) the run stops, and the trajectory says so and when.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lmvis.landscapes import Landscape
from lmvis.optim import SGD, Adam, RMSprop

__all__ = ["Trajectory", "run", "OPTIMIZERS"]

OPTIMIZERS = {"sgd": SGD, "rmsprop": RMSprop, "adam": Adam}

#: A run "diverges" once a coordinate exceeds this many times the size of the plotting window.
DIVERGENCE_FACTOR = 10.0


@dataclass(frozen=True)
class Trajectory:
    """Points (n+1, 2) visited (start included), losses (n+1,), and the divergence verdict."""

    points: np.ndarray
    losses: np.ndarray
    diverged: bool
    diverged_at: int | None  # step at which divergence was detected, else None

    @property
    def label(self) -> str:
        """A short status for plot titles: 'diverged at step k' or 'final loss ...'."""
        if self.diverged:
            return f"diverged at step {self.diverged_at}"
        return f"final loss {self.losses[-1]:.3g}"


def run(
    landscape: Landscape,
    optimizer: str = "sgd",
    lr: float = 0.1,
    steps: int = 100,
    start=None,
    schedule: Callable[[int], float] | None = None,
    **opt_kwargs,
) -> Trajectory:
    """Take ``steps`` steps of ``optimizer`` ('sgd', 'rmsprop' or 'adam') from ``start``.

    ``opt_kwargs`` go to the optimizer (momentum, nesterov, betas, ...). ``schedule``, if given,
    maps the step index t = 0, 1, ... to a multiplier of ``lr``.
    """
    if not isinstance(landscape, Landscape):
        raise TypeError(f"landscape must be a Landscape, got {type(landscape).__name__}")
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {sorted(OPTIMIZERS)}, got {optimizer!r}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be an int >= 0, got {steps!r}")
    xy = np.array(landscape.start if start is None else start, dtype=np.float64)
    if xy.shape != (2,) or not np.all(np.isfinite(xy)):
        raise ValueError(f"start must be a finite point of shape (2,), got {start!r}")
    opt = OPTIMIZERS[optimizer]([xy], lr=lr, **opt_kwargs)
    size = max(np.ptp(landscape.xlim), np.ptp(landscape.ylim), float(np.abs(xy).max()))
    bound = DIVERGENCE_FACTOR * size
    points, losses = [xy.copy()], [float(landscape.f(xy))]
    diverged_at = None
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(int(steps)):
            if schedule is not None:
                opt.lr = lr * float(schedule(t))
            opt.step([landscape.grad(xy)])
            loss = float(landscape.f(xy))
            if not (np.all(np.isfinite(xy)) and np.isfinite(loss)) or np.abs(xy).max() > bound:
                diverged_at = t + 1
                break
            points.append(xy.copy())
            losses.append(loss)
    return Trajectory(np.array(points), np.array(losses), diverged_at is not None, diverged_at)
