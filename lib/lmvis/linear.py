"""Linear regression three ways: one gradient step by hand, closed form, and gradient descent.

Model: y_hat = X @ w + b with X (n, d), w (d,), b scalar. Objective used everywhere here:
J(w, b) = (1 / 2n) * (||X w + b - y||^2 + alpha * ||w||^2)   (ridge; alpha = 0 is least squares)
The intercept b is never penalised.
"""

from __future__ import annotations

import numpy as np


def _check_xy(X, y):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n, d), got shape {X.shape}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) to match X {X.shape}, got {y.shape}")
    if X.shape[0] == 0:
        raise ValueError("X has no rows")
    return X, y


def one_sample_step(x: float, y: float, w: float, b: float, lr: float) -> dict:
    """One gradient-descent step on L = ½(y − (w·x + b))² for a single example.

    Returns the prediction, the loss, dL/dw = −(y − ŷ)·x, dL/db = −(y − ŷ), the new parameters
    and the new prediction, so that each number of the worked example can be shown.
    """
    vals = {"x": x, "y": y, "w": w, "b": b, "lr": lr}
    for k, v in vals.items():
        if not isinstance(v, int | float | np.floating | np.integer) or not np.isfinite(v):
            raise ValueError(f"{k} must be a finite number, got {v!r}")
    y_hat = w * x + b
    err = y - y_hat
    loss = 0.5 * err**2
    dw, db = -err * x, -err  # chain rule: dL/dŷ = −(y − ŷ), dŷ/dw = x, dŷ/db = 1
    w_new, b_new = w - lr * dw, b - lr * db
    return {
        "y_hat": y_hat, "loss": loss, "dL_dw": dw, "dL_db": db,
        "w_new": w_new, "b_new": b_new, "y_hat_new": w_new * x + b_new,
    }


def normal_equations(X, y):
    """Least squares with an intercept, solved exactly (lstsq on [X, 1]). Returns (w, b)."""
    return ridge_fit(X, y, alpha=0.0)


def ridge_fit(X, y, alpha: float = 1.0):
    """Closed-form ridge: centre X and y, solve (XcᵀXc + αI) w = Xcᵀyc, then b = ȳ − x̄·w."""
    X, y = _check_xy(X, y)
    if not np.isfinite(alpha) or alpha < 0:
        raise ValueError(f"alpha must be a finite number >= 0, got {alpha!r}")
    x_mean, y_mean = X.mean(axis=0), y.mean()
    Xc, yc = X - x_mean, y - y_mean  # (n, d), (n,)
    d = X.shape[1]
    if alpha == 0.0:
        w = np.linalg.lstsq(Xc, yc, rcond=None)[0]
    else:
        w = np.linalg.solve(Xc.T @ Xc + alpha * np.eye(d), Xc.T @ yc)  # (d,)
    return w, float(y_mean - x_mean @ w)


def objective_and_grads(X, y, w, b, alpha: float = 0.0):
    """J(w, b) and its gradients (dJ/dw (d,), dJ/db scalar) for the ridge objective above."""
    X, y = _check_xy(X, y)
    w = np.asarray(w, dtype=float)
    if w.shape != (X.shape[1],):
        raise ValueError(f"w must have shape ({X.shape[1]},), got {w.shape}")
    n = X.shape[0]
    r = X @ w + b - y  # (n,) residuals
    J = 0.5 * (r @ r + alpha * (w @ w)) / n
    return float(J), (X.T @ r + alpha * w) / n, float(r.mean())


def fit_linear_gd(X, y, lr: float, n_steps: int, alpha: float = 0.0, optimizer=None, w0=None):
    """Full-batch gradient descent on J from w = 0, b = 0. Returns (w, b, losses).

    ``optimizer`` (optional) is a factory ``params -> opt`` with ``opt.step(grads)`` updating the
    NumPy arrays in place (e.g. ``lambda p: lmvis.optim.SGD(p, lr)``); by default the plain
    update p ← p − lr·g is written out here.
    """
    X, y = _check_xy(X, y)
    if not lr > 0 or not np.isfinite(lr):
        raise ValueError(f"lr must be a positive finite number, got {lr!r}")
    if not isinstance(n_steps, int) or n_steps < 1:
        raise ValueError(f"n_steps must be a positive int, got {n_steps!r}")
    w = np.zeros(X.shape[1]) if w0 is None else np.array(w0, dtype=float)
    b = np.zeros(1)  # an array so that an optimizer can update it in place
    opt = optimizer([w, b]) if optimizer is not None else None
    losses = []
    for _ in range(n_steps):
        J, dw, db = objective_and_grads(X, y, w, b[0], alpha)
        losses.append(J)
        if opt is None:
            w -= lr * dw
            b -= lr * db
        else:
            opt.step([dw, np.array([db])])
    losses.append(objective_and_grads(X, y, w, b[0], alpha)[0])
    return w, float(b[0]), np.asarray(losses)
