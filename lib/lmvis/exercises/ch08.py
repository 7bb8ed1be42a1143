"""Checkers for the exercises of chapter 8 (attention, masks, heads, positions, blocks)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from lmvis.attention import MultiHeadAttention, causal_mask, scaled_dot_product_attention
from lmvis.exercises.core import Case, Mistake, check_answer, check_function
from lmvis.transformer import TransformerBlock, sinusoidal_positional_encoding

#: Exercise 8.1's query against two keys (d_k = 4), with one-dimensional values.
ONE_QUERY = {"q": (1.0, 1.0, 1.0, 1.0), "k1": (1.0, 1.0, 1.0, 1.0),
             "k2": (1.0, 1.0, -1.0, -1.0), "v1": 10.0, "v2": 2.0}


def one_query_output() -> float:
    """Exercise 8.1's output, computed by lmvis.attention.scaled_dot_product_attention."""
    e = ONE_QUERY
    q = torch.tensor([e["q"]], dtype=torch.float64)                # (1, d_k=4)
    k = torch.tensor([e["k1"], e["k2"]], dtype=torch.float64)      # (2, 4)
    v = torch.tensor([[e["v1"]], [e["v2"]]], dtype=torch.float64)  # (2, 1)
    return float(scaled_dot_product_attention(q, k, v)[0][0, 0])


def _softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def check_one_query(answer: Any) -> None:
    """Exercise 8.1: the output of one query against two keys, worked by hand."""
    e = ONE_QUERY
    raw = np.array([np.dot(e["q"], e["k1"]), np.dot(e["q"], e["k2"])])  # the scores q·k
    values = np.array([e["v1"], e["v2"]])
    root = math.sqrt(len(e["q"]))                                       # √d_k = 2
    right_weights = _softmax(raw / root)
    check_answer(
        answer, one_query_output(), name="the output of the query", tol=1e-3,
        hint="the scores q·k₁ and q·k₂, divided by √d_k = 2; their softmax gives two weights "
             "that sum to 1; the output is the weighted sum of the values 10 and 2.",
        mistakes=[(_softmax(raw) @ values, "that is the softmax of the raw scores: divide "
                   "them by √d_k = 2 first."),
                  (_softmax(raw / root**2) @ values, "that divides the scores by d_k = 4; "
                   "the scale is √d_k = 2."),
                  (_softmax(raw / root**2) @ values / root,
                   "that is document 002's formula, (1/√d_k)·softmax(QKᵀ/d_k)V: the scale "
                   "belongs once, inside the softmax, and it is √d_k."),
                  (right_weights[0] * values[0],
                   "that is only the first term, α₁v₁ (document 002's \"output = v · "
                   "softmax(score)\"): the output sums over both values, α₁v₁ + α₂v₂."),
                  (values.mean(), "that is the plain mean of the values: the weights are "
                   "the softmax of the scaled scores, not ½ each.")])


def _attention(q, k, v, mask=None):
    """lmvis.attention.scaled_dot_product_attention on NumPy arrays: (output, weights)."""
    t = (torch.from_numpy(np.asarray(a, dtype=np.float64)) for a in (q, k, v))
    m = None if mask is None else torch.from_numpy(np.asarray(mask, dtype=bool))
    out, weights = scaled_dot_product_attention(*t, m)
    return out.numpy(), weights.numpy()


def _formula(q, k, v, mask=None, *, scale=None, outside=1.0, axis=-1, blocked=False,
             after=False):
    """A written-out attention with one thing changed: the scores' divisor, a factor outside,
    the softmax's axis, the mask read the other way round, or applied after the softmax."""
    scores = q @ np.swapaxes(k, -1, -2) / (math.sqrt(q.shape[-1]) if scale is None else scale)
    if mask is not None:
        allowed = ~mask if blocked else mask
        if not after:
            scores = np.where(allowed, scores, -np.inf)
    weights = _softmax(scores, axis)
    if mask is not None and after:
        weights = weights * mask
    return weights @ v * outside, weights


def _attention_cases() -> list[Case]:
    rng = np.random.default_rng(80)
    n = rng.normal
    padding = np.array([[True, True, True, True, False, False]])  # (1, S): the last 2 pad
    return [Case((n(size=(3, 5)), n(size=(4, 5)), n(size=(4, 2))),
                 "3 queries, 4 keys, d_k = 5"),
            Case((n(size=(2, 2, 3, 4)), n(size=(2, 2, 6, 4)), n(size=(2, 2, 6, 3))),
                 "a batch of 2 × 2 heads"),
            Case((n(size=(6, 4)), n(size=(6, 4)), n(size=(6, 3)), padding),
                 "a padding mask (the last 2 keys are padding)"),
            Case((n(size=(5, 4)), n(size=(5, 4)), n(size=(5, 2)), causal_mask(5).numpy()),
                 "a causal mask"),
            Case((30 * n(size=(4, 4)), 30 * n(size=(4, 4)), n(size=(4, 2))),
                 "large scores (queries and keys × 30)", large=True)]


def check_attention(f: Callable[..., Any]) -> None:
    """Exercise 8.2: softmax(q kᵀ/√d_k) v with an optional mask (True = may attend), in NumPy;
    returns (output, weights)."""
    check_function(
        f, _attention, _attention_cases(), name="attention", outputs=("output", "weights"),
        against="lmvis.attention.scaled_dot_product_attention (equal to PyTorch's)",
        mistakes=[Mistake(lambda *a: _formula(*a, scale=1.0), "the scores are divided by "
                          "√d_k (the square root of the query's length) before the softmax."),
                  Mistake(lambda q, *a: _formula(q, *a, scale=q.shape[-1]), "divide the "
                          "scores by √d_k, not by d_k."),
                  Mistake(lambda q, *a: _formula(q, *a, scale=q.shape[-1],
                                                 outside=1 / math.sqrt(q.shape[-1])),
                          "that is document 002's formula: √d_k belongs once, inside the "
                          "softmax, and nothing multiplies the output."),
                  Mistake(lambda *a: _formula(*a, axis=-2), "the softmax runs over the keys, "
                          "along each row (axis=-1), so that each query's weights sum to 1; "
                          "yours sum to 1 down each column."),
                  Mistake(lambda *a: _formula(*a, blocked=True), "True in the mask means "
                          "\"may attend\" (as in F.scaled_dot_product_attention); you blocked "
                          "the allowed keys (nn.MultiheadAttention's attn_mask is the other "
                          "way round)."),
                  Mistake(lambda *a: _formula(*a, after=True), "mask the scores before the "
                          "softmax (set them to −∞), so that the allowed weights of a row sum "
                          "to 1; zeroing weights after the softmax leaves rows summing to "
                          "less than 1.")])


def _split(x, n_heads):
    """MultiHeadAttention.split_heads on a NumPy array (B, T, d_model)."""
    with torch.random.fork_rng(devices=[]):  # building the layer draws its initial weights
        layer = MultiHeadAttention(x.shape[-1], n_heads)
    return layer.split_heads(torch.from_numpy(np.asarray(x, dtype=np.float64))).numpy()


def check_split_heads(f: Callable[..., Any]) -> None:
    """Exercise 8.3: (B, T, d_model) -> (B, n_heads, T, d_k), head i taking columns
    i·d_k to (i + 1)·d_k − 1, as MultiHeadAttention.split_heads."""
    rng = np.random.default_rng(81)
    cases = [Case((rng.normal(size=(2, 5, 12)), 3), "B = 2, T = 5, d_model = 12, 3 heads"),
             Case((rng.normal(size=(1, 4, 8)), 4), "T = 4 positions and 4 heads"),
             Case((rng.normal(size=(3, 2, 6)), 1), "a single head")]

    def straight(x, h):
        B, T, d = x.shape
        return x.reshape(B, h, T, d // h)

    def strided(x, h):
        B, T, d = x.shape
        return x.reshape(B, T, d // h, h).transpose(0, 3, 1, 2)

    check_function(
        f, _split, cases, name="split_heads",
        against="lmvis.attention.MultiHeadAttention.split_heads",
        mistakes=[Mistake(straight, "a reshape straight to (B, h, T, d_k) has the right "
                          "shape but mixes positions into the heads: cut the last axis first, "
                          "(B, T, h, d_k), then swap axes 1 and 2."),
                  Mistake(strided, "head i takes the consecutive columns i·d_k to "
                          "(i + 1)·d_k − 1, not every h-th column: reshape to (B, T, h, d_k), "
                          "not (B, T, d_k, h).")])


def _pe(n_positions, d_model):
    return sinusoidal_positional_encoding(n_positions, d_model).numpy()


def _pe_variant(n_positions, d_model, *, exponent=None, swap=False, halves=False):
    """The encoding with one thing changed: the exponent of 10000 for dimension j, sin and
    cos swapped, or all sines in the first half and all cosines in the second."""
    p = np.arange(n_positions)[:, None]
    j = np.arange(d_model)[None, :]
    if halves:
        half = (d_model + 1) // 2
        angle = p / 10000 ** (2 * np.arange(half) / d_model)
        return np.concatenate([np.sin(angle), np.cos(angle[:, : d_model - half])], axis=1)
    angle = p / 10000 ** ((exponent or (lambda j: 2 * (j // 2)))(j) / d_model)
    first, second = (np.cos, np.sin) if swap else (np.sin, np.cos)
    return np.where(j % 2 == 0, first(angle), second(angle))


def check_positional_encoding(f: Callable[..., Any]) -> None:
    """Exercise 8.4: the sinusoidal positional encoding, an (n_positions, d_model) array."""
    cases = [Case((6, 4), "6 positions, d_model = 4"), Case((50, 16), "50 positions, d_model = 16"),
             Case((1, 2), "a single position"), Case((7, 5), "an odd width, d_model = 5")]
    check_function(
        f, _pe, cases, name="positional_encoding",
        against="lmvis.transformer.sinusoidal_positional_encoding",
        mistakes=[Mistake(lambda n, d: _pe_variant(n, d, exponent=lambda j: j), "dimensions "
                          "2i and 2i + 1 share one frequency, 1/10000^(2i/d_model): the "
                          "exponent uses the pair's even index 2i, also for the cosine."),
                  Mistake(lambda n, d: _pe_variant(n, d, exponent=lambda j: j // 2), "the "
                          "exponent is 2i/d_model, where i numbers the pairs: you used "
                          "i/d_model, so the frequencies fall half as fast."),
                  Mistake(lambda n, d: _pe_variant(n, d, swap=True), "sine and cosine are "
                          "swapped: even dimensions take the sine, odd ones the cosine."),
                  Mistake(lambda n, d: _pe_variant(n, d, halves=True), "the sines and "
                          "cosines interleave (sin in dimension 2i, cos in 2i + 1); all sines "
                          "first, then all cosines, is the same columns in another order, not "
                          "this definition.")])


#: Exercise 8.5's block: the reversal model's sizes.
BLOCK = {"d_model": 32, "n_heads": 2, "d_ff": 64}


def block_parameters() -> int:
    """The parameters of one lmvis.transformer.TransformerBlock of exercise 8.5's sizes."""
    with torch.random.fork_rng(devices=[]):  # building the block draws its initial weights
        block = TransformerBlock(BLOCK["d_model"], BLOCK["n_heads"], BLOCK["d_ff"])
    return sum(p.numel() for p in block.parameters())


def check_block_parameters(answer: Any) -> None:
    """Exercise 8.5: the number of parameters of one block (d_model 32, 2 heads, d_ff 64)."""
    d, h, f = BLOCK["d_model"], BLOCK["n_heads"], BLOCK["d_ff"]
    projection, norms = d * d + d, 2 * 2 * d       # one of W_Q, W_K, W_V, W_O; two layer norms
    right = block_parameters()
    check_answer(
        answer, right, name="the parameters of one block", tol=0.0,
        hint="count the weights and biases of the four projections W_Q, W_K, W_V, W_O "
             "(d_model × d_model each), of the two feed-forward layers (d_model × d_ff and "
             "d_ff × d_model), and the scale and shift of the two layer norms.",
        mistakes=[(right + (h - 1) * 4 * projection, "the heads share the four projections: "
                   "W_Q is one d_model × d_model matrix whose columns are cut into h slices, so "
                   "the count does not depend on the number of heads."),
                  (right - 4 * d - f - d, "each Linear layer has a bias too: d_model for each "
                   "projection, d_ff and d_model for the feed-forward layers."),
                  (right - norms, "each of the two layer norms has a scale and a shift per "
                   "dimension: 2 × 2 × d_model parameters."),
                  (right - projection, "the output projection W_O, which mixes the "
                   "concatenated heads, counts too.")])
