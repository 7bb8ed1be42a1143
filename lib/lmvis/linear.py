"""Linear regression three ways: one gradient step by hand, closed form, and gradient descent.

Model: y_hat = X @ w + b with X (n, d), w (d,), b scalar. Objective used everywhere here:
J(w, b) = (1 / 2n) * (||X w + b - y||^2 + alpha * ||w||^2)   (ridge; alpha = 0 is least squares)
The intercept b is never penalised.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lmvis import checks


def _check_xy(X: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """``X`` (n, d) and ``y`` (n,) as float arrays, finite and non-empty."""
    X = checks.array("X", X, ndim=2)
    y = checks.array("y (one target per row of X)", y, shape=(X.shape[0],))
    return X.astype(np.float64, copy=False), y.astype(np.float64, copy=False)


def one_sample_step(x: float, y: float, w: float, b: float, *, lr: float) -> dict[str, float]:
    """One gradient-descent step on L = ½(y − (w·x + b))² for a single example.

    Returns the prediction, the loss, dL/dw = −(y − ŷ)·x, dL/db = −(y − ŷ), the new parameters
    and the new prediction, so that each number of the worked example can be shown.
    """
    x, y, w, b = (checks.real(k, v) for k, v in {"x": x, "y": y, "w": w, "b": b}.items())
    lr = checks.real("lr", lr, minimum=0.0)
    y_hat = w * x + b
    err = y - y_hat
    loss = 0.5 * err**2
    dw, db = -err * x, -err  # chain rule: dL/dŷ = −(y − ŷ), dŷ/dw = x, dŷ/db = 1
    w_new, b_new = w - lr * dw, b - lr * db
    return {
        "y_hat": y_hat, "loss": loss, "dL_dw": dw, "dL_db": db,
        "w_new": w_new, "b_new": b_new, "y_hat_new": w_new * x + b_new,
    }


def normal_equations(X: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, float]:
    """Least squares with an intercept, solved exactly (lstsq on [X, 1]). Returns (w, b)."""
    return ridge_fit(X, y, alpha=0.0)


def ridge_fit(X: ArrayLike, y: ArrayLike, alpha: float = 1.0) -> tuple[np.ndarray, float]:
    """Closed-form ridge: centre X and y, solve (XcᵀXc + αI) w = Xcᵀyc, then b = ȳ − x̄·w."""
    X, y = _check_xy(X, y)
    alpha = checks.real("alpha", alpha, minimum=0.0)
    x_mean, y_mean = X.mean(axis=0), y.mean()
    Xc, yc = X - x_mean, y - y_mean  # (n, d), (n,)
    d = X.shape[1]
    if alpha == 0.0:
        w = np.linalg.lstsq(Xc, yc, rcond=None)[0]
    else:
        w = np.linalg.solve(Xc.T @ Xc + alpha * np.eye(d), Xc.T @ yc)  # (d,)
    return w, float(y_mean - x_mean @ w)


def objective_and_grads(X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float, *,
                        alpha: float = 0.0) -> tuple[float, np.ndarray, float]:
    """J(w, b) and its gradients (dJ/dw (d,), dJ/db scalar) for the ridge objective above."""
    X, y = _check_xy(X, y)
    w = checks.array("w (one weight per column of X)", w, shape=(X.shape[1],))
    b = checks.real("b", b)
    alpha = checks.real("alpha", alpha, minimum=0.0)
    return _objective_and_grads(X, y, w, b, alpha)


def _objective_and_grads(X, y, w, b, alpha):
    n = X.shape[0]
    r = X @ w + b - y  # (n,) residuals
    J = 0.5 * (r @ r + alpha * (w @ w)) / n
    return float(J), (X.T @ r + alpha * w) / n, float(r.mean())


def fit_linear_gd(
    X: ArrayLike,
    y: ArrayLike,
    *,
    lr: float,
    n_steps: int,
    alpha: float = 0.0,
    optimizer: Callable[[list[np.ndarray]], Any] | None = None,
    w0: ArrayLike | None = None,
) -> tuple[np.ndarray, float, np.ndarray]:
    """Full-batch gradient descent on J from w = 0, b = 0. Returns (w, b, losses).

    ``optimizer`` (optional) is a factory ``params -> opt`` with ``opt.step(grads)`` updating the
    NumPy arrays in place (e.g. ``lambda p: lmvis.optim.SGD(p, lr)``); by default the plain
    update p ← p − lr·g is written out here. A loss that stops being finite raises
    FloatingPointError: the step size is too large.
    """
    X, y = _check_xy(X, y)
    lr = checks.real("lr", lr, minimum=0.0, low_open=True)
    n_steps = checks.integer("n_steps", n_steps, minimum=1)
    alpha = checks.real("alpha", alpha, minimum=0.0)
    if optimizer is not None:
        checks.is_callable("optimizer", optimizer)
    w = (np.zeros(X.shape[1]) if w0 is None
         else checks.array("w0 (one weight per column of X)", w0, shape=(X.shape[1],))
         .astype(np.float64))
    b = np.zeros(1)  # an array so that an optimizer can update it in place
    opt = optimizer([w, b]) if optimizer is not None else None
    losses = []
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is checked at every step
        for step in range(n_steps + 1):
            J, dw, db = _objective_and_grads(X, y, w, b[0], alpha)
            if not (np.isfinite(J) and np.all(np.isfinite(dw)) and np.isfinite(db)):
                raise FloatingPointError(f"the loss became {J} at step {step}: gradient "
                                         f"descent diverged; lower lr (got {lr})")
            losses.append(J)
            if step == n_steps:
                break
            if opt is None:
                w -= lr * dw
                b -= lr * db
            else:
                opt.step([dw, np.array([db])])
    return w, float(b[0]), np.asarray(losses)
