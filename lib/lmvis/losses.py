"""Loss functions that return ``(value, gradient w.r.t. the prediction)``, averaged over the batch.

The gradient is what :meth:`lmvis.mlp.MLP.backward` takes as ``grad_output``.
"""

from __future__ import annotations

import numpy as np

from lmvis import checks
from lmvis.activations import sigmoid


def mse(pred, target):
    """Mean squared error L = mean((pred − target)²) over all N elements.

    dL/dpred = 2(pred − target)/N.

    Same as ``torch.nn.functional.mse_loss`` (reduction "mean"). ``pred`` and ``target`` must
    have the same shape.
    """
    pred = checks.array("pred", pred)
    target = checks.array("target", target)
    if pred.shape != target.shape:
        raise ValueError(
            f"pred and target must have the same shape, got {pred.shape} and {target.shape}"
        )
    if pred.size == 0:
        raise ValueError("pred must not be empty")
    diff = pred - target
    value = float(np.mean(diff * diff))
    grad = (2.0 / diff.size) * diff
    return value, grad


def _labels(labels, n: int, n_classes: int | None) -> np.ndarray:
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.shape[0] != n:
        raise ValueError(f"labels must have shape ({n},), got {labels.shape}")
    if labels.dtype.kind not in "iu":
        whole = labels.dtype.kind == "f" and np.all(np.isfinite(labels))
        if whole and np.all(labels == np.round(labels)):
            labels = labels.astype(np.int64)
        else:
            raise ValueError(f"labels must be integer class indices, got dtype {labels.dtype}")
    if n_classes is not None and n and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(
            f"labels must lie in [0, {n_classes - 1}], got range [{labels.min()}, {labels.max()}]"
        )
    return labels


def log_softmax(logits):
    """log softmax along the last axis, shifted by the max so that exp never overflows."""
    logits = checks.array("logits", logits)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(logits):
    """softmax along the last axis (numerically stable)."""
    return np.exp(log_softmax(logits))


def cross_entropy(logits, labels):
    """Cross-entropy from logits: L = −mean_i log softmax(logits_i)[labels_i].

    ``logits`` (n, C), ``labels`` (n,) integers in [0, C). dL/dlogits = (softmax − onehot)/n.
    Same as ``torch.nn.functional.cross_entropy``.
    """
    logits = checks.array("logits", logits, ndim=2)
    n, c = logits.shape
    if n == 0 or c == 0:
        raise ValueError(
            f"logits must have at least one row and one class, got shape {logits.shape}"
        )
    labels = _labels(labels, n, c)
    logp = log_softmax(logits)  # (n, C)
    rows = np.arange(n)
    value = float(-logp[rows, labels].mean())
    grad = np.exp(logp)  # softmax, (n, C)
    grad[rows, labels] -= 1.0
    grad /= n
    return value, grad


def binary_cross_entropy_with_logits(logits, targets):
    """Binary cross-entropy from one logit per example: L = mean(softplus(z) − y·z).

    ``logits`` shape (n,) or (n, 1), ``targets`` the same shape with values in [0, 1].
    dL/dz = (σ(z) − y)/N. Same as ``torch.nn.functional.binary_cross_entropy_with_logits``;
    never takes the log of a probability, so it cannot overflow or hit log(0).
    """
    z = checks.array("logits", logits)
    y = checks.array("targets", targets)
    if z.ndim not in (1, 2) or (z.ndim == 2 and z.shape[1] != 1):
        raise ValueError(f"logits must have shape (n,) or (n, 1), got {z.shape}")
    if y.shape != z.shape:
        raise ValueError(f"targets must have the logits' shape {z.shape}, got {y.shape}")
    if z.size == 0:
        raise ValueError("logits must not be empty")
    if np.any((y < 0) | (y > 1)):
        raise ValueError(f"targets must lie in [0, 1], got range [{y.min()}, {y.max()}]")
    softplus = np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))  # log(1 + e^z), stable
    value = float(np.mean(softplus - y * z))
    grad = (sigmoid(z) - y) / z.size
    return value, grad


bce_with_logits = binary_cross_entropy_with_logits


# Forms computed from the probability p = σ(z), kept to show why the book trains on logits:
# cross-entropy from a probability (what torch.nn.BCELoss expects) hits log(0) once σ(z) rounds
# to 0 or 1, and the squared error on p has a gradient that vanishes when the model is
# confidently wrong.


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
