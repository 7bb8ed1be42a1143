"""A multi-armed bandit and an ε-greedy agent: learning from reward alone."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from lmvis import checks


@dataclass
class BanditRun:
    """What one run of the agent produced, step by step."""

    actions: np.ndarray  # (steps,) arm pulled at each step
    rewards: np.ndarray  # (steps,) reward received
    estimates: np.ndarray  # (steps, n_arms) the agent's value estimates after each step
    best_arm: int

    def __post_init__(self):
        self.estimates = checks.array("estimates", self.estimates, ndim=2)
        steps, n_arms = self.estimates.shape
        self.actions = checks.array("actions (one per row of estimates)", self.actions,
                                    shape=(steps,), kind="int", minimum=0, maximum=n_arms - 1)
        self.rewards = checks.array("rewards (one per row of estimates)", self.rewards,
                                    shape=(steps,))
        self.best_arm = checks.integer("best_arm", self.best_arm, minimum=0,
                                       maximum=n_arms - 1)


def run_epsilon_greedy(true_means: ArrayLike, steps: int = 1000, epsilon: float = 0.1,
                       seed: int = 0) -> BanditRun:
    """Play a Gaussian bandit (unit-variance rewards around ``true_means``) with ε-greedy.

    With probability ε the agent explores (a random arm); otherwise it exploits the arm with
    the highest estimated value. Estimates are incremental sample means (Sutton and Barto,
    2018, section 2.4): Q ← Q + (r − Q) / N.
    """
    means = checks.array("true_means", true_means, ndim=1)
    checks.integer("number of arms in true_means", means.size, minimum=2)
    steps = checks.integer("steps", steps, minimum=1)
    epsilon = checks.real("epsilon", epsilon, minimum=0.0, maximum=1.0)
    rng = np.random.default_rng(checks.integer("seed", seed, minimum=0))
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
