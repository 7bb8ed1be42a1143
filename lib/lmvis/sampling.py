"""Choosing the next token from a model's scores: temperature, top-k, and one seeded draw.

Temperature τ divides the logits before the softmax (τ < 1 sharpens the distribution, τ > 1
flattens it); top-k keeps only the k highest-scoring tokens (k = 1 is greedy decoding); tokens
in ``exclude`` (such as ``<unk>``, which stands for every rare character at once and so could
never be written as one) get probability zero before either. The draw
is inverse-CDF sampling with one uniform number per row from a ``torch.Generator``, computed in
float64: the same generator state gives the same tokens, and a token can only change if the
probabilities move by as much as the distance of that uniform number from a CDF step.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from lmvis import checks

__all__ = ["next_token_probs", "sample_next"]


def _check_exclude(exclude: Sequence[int], vocab_size: int) -> list[int]:
    """``exclude`` as a list of distinct ids in [0, vocab_size), leaving at least one token."""
    ids = sorted(set(checks.integers("exclude", exclude, minimum=0, maximum=vocab_size - 1)))
    if len(ids) >= vocab_size:
        raise ValueError(f"exclude must leave at least one of the {vocab_size} tokens")
    return ids


def next_token_probs(logits: torch.Tensor, temperature: float = 1.0, top_k: int | None = None,
                     exclude: Sequence[int] = ()) -> torch.Tensor:
    """softmax(logits / temperature) over the last axis, restricted to the ``top_k`` largest of
    the tokens not in ``exclude``.

    logits: (..., V) float tensor. Returns float64 probabilities (..., V); tokens tied with the
    k-th largest logit are kept too, so the result does not depend on how ties are ordered.
    """
    checks.tensor("logits", logits, min_ndim=1, finite=True)
    temperature = checks.real("temperature", temperature, minimum=0, low_open=True)
    exclude = _check_exclude(exclude, logits.shape[-1])
    z = logits.to(torch.float64) / temperature  # (..., V)
    if exclude:
        z[..., exclude] = float("-inf")
    if top_k is not None:
        top_k = checks.integer("top_k", top_k, minimum=1)
        if top_k < z.shape[-1]:
            kth = torch.topk(z, top_k, dim=-1).values[..., -1:]  # (..., 1)
            z = z.masked_fill(z < kth, float("-inf"))
    return torch.softmax(z, dim=-1)


def sample_next(probs: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """One token id per row of ``probs`` (..., V) by inverse-CDF sampling, as a long tensor (...).

    Draws u ~ U[0, 1) per row from ``generator`` (torch's default one if None) and returns the
    first index whose cumulative probability exceeds u × total; zero-probability tokens are
    never chosen.
    """
    checks.tensor("probs", probs, min_ndim=1, finite=True)
    if generator is not None:
        checks.instance("generator", generator, torch.Generator)
    if bool((probs < 0).any()):
        raise ValueError("probs must be non-negative")
    cdf = probs.to(torch.float64).cumsum(-1)  # (..., V)
    total = cdf[..., -1:]  # (..., 1)
    if not bool((total > 0).all()):
        raise ValueError("every row of probs must have a positive sum")
    u = torch.rand(cdf.shape[:-1] + (1,), generator=generator, dtype=torch.float64)  # (..., 1)
    idx = torch.searchsorted(cdf.contiguous(), u * total, right=True)  # (..., 1)
    return idx.clamp(max=cdf.shape[-1] - 1).squeeze(-1)
