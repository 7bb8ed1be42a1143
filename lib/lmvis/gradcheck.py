"""Gradient checking by central finite differences: the independent referee for backprop."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from lmvis import checks


def _value(f: Callable, x: np.ndarray) -> float:
    return checks.real("f(x)", f(x), finite=False)


def numerical_grad(f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6
                   ) -> np.ndarray:
    """∂f/∂x by central differences (f(x + ε e_i) − f(x − ε e_i)) / 2ε, error O(ε²).

    ``f`` maps an array shaped like ``x`` to a scalar; ``x`` is perturbed in place and restored,
    so ``f`` may close over the very array (e.g. a weight matrix of a network).
    """
    checks.is_callable("f", f)
    checks.instance("x", x, np.ndarray, "a float64 ndarray (perturbed in place)")
    checks.array("x", x, dtype=np.float64, nonempty=False)
    eps = checks.real("eps", eps, minimum=0.0, low_open=True)
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)  # views
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        f_plus = _value(f, x)
        flat[i] = old - eps
        f_minus = _value(f, x)
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(a: ArrayLike, b: ArrayLike) -> float:
    """max |a − b| / max(|a| + |b|, 1e-12), the usual gradient-check score (≲1e-7 is good)."""
    a, b = checks.array("a", a), checks.array("b", b)
    checks.same_shape(a=a, b=b)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)))
