"""Checkers for the exercises of chapter 2 (neurons, activations and their derivatives)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from lmvis import activations
from lmvis.exercises.core import Case, Mistake, check_answer, check_function


def check_sigmoid_slope_at_zero(answer: Any) -> None:
    """Exercise 2.1: σ′(0), by hand."""
    check_answer(
        answer, float(activations.sigmoid_prime(0.0)), name="σ′(0)", tol=1e-6,
        hint="σ′(z) = σ(z)(1 − σ(z)), and σ(0) = 1/2.",
        mistakes=[(0.5, "0.5 is σ(0), the value; the slope is σ(0)(1 − σ(0))."),
                  (1.0, "1 is the slope of the identity (and of ReLU for z > 0); the sigmoid "
                   "is flatter: σ(0)(1 − σ(0)).")])


def _z_cases() -> list[Case]:
    rng = np.random.default_rng(2)
    return [Case((rng.normal(size=7),), "7 random z"),
            Case((np.array([0.0]),), "z = 0"),
            Case((rng.normal(size=(3, 4)) * 3,), "a (3, 4) array of z"),
            Case((np.array([-1000.0, -50.0, 50.0, 1000.0]),), "z = ±50 and ±1000", large=True)]


def _naive_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def check_stable_sigmoid(f: Callable[..., Any]) -> None:
    """Exercise 2.3: σ(z) for an array z of any shape, with no overflow at large |z|."""
    check_function(
        f, activations.sigmoid, _z_cases(), name="stable_sigmoid",
        against="lmvis.activations.sigmoid",
        mistakes=[Mistake(lambda z: activations.sigmoid(-z), "that is σ(−z) = 1 − σ(z): the "
                          "sign of z in the exponent is flipped (σ(z) = 1/(1 + e^(−z)))."),
                  Mistake(lambda z: np.exp(z) / (1 + np.exp(z)),
                          "e^z/(1 + e^z) is right on paper but gives inf/inf = NaN at large "
                          "z. For z ≥ 0 use 1/(1 + e^(−z)), for z < 0 use e^z/(1 + e^z): "
                          "then exp() only ever sees −|z|.")])


def _elu_prime(z):
    """ELU′(z) by torch.autograd (alpha = 1, torch's default): an independent reference."""
    t = torch.tensor(np.asarray(z, dtype=np.float64), requires_grad=True)
    F.elu(t).sum().backward()
    return t.grad.numpy()


def check_elu_prime(f: Callable[..., Any]) -> None:
    """Exercise 2.4: ELU′(z) for an array z: 1 for z > 0, e^z otherwise (alpha = 1)."""
    check_function(
        f, _elu_prime, _z_cases(), name="elu_prime", against="torch.autograd on F.elu",
        mistakes=[Mistake(lambda z: np.where(z > 0, z, np.expm1(z)), "that is ELU itself; "
                          "the exercise asks for its derivative."),
                  Mistake(lambda z: (z > 0).astype(float), "that is ReLU′: ELU's slope for "
                          "z ≤ 0 is e^z, not 0 (so no unit dies)."),
                  Mistake(lambda z: np.where(z > 0, 1.0, np.exp(np.minimum(z, 0)) - 1),
                          "for z ≤ 0, ELU(z) = e^z − 1 has slope e^z: the −1 is a constant "
                          "and disappears.")])


def _count(layer_sizes):
    sizes = list(layer_sizes)
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=True))


def check_count_params(f: Callable[..., Any]) -> None:
    """Exercise 2.5: the number of weights and biases of a dense network with these widths."""
    cases = [Case(([784, 128, 10],), "widths [784, 128, 10]"),
             Case(([2, 3, 1],), "widths [2, 3, 1]"),
             Case(([5, 5],), "a single layer, [5, 5]"),
             Case(([3, 64, 64, 64, 2],), "widths [3, 64, 64, 64, 2]")]
    check_function(
        f, _count, cases, name="count_params", against="the layer-by-layer count",
        mistakes=[Mistake(lambda s: sum(a * b for a, b in zip(s[:-1], s[1:], strict=True)),
                          "each layer also has one bias per output unit: fan_in·fan_out + "
                          "fan_out."),
                  Mistake(lambda s: sum(a * b + a for a, b in zip(s[:-1], s[1:], strict=True)),
                          "a layer's biases number its *outputs* (fan_out), not its inputs."),
                  Mistake(lambda s: sum(s), "that counts units; the parameters are the "
                          "weights of every connection plus one bias per unit.")])
