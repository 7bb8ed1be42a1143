"""Learning-rate schedules as multipliers of the base lr: step decay, cosine, linear warm-up.

Each function maps the step index t (0, 1, ...) to a factor, so ``lr_t = lr * schedule(t)``,
the convention of ``torch.optim.lr_scheduler.LambdaLR``. A negative step index is refused:
there is no step −1 (a cosine would otherwise silently give a factor above its start).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from lmvis import checks

__all__ = ["step_decay", "cosine", "warmup_cosine"]


def _step(t: int) -> int:
    return checks.integer("t (the step index)", t, minimum=0)


def step_decay(step_size: int, gamma: float = 0.1) -> Callable[[int], float]:
    """Multiply the lr by ``gamma`` every ``step_size`` steps (torch's StepLR)."""
    step_size = checks.integer("step_size", step_size, minimum=1)
    gamma = checks.real("gamma", gamma, minimum=0.0, maximum=1.0, low_open=True)

    def factor(t: int) -> float:
        return gamma ** (_step(t) // step_size)

    return factor


def cosine(total: int, min_factor: float = 0.0) -> Callable[[int], float]:
    """Half a cosine from 1 down to ``min_factor`` over ``total`` steps (torch's CosineAnnealingLR
    with T_max=total), then flat."""
    total = checks.integer("total", total, minimum=1)
    min_factor = checks.real("min_factor", min_factor, minimum=0.0, maximum=1.0)

    def factor(t: int) -> float:
        return min_factor + (1 - min_factor) * 0.5 * (1 + math.cos(math.pi * min(_step(t), total)
                                                                   / total))

    return factor


def warmup_cosine(warmup: int, total: int, min_factor: float = 0.0) -> Callable[[int], float]:
    """Linear warm-up from 1/warmup to 1 over ``warmup`` steps, then cosine decay to ``total``."""
    warmup = checks.integer("warmup", warmup, minimum=0)
    total = checks.integer(f"total (more than warmup = {warmup})", total, minimum=warmup + 1)
    decay = cosine(total - warmup, min_factor)

    def factor(t: int) -> float:
        t = _step(t)
        return (t + 1) / warmup if t < warmup else decay(t - warmup)

    return factor
