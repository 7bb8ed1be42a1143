"""A multi-armed bandit and an ε-greedy agent: learning from reward alone."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class BanditRun:
    """What one run of the agent produced, step by step."""

    actions: np.ndarray  # (steps,) arm pulled at each step
    rewards: np.ndarray  # (steps,) reward received
    estimates: np.ndarray  # (steps, n_arms) the agent's value estimates after each step
    best_arm: int


def run_epsilon_greedy(true_means, steps: int = 1000, epsilon: float = 0.1, seed: int = 0):
    """Play a Gaussian bandit (unit-variance rewards around ``true_means``) with ε-greedy.

    With probability ε the agent explores (a random arm); otherwise it exploits the arm with
    the highest estimated value. Estimates are incremental sample means (Sutton and Barto,
    2018, section 2.4): Q ← Q + (r − Q) / N.
    """
    means = np.asarray(true_means, dtype=float)
    if means.ndim != 1 or means.size < 2:
        raise ValueError(
            f"true_means must be a 1-D array of at least 2 arms, got shape {means.shape}"
        )
    if not 0.0 <= epsilon <= 1.0:
        raise ValueError(f"epsilon must be in [0, 1], got {epsilon}")
    if not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    rng = np.random.default_rng(seed)
    n_arms = means.size
    q = np.zeros(n_arms)
    counts = np.zeros(n_arms)
    actions = np.empty(steps, dtype=int)
    rewards = np.empty(steps)
    estimates = np.empty((steps, n_arms))
    for t in range(steps):
        if rng.random() < epsilon:
            a = int(rng.integers(n_arms))
        else:  # ties broken at random, so the untried arms all get a chance
            a = int(rng.choice(np.flatnonzero(q == q.max())))
        r = rng.normal(means[a], 1.0)
        counts[a] += 1
        q[a] += (r - q[a]) / counts[a]
        actions[t], rewards[t], estimates[t] = a, r, q
    return BanditRun(actions, rewards, estimates, int(means.argmax()))
