"""A small Transformer encoder: positional encoding, block, config dataclass and tiny models.

Post-norm blocks as in Vaswani et al. (2017): x ← LayerNorm(x + MultiHead(x)), then
x ← LayerNorm(x + FFN(x)) with FFN(x) = ReLU(x W₁ + b₁) W₂ + b₂, position by position.
Every forward returns the attention weights of every layer, for the chapter's heatmaps.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from lmvis.attention import MultiHeadAttention

__all__ = [
    "FeedForward",
    "SequenceClassifier",
    "TinyTransformer",
    "TransformerBlock",
    "TransformerConfig",
    "sinusoidal_positional_encoding",
]


def sinusoidal_positional_encoding(n_positions: int, d_model: int, base: float = 10000.0):
    """(n_positions, d_model) float64 tensor.

    PE[p, 2i] = sin(p / base^(2i/d)), PE[p, 2i+1] = cos(p / base^(2i/d)) (Vaswani et al., 2017).
    """
    for name, n in (("n_positions", n_positions), ("d_model", d_model)):
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"{name} must be a positive int, got {n!r}")
    if not base > 1:
        raise ValueError(f"base must be > 1, got {base!r}")
    pos = torch.arange(n_positions, dtype=torch.float64)[:, None]  # (T, 1)
    two_i = torch.arange(0, d_model, 2, dtype=torch.float64)  # (ceil(d/2),)
    angle = pos / base ** (two_i / d_model)  # (T, ceil(d/2))
    pe = torch.zeros(n_positions, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle[:, : d_model // 2])
    return pe


class FeedForward(nn.Module):
    """Position-wise FFN: Linear(d_model, d_ff) → ReLU → Linear(d_ff, d_model).

    No gate and no concatenation: the same two layers act on each position separately.
    """

    def __init__(self, d_model: int, d_ff: int):
        super().__init__()
        self.linear1 = nn.Linear(d_model, d_ff)
        self.linear2 = nn.Linear(d_ff, d_model)

    def forward(self, x):  # (B, T, d_model) -> (B, T, d_model)
        return self.linear2(torch.relu(self.linear1(x)))


class TransformerBlock(nn.Module):
    """Self-attention and FFN sub-layers, each wrapped as LayerNorm(x + sublayer(x))."""

    def __init__(self, d_model: int, n_heads: int, d_ff: int):
        super().__init__()
        self.attn = MultiHeadAttention(d_model, n_heads)
        self.norm1 = nn.LayerNorm(d_model)
        self.ffn = FeedForward(d_model, d_ff)
        self.norm2 = nn.LayerNorm(d_model)

    def forward(self, x, mask=None):
        """x (B, T, d_model), mask True = may attend
        -> (x (B, T, d_model), weights (B, h, T, T))."""
        a, weights = self.attn(x, mask=mask)
        x = self.norm1(x + a)  # residual addition, then layer norm
        x = self.norm2(x + self.ffn(x))
        return x, weights


@dataclass(frozen=True)
class TransformerConfig:
    """Sizes of a tiny Transformer encoder (names as in Vaswani et al., 2017)."""

    vocab_size: int = 10
    max_len: int = 16
    d_model: int = 32
    n_heads: int = 2
    n_layers: int = 2
    d_ff: int = 64
    n_outputs: int = 10  # classes per position (TinyTransformer) or per sequence (classifier)

    def __post_init__(self):
        names = ("vocab_size", "max_len", "d_model", "n_heads", "n_layers", "d_ff", "n_outputs")
        for name in names:
            v = getattr(self, name)
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                raise ValueError(f"{name} must be a positive int, got {v!r}")
        if self.d_model % self.n_heads:
            raise ValueError(
                f"d_model ({self.d_model}) must be divisible by n_heads ({self.n_heads})"
            )


class _Encoder(nn.Module):
    """Token embedding + sinusoidal positions, then n_layers blocks.

    No √d_model scale on the embedding: with nn.Embedding's N(0, 1) initialisation it would
    drown the positions (tried: the reversal task then does not learn at all).
    """

    def __init__(self, config: TransformerConfig):
        super().__init__()
        if not isinstance(config, TransformerConfig):
            raise TypeError(f"config must be a TransformerConfig, got {type(config).__name__}")
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.d_model)
        pe = sinusoidal_positional_encoding(config.max_len, config.d_model)
        self.register_buffer("pe", pe.float(), persistent=False)
        self.blocks = nn.ModuleList(
            TransformerBlock(config.d_model, config.n_heads, config.d_ff)
            for _ in range(config.n_layers)
        )

    def encode(self, tokens, mask=None):
        """tokens (B, T) int64 -> (hidden (B, T, d_model), [weights (B, h, T, T)] per layer)."""
        c = self.config
        if not isinstance(tokens, torch.Tensor) or tokens.dtype != torch.long or tokens.dim() != 2:
            is_t = isinstance(tokens, torch.Tensor)
            got = (tokens.dtype, tuple(tokens.shape)) if is_t else tokens
            raise ValueError(f"tokens must be an int64 tensor shaped (batch, length), got {got}")
        T = tokens.shape[1]
        if T > c.max_len:
            raise ValueError(f"sequence length {T} exceeds config.max_len = {c.max_len}")
        if tokens.numel() and (tokens.min() < 0 or tokens.max() >= c.vocab_size):
            raise ValueError(f"token ids must lie in [0, {c.vocab_size}), got "
                             f"[{int(tokens.min())}, {int(tokens.max())}]")
        x = self.embed(tokens) + self.pe[:T].to(self.embed.weight.dtype)
        all_weights = []
        for block in self.blocks:
            x, w = block(x, mask)  # (B, T, d_model), (B, h, T, T)
            all_weights.append(w)
        return x, all_weights


class TinyTransformer(_Encoder):
    """Encoder with a per-position output head: logits (B, T, n_outputs) for seq-to-seq tasks
    of equal length (reverse the digits, sort them)."""

    def __init__(self, config: TransformerConfig):
        super().__init__(config)
        self.head = nn.Linear(config.d_model, config.n_outputs)

    def forward(self, tokens, mask=None):
        x, weights = self.encode(tokens, mask)
        return self.head(x), weights  # (B, T, n_outputs), [(B, h, T, T)] * n_layers


class SequenceClassifier(_Encoder):
    """Encoder, mean pooling over the non-padding positions, then a linear head: one label per
    sequence (what document 002's listing meant to be)."""

    def __init__(self, config: TransformerConfig):
        super().__init__(config)
        self.head = nn.Linear(config.d_model, config.n_outputs)

    def forward(self, tokens, padding_mask=None):
        """padding_mask (B, T) bool, True = real token; None = no padding.

        Returns (logits (B, n_outputs), [weights (B, h, T, T)] per layer).
        """
        if padding_mask is None:
            padding_mask = torch.ones_like(tokens, dtype=torch.bool)
        if padding_mask.shape != tokens.shape or padding_mask.dtype != torch.bool:
            raise ValueError(
                f"padding_mask must be bool shaped like tokens {tuple(tokens.shape)}, "
                f"got {padding_mask.dtype} {tuple(padding_mask.shape)}"
            )
        x, weights = self.encode(tokens, padding_mask[:, None, None, :])  # keys: (B, 1, 1, T)
        m = padding_mask[..., None].to(x.dtype)  # (B, T, 1)
        pooled = (x * m).sum(1) / m.sum(1).clamp(min=1)  # (B, d_model)
        return self.head(pooled), weights
