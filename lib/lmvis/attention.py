"""Scaled dot-product attention and multi-head attention, returning their weights.

Attention(Q, K, V) = softmax(Q Kᵀ / √d_k) V  (Vaswani et al., 2017, eq. 1). Masks follow
``torch.nn.functional.scaled_dot_product_attention``: a boolean mask with True meaning
"this query may attend to this key". The functions return the weights as well as the
output, because the chapter draws them.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from lmvis import checks

__all__ = ["MultiHeadAttention", "causal_mask", "scaled_dot_product_attention"]


def scaled_dot_product_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                                 mask: torch.Tensor | None = None
                                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """softmax(q kᵀ / √d_k) v with its weights.

    q: (..., L, d_k), k: (..., S, d_k), v: (..., S, d_v); mask: bool, broadcastable to
    (..., L, S), True = may attend. Returns (output (..., L, d_v), weights (..., L, S)).
    A query whose whole row is masked gets weights 0 and output 0 (not NaN).
    """
    for name, t in (("q", q), ("k", k), ("v", v)):
        checks.tensor(name, t, min_ndim=2, finite=True)
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(
            f"q and k must share the last dimension d_k, "
            f"got q {tuple(q.shape)} and k {tuple(k.shape)}"
        )
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(
            "k and v must have the same number of positions S (dimension -2), "
            f"got k {tuple(k.shape)} and v {tuple(v.shape)}"
        )
    if not (q.dtype == k.dtype == v.dtype):
        raise TypeError(f"q, k, v must share a dtype, got {q.dtype}, {k.dtype}, {v.dtype}")
    if mask is not None:
        batch = torch.broadcast_shapes(q.shape[:-2], k.shape[:-2])
        _check_mask(mask, torch.Size([*batch, q.shape[-2], k.shape[-2]]))
    return _attention(q, k, v, mask)


def _check_mask(mask: torch.Tensor, scores_shape: torch.Size) -> None:
    """``mask`` must be boolean and broadcast to the scores' shape (..., L, S)."""
    checks.tensor("mask (True = may attend)", mask, kind="bool")
    try:
        shape = torch.broadcast_shapes(mask.shape, scores_shape)
    except RuntimeError:
        shape = None
    if shape != scores_shape:
        raise ValueError(
            f"mask of shape {tuple(mask.shape)} does not broadcast to the scores' shape "
            f"(..., L, S) = {tuple(scores_shape)}"
        )


def _attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
               mask: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """:func:`scaled_dot_product_attention` on checked arguments: a layer checks its inputs
    once, not its projections again on every call."""
    d_k = q.shape[-1]
    scores = q @ k.transpose(-2, -1) / math.sqrt(d_k)  # (..., L, S)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)  # (..., L, S); rows sum to 1
    if mask is not None:
        # A fully masked row is all -inf, and softmax gives NaN: define it as "attend to nothing".
        weights = torch.where(mask.any(dim=-1, keepdim=True), weights, torch.zeros_like(weights))
    return weights @ v, weights  # (..., L, d_v), (..., L, S)


def causal_mask(L: int, S: int | None = None, device: str | torch.device | None = None
                ) -> torch.Tensor:
    """Boolean (L, S) mask, True on and below the diagonal: query i may attend to keys j ≤ i."""
    L = checks.integer("L", L, minimum=1)
    S = L if S is None else checks.integer("S", S, minimum=1)
    return torch.ones(L, S, dtype=torch.bool, device=checks.device("device", device)).tril()


class MultiHeadAttention(nn.Module):
    """n_heads attentions in parallel on d_k = d_model / n_heads slices, concatenated, projected.

    MultiHead(Q, K, V) = Concat(head_1, ..., head_h) W_O with head_i = Attention(Q W_Q_i,
    K W_K_i, V W_V_i) (Vaswani et al., 2017, §3.2.2).
    """

    def __init__(self, d_model: int, n_heads: int, bias: bool = True):
        super().__init__()
        d_model = checks.integer("d_model", d_model, minimum=1)
        n_heads = checks.integer("n_heads", n_heads, minimum=1)
        bias = checks.boolean("bias", bias)
        if d_model % n_heads:
            raise ValueError(f"d_model ({d_model}) must be divisible by n_heads ({n_heads})")
        self.d_model, self.n_heads, self.d_k = d_model, n_heads, d_model // n_heads
        self.W_q = nn.Linear(d_model, d_model, bias=bias)
        self.W_k = nn.Linear(d_model, d_model, bias=bias)
        self.W_v = nn.Linear(d_model, d_model, bias=bias)
        self.W_o = nn.Linear(d_model, d_model, bias=bias)

    def split_heads(self, x: torch.Tensor) -> torch.Tensor:
        """(B, T, d_model) -> (B, n_heads, T, d_k): head i gets columns i·d_k to (i+1)·d_k − 1."""
        x = checks.tensor(f"x (batch, length, d_model={self.d_model})", x,
                          shape=(None, None, self.d_model))
        return self._split(x)

    def merge_heads(self, x: torch.Tensor) -> torch.Tensor:
        """(B, n_heads, T, d_k) -> (B, T, d_model): the heads concatenated, undoing split_heads."""
        x = checks.tensor(f"x (batch, n_heads={self.n_heads}, length, d_k={self.d_k})", x,
                          shape=(None, self.n_heads, None, self.d_k))
        return self._merge(x)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        """:meth:`split_heads` on a checked x (the attention's hot path checks once, upstream)."""
        B, T, _ = x.shape
        return x.reshape(B, T, self.n_heads, self.d_k).transpose(1, 2)  # (B, h, T, d_k)

    def _merge(self, x: torch.Tensor) -> torch.Tensor:
        """:meth:`merge_heads` on a checked x."""
        B, _, T, _ = x.shape
        return x.transpose(1, 2).reshape(B, T, self.d_model)  # (B, T, h, d_k) -> (B, T, d_model)

    def forward(self, query: torch.Tensor, key: torch.Tensor | None = None,
                value: torch.Tensor | None = None, mask: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """query (B, L, d_model), key/value (B, S, d_model) (default: query, i.e. self-attention).

        mask: bool broadcastable to (B, n_heads, L, S), True = may attend; an (L, S) or
        (B, 1, L, S) mask is typical. Returns (output (B, L, d_model), weights (B, n_heads, L, S)).
        """
        key = query if key is None else key
        value = key if value is None else value
        for name, t in (("query", query), ("key", key), ("value", value)):
            if name == "query" or (t is not query and (name == "key" or t is not key)):
                checks.tensor(f"{name} (batch, length, d_model={self.d_model})", t,
                              shape=(None, None, self.d_model), finite=True)  # once per tensor
        if key.shape[:2] != value.shape[:2] or key.shape[0] != query.shape[0]:
            raise ValueError(
                f"batch sizes and key/value lengths must agree, got query {tuple(query.shape)}, "
                f"key {tuple(key.shape)}, value {tuple(value.shape)}"
            )
        if mask is not None:
            _check_mask(mask, torch.Size([query.shape[0], self.n_heads, query.shape[1],
                                          key.shape[1]]))
        return self._attend(self.W_q(query), self.W_k(key), self.W_v(value), mask)

    def _attend(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                mask: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """The heads' attention on projected, checked queries q (B, L, d_model) and keys and
        values k, v (B, S, d_model), concatenated and projected by W_O: (output, weights).
        :meth:`forward` and the KV caches (:mod:`lmvis.kvcache`, :meth:`lmvis.gpt.GPT.generate`)
        share it."""
        q, k, v = (self._split(z) for z in (q, k, v))  # (B, h, L or S, d_k)
        out, weights = _attention(q, k, v, mask)  # (B, h, L, d_k), (B, h, L, S)
        return self.W_o(self._merge(out)), weights  # heads concatenated: (B, L, d_model)

    @classmethod
    def from_torch(cls, m: nn.MultiheadAttention) -> MultiHeadAttention:
        """A copy of ``torch.nn.MultiheadAttention(batch_first=True)``'s weights in this class."""
        checks.instance("m", m, nn.MultiheadAttention)
        if not m.batch_first:
            raise ValueError("m must be built with batch_first=True, got batch_first=False")
        if not m._qkv_same_embed_dim or m.bias_k is not None:
            raise ValueError("m must have the default projections (kdim = vdim = embed_dim, "
                             f"no add_bias_kv), got kdim={m.kdim}, vdim={m.vdim}, "
                             f"add_bias_kv={m.bias_k is not None}")
        bias = m.in_proj_bias is not None
        new = cls(m.embed_dim, m.num_heads, bias=bias).to(m.in_proj_weight.dtype)
        with torch.no_grad():
            for lin, w in zip((new.W_q, new.W_k, new.W_v), m.in_proj_weight.chunk(3), strict=True):
                lin.weight.copy_(w)
            new.W_o.weight.copy_(m.out_proj.weight)
            if bias:
                biases = m.in_proj_bias.chunk(3)
                for lin, b in zip((new.W_q, new.W_k, new.W_v), biases, strict=True):
                    lin.bias.copy_(b)
                new.W_o.bias.copy_(m.out_proj.bias)
        return new
