"""Sigmoid + binary cross-entropy, written so that the gradient (p − y) is visible and safe.

Two ways to compute the same loss: from a probability ``p = sigmoid(z)`` (what
``torch.nn.BCELoss`` expects), or from the logit ``z`` directly (``BCEWithLogitsLoss``). The
second never forms ``log(0)``, so it stays finite for confident predictions. MSE on the
probability is included only to show why it is a poor loss for classification.
"""

from __future__ import annotations

import numpy as np


def _as_pair(z, y):
    z = np.asarray(z, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if z.shape != y.shape:
        raise ValueError(f"logits and targets must have the same shape, got {z.shape} and "
                         f"{y.shape}")
    if z.size == 0:
        raise ValueError("logits must not be empty")
    if np.any((y < 0) | (y > 1)):
        raise ValueError("targets must lie in [0, 1]")
    return z, y


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)), computed without overflow for large |z|."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def bce_from_probs(p, y, clip: float = 0.0) -> float:
    """Mean −[y log p + (1 − y) log(1 − p)] from probabilities; ``clip`` keeps p off 0 and 1.

    With ``clip=0`` a probability that rounded to exactly 0 or 1 gives ``inf``: the failure
    that ``BCELoss`` hides by clamping the log at −100.
    """
    p, y = _as_pair(p, y)
    if np.any((p < 0) | (p > 1)):
        raise ValueError("probabilities must lie in [0, 1]")
    p = np.clip(p, clip, 1 - clip)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = -(np.where(y > 0, y * np.log(p), 0.0) + np.where(y < 1, (1 - y) * np.log1p(-p),
                                                                   0.0))
    return float(terms.mean())


def bce_with_logits(z, y):
    """Mean binary cross-entropy from logits ``z``, and its gradient ``(σ(z) − y) / n``.

    Uses log(1 + e^z) − y z = max(z, 0) − y z + log(1 + e^(−|z|)), finite for every z.
    Returns ``(value, grad)`` with ``grad`` shaped like ``z``.
    """
    z, y = _as_pair(z, y)
    value = np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z)))
    grad = (sigmoid(z) - y) / z.size
    return float(value.mean()), grad


def mse_on_sigmoid(z, y):
    """Mean (σ(z) − y)² and its gradient with respect to ``z``: 2 (p − y) p (1 − p) / n.

    The factor p (1 − p) vanishes when the prediction is confident, right *or wrong*.
    """
    z, y = _as_pair(z, y)
    p = sigmoid(z)
    return float(((p - y) ** 2).mean()), 2 * (p - y) * p * (1 - p) / z.size
