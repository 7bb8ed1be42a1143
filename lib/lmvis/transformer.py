"""A small Transformer encoder: positional encoding, block, config dataclass and tiny models.

Post-norm blocks as in Vaswani et al. (2017): x ← LayerNorm(x + MultiHead(x)), then
x ← LayerNorm(x + FFN(x)) with FFN(x) = ReLU(x W₁ + b₁) W₂ + b₂, position by position.
Every forward returns the attention weights of every layer, for the chapter's heatmaps.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from lmvis import checks
from lmvis.attention import MultiHeadAttention

__all__ = [
    "FeedForward",
    "SequenceClassifier",
    "TinyTransformer",
    "TransformerBlock",
    "TransformerConfig",
    "sinusoidal_positional_encoding",
]


def sinusoidal_positional_encoding(n_positions: int, d_model: int, base: float = 10000.0
                                   ) -> torch.Tensor:
    """(n_positions, d_model) float64 tensor.

    PE[p, 2i] = sin(p / base^(2i/d)), PE[p, 2i+1] = cos(p / base^(2i/d)) (Vaswani et al., 2017).
    """
    n_positions = checks.integer("n_positions", n_positions, minimum=1)
    d_model = checks.integer("d_model", d_model, minimum=1)
    base = checks.real("base", base, minimum=1.0, low_open=True)
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
        d_model = checks.integer("d_model", d_model, minimum=1)
        d_ff = checks.integer("d_ff", d_ff, minimum=1)
        self.linear1 = nn.Linear(d_model, d_ff)
        self.linear2 = nn.Linear(d_ff, d_model)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, T, d_model) -> (B, T, d_model)
        checks.tensor(f"x (batch, length, d_model={self.linear1.in_features})", x,
                      shape=(None, None, self.linear1.in_features))
        return self.linear2(torch.relu(self.linear1(x)))


class TransformerBlock(nn.Module):
    """Self-attention and FFN sub-layers, each wrapped as LayerNorm(x + sublayer(x))."""

    def __init__(self, d_model: int, n_heads: int, d_ff: int):
        super().__init__()
        self.attn = MultiHeadAttention(d_model, n_heads)
        self.norm1 = nn.LayerNorm(d_model)
        self.ffn = FeedForward(d_model, d_ff)
        self.norm2 = nn.LayerNorm(d_model)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """x (B, T, d_model), mask True = may attend
        -> (x (B, T, d_model), weights (B, h, T, T))."""
        checks.tensor(f"x (batch, length, d_model={self.attn.d_model})", x,
                      shape=(None, None, self.attn.d_model), finite=True)
        a, weights = self.attn(x, mask=mask)
        x = self.norm1(x + a)  # residual addition, then layer norm
        x = self.norm2(x + self.ffn(x))
        return x, weights


@dataclass(frozen=True, kw_only=True)
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
            object.__setattr__(self, name, checks.integer(name, getattr(self, name), minimum=1))
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
        checks.instance("config", config, TransformerConfig)
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.d_model)
        pe = sinusoidal_positional_encoding(config.max_len, config.d_model)
        self.register_buffer("pe", pe.float(), persistent=False)
        self.blocks = nn.ModuleList(
            TransformerBlock(config.d_model, config.n_heads, config.d_ff)
            for _ in range(config.n_layers)
        )

    def encode(self, tokens: torch.Tensor, mask: torch.Tensor | None = None
               ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """tokens (B, T) integers -> (hidden (B, T, d_model), [weights (B, h, T, T)] per layer)."""
        c = self.config
        checks.tensor("tokens (batch, length)", tokens, ndim=2, kind="int")
        T = tokens.shape[1]
        checks.integer(f"the length of tokens (at most config.max_len = {c.max_len})", T,
                       minimum=1, maximum=c.max_len)
        if tokens.numel() and (tokens.min() < 0 or tokens.max() >= c.vocab_size):
            raise ValueError(f"tokens (token ids) must lie in [0, {c.vocab_size}), got "
                             f"[{int(tokens.min())}, {int(tokens.max())}]")
        tokens = tokens.long()
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

    def forward(self, tokens: torch.Tensor, mask: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """tokens (B, T), mask True = may attend -> (logits (B, T, n_outputs), weights)."""
        x, weights = self.encode(tokens, mask)
        return self.head(x), weights  # (B, T, n_outputs), [(B, h, T, T)] * n_layers


class SequenceClassifier(_Encoder):
    """Encoder, mean pooling over the non-padding positions, then a linear head: one label per
    sequence (what document 002's listing meant to be)."""

    def __init__(self, config: TransformerConfig):
        super().__init__(config)
        self.head = nn.Linear(config.d_model, config.n_outputs)

    def forward(self, tokens: torch.Tensor, padding_mask: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """padding_mask (B, T) bool, True = real token; None = no padding.

        Returns (logits (B, n_outputs), [weights (B, h, T, T)] per layer).
        """
        checks.tensor("tokens (batch, length)", tokens, ndim=2, kind="int")
        if padding_mask is None:
            padding_mask = torch.ones_like(tokens, dtype=torch.bool)
        checks.tensor("padding_mask (True = real token, shaped like tokens)", padding_mask,
                      shape=tuple(tokens.shape), kind="bool")
        x, weights = self.encode(tokens, padding_mask[:, None, None, :])  # keys: (B, 1, 1, T)
        m = padding_mask[..., None].to(x.dtype)  # (B, T, 1)
        pooled = (x * m).sum(1) / m.sum(1).clamp(min=1)  # (B, d_model)
        return self.head(pooled), weights
