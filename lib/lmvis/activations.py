"""Activation functions and their derivatives, as plain NumPy functions.

Each derivative is written in terms of the pre-activation ``z`` (what backprop stores), so that
``derivative(z) * upstream`` is the local step of the chain rule.
"""

from __future__ import annotations

import numpy as np

#: PyTorch's default negative slope for LeakyReLU.
LEAKY_SLOPE = 0.01


def sigmoid(z):
    """σ(z) = 1 / (1 + e^{-z}), computed without overflow for large |z|."""
    z = np.asarray(z)
    e = np.exp(-np.abs(z))  # never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime(z):
    """σ′(z) = σ(z)(1 − σ(z)); at most 1/4, at z = 0, and vanishing for large |z|."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """tanh(z) = (e^z − e^{−z}) / (e^z + e^{−z}), a zero-centred sigmoid: tanh(z) = 2σ(2z) − 1."""
    return np.tanh(z)


def tanh_prime(z):
    """tanh′(z) = 1 − tanh²(z)."""
    t = np.tanh(z)
    return 1.0 - t * t


def relu(z):
    """ReLU(z) = max(0, z)."""
    return np.maximum(z, 0)


def relu_prime(z):
    """ReLU′(z) = 1 for z > 0, else 0 (0 at z = 0, the convention PyTorch uses)."""
    z = np.asarray(z)
    return (z > 0).astype(z.dtype if z.dtype.kind == "f" else np.float64)


def leaky_relu(z, slope: float = LEAKY_SLOPE):
    """LeakyReLU(z) = z for z > 0, else slope·z (slope 0.01 as in torch.nn.LeakyReLU)."""
    z = np.asarray(z)
    return np.where(z > 0, z, slope * z)


def leaky_relu_prime(z, slope: float = LEAKY_SLOPE):
    """LeakyReLU′(z) = 1 for z > 0, else slope (slope at z = 0, as PyTorch)."""
    z = np.asarray(z)
    dt = z.dtype if z.dtype.kind == "f" else np.float64
    return np.where(z > 0, 1.0, slope).astype(dt)


def identity(z):
    """The identity, used for linear output layers."""
    return np.asarray(z)


def identity_prime(z):
    """Derivative of the identity: ones."""
    z = np.asarray(z)
    return np.ones_like(z, dtype=z.dtype if z.dtype.kind == "f" else np.float64)


#: name -> (function, derivative)
ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (tanh, tanh_prime),
    "relu": (relu, relu_prime),
    "leaky_relu": (leaky_relu, leaky_relu_prime),
    "identity": (identity, identity_prime),
}


def get(name: str):
    """Return ``(activation, derivative)`` for a name in :data:`ACTIVATIONS`."""
    if not isinstance(name, str):
        raise TypeError(f"activation name must be a str, got {type(name).__name__}")
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; expected one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[name]
