"""Learning-rate schedules as multipliers of the base lr: step decay, cosine, linear warm-up.

Each function maps the step index t (0, 1, ...) to a factor, so ``lr_t = lr * schedule(t)``,
the convention of ``torch.optim.lr_scheduler.LambdaLR``.
"""

from __future__ import annotations

import math

__all__ = ["step_decay", "cosine", "warmup_cosine"]


def _check_int(name, v, lo):
    if isinstance(v, bool) or not isinstance(v, int) or v < lo:
        raise ValueError(f"{name} must be an int >= {lo}, got {v!r}")


def step_decay(step_size: int, gamma: float = 0.1):
    """Multiply the lr by ``gamma`` every ``step_size`` steps (torch's StepLR)."""
    _check_int("step_size", step_size, 1)
    if not 0.0 < gamma <= 1.0:
        raise ValueError(f"gamma must be in (0, 1], got {gamma!r}")
    return lambda t: gamma ** (t // step_size)


def cosine(total: int, min_factor: float = 0.0):
    """Half a cosine from 1 down to ``min_factor`` over ``total`` steps (torch's CosineAnnealingLR
    with T_max=total), then flat."""
    _check_int("total", total, 1)
    if not 0.0 <= min_factor <= 1.0:
        raise ValueError(f"min_factor must be in [0, 1], got {min_factor!r}")
    return lambda t: min_factor + (1 - min_factor) * 0.5 * (1 + math.cos(math.pi * min(t, total)
                                                                          / total))


def warmup_cosine(warmup: int, total: int, min_factor: float = 0.0):
    """Linear warm-up from 1/warmup to 1 over ``warmup`` steps, then cosine decay to ``total``."""
    _check_int("warmup", warmup, 0)
    _check_int("total", total, 1)
    if warmup >= total:
        raise ValueError(f"warmup must be < total, got warmup={warmup}, total={total}")
    decay = cosine(total - warmup, min_factor)
    return lambda t: (t + 1) / warmup if t < warmup else decay(t - warmup)
