"""Activation functions and their derivatives, as plain NumPy functions.

Each derivative is written in terms of the pre-activation ``z`` (what backprop stores), so that
``derivative(z) * upstream`` is the local step of the chain rule.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from lmvis import checks

#: PyTorch's default negative slope for LeakyReLU.
LEAKY_SLOPE = 0.01


def _z(z: ArrayLike) -> np.ndarray:
    """Pre-activations of any shape (empty included); ±inf allowed (the limits exist), NaN not."""
    return checks.array("z", z, finite=False, nonempty=False)


def sigmoid(z: ArrayLike) -> np.ndarray:
    """σ(z) = 1 / (1 + e^{-z}), computed without overflow for large |z|."""
    z = _z(z)
    e = np.exp(-np.abs(z))  # never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime(z: ArrayLike) -> np.ndarray:
    """σ′(z) = σ(z)(1 − σ(z)); at most 1/4, at z = 0, and vanishing for large |z|."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z: ArrayLike) -> np.ndarray:
    """tanh(z) = (e^z − e^{−z}) / (e^z + e^{−z}), a zero-centred sigmoid: tanh(z) = 2σ(2z) − 1."""
    return np.tanh(_z(z))


def tanh_prime(z: ArrayLike) -> np.ndarray:
    """tanh′(z) = 1 − tanh²(z)."""
    t = np.tanh(_z(z))
    return 1.0 - t * t


def relu(z: ArrayLike) -> np.ndarray:
    """ReLU(z) = max(0, z)."""
    return np.maximum(_z(z), 0)


def relu_prime(z: ArrayLike) -> np.ndarray:
    """ReLU′(z) = 1 for z > 0, else 0 (0 at z = 0, the convention PyTorch uses)."""
    z = _z(z)
    return (z > 0).astype(z.dtype)


def leaky_relu(z: ArrayLike, slope: float = LEAKY_SLOPE) -> np.ndarray:
    """LeakyReLU(z) = z for z > 0, else slope·z (slope 0.01 as in torch.nn.LeakyReLU)."""
    z, slope = _z(z), checks.real("slope", slope)
    return np.where(z > 0, z, slope * z)


def leaky_relu_prime(z: ArrayLike, slope: float = LEAKY_SLOPE) -> np.ndarray:
    """LeakyReLU′(z) = 1 for z > 0, else slope (slope at z = 0, as PyTorch)."""
    z, slope = _z(z), checks.real("slope", slope)
    return np.where(z > 0, 1.0, slope).astype(z.dtype)


def identity(z: ArrayLike) -> np.ndarray:
    """The identity, used for linear output layers."""
    return _z(z)


def identity_prime(z: ArrayLike) -> np.ndarray:
    """Derivative of the identity: ones."""
    return np.ones_like(_z(z))


#: name -> (function, derivative)
ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (tanh, tanh_prime),
    "relu": (relu, relu_prime),
    "leaky_relu": (leaky_relu, leaky_relu_prime),
    "identity": (identity, identity_prime),
}


def get(name: str) -> tuple[Callable[[ArrayLike], np.ndarray], Callable[[ArrayLike], np.ndarray]]:
    """Return ``(activation, derivative)`` for a name in :data:`ACTIVATIONS`."""
    return ACTIVATIONS[checks.choice("name", name, ACTIVATIONS)]
