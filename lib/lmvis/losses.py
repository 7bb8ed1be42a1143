"""Loss functions that return ``(value, gradient w.r.t. the prediction)``, averaged over the batch.

The gradient is what :meth:`lmvis.mlp.MLP.backward` takes as ``grad_output``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from lmvis import checks
from lmvis.activations import sigmoid


def mse(pred: ArrayLike, target: ArrayLike) -> tuple[float, np.ndarray]:
    """Mean squared error L = mean((pred − target)²) over all N elements.

    dL/dpred = 2(pred − target)/N.

    Same as ``torch.nn.functional.mse_loss`` (reduction "mean"). ``pred`` and ``target`` must
    have the same shape.
    """
    pred = checks.array("pred", pred)
    target = checks.array("target", target)
    checks.same_shape(pred=pred, target=target)
    diff = pred - target
    value = float(np.mean(diff * diff))
    grad = (2.0 / diff.size) * diff
    return value, grad


def log_softmax(logits: ArrayLike) -> np.ndarray:
    """log softmax along the last axis, shifted by the max so that exp never overflows."""
    logits = checks.array("logits", logits, min_ndim=1)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(logits: ArrayLike) -> np.ndarray:
    """softmax along the last axis (numerically stable)."""
    return np.exp(log_softmax(logits))


def cross_entropy(logits: ArrayLike, labels: ArrayLike) -> tuple[float, np.ndarray]:
    """Cross-entropy from logits: L = −mean_i log softmax(logits_i)[labels_i].

    ``logits`` (n, C), ``labels`` (n,) integers in [0, C). dL/dlogits = (softmax − onehot)/n.
    Same as ``torch.nn.functional.cross_entropy``.
    """
    logits = checks.array("logits", logits, ndim=2)
    n, c = logits.shape
    labels = checks.array("labels (class indices, one per row of logits)", labels, shape=(n,),
                          kind="int", minimum=0, maximum=c - 1)
    logp = log_softmax(logits)  # (n, C)
    rows = np.arange(n)
    value = float(-logp[rows, labels].mean())
    grad = np.exp(logp)  # softmax, (n, C)
    grad[rows, labels] -= 1.0
    grad /= n
    return value, grad


def binary_cross_entropy_with_logits(logits: ArrayLike, targets: ArrayLike
                                     ) -> tuple[float, np.ndarray]:
    """Binary cross-entropy from one logit per example: L = mean(softplus(z) − y·z).

    ``logits`` shape (n,) or (n, 1), ``targets`` the same shape with values in [0, 1].
    dL/dz = (σ(z) − y)/N. Same as ``torch.nn.functional.binary_cross_entropy_with_logits``;
    never takes the log of a probability, so it cannot overflow or hit log(0).
    """
    z = checks.array("logits", logits, ndim=(1, 2))
    z = checks.array("logits", z, shape=(None,) if z.ndim == 1 else (None, 1))
    y = checks.array("targets (shaped like logits)", targets, shape=z.shape, minimum=0.0,
                     maximum=1.0)
    softplus = np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))  # log(1 + e^z), stable
    value = float(np.mean(softplus - y * z))
    grad = (sigmoid(z) - y) / z.size
    return value, grad


bce_with_logits = binary_cross_entropy_with_logits


# Forms computed from the probability p = σ(z), kept to show why the book trains on logits:
# cross-entropy from a probability (what torch.nn.BCELoss expects) hits log(0) once σ(z) rounds
# to 0 or 1, and the squared error on p has a gradient that vanishes when the model is
# confidently wrong.


def _as_pair(name: str, x: ArrayLike, y: ArrayLike, **bounds) -> tuple[np.ndarray, np.ndarray]:
    """``x`` (named ``name``) and the targets ``y`` in [0, 1], float64 arrays of one shape."""
    x = checks.array(name, x, **bounds).astype(np.float64, copy=False)
    y = checks.array("y (targets)", y, minimum=0.0, maximum=1.0).astype(np.float64, copy=False)
    checks.same_shape(**{name: x, "y": y})
    return x, y


def bce_from_probs(p: ArrayLike, y: ArrayLike, clip: float = 0.0) -> float:
    """Mean −[y log p + (1 − y) log(1 − p)] from probabilities; ``clip`` keeps p off 0 and 1.

    With ``clip=0`` a probability that rounded to exactly 0 or 1 gives ``inf``: the failure
    that ``BCELoss`` hides by clamping the log at −100.
    """
    p, y = _as_pair("p (probabilities)", p, y, minimum=0.0, maximum=1.0)
    clip = checks.real("clip", clip, minimum=0.0, maximum=0.5, high_open=True)
    p = np.clip(p, clip, 1 - clip)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = -(np.where(y > 0, y * np.log(p), 0.0) + np.where(y < 1, (1 - y) * np.log1p(-p),
                                                                   0.0))
    return float(terms.mean())

def mse_on_sigmoid(z: ArrayLike, y: ArrayLike) -> tuple[float, np.ndarray]:
    """Mean (σ(z) − y)² and its gradient with respect to ``z``: 2 (p − y) p (1 − p) / n.

    The factor p (1 − p) vanishes when the prediction is confident, right *or wrong*.
    """
    z, y = _as_pair("z (logits)", z, y)
    p = sigmoid(z)
    return float(((p - y) ** 2).mean()), 2 * (p - y) * p * (1 - p) / z.size
