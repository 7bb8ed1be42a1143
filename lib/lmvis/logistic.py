"""Binary-classification losses computed from the probability p = σ(z): the forms to avoid.

The book trains on the logit ``z`` with :func:`lmvis.losses.binary_cross_entropy_with_logits`
(``BCEWithLogitsLoss``), whose gradient is simply p − y. This module holds what chapter 7
compares it with: cross-entropy from a probability (what ``torch.nn.BCELoss`` expects), which
hits log(0) once σ(z) rounds to 0 or 1, and the squared error on p, whose gradient vanishes
when the model is confidently wrong.
"""

from __future__ import annotations

import numpy as np

from lmvis.activations import sigmoid


def _as_pair(x, y, name: str):
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.shape != y.shape:
        raise ValueError(f"{name} and targets must have the same shape, got {x.shape} and "
                         f"{y.shape}")
    if x.size == 0:
        raise ValueError(f"{name} must not be empty")
    if np.any((y < 0) | (y > 1)):
        raise ValueError(f"targets must lie in [0, 1], got range [{y.min()}, {y.max()}]")
    return x, y


def bce_from_probs(p, y, clip: float = 0.0) -> float:
    """Mean −[y log p + (1 − y) log(1 − p)] from probabilities; ``clip`` keeps p off 0 and 1.

    With ``clip=0`` a probability that rounded to exactly 0 or 1 gives ``inf``: the failure
    that ``BCELoss`` hides by clamping the log at −100.
    """
    p, y = _as_pair(p, y, "probabilities")
    if np.any((p < 0) | (p > 1)):
        raise ValueError(f"probabilities must lie in [0, 1], got range [{p.min()}, {p.max()}]")
    p = np.clip(p, clip, 1 - clip)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = -(np.where(y > 0, y * np.log(p), 0.0) + np.where(y < 1, (1 - y) * np.log1p(-p),
                                                                   0.0))
    return float(terms.mean())


def mse_on_sigmoid(z, y):
    """Mean (σ(z) − y)² and its gradient with respect to ``z``: 2 (p − y) p (1 − p) / n.

    The factor p (1 − p) vanishes when the prediction is confident, right *or wrong*.
    """
    z, y = _as_pair(z, y, "logits")
    p = sigmoid(z)
    return float(((p - y) ** 2).mean()), 2 * (p - y) * p * (1 - p) / z.size
