"""Checkers for the exercises of chapter 3 (the forward pass, with shapes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lmvis import losses
from lmvis.activations import relu
from lmvis.exercises.core import Case, Mistake, check_answer, check_function
from lmvis.mlp import MLP


def check_logits_shape(answer: Any) -> None:
    """Exercise 3.1: the shape of the logits of a batch of 32 images through 784-128-10."""
    check_answer(
        answer, [32, 10], name="shape of the logits", tol=0.0,
        hint="each row of X is one example and stays one row: (batch, width of the last "
             "layer).",
        mistakes=[([32, 128], "(32, 128) is the hidden layer's output; the network goes on to "
                   "the 10-unit output layer."),
                  ([10, 32], "rows stay examples: X @ W keeps the batch as the first axis.")])


def _layer(X, W, b):
    return relu(X @ W + b)


def _layer_cases() -> list[Case]:
    rng = np.random.default_rng(3)
    return [Case((rng.normal(size=(4, 3)), rng.normal(size=(3, 3)), rng.normal(size=3)),
                 "X (4, 3), W (3, 3), b (3,)"),
            Case((rng.normal(size=(5, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)),
                 "X (5, 3), W (3, 2), b (2,)"),
            Case((rng.normal(size=(1, 4)), rng.normal(size=(4, 6)), rng.normal(size=6)),
                 "a batch of one, X (1, 4), W (4, 6)")]


def check_dense_relu(f: Callable[..., Any]) -> None:
    """Exercise 3.2: one layer, a = ReLU(X W + b), for X (n, fan_in), W (fan_in, fan_out)."""
    check_function(
        f, _layer, _layer_cases(), name="dense_relu", against="ReLU(X @ W + b)",
        mistakes=[Mistake(lambda X, W, b: relu(X @ W.T + b), "with W of shape (fan_in, "
                          "fan_out) the product is X @ W; you multiplied by Wᵀ."),
                  Mistake(lambda X, W, b: relu(X @ W), "the bias is missing: z = X @ W + b."),
                  Mistake(lambda X, W, b: relu(X @ W) + b, "add the bias before the "
                          "activation: ReLU(X @ W + b), not ReLU(X @ W) + b."),
                  Mistake(lambda X, W, b: X @ W + b, "the activation is missing: that is z, "
                          "the layer's output is a = ReLU(z).")])


def _mlp(X, params):
    net = MLP([params[0][0].shape[0], *(W.shape[1] for W, _ in params)], "relu")
    net.params = [(W.copy(), b.copy()) for W, b in params]
    return net.forward(X)


def check_mlp_forward(f: Callable[..., Any]) -> None:
    """Exercise 3.3: a ReLU network's forward pass, linear output layer; ``params`` is a list
    of (W, b) pairs."""
    rng = np.random.default_rng(4)

    def params(*sizes):
        return [(rng.normal(size=(a, b)), rng.normal(size=b))
                for a, b in zip(sizes[:-1], sizes[1:], strict=True)]

    cases = [Case((rng.normal(size=(6, 4)), params(4, 5, 3)), "a 4-5-3 network, 6 rows"),
             Case((rng.normal(size=(3, 2)), params(2, 3, 3, 1)), "a 2-3-3-1 network"),
             Case((rng.normal(size=(2, 3)), params(3, 2)), "a single layer (no hidden one)")]
    check_function(
        f, _mlp, cases, name="mlp_forward", against="lmvis.mlp.MLP.forward",
        mistakes=[Mistake(lambda X, ps: relu(_mlp(X, ps)), "the output layer is linear: no "
                          "ReLU after the last layer (its outputs are logits, and may be "
                          "negative)."),
                  Mistake(lambda X, ps: _mlp(X, [(W, 0 * b) for W, b in ps]),
                          "the biases are missing: every layer computes a @ W + b.")])


def _softmax_cases() -> list[Case]:
    rng = np.random.default_rng(5)
    return [Case((rng.normal(size=(4, 3)),), "4 rows of 3 logits"),
            Case((rng.normal(size=(2, 5)) * 4,), "2 rows of 5 logits"),
            Case((np.zeros((2, 4)),), "all logits 0 (each probability 1/4)"),
            Case((np.array([[1000.0, 0.0, -1000.0], [800.0, 801.0, 799.0]]),),
                 "logits near ±1000", large=True)]


def check_softmax(f: Callable[..., Any]) -> None:
    """Exercise 3.4: the softmax of each row of a (n, C) array of logits, stable."""
    check_function(
        f, losses.softmax, _softmax_cases(), name="softmax", against="lmvis.losses.softmax",
        mistakes=[Mistake(lambda Z: np.exp(Z) / np.exp(Z).sum(axis=0, keepdims=True),
                          "each *row* is one example: normalise over axis=1 (the last), not "
                          "axis 0."),
                  Mistake(lambda Z: np.exp(Z) / np.exp(Z).sum(), "normalise each row on its "
                          "own (sum over axis=-1, keepdims=True), not over the whole array."),
                  Mistake(lambda Z: Z / Z.sum(axis=-1, keepdims=True),
                          "softmax exponentiates first: exp(z) / Σ exp(z).")])
