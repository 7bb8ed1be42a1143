"""A decoder-only Transformer language model (GPT), built from the book's own parts.

Radford et al. (2018, 2019): token and learned position embeddings, a stack of blocks of causal
self-attention and a position-wise feed-forward network, a final LayerNorm, and an output layer
that shares its weights with the token embedding (weight tying, Press & Wolf, 2017). The blocks
are **pre-LN**, as in GPT-2: x ← x + MultiHead(LN(x)), then x ← x + FFN(LN(x)), so the residual
path from input to output passes through no normalisation; chapter 8's post-LN block
(Vaswani et al., 2017) normalises after each addition instead, x ← LN(x + sublayer(x)).
Attention is :class:`lmvis.attention.MultiHeadAttention` with chapter 8's causal mask, and the
feed-forward network is :class:`lmvis.transformer.FeedForward` (ReLU; GPT-2 uses GELU).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import KW_ONLY, dataclass

import torch
from torch import nn

from lmvis import checks
from lmvis.attention import MultiHeadAttention, causal_mask
from lmvis.sampling import _check_exclude, next_token_probs, sample_next
from lmvis.transformer import FeedForward

__all__ = ["GPT", "GPTConfig", "PreLNBlock", "TorchGPT", "gpt_param_breakdown", "gpt_param_count"]


@dataclass(frozen=True)
class GPTConfig:
    """Sizes of a GPT. ``d_ff`` defaults to 4 × d_model (GPT-2); ``context`` is the longest
    sequence the model reads (its number of learned positions). The five sizes may be given by
    position, the rest by keyword."""

    vocab_size: int
    context: int
    d_model: int
    n_layers: int
    n_heads: int
    _: KW_ONLY
    d_ff: int | None = None
    tie_weights: bool = True
    init_std: float = 0.02

    def __post_init__(self):
        for name in ("vocab_size", "context", "d_model", "n_layers", "n_heads"):
            object.__setattr__(self, name, checks.integer(name, getattr(self, name), minimum=1))
        if self.d_model % self.n_heads:
            raise ValueError(
                f"n_heads must divide d_model, got d_model={self.d_model}, n_heads={self.n_heads}"
            )
        d_ff = 4 * self.d_model if self.d_ff is None else self.d_ff
        object.__setattr__(self, "d_ff", checks.integer("d_ff", d_ff, minimum=1))
        object.__setattr__(self, "tie_weights", checks.boolean("tie_weights", self.tie_weights))
        object.__setattr__(self, "init_std",
                           checks.real("init_std", self.init_std, minimum=0, low_open=True))


def gpt_param_breakdown(config: GPTConfig) -> dict[str, int]:
    """The parameters of ``GPT(config)`` by part, by formula; their sum is :func:`gpt_param_count`.

    Token embedding V d, position embedding C d; per block, attention 4(d² + d) (W_Q, W_K, W_V,
    W_O with biases) and the FFN d d_ff + d_ff + d_ff d + d; two LayerNorms per block and the
    final one, 2d each; the output layer V d unless tied to the token embedding (then 0).
    """
    checks.instance("config", config, GPTConfig)
    V, C, d, f, L = config.vocab_size, config.context, config.d_model, config.d_ff, config.n_layers
    return {
        "token embedding": V * d,
        "position embedding": C * d,
        "attention": L * 4 * (d * d + d),
        "feed-forward": L * (d * f + f + f * d + d),
        "layer norms": L * 2 * 2 * d + 2 * d,
        "output layer": 0 if config.tie_weights else V * d,
    }


def gpt_param_count(config: GPTConfig) -> int:
    """The number of parameters of ``GPT(config)``, by formula: the sum of the parts of
    :func:`gpt_param_breakdown`, equal to ``sum(p.numel() for p in GPT(config).parameters())``."""
    return sum(gpt_param_breakdown(config).values())


def _check_ids(idx: torch.Tensor, c: GPTConfig, name: str) -> None:
    """``idx`` must be a (batch, T) integer tensor of ids in the vocabulary, 1 <= T <= context."""
    checks.tensor(name, idx, ndim=2, kind="int")
    B, T = idx.shape
    if B == 0 or not 1 <= T <= c.context:
        raise ValueError(f"{name} must be (batch >= 1, 1 to context={c.context} positions), "
                         f"got shape {tuple(idx.shape)}")
    checks.token_ids(name, idx, c.vocab_size)


class PreLNBlock(nn.Module):
    """x ← x + MultiHead(LN₁(x), mask); x ← x + FFN(LN₂(x))."""

    def __init__(self, d_model: int, n_heads: int, d_ff: int):
        super().__init__()
        d_model = checks.integer("d_model", d_model, minimum=1)
        n_heads = checks.integer("n_heads", n_heads, minimum=1)
        d_ff = checks.integer("d_ff", d_ff, minimum=1)
        self.norm1 = nn.LayerNorm(d_model)
        self.attn = MultiHeadAttention(d_model, n_heads)
        self.norm2 = nn.LayerNorm(d_model)
        self.ffn = FeedForward(d_model, d_ff)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """x (B, T, d_model), mask True = may attend -> (x, weights (B, h, T, T))."""
        d = self.attn.d_model
        checks.tensor(f"x (batch, length, d_model={d})", x, shape=(None, None, d), finite=True)
        return self._residual(x, functools.partial(self.attn, mask=mask))

    def _residual(self, x: torch.Tensor,
                  attend: Callable[[torch.Tensor], tuple[torch.Tensor, torch.Tensor]]
                  ) -> tuple[torch.Tensor, torch.Tensor]:
        """The block's two residual steps on checked ``x``, with ``attend(LN₁(x))`` -> (output,
        weights) as its attention: over the whole sequence (:meth:`forward`) or over a cache
        (:meth:`GPT.generate`, :func:`lmvis.kvcache.decode_step`)."""
        a, weights = attend(self.norm1(x))
        x = x + a  # the residual path is never normalised
        x = x + self.ffn(self.norm2(x))
        return x, weights


def _embeddings_blocks_head(model: nn.Module, config: GPTConfig, block) -> GPTConfig:
    """Give ``model`` a GPT's layers, built in this order (which fixes the draws of torch's
    initialisers): token and position embeddings, ``n_layers`` blocks made by
    ``block(d_model, n_heads, d_ff)``, the final LayerNorm and the output layer."""
    checks.instance("config", config, GPTConfig)
    model.config = c = config
    model.tok = nn.Embedding(c.vocab_size, c.d_model)
    model.pos = nn.Embedding(c.context, c.d_model)
    model.blocks = nn.ModuleList(block(c.d_model, c.n_heads, c.d_ff) for _ in range(c.n_layers))
    model.norm = nn.LayerNorm(c.d_model)
    model.head = nn.Linear(c.d_model, c.vocab_size, bias=False)
    return c


class GPT(nn.Module):
    """Next-token prediction: ``forward(idx)`` gives logits for every position of ``idx``.

    Weights start as in GPT-2: N(0, init_std²) for embeddings and linear layers, zero biases,
    and the two linear layers that write into the residual stream (W_O and the FFN's second
    layer) scaled down by √(2 n_layers), so the residual sum does not grow with depth.
    """

    def __init__(self, config: GPTConfig):
        super().__init__()
        c = _embeddings_blocks_head(self, config, PreLNBlock)
        self.register_buffer("mask", causal_mask(c.context), persistent=False)
        self.reset_parameters()
        if c.tie_weights:
            self.head.weight = self.tok.weight  # one (V, d_model) matrix, read and written

    @torch.no_grad()
    def reset_parameters(self, generator: torch.Generator | None = None) -> None:
        """GPT-2's initialisation, drawn from ``generator`` (torch's global one if None) in the
        parameters' current dtype: call it after ``.double()`` for float64 draws."""
        if generator is not None:
            checks.instance("generator", generator, torch.Generator)
        std = self.config.init_std
        for m in self.modules():
            if isinstance(m, nn.Linear | nn.Embedding):
                m.weight.normal_(0.0, std, generator=generator)
                if getattr(m, "bias", None) is not None:
                    m.bias.zero_()
            elif isinstance(m, nn.LayerNorm):
                m.reset_parameters()
        for block in self.blocks:
            for m in (block.attn.W_o, block.ffn.linear2):
                m.weight.div_(math.sqrt(2 * self.config.n_layers))

    def _check_idx(self, idx: torch.Tensor, name: str = "idx") -> None:
        _check_ids(idx, self.config, name)

    def hidden(self, idx: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """idx (B, T) -> (final hidden states (B, T, d_model), [weights (B, h, T, T)] per layer)."""
        self._check_idx(idx)
        T = idx.shape[1]
        x = self.tok(idx) + self.pos.weight[:T]  # (B, T, d_model): what, plus where
        mask = self.mask[:T, :T]  # (T, T): query i sees keys j <= i
        weights = []
        for block in self.blocks:
            x, w = block(x, mask)
            weights.append(w)
        return self.norm(x), weights

    def forward(self, idx: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """idx (B, T) long -> (logits (B, T, vocab_size), [attention (B, h, T, T)] per layer).

        logits[b, t] scores the token that follows idx[b, :t + 1].
        """
        x, weights = self.hidden(idx)
        return self.head(x), weights

    @torch.no_grad()
    def generate(self, prompt: torch.Tensor | list[int], max_new_tokens: int, *,
                 temperature: float = 1.0, top_k: int | None = None,
                 generator: torch.Generator | None = None,
                 exclude: Sequence[int] = ()) -> torch.Tensor:
        """Extend ``prompt`` by ``max_new_tokens`` sampled tokens, one at a time.

        prompt: non-empty ids, (T,) or (B, T) (a list or a long tensor). Each step reads the last
        ``context`` tokens, turns the last position's logits into probabilities with
        ``temperature`` and ``top_k`` (``top_k=1`` is greedy decoding), and draws from them with
        ``generator`` (:func:`lmvis.sampling.sample_next`); ids in ``exclude`` are never drawn.
        Returns the prompt followed by the new tokens, shaped like the prompt. Probabilities are
        computed in float64.
        """
        if isinstance(prompt, list | tuple):  # ids, or rows of ids
            rows = checks.sequence("prompt", prompt)
            if rows and isinstance(rows[0], list | tuple):
                rows = [list(checks.integers(f"prompt[{i}]", r)) for i, r in enumerate(rows)]
                if len({len(r) for r in rows}) > 1:
                    raise ValueError("prompt's rows must have one length, got "
                                     f"{sorted({len(r) for r in rows})}")
            else:
                rows = list(checks.integers("prompt", rows))
            prompt = torch.tensor(rows, dtype=torch.long)
        checks.tensor("prompt", prompt, ndim=(1, 2), kind="int")
        if prompt.shape[-1] == 0:
            raise ValueError("prompt must hold at least one token, got an empty prompt")
        max_new_tokens = checks.integer("max_new_tokens", max_new_tokens, minimum=0)
        checks.real("temperature", temperature, minimum=0, low_open=True)
        if top_k is not None:
            checks.integer("top_k", top_k, minimum=1)
        if generator is not None:
            checks.instance("generator", generator, torch.Generator)
        exclude = _check_exclude(exclude, self.config.vocab_size)
        flat = prompt.dim() == 1
        idx = prompt[None] if flat else prompt  # (B, T)
        self._check_idx(idx[:, -self.config.context:], "prompt")
        was_training = self.training
        self.eval()
        try:
            cache = None
            for _ in range(max_new_tokens):
                if idx.shape[1] <= self.config.context:  # every position still in the window
                    logits, cache = self._next_logits(idx, cache)
                else:  # the window slides: positions change, so read the last `context` anew
                    x, _ = self.hidden(idx[:, -self.config.context:])  # (B, context, d_model)
                    logits = self.head(x[:, -1])
                probs = next_token_probs(logits, temperature, top_k, exclude)  # (B, V) float64
                nxt = sample_next(probs, generator)  # (B,)
                idx = torch.cat([idx, nxt[:, None]], dim=1)
        finally:
            self.train(was_training)
        return idx[0] if flat else idx

    def _next_logits(self, idx: torch.Tensor, cache: list[torch.Tensor] | None
                     ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """Logits for the token after ``idx`` (B, T), reading only the positions not in ``cache``.

        A causal model's hidden states at earlier positions never change when tokens are added,
        so each layer keeps the normalised inputs LN₁(x) of the positions it has seen; the new
        positions attend to all of them (queries new, keys and values old and new). The same
        numbers as :meth:`hidden` on the whole of ``idx``, for a fraction of the work (a real
        system would cache the keys and values themselves).
        """
        seen = 0 if cache is None else cache[0].shape[1]
        T = idx.shape[1]
        x = self.tok(idx[:, seen:]) + self.pos.weight[seen:T]  # (B, T - seen, d_model)
        mask = self.mask[seen:T, :T]  # the new queries see every key up to themselves
        new_cache = []
        for i, block in enumerate(self.blocks):
            seen_inputs = None if cache is None else cache[i]
            x, _ = block._residual(x, functools.partial(
                _attend_seen, block.attn, seen_inputs, mask, new_cache))
        return self.head(self.norm(x[:, -1])), new_cache


def _attend_seen(attn: MultiHeadAttention, seen: torch.Tensor | None, mask: torch.Tensor,
                 new_cache: list[torch.Tensor], n: torch.Tensor
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """The new positions' normalised inputs ``n`` (B, T - seen, d_model) attend to ``seen``
    ones and to themselves; all of them are appended to ``new_cache`` (GPT._next_logits)."""
    keys = n if seen is None else torch.cat([seen, n], dim=1)  # (B, T, d_model)
    new_cache.append(keys)
    return attn._attend(attn.W_q(n), attn.W_k(keys), attn.W_v(keys), mask)


class TorchGPT(nn.Module):
    """The same model from torch's own parts, as a reference for tests and the benchmark.

    ``nn.TransformerEncoderLayer(norm_first=True)`` is exactly a pre-LN block; with a causal
    mask it is a GPT block. Build it from a :class:`GPT` with :meth:`from_gpt` to copy the
    weights (W_Q, W_K, W_V become the fused ``in_proj_weight``).
    """

    def __init__(self, config: GPTConfig):
        super().__init__()
        c = _embeddings_blocks_head(self, config, functools.partial(
            nn.TransformerEncoderLayer, dropout=0.0, activation="relu", batch_first=True,
            norm_first=True))
        if c.tie_weights:
            self.head.weight = self.tok.weight

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        """idx (B, T) long -> logits (B, T, vocab_size)."""
        _check_ids(idx, self.config, "idx")
        T = idx.shape[1]
        x = self.tok(idx) + self.pos.weight[:T]
        mask = torch.full((T, T), float("-inf"), dtype=x.dtype).triu(1)  # -inf above the diagonal
        for block in self.blocks:
            x = block(x, src_mask=mask, is_causal=True)
        return self.head(self.norm(x))

    @classmethod
    def from_gpt(cls, gpt: GPT) -> TorchGPT:
        """A TorchGPT holding a copy of ``gpt``'s weights, in its dtype."""
        checks.instance("gpt", gpt, GPT)
        ref = cls(gpt.config).to(gpt.tok.weight.dtype)
        with torch.no_grad():
            for name in ("tok", "pos", "norm"):
                getattr(ref, name).load_state_dict(getattr(gpt, name).state_dict())
            if not gpt.config.tie_weights:
                ref.head.weight.copy_(gpt.head.weight)
            for mine, theirs in zip(gpt.blocks, ref.blocks, strict=True):
                a = mine.attn
                theirs.self_attn.in_proj_weight.copy_(
                    torch.cat([a.W_q.weight, a.W_k.weight, a.W_v.weight]))
                theirs.self_attn.in_proj_bias.copy_(torch.cat([a.W_q.bias, a.W_k.bias, a.W_v.bias]))
                theirs.self_attn.out_proj.load_state_dict(a.W_o.state_dict())
                theirs.norm1.load_state_dict(mine.norm1.state_dict())
                theirs.norm2.load_state_dict(mine.norm2.state_dict())
                theirs.linear1.load_state_dict(mine.ffn.linear1.state_dict())
                theirs.linear2.load_state_dict(mine.ffn.linear2.state_dict())
        return ref
