"""The KV cache: generation that keeps every layer's keys and values instead of recomputing them.

A GPT predicts token t + 1 from tokens 1..t. Recomputing the whole prefix for every new token
costs O(t) projections per step; but the keys and values of past positions never change (the
mask stops them from seeing the future), so generation keeps them: the **KV cache** (KV 缓存).
Each step then projects only the new token and attends over the cache. The price is memory:
2 × n_layers × d_model numbers per token (:func:`lmvis.scale.kv_cache_bytes`).

:func:`prefill` runs chapter 9's :class:`~lmvis.gpt.GPT` on a prompt and captures the keys and
values its own layers compute (forward hooks on W_K and W_V), and :func:`decode_step` extends
the cache by one token with the same layers, so its logits equal a full forward pass.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import torch

from lmvis import checks

if TYPE_CHECKING:
    from lmvis.attention import MultiHeadAttention
    from lmvis.gpt import GPT

__all__ = ["cache_bytes", "decode_step", "prefill"]

#: One (K, V) pair per layer, each (batch, positions, d_model).
Cache = list[tuple[torch.Tensor, torch.Tensor]]


def _check_model(model: GPT) -> GPT:
    from lmvis.gpt import GPT

    return checks.instance("model", model, GPT)


def _check_cache(cache: Cache, n_layers: int | None = None) -> Cache:
    """A list of (K, V) pairs of float tensors, all (batch, positions, d_model) alike."""
    if not isinstance(cache, list) or not cache or (n_layers is not None
                                                    and len(cache) != n_layers):
        want = f"{n_layers} " if n_layers is not None else ""
        raise ValueError(f"cache must be a list of {want}(K, V) pairs, as prefill returns it, "
                         f"got {type(cache).__name__}")
    shape = None
    for i, pair in enumerate(cache):
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise ValueError(f"cache[{i}] must be a (K, V) pair, got {type(pair).__name__}")
        for t in pair:
            checks.tensor(f"cache[{i}]", t, ndim=3)
            shape = tuple(t.shape) if shape is None else shape
            if tuple(t.shape) != shape:
                raise ValueError(f"cache[{i}] holds a tensor of shape {tuple(t.shape)}; every "
                                 f"K and V must be {shape}")
    return cache


@torch.no_grad()
def prefill(model: GPT, idx: torch.Tensor) -> tuple[torch.Tensor, Cache]:
    """Run ``model`` on ``idx`` (B, T) and keep what generation needs.

    Returns (logits of the last position (B, V), cache): the cache is one (K, V) pair per layer,
    each (B, T, d_model), taken from the model's own W_K and W_V outputs during the pass.
    """
    model = _check_model(model)
    checks.token_ids("idx", idx, model.config.vocab_size, ndim=2, nonempty=True)
    if idx.shape[1] > model.config.context:
        raise ValueError(f"idx must have at most context={model.config.context} positions, got "
                         f"{idx.shape[1]}")
    cache: list[list] = [[None, None] for _ in model.blocks]
    hooks = []
    for layer, block in enumerate(model.blocks):
        for slot, lin in ((0, block.attn.W_k), (1, block.attn.W_v)):
            def keep(module, inputs, output, layer=layer, slot=slot):
                cache[layer][slot] = output.detach().clone()  # (B, T, d_model)
            hooks.append(lin.register_forward_hook(keep))
    try:
        logits, _ = model(idx)  # (B, T, V)
    finally:
        for h in hooks:
            h.remove()
    return logits[:, -1], [tuple(kv) for kv in cache]


@torch.no_grad()
def decode_step(model: GPT, cache: Cache, token: torch.Tensor) -> tuple[torch.Tensor, Cache]:
    """Feed one new token per sequence, ``token`` (B,), at the position after the cache.

    Projects only that token in each layer, appends its key and value to the cache, and attends
    over all cached positions (all in the past, so no mask is needed). Returns (logits (B, V),
    the extended cache).
    """
    model = _check_model(model)
    _check_cache(cache, len(model.blocks))
    checks.token_ids("token", token, model.config.vocab_size, ndim=1, nonempty=True)
    if cache[0][0].shape[2] != model.config.d_model:
        raise ValueError(f"cache must hold vectors of d_model={model.config.d_model}, got "
                         f"{cache[0][0].shape[2]}")
    t = cache[0][0].shape[1]  # positions already cached
    if t >= model.config.context:
        raise ValueError(f"the cache holds {t} positions; the model reads at most "
                         f"context={model.config.context}")
    if len(token) != cache[0][0].shape[0]:
        raise ValueError(f"token has {len(token)} entries for a cache of batch "
                         f"{cache[0][0].shape[0]}")
    return _decode(model, cache, token)


def _decode(model: GPT, cache: Cache, token: torch.Tensor) -> tuple[torch.Tensor, Cache]:
    """:func:`decode_step` on checked arguments: each layer's own residual steps and attention
    (PreLNBlock._residual, MultiHeadAttention._attend), over the cache."""
    t = cache[0][0].shape[1]  # positions already cached
    x = (model.tok(token) + model.pos.weight[t])[:, None]  # (B, 1, d_model)
    new_cache: Cache = []
    for block, (K, V) in zip(model.blocks, cache, strict=True):
        x, _ = block._residual(x, functools.partial(_attend_cached, block.attn, K, V,
                                                    new_cache))
    return model.head(model.norm(x))[:, 0], new_cache


def _attend_cached(attn: MultiHeadAttention, K: torch.Tensor, V: torch.Tensor,
                   new_cache: Cache, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The new token's LN₁ output ``h`` (B, 1, d_model) projected once: its key and value join
    the cache (appended to ``new_cache``), its query attends to every cached position (all in
    the past, so no mask)."""
    K = torch.cat([K, attn.W_k(h)], dim=1)  # (B, t + 1, d_model)
    V = torch.cat([V, attn.W_v(h)], dim=1)
    new_cache.append((K, V))
    return attn._attend(attn.W_q(h), K, V)


def cache_bytes(cache: Cache) -> int:
    """Bytes held by the cache's tensors."""
    return sum(K.nbytes + V.nbytes for K, V in _check_cache(cache))
