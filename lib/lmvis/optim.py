"""SGD (with momentum and Nesterov), RMSprop and Adam over lists of NumPy arrays.

Each optimizer follows the update rule *and defaults* of its ``torch.optim`` namesake, so that
the book can show they are the same algorithm (tests/test_optim.py compares them step for step
in float64). Parameters are updated in place by ``step(grads)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from lmvis import checks


class Optimizer:
    """Holds the parameter arrays and checks the gradients handed to ``step``."""

    def __init__(self, params: Iterable[np.ndarray], lr: float, *, weight_decay: float = 0.0):
        params = checks.sequence("params (a list of NumPy arrays)", params, min_length=1)
        for i, p in enumerate(params):
            checks.instance(f"params[{i}]", p, np.ndarray,
                            "a floating-point NumPy array (updated in place)")
            checks.array(f"params[{i}] (updated in place)", p, kind="floating", nonempty=False)
        self.params = list(params)
        self.lr = checks.real("lr", lr, minimum=0.0)
        self.weight_decay = checks.real("weight_decay", weight_decay, minimum=0.0)
        self.t = 0  # number of steps taken

    def _grads(self, grads: Sequence[ArrayLike]) -> list[np.ndarray]:
        grads = checks.sequence(f"grads ({len(self.params)} gradients, one per parameter)",
                                grads, length=len(self.params))
        out = []
        for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            g = checks.array(f"grads[{i}] (like params[{i}])", g, shape=p.shape,
                             nonempty=False).astype(p.dtype, copy=False)
            # L2 weight decay is added to the gradient, as torch.optim does (not AdamW's rule)
            out.append(g + self.weight_decay * p if self.weight_decay else g)
        return out

    def step(self, grads: Sequence[ArrayLike]) -> None:
        self.t += 1
        for i, (p, g) in enumerate(zip(self.params, self._grads(grads), strict=True)):
            p -= self._update(i, p, g)

    def _update(self, i: int, p: np.ndarray, g: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class SGD(Optimizer):
    """θ ← θ − lr·d, with d = g, or with momentum b ← μb + g (b = g at the first step) and
    d = b, or Nesterov's d = g + μb (Sutskever et al., 2013, as in torch.optim.SGD)."""

    def __init__(self, params: Iterable[np.ndarray], lr: float, *, momentum: float = 0.0,
                 nesterov: bool = False, weight_decay: float = 0.0):
        super().__init__(params, lr, weight_decay=weight_decay)
        momentum = checks.real("momentum", momentum, minimum=0.0, maximum=1.0, high_open=True)
        nesterov = checks.boolean("nesterov", nesterov)
        if nesterov and momentum == 0.0:
            raise ValueError("momentum must be > 0 when nesterov=True, got momentum=0.0")
        self.momentum, self.nesterov = momentum, nesterov
        self.buffers = [None] * len(self.params)

    def _update(self, i, p, g):
        if self.momentum == 0.0:
            return self.lr * g
        b = self.buffers[i]
        b = g.copy() if b is None else self.momentum * b + g
        self.buffers[i] = b
        d = g + self.momentum * b if self.nesterov else b
        return self.lr * d


class RMSprop(Optimizer):
    """s ← αs + (1 − α)g²;  θ ← θ − lr·g / (√s + ε)  (Tieleman and Hinton, 2012)."""

    def __init__(self, params: Iterable[np.ndarray], lr: float = 0.01, *, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0.0):
        super().__init__(params, lr, weight_decay=weight_decay)
        self.alpha = checks.real("alpha", alpha, minimum=0.0, maximum=1.0, high_open=True)
        self.eps = checks.real("eps", eps, minimum=0.0)
        self.square_avg = [np.zeros_like(p) for p in self.params]

    def _update(self, i, p, g):
        s = self.square_avg[i]
        s *= self.alpha
        s += (1.0 - self.alpha) * g * g
        return self.lr * g / (np.sqrt(s) + self.eps)


class Adam(Optimizer):
    """m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  θ ← θ − lr·m̂ / (√v̂ + ε), with the bias
    corrections m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ) (Kingma and Ba, 2015)."""

    def __init__(self, params: Iterable[np.ndarray], lr: float = 0.001, *,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0):
        super().__init__(params, lr, weight_decay=weight_decay)
        beta1, beta2 = (checks.real(f"betas[{i}]", b, minimum=0.0, maximum=1.0, high_open=True)
                        for i, b in enumerate(checks.sequence("betas", betas, length=2)))
        self.betas = (beta1, beta2)
        self.eps = checks.real("eps", eps, minimum=0.0)
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]

    def _update(self, i, p, g):
        beta1, beta2 = self.betas
        m, v = self.m[i], self.v[i]
        m += (1.0 - beta1) * (g - m)  # = β₁m + (1 − β₁)g, written as torch's lerp
        v *= beta2
        v += (1.0 - beta2) * g * g
        # the same algebraic arrangement as torch.optim.Adam, for agreement to the last digits
        step_size = self.lr / (1.0 - beta1**self.t)
        denom = np.sqrt(v) / np.sqrt(1.0 - beta2**self.t) + self.eps
        return step_size * m / denom
