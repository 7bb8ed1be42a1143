"""Character n-gram language models, the baselines of chapter 9: counted, then smoothed.

A unigram model predicts each token from its frequency alone, P(x_t); a bigram model from the
token before it, P(x_t | x_{t-1}) = (c(x_{t-1}, x_t) + α) / (c(x_{t-1}) + α V): add-α
(Lidstone) smoothing, so that a pair never seen in training still gets a small probability
instead of an infinite loss. Both are scored like the GPT: the mean negative log-likelihood of
ids[1:] in nats per token, and its exponential, the perplexity.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
from numpy.typing import ArrayLike

from lmvis import checks
from lmvis.sampling import _check_exclude, sample_next

__all__ = ["NGram"]


def _ids(name: str, ids: ArrayLike, vocab_size: int, min_len: int) -> np.ndarray:
    arr = checks.array(name, ids, ndim=1, kind="int", nonempty=False)
    if len(arr) < min_len:
        raise ValueError(f"{name} must hold at least {min_len} ids, got {len(arr)}")
    if len(arr) and (arr.min() < 0 or arr.max() >= vocab_size):
        raise ValueError(f"{name} must lie in [0, {vocab_size}), got [{arr.min()}, {arr.max()}]")
    return arr.astype(np.int64)


class NGram:
    """A unigram (``order=1``) or bigram (``order=2``) model over ``vocab_size`` token ids."""

    def __init__(self, order: int, vocab_size: int, alpha: float = 1.0):
        self.order = checks.integer("order", order, minimum=1, maximum=2)
        self.vocab_size = checks.integer("vocab_size", vocab_size, minimum=1)
        self.alpha = checks.real("alpha", alpha, minimum=0, low_open=True)
        self.counts: np.ndarray | None = None

    def __repr__(self) -> str:
        return f"NGram(order={self.order}, vocab_size={self.vocab_size}, alpha={self.alpha:g})"

    def fit(self, ids: ArrayLike) -> NGram:
        """Count the tokens (unigram) or adjacent pairs (bigram) of the training ids."""
        V = self.vocab_size
        arr = _ids("ids", ids, V, self.order)
        if self.order == 1:
            self.counts = np.bincount(arr, minlength=V)  # (V,)
        else:
            pairs = arr[:-1] * V + arr[1:]  # pair (a, b) as one number a V + b
            self.counts = np.bincount(pairs, minlength=V * V).reshape(V, V)  # (V, V): [a, b]
        return self

    def _fitted(self) -> np.ndarray:
        if self.counts is None:
            raise RuntimeError("call fit(ids) before using the model")
        return self.counts

    def probs(self) -> np.ndarray:
        """Smoothed probabilities, float64: (V,) for a unigram, (V, V) rows P(· | a) for a
        bigram."""
        c = self._fitted() + self.alpha
        return c / c.sum(-1, keepdims=True)

    def log_probs(self, ids: ArrayLike) -> np.ndarray:
        """log P(ids[t] | ids[t-1]) (bigram) or log P(ids[t]) (unigram) for t = 1, 2, ...:
        shape (n - 1,)."""
        arr = _ids("ids", ids, self.vocab_size, 2)
        logp = np.log(self.probs())
        return logp[arr[1:]] if self.order == 1 else logp[arr[:-1], arr[1:]]

    def nll(self, ids: ArrayLike) -> float:
        """Mean negative log-likelihood of ids[1:], in nats per token."""
        return float(-self.log_probs(ids).mean())

    def perplexity(self, ids: ArrayLike) -> float:
        """exp(nll): the number of equally likely choices that would be as surprising."""
        return math.exp(self.nll(ids))

    def generate(self, start: int, n_tokens: int, generator: torch.Generator | None = None,
                 stop: int | None = None, *, exclude: Sequence[int] = ()) -> list[int]:
        """``start`` followed by up to ``n_tokens`` sampled ids, ending early after ``stop``;
        ids in ``exclude`` (e.g. ``<unk>``) are never drawn."""
        V = self.vocab_size
        if generator is not None:
            checks.instance("generator", generator, torch.Generator)
        start = checks.integer("start", start, minimum=0, maximum=V - 1)
        n_tokens = checks.integer("n_tokens", n_tokens, minimum=0)
        if stop is not None:
            stop = checks.integer("stop", stop, minimum=0, maximum=V - 1)
        exclude = _check_exclude(exclude, V)
        p = torch.from_numpy(self.probs())
        if exclude:
            p = p.clone()
            p[..., exclude] = 0.0
        out = [start]
        for _ in range(n_tokens):
            row = p if self.order == 1 else p[out[-1]]
            out.append(int(sample_next(row, generator)))
            if out[-1] == stop:
                break
        return out
