"""Two-dimensional test functions ("loss landscapes") with analytic gradients, and a runner
that records where an optimizer goes on them.

Each landscape is a :class:`Landscape`: ``f(xy)`` and ``grad(xy)`` accept a point of shape
(2,) or a stack of points (..., 2), plus a start point, a plotting window and its minima, so
that figures, the trajectory runner and the widget all share the same definitions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lmvis import checks
from lmvis.optim import SGD, Adam, RMSprop

__all__ = [
    "Landscape", "quadratic", "rosenbrock", "saddle", "multi_minima", "LANDSCAPES",
    "Trajectory", "run", "OPTIMIZERS",
]


def _as_points(xy: ArrayLike) -> np.ndarray:
    xy = checks.array("xy", xy, min_ndim=1, nonempty=False).astype(np.float64, copy=False)
    if xy.shape[-1] != 2:
        raise ValueError(f"xy must have shape (2,) or (..., 2), got shape {xy.shape}")
    return xy


def _window(name: str, lim) -> tuple[float, float]:
    lo, hi = (checks.real(f"{name}[{i}]", v) for i, v in enumerate(checks.sequence(name, lim,
                                                                                  length=2)))
    checks.real(f"{name}[1] (above {name}[0] = {lo})", hi, minimum=lo, low_open=True)
    return lo, hi


@dataclass(frozen=True, kw_only=True)
class Landscape:
    """A 2-D function with its gradient, a default start and a plotting window."""

    name: str
    _f: Callable[[np.ndarray, np.ndarray], np.ndarray]
    _grad: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
    start: tuple[float, float]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    minima: tuple[tuple[float, float], ...] = field(default=())
    hessian: np.ndarray | None = None  # constant Hessian, for quadratics

    def __post_init__(self):
        checks.text("name", self.name)
        checks.is_callable("_f", self._f)
        checks.is_callable("_grad", self._grad)
        checks.array("start", self.start, shape=(2,))
        _window("xlim", self.xlim)
        _window("ylim", self.ylim)
        if not (isinstance(self.minima, tuple | list) and len(self.minima) == 0):
            checks.array("minima", self.minima, shape=(None, 2), nonempty=False)
        if self.hessian is not None:
            checks.array("hessian", self.hessian, shape=(2, 2))

    def f(self, xy: ArrayLike) -> np.ndarray:
        """Function value at each point: (..., 2) -> (...)."""
        xy = _as_points(xy)
        return self._f(xy[..., 0], xy[..., 1])

    def grad(self, xy: ArrayLike) -> np.ndarray:
        """Gradient at each point: (..., 2) -> (..., 2)."""
        xy = _as_points(xy)
        gx, gy = self._grad(xy[..., 0], xy[..., 1])
        return np.stack(np.broadcast_arrays(gx, gy), axis=-1)

    def grid(self, n: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Meshgrid X, Y (n, n) over the window and the values Z (n, n), for contour plots."""
        n = checks.integer("n", n, minimum=2)
        X, Y = np.meshgrid(np.linspace(*self.xlim, n), np.linspace(*self.ylim, n))
        return X, Y, self._f(X, Y)


def quadratic(kappa: float = 10.0, lam_min: float = 1.0) -> Landscape:
    """The bowl f = (lam_min x^2 + lam_max y^2) / 2 with condition number kappa = lam_max/lam_min.

    Its Hessian is diag(lam_min, lam_max); gradient descent is stable iff lr < 2 / lam_max.
    """
    kappa = checks.real("kappa (condition number)", kappa, minimum=1.0)
    lam_min = checks.real("lam_min", lam_min, minimum=0.0, low_open=True)
    lam_max = kappa * lam_min
    return Landscape(
        name=f"quadratic (κ={kappa:g})",
        _f=lambda x, y: 0.5 * (lam_min * x**2 + lam_max * y**2),
        _grad=lambda x, y: (lam_min * x, lam_max * y),
        start=(-4.0, 1.5),
        xlim=(-5.0, 5.0),
        ylim=(-2.5, 2.5),
        minima=((0.0, 0.0),),
        hessian=np.diag([lam_min, lam_max]),
    )


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Landscape:
    """Rosenbrock's banana valley f = (a - x)^2 + b (y - x^2)^2, minimum at (a, a^2)."""
    a = checks.real("a", a)
    b = checks.real("b", b, minimum=0.0, low_open=True)  # b <= 0 has no minimum at (a, a²)
    return Landscape(
        name="Rosenbrock",
        _f=lambda x, y: (a - x) ** 2 + b * (y - x**2) ** 2,
        _grad=lambda x, y: (-2 * (a - x) - 4 * b * x * (y - x**2), 2 * b * (y - x**2)),
        start=(-1.5, 2.0),
        xlim=(-2.0, 2.0),
        ylim=(-1.0, 3.0),
        minima=((a, a * a),),
    )


def saddle() -> Landscape:
    """The saddle f = (x^2 - y^2) / 2 + y^4 / 4: a saddle at the origin, minima at (0, ±1)."""
    return Landscape(
        name="saddle",
        _f=lambda x, y: 0.5 * (x**2 - y**2) + 0.25 * y**4,
        _grad=lambda x, y: (x, -y + y**3),
        start=(-2.0, 1e-3),
        xlim=(-2.5, 2.5),
        ylim=(-1.8, 1.8),
        minima=((0.0, 1.0), (0.0, -1.0)),
    )


# Several minima: a tilted bowl minus three Gaussian wells of different depths.
_WELLS = ((-1.5, 1.0, 2.0), (1.5, 1.2, 3.0), (0.3, -1.5, 2.5))  # (cx, cy, depth)


def _mm_f(x, y):
    out = 0.1 * (x**2 + y**2)
    for cx, cy, d in _WELLS:
        out = out - d * np.exp(-((x - cx) ** 2 + (y - cy) ** 2))
    return out


def _mm_grad(x, y):
    gx, gy = 0.2 * x, 0.2 * y
    for cx, cy, d in _WELLS:
        e = d * np.exp(-((x - cx) ** 2 + (y - cy) ** 2))
        gx = gx + 2 * (x - cx) * e
        gy = gy + 2 * (y - cy) * e
    return gx, gy


def multi_minima() -> Landscape:
    """A bowl with three Gaussian wells: three local minima of different depths."""
    return Landscape(
        name="several minima",
        _f=_mm_f,
        _grad=_mm_grad,
        start=(-0.2, 2.6),
        xlim=(-3.5, 3.5),
        ylim=(-3.5, 3.5),
        minima=tuple((cx, cy) for cx, cy, _ in _WELLS),  # approximately; pulled by the bowl
    )


#: Landscapes by name, as the widget offers them.
LANDSCAPES: dict[str, Callable[[], Landscape]] = {
    "quadratic": quadratic,
    "rosenbrock": rosenbrock,
    "saddle": saddle,
    "several minima": multi_minima,
}


# --- Running an optimizer on a landscape -------------------------------------------------
# Divergence is a result, not an error: when the iterate leaves a large ball around the window
# (or a value stops being finite) the run stops, and the trajectory says so and when.

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

    def __post_init__(self):
        checks.array("points", self.points, shape=(None, 2))
        checks.array("losses (one per row of points)", self.losses, shape=(len(self.points),))
        checks.boolean("diverged", self.diverged)
        if self.diverged:
            checks.integer("diverged_at (the trajectory diverged)", self.diverged_at,
                           minimum=len(self.points))
        elif self.diverged_at is not None:
            raise ValueError(f"diverged_at must be None when diverged is False, got "
                             f"{self.diverged_at!r}")

    @property
    def label(self) -> str:
        """A short status for plot titles: 'diverged at step k' or 'final loss ...'."""
        if self.diverged:
            return f"diverged at step {self.diverged_at}"
        return f"final loss {self.losses[-1]:.3g}"


def run(
    landscape: Landscape,
    optimizer: str = "sgd",
    *,
    lr: float = 0.1,
    steps: int = 100,
    start: ArrayLike | None = None,
    schedule: Callable[[int], float] | None = None,
    **opt_kwargs: Any,
) -> Trajectory:
    """Take ``steps`` steps of ``optimizer`` ('sgd', 'rmsprop' or 'adam') from ``start``.

    ``opt_kwargs`` go to the optimizer (momentum, nesterov, betas, ...). ``schedule``, if given,
    maps the step index t = 0, 1, ... to a multiplier of ``lr``.
    """
    checks.instance("landscape", landscape, Landscape)
    optimizer = checks.choice("optimizer", optimizer, OPTIMIZERS)
    steps = checks.integer("steps", steps, minimum=0)
    xy = checks.array("start", landscape.start if start is None else start,
                      shape=(2,)).astype(np.float64)  # a copy: the optimizer moves it in place
    if schedule is not None:
        checks.is_callable("schedule", schedule)
    opt = OPTIMIZERS[optimizer]([xy], lr=lr, **opt_kwargs)
    lr = opt.lr
    size = max(np.ptp(landscape.xlim), np.ptp(landscape.ylim), float(np.abs(xy).max()))
    bound = DIVERGENCE_FACTOR * size
    points, losses = [xy.copy()], [float(landscape.f(xy))]
    diverged_at = None
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps):
            if schedule is not None:
                opt.lr = lr * checks.real(f"schedule({t})", schedule(t), minimum=0.0)
            g = landscape.grad(xy)
            if not np.all(np.isfinite(g)):  # an overflowing gradient: the next step would too
                diverged_at = t + 1
                break
            opt.step([g])
            loss = float(landscape.f(xy)) if np.all(np.isfinite(xy)) else np.inf
            if not np.isfinite(loss) or np.abs(xy).max() > bound:
                diverged_at = t + 1
                break
            points.append(xy.copy())
            losses.append(loss)
    return Trajectory(np.array(points), np.array(losses), diverged_at is not None, diverged_at)
