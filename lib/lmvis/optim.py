"""SGD (with momentum and Nesterov), RMSprop and Adam over lists of NumPy arrays.

Each optimizer follows the update rule *and defaults* of its ``torch.optim`` namesake, so that
the book can show they are the same algorithm (tests/test_optim.py compares them step for step
in float64). Parameters are updated in place by ``step(grads)``.
"""

from __future__ import annotations

import numpy as np


class Optimizer:
    """Holds the parameter arrays and checks the gradients handed to ``step``."""

    def __init__(self, params, lr: float, weight_decay: float = 0.0):
        params = list(params)
        if not params:
            raise ValueError("params must be a non-empty list of NumPy arrays, got an empty list")
        for i, p in enumerate(params):
            if not isinstance(p, np.ndarray) or not np.issubdtype(p.dtype, np.floating):
                raise TypeError(
                    f"params[{i}] must be a floating-point NumPy array (updated in place), "
                    f"got {type(p).__name__} with dtype {getattr(p, 'dtype', None)}"
                )
        if not (np.isfinite(lr) and lr >= 0):
            raise ValueError(f"lr must be a finite number >= 0, got {lr}")
        if not (np.isfinite(weight_decay) and weight_decay >= 0):
            raise ValueError(f"weight_decay must be a finite number >= 0, got {weight_decay}")
        self.params = params
        self.lr = float(lr)
        self.weight_decay = float(weight_decay)
        self.t = 0  # number of steps taken

    def _grads(self, grads):
        grads = list(grads)
        if len(grads) != len(self.params):
            raise ValueError(f"expected {len(self.params)} gradients (one per parameter), "
                             f"got {len(grads)}")
        out = []
        for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            g = np.asarray(g, dtype=p.dtype)
            if g.shape != p.shape:
                raise ValueError(f"grads[{i}] must have shape {p.shape} like params[{i}], "
                                 f"got {g.shape}")
            # L2 weight decay is added to the gradient, as torch.optim does (not AdamW's rule)
            out.append(g + self.weight_decay * p if self.weight_decay else g)
        return out

    def step(self, grads) -> None:
        self.t += 1
        for i, (p, g) in enumerate(zip(self.params, self._grads(grads), strict=True)):
            p -= self._update(i, p, g)

    def _update(self, i: int, p: np.ndarray, g: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class SGD(Optimizer):
    """θ ← θ − lr·d, with d = g, or with momentum b ← μb + g (b = g at the first step) and
    d = b, or Nesterov's d = g + μb (Sutskever et al., 2013, as in torch.optim.SGD)."""

    def __init__(self, params, lr: float, momentum: float = 0.0, nesterov: bool = False,
                 weight_decay: float = 0.0):
        super().__init__(params, lr, weight_decay)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        if nesterov and momentum == 0.0:
            raise ValueError("nesterov=True needs momentum > 0, got momentum=0.0")
        self.momentum, self.nesterov = float(momentum), bool(nesterov)
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

    def __init__(self, params, lr: float = 0.01, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0):
        super().__init__(params, lr, weight_decay)
        if not 0.0 <= alpha < 1.0:
            raise ValueError(f"alpha must be in [0, 1), got {alpha}")
        if not eps >= 0:
            raise ValueError(f"eps must be >= 0, got {eps}")
        self.alpha, self.eps = float(alpha), float(eps)
        self.square_avg = [np.zeros_like(p) for p in self.params]

    def _update(self, i, p, g):
        s = self.square_avg[i]
        s *= self.alpha
        s += (1.0 - self.alpha) * g * g
        return self.lr * g / (np.sqrt(s) + self.eps)


class Adam(Optimizer):
    """m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  θ ← θ − lr·m̂ / (√v̂ + ε), with the bias
    corrections m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ) (Kingma and Ba, 2015)."""

    def __init__(self, params, lr: float = 0.001, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0):
        super().__init__(params, lr, weight_decay)
        if len(betas) != 2 or not all(0.0 <= b < 1.0 for b in betas):
            raise ValueError(f"betas must be two numbers in [0, 1), got {betas}")
        if not eps >= 0:
            raise ValueError(f"eps must be >= 0, got {eps}")
        self.betas, self.eps = (float(betas[0]), float(betas[1])), float(eps)
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
