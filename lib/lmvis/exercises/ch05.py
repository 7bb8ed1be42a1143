"""Checkers for the exercises of chapter 5 (gradient descent and its optimizers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lmvis import optim
from lmvis.exercises.core import Case, Mistake, check_answer, check_function

#: Exercise 5.1's valley: f(x, y) = ½(x² + 40 y²), so the Hessian is diag(1, 40).
VALLEY = (1.0, 40.0)


def check_threshold(answer: Any) -> None:
    """Exercise 5.1: the largest learning rate at which gradient descent still converges on
    f(x, y) = ½(x² + 40 y²)."""
    lam_min, lam_max = VALLEY
    check_answer(
        answer, 2 / lam_max, name="the threshold 2/λ_max", tol=1e-6,
        hint="each direction is multiplied by (1 − ηλ) per step; it shrinks while "
             "|1 − ηλ| < 1, i.e. η < 2/λ, and the stiffest direction (largest λ) decides.",
        mistakes=[(1 / lam_max, "1/λ_max is the rate that removes the stiff direction in "
                   "one step; the threshold of divergence is twice that, 2/λ_max."),
                  (2 / lam_min, "2/λ_min is the flat direction's limit; the steep one, "
                   "λ_max = 40, diverges first.")])


def _momentum(theta, buf, grad, lr, mu):
    p = theta.copy()
    opt = optim.SGD([p], lr, momentum=mu) if mu else None
    if opt is None:  # plain gradient descent: the buffer is b = g
        return theta - lr * grad, grad.copy()
    opt.buffers[0] = buf.copy()  # the package's rule from here: b ← μb + g, θ ← θ − ηb
    opt.step([grad])
    return p, opt.buffers[0]


def _step_cases(rng) -> list[Case]:
    return [Case((rng.normal(size=3), rng.normal(size=3), rng.normal(size=3), 0.1, 0.9),
                 "a step with a buffer (lr 0.1, μ 0.9)"),
            Case((rng.normal(size=(2, 2)), np.zeros((2, 2)), rng.normal(size=(2, 2)), 0.5, 0.5),
                 "the first step (buffer 0, lr 0.5, μ 0.5)"),
            Case((rng.normal(size=4), rng.normal(size=4), rng.normal(size=4), 0.01, 0.0),
                 "μ = 0 (plain gradient descent)")]


def check_momentum_step(f: Callable[..., Any]) -> None:
    """Exercise 5.2: one step of momentum as torch.optim.SGD writes it: b ← μb + g,
    θ ← θ − ηb; returns (new θ, new b), leaving its inputs unchanged."""
    rng = np.random.default_rng(9)
    check_function(
        f, _momentum, _step_cases(rng), name="momentum_step", outputs=("new θ", "new b"),
        against="lmvis.optim.SGD (equal to torch.optim.SGD)",
        mistakes=[Mistake(lambda t, b, g, lr, mu: (t + lr * (mu * b + g), mu * b + g),
                          "gradient descent steps *against* the gradient: θ − ηb."),
                  Mistake(lambda t, b, g, lr, mu: (t - lr * (mu * b + (1 - mu) * g),
                                                   mu * b + (1 - mu) * g),
                          "b ← μb + (1 − μ)g is the averaged form (a different learning "
                          "rate in disguise); torch.optim.SGD and this book use b ← μb + g."),
                  Mistake(lambda t, b, g, lr, mu: (t - lr * g, mu * b + g),
                          "the step must use the new buffer b, not the raw gradient g.")])


def _adam(theta, m, v, grad, t, lr=0.001, b1=0.9, b2=0.999, eps=1e-8):
    m = b1 * m + (1 - b1) * grad
    v = b2 * v + (1 - b2) * grad**2
    m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def _adam_ref(theta, m, v, grad, t):
    p = theta.copy()
    opt = optim.Adam([p], 0.001)
    opt.m[0][...], opt.v[0][...], opt.t = m, v, t - 1  # resume at step t - 1
    opt.step([grad])
    return p, opt.m[0], opt.v[0]


def check_adam_step(f: Callable[..., Any]) -> None:
    """Exercise 5.3: one Adam step at step number t (from 1) with lr 0.001, β = (0.9, 0.999),
    ε = 1e-8; returns (new θ, new m, new v)."""
    rng = np.random.default_rng(10)
    z = np.zeros(3)
    cases = [Case((rng.normal(size=3), z, z, rng.normal(size=3), 1), "the first step, t = 1"),
             Case((rng.normal(size=3), rng.normal(size=3) * 0.1, rng.random(3) * 0.1,
                   rng.normal(size=3), 5), "step t = 5"),
             Case((rng.normal(size=(2, 2)), np.zeros((2, 2)), np.zeros((2, 2)),
                   rng.normal(size=(2, 2)) * 1e3, 1), "a large gradient (×1000), t = 1")]
    check_function(
        f, _adam_ref, cases, name="adam_step", outputs=("new θ", "new m", "new v"),
        against="lmvis.optim.Adam (equal to torch.optim.Adam)", rtol=1e-6, atol=1e-10,
        mistakes=[Mistake(lambda th, m, v, g, t: (
                      th - 0.001 * (0.9 * m + 0.1 * g)
                      / (np.sqrt(0.999 * v + 0.001 * g**2) + 1e-8),
                      0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g**2),
                          "the bias corrections are missing: divide m by (1 − β₁ᵗ) and v by "
                          "(1 − β₂ᵗ) before the step (m and v start at 0)."),
                  Mistake(lambda th, m, v, g, t: (
                      th - 0.001 * ((0.9 * m + 0.1 * g) / (1 - 0.9**t))
                      / ((0.999 * v + 0.001 * g**2) / (1 - 0.999**t) + 1e-8),
                      0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g**2),
                          "the denominator is the *square root* of v̂: √v̂ + ε."),
                  Mistake(lambda th, m, v, g, t: (
                      _adam(th, m, v, g, t)[0] + 2 * (th - _adam(th, m, v, g, t)[0]),
                      *_adam(th, m, v, g, t)[1:]),
                          "the step goes against the gradient: θ − η m̂/(√v̂ + ε).")])
