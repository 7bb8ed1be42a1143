"""Checkers for the exercises of chapter 4 (losses, the chain rule, backpropagation)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lmvis import gradcheck, losses
from lmvis.activations import sigmoid
from lmvis.exercises.core import Case, Mistake, check_answer, check_function

#: Document 001's one-sample house-price example: ŷ = w0 + w1·x + b, L = ½(y − ŷ)².
HOUSE = {"x": 100.0, "y": 100.0, "w0": 0.1, "w1": 0.2, "b": 0.3}


def house_gradients() -> np.ndarray:
    """(∂L/∂w0, ∂L/∂w1, ∂L/∂b) of document 001's example, by the chain rule."""
    h = HOUSE
    error = h["w0"] + h["w1"] * h["x"] + h["b"] - h["y"]  # ∂L/∂ŷ = ŷ − y
    return np.array([error, error * h["x"], error])


def check_house_gradients(answer: Any) -> None:
    """Exercise 4.1: the three gradients of document 001's example, worked by hand."""
    g = house_gradients()
    check_answer(
        answer, g, name="(∂L/∂w0, ∂L/∂w1, ∂L/∂b)", tol=1e-6,
        hint="∂L/∂ŷ = ŷ − y; then multiply by ∂ŷ/∂w0 = 1, ∂ŷ/∂w1 = x, ∂ŷ/∂b = 1.",
        mistakes=[(-g, "The signs are flipped (document 001's error): ∂L/∂ŷ = ŷ − y is "
                   "negative here, since the prediction is too small."),
                  (-g * np.array([1, HOUSE["w1"] / HOUSE["x"], 1]),
                   "That is document 001's answer: signs flipped, and ∂L/∂w1 multiplied by "
                   "the weight w1 instead of the input x (∂ŷ/∂w1 = x)."),
                  (g * np.array([1, HOUSE["w1"] / HOUSE["x"], 1]),
                   "∂ŷ/∂w1 is the input x = 100, not the weight w1 = 0.2.")])


def _bce_grad(z, y):
    return losses.binary_cross_entropy_with_logits(z, y)[1]


def check_bce_grad(f: Callable[..., Any]) -> None:
    """Exercise 4.2: ∂L/∂z of the mean binary cross-entropy with logits, (σ(z) − y)/n."""
    rng = np.random.default_rng(6)
    cases = [Case((rng.normal(size=5), rng.integers(0, 2, 5).astype(float)), "5 logits"),
             Case((np.array([0.0, 0.0]), np.array([1.0, 0.0])), "z = 0 (σ = ½)"),
             Case((rng.normal(size=8) * 3, rng.random(8)), "soft targets in [0, 1]"),
             Case((np.array([-800.0, 800.0, 30.0]), np.array([1.0, 0.0, 1.0])),
                  "confident logits ±800", large=True)]
    check_function(
        f, _bce_grad, cases, name="bce_grad",
        against="lmvis.losses.binary_cross_entropy_with_logits",
        mistakes=[Mistake(lambda z, y: sigmoid(z) - y, "the loss is a *mean* over the n "
                          "examples, so its gradient carries 1/n: (σ(z) − y)/n."),
                  Mistake(lambda z, y: (y - sigmoid(z)) / z.size, "the sign is flipped: "
                          "it is (p − y)/n, positive when the prediction is too high."),
                  Mistake(lambda z, y: (sigmoid(z) - y) * sigmoid(z) * (1 - sigmoid(z))
                          / z.size, "the factor p(1 − p) belongs to the squared error on "
                          "σ(z); with cross-entropy it cancels: (p − y)/n."),
                  Mistake(lambda z, y: 2 * (sigmoid(z) - y) * sigmoid(z) * (1 - sigmoid(z))
                          / z.size, "that is the gradient of the squared error on σ(z), not "
                          "of the cross-entropy: (p − y)/n.")])


def _params(rng, d_in, d_hidden):
    return (rng.normal(size=(d_in, d_hidden)), rng.normal(size=d_hidden) * 0.1,
            rng.normal(size=(d_hidden, 1)), rng.normal(size=1) * 0.1)


def _loss(X, y, W1, b1, W2, b2):
    out = np.tanh(X @ W1 + b1) @ W2 + b2
    return float(np.mean((out[:, 0] - y) ** 2))


def _fd_grads(X, y, W1, b1, W2, b2):
    params = [W1.copy(), b1.copy(), W2.copy(), b2.copy()]
    grads = []
    for k in range(4):
        def f(p, k=k):
            ps = list(params)
            ps[k] = p
            return _loss(X, y, *ps)
        grads.append(gradcheck.numerical_grad(f, params[k].copy()))
    return tuple(grads)


def _analytic(X, y, W1, b1, W2, b2, *, tanh_prime=True, mean=True, two=True):
    z1 = X @ W1 + b1
    a1 = np.tanh(z1)
    out = a1 @ W2 + b2
    d_out = (2 if two else 1) * (out - y[:, None]) / (len(y) if mean else 1)
    dW2, db2 = a1.T @ d_out, d_out.sum(0)
    d_a1 = d_out @ W2.T
    d_z1 = d_a1 * (1 - a1**2) if tanh_prime else d_a1
    return X.T @ d_z1, d_z1.sum(0), dW2, db2


def check_mlp_backward(f: Callable[..., Any]) -> None:
    """Exercise 4.4: the gradients (dW1, db1, dW2, db2) of a tanh network's mean squared
    error, checked against finite differences."""
    rng = np.random.default_rng(7)
    cases = []
    for n, d_in, d_hid in ((5, 2, 3), (8, 3, 4), (1, 2, 2)):
        cases.append(Case((rng.normal(size=(n, d_in)), rng.normal(size=n),
                           *_params(rng, d_in, d_hid)),
                          f"{n} row{'s' if n > 1 else ''}, a {d_in}-{d_hid}-1 network"))
    check_function(
        f, _fd_grads, cases, name="mlp_backward", outputs=("dW1", "db1", "dW2", "db2"),
        against="finite differences (the slope measured by nudging each parameter)",
        rtol=1e-5, atol=1e-7,
        mistakes=[Mistake(lambda *a: _analytic(*a, tanh_prime=False), "the hidden layer's "
                          "error term needs the local slope: δ1 = (δ2 W2ᵀ) ⊙ tanh′(z1), "
                          "with tanh′(z1) = 1 − a1²."),
                  Mistake(lambda *a: _analytic(*a, mean=False), "the loss is a mean over "
                          "the n rows: ∂L/∂out = 2(out − y)/n."),
                  Mistake(lambda *a: _analytic(*a, two=False), "the derivative of a square "
                          "brings a 2: ∂L/∂out = 2(out − y)/n."),
                  Mistake(lambda X, y, W1, b1, W2, b2: tuple(
                      -g for g in _analytic(X, y, W1, b1, W2, b2)),
                          "every sign is flipped: start from out − y, not y − out.")])


def _central(f, x, eps):
    return gradcheck.numerical_grad(f, x, eps)


def check_central_differences(f: Callable[..., Any]) -> None:
    """Exercise 4.3: central differences, (f(x + ε e_i) − f(x − ε e_i)) / 2ε for every i."""
    rng = np.random.default_rng(8)
    A = rng.normal(size=(3, 3))
    cases = [Case((lambda v: float(np.sum(v**3)), rng.normal(size=4), 1e-5), "f(x) = Σ x³"),
             Case((lambda v: float(v @ A @ v), rng.normal(size=3), 1e-5), "f(x) = xᵀ A x"),
             Case((lambda v: float(np.sin(v).sum()), np.array([0.0, 1.0]), 1e-5),
                  "f(x) = Σ sin x at 0 and 1")]

    def forward(g, x, eps):
        x = x.copy()
        out = np.empty_like(x)
        f0 = g(x)
        for i in range(x.size):
            old = x[i]
            x[i] = old + eps
            out[i] = (g(x) - f0) / eps
            x[i] = old
        return out

    check_function(
        f, _central, cases, name="central_differences", against="lmvis.gradcheck.numerical_grad",
        rtol=1e-6, atol=1e-8,
        mistakes=[Mistake(lambda g, x, eps: 2 * _central(g, x, eps), "the two points are 2ε "
                          "apart: divide by 2ε, not ε."),
                  Mistake(forward, "that is the one-sided difference (f(x + ε) − f(x))/ε: its "
                          "error shrinks like ε; the central one's like ε², and the checker "
                          "asks for the central one.")])
