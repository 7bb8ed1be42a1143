"""Gradient checking by central finite differences: the independent referee for backprop."""

from __future__ import annotations

import numpy as np


def numerical_grad(f, x, eps: float = 1e-6) -> np.ndarray:
    """∂f/∂x by central differences (f(x + ε e_i) − f(x − ε e_i)) / 2ε, error O(ε²).

    ``f`` maps an array shaped like ``x`` to a scalar; ``x`` is perturbed in place and restored,
    so ``f`` may close over the very array (e.g. a weight matrix of a network).
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(f"x must be a float64 ndarray (perturbed in place), got {type(x).__name__}"
                        f"{'' if not isinstance(x, np.ndarray) else ' of dtype ' + str(x.dtype)}")
    if not np.isfinite(eps) or eps <= 0:
        raise ValueError(f"eps must be a positive finite number, got {eps}")
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)  # views
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        f_plus = float(f(x))
        flat[i] = old - eps
        f_minus = float(f(x))
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(a, b) -> float:
    """max |a − b| / max(|a| + |b|, 1e-12), the usual gradient-check score (≲1e-7 is good)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)))
