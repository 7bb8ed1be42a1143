"""Checkers for the exercises of chapter 10 (what scale costs: parameters, FLOPs, memory,
compute-optimal sizes, data parallelism)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from lmvis import losses, scale
from lmvis.exercises.core import Case, Mistake, check_function
from lmvis.gpt import GPTConfig

#: Chapter 9's GPT (lmvis.pretrained.load_tang_gpt's configuration), without loading it.
CH9 = GPTConfig(vocab_size=2001, context=49, d_model=64, n_layers=2, n_heads=4)
#: Hoffmann et al. (2022)'s compute-optimal rule: about 20 training tokens per parameter.
TOKENS_PER_PARAM = 20


def _configs() -> list[Case]:
    """Chapter 9's GPT, GPT-2 small, and two shapes that a formula for d_ff = 4d or for a tied
    output layer alone gets wrong."""
    return [Case((CH9,), "chapter 9's GPT"),
            Case((scale.GPT2_CONFIGS[0].config,), "GPT-2 small"),
            Case((GPTConfig(vocab_size=300, context=32, d_model=48, n_layers=3, n_heads=4,
                            d_ff=100),), "d_ff = 100 (not 4d)"),
            Case((GPTConfig(vocab_size=500, context=16, d_model=32, n_layers=2, n_heads=2,
                            tie_weights=False),), "an untied output layer")]


def _parts(c: GPTConfig) -> dict[str, int]:
    return scale.gpt_param_breakdown(c)


def check_non_embedding_params(f: Callable[..., Any]) -> None:
    """Exercise 10.2: Kaplan et al.'s N, the parameters of GPT(config) outside the token and
    position embeddings and the output layer: the blocks and the final LayerNorm."""
    check_function(
        f, scale.non_embedding_params, _configs(), name="non_embedding_params",
        against="lmvis.scale.non_embedding_params",
        mistakes=[
            Mistake(lambda c: 12 * c.n_layers * c.d_model**2,
                    "12·L·d² is Kaplan et al.'s approximation: it leaves out the biases and "
                    "LayerNorms (13d per block with d_ff = 4d, and 2d at the end) and assumes "
                    "d_ff = 4d. Count every part exactly."),
            Mistake(lambda c: c.n_layers * (12 * c.d_model**2 + 13 * c.d_model) + 2 * c.d_model,
                    "12d² + 13d per block holds only when d_ff = 4d; with another d_ff the "
                    "feed-forward network has 2·d·d_ff + d_ff + d parameters."),
            Mistake(lambda c: sum(_parts(c).values()) - _parts(c)["token embedding"],
                    "the position embedding (C × d) is an embedding too: leave it out."),
            Mistake(lambda c: _parts(c)["attention"] + _parts(c)["feed-forward"]
                    + _parts(c)["layer norms"] - 2 * c.d_model,
                    "the final LayerNorm (2d: gain and bias) sits outside the blocks but is "
                    "no embedding: count it."),
            Mistake(lambda c: sum(_parts(c).values()) - _parts(c)["token embedding"]
                    - _parts(c)["position embedding"],
                    "an untied output layer (V × d) maps back to the vocabulary: Kaplan et "
                    "al. count it with the embeddings, so leave it out of N."),
        ])


def _step_flops(c: GPTConfig, T: int, B: int) -> int:
    return scale.training_flops(c, T, B)


def check_step_flops(f: Callable[..., Any]) -> None:
    """Exercise 10.3: the matrix-product FLOPs of one training step of GPT(config) on B
    sequences of T tokens, as torch's FlopCounterMode counts them."""
    gpt2 = scale.GPT2_CONFIGS[0].config
    cases = [Case((CH9, 49, 16), "chapter 9's step (T = 49, B = 16)"),
             Case((CH9, 10, 1), "one sequence of 10 tokens"),
             Case((gpt2, 1024, 4), "GPT-2 small (T = 1024, B = 4)"),
             Case((GPTConfig(vocab_size=500, context=16, d_model=32, n_layers=2, n_heads=2,
                             d_ff=80, tie_weights=False), 16, 3), "an untied model with d_ff = 80")]

    def mm(c):  # the weights inside matrix products
        return c.n_layers * (4 * c.d_model**2 + 2 * c.d_model * c.d_ff) + c.vocab_size * c.d_model

    def attention(c, T, B):  # Q Kᵀ and weights · V, forward only
        return 4 * B * c.n_layers * T * T * c.d_model

    check_function(
        f, _step_flops, cases, name="step_flops",
        against="lmvis.scale.training_flops (equal to FlopCounterMode)",
        mistakes=[
            Mistake(lambda c, T, B: 6 * scale.gpt_param_count(c) * T * B,
                    "6·N·D is the rule of thumb, not the count: the position embedding, "
                    "biases and LayerNorm gains do no matrix product, and attention's "
                    "Q Kᵀ and weights·V (activations times activations) are missing."),
            Mistake(lambda c, T, B: 2 * B * T * mm(c) + attention(c, T, B),
                    "that is the forward pass only: the backward pass computes two products "
                    "of the same size for each forward one (∂ activations and ∂ weights), so "
                    "a training step costs 3 times the forward pass."),
            Mistake(lambda c, T, B: 6 * B * T * mm(c),
                    "attention multiplies activations by activations, Q Kᵀ and then the "
                    "weights times V: 2·2·T·d FLOPs per token per layer forward, ×3 for the "
                    "step."),
            Mistake(lambda c, T, B: 6 * B * T * mm(c) + 3 * attention(c, T, B) // 2,
                    "the causal mask zeroes half of the T × T weights, but the model still "
                    "computes the whole product (and FlopCounterMode counts it)."),
            Mistake(lambda c, T, B: 3 * (2 * B * T * (mm(c) - c.vocab_size * c.d_model
                                                      * c.tie_weights) + attention(c, T, B)),
                    "a tied token embedding is also the output layer: it multiplies every "
                    "position's activation once (2·V·d FLOPs per token forward)."),
        ])


def _zero(n_params: float, n_devices: int, stage: int) -> float:
    return scale.model_state_bytes_per_device(n_params, data=n_devices, zero_stage=stage)


def check_zero_bytes(f: Callable[..., Any]) -> None:
    """Exercise 10.4: bytes of model states per device, mixed-precision Adam (2 + 2 + 12 bytes
    per parameter) over n_devices data-parallel replicas, ZeRO stage 0 to 3."""
    cases = [Case((7.5e9, 64, 0), "7.5B parameters on 64 devices (stage 0)"),
             *(Case((7.5e9, 64, s), f"the same (stage {s})") for s in (1, 2, 3)),
             Case((175e9, 1024, 1), "175B on 1,024 devices (stage 1)"),
             Case((1e6, 1, 3), "one device at stage 3 (nothing to shard)")]
    check_function(
        f, _zero, cases, name="zero_bytes",
        against="lmvis.scale.model_state_bytes_per_device (Rajbhandari et al., Figure 1)",
        mistakes=[
            Mistake(lambda n, nd, s: 16 * n / nd if s else 16 * n,
                    "stage 1 shards only the optimizer states (12 bytes: fp32 master weights, "
                    "m and v); the 16-bit gradients are sharded from stage 2 and the 16-bit "
                    "weights from stage 3."),
            Mistake(lambda n, nd, s: 16 * n / nd,
                    "data parallelism divides the compute, not the memory: without ZeRO "
                    "(stage 0) every replica holds all 16 bytes per parameter, and each stage "
                    "shards one more kind of state."),
            Mistake(lambda n, nd, s: scale.model_state_bytes_per_device(
                        n, data=nd, zero_stage=s, k=8),
                    "mixed precision keeps an fp32 master copy of the weights besides Adam's m "
                    "and v: the optimizer states are 4 + 4 + 4 = 12 bytes per parameter, not "
                    "8."),
            Mistake(lambda n, nd, s: scale.model_state_bytes_per_device(
                        n, data=nd, zero_stage=min(s + 1, 3)),
                    "the stages are cumulative but start at 0 = no sharding: stage 1 = "
                    "optimizer states, 2 = and gradients, 3 = and weights."),
        ])


def _optimal(compute: float) -> tuple[float, float]:
    """(N, D) with 6·N·D = compute and D = 20·N."""
    n = math.sqrt(compute / (6 * TOKENS_PER_PARAM))
    return n, TOKENS_PER_PARAM * n


def check_compute_optimal(f: Callable[..., Any]) -> None:
    """Exercise 10.6: Hoffmann et al.'s compute-optimal split of a budget of C FLOPs: (N, D)
    with C = 6·N·D and D = 20·N tokens."""
    cases = [Case((3.14e23,), "GPT-3's budget (3.14e23 FLOPs)"),
             Case((1e18,), "1e18 FLOPs"),
             Case((float(scale.flops_6nd(70e9, 1.4e12)),), "Chinchilla's budget"),
             Case((6e8,), "a tiny budget (6e8 FLOPs)")]
    check_function(
        f, _optimal, cases, name="compute_optimal", outputs=("N", "D"),
        against="N = √(C / 120), D = 20 N (so that lmvis.scale.flops_6nd(N, D) = C)",
        mistakes=[
            Mistake(lambda c: (math.sqrt(c / 20), 20 * math.sqrt(c / 20)),
                    "C ≈ 6·N·D, not N·D: 2 FLOPs per parameter per token forward, 4 "
                    "backward."),
            Mistake(lambda c: (c / 120, 20 * c / 120),
                    "with D = 20 N the budget is C = 6 · N · 20 N = 120 N²: N is a square "
                    "root, N = √(C/120)."),
            Mistake(lambda c: _optimal(c)[::-1],
                    "parameters and tokens are swapped: return (N, D), and D is the larger, "
                    "20 tokens per parameter."),
            Mistake(lambda c: (math.sqrt(20 * c / 6), math.sqrt(20 * c / 6) / 20),
                    "20 tokens per parameter means D = 20 N (more tokens than parameters), "
                    "not N = 20 D."),
        ])


def _shard_cases() -> list[Case]:
    """Per-shard gradients of a real mean loss: a linear model's squared error on data split
    over devices, each gradient the mean over its own shard (lmvis.losses.mse)."""
    rng = np.random.default_rng(26)
    cases = []
    for sizes, label in (((4, 4), "2 equal shards of 4"), ((3, 5), "shards of 3 and 5"),
                         ((1, 6, 2, 7), "4 shards (1, 6, 2 and 7 examples)"),
                         ((5, 5, 5), "3 equal shards of 5")):
        X, W = rng.normal(size=(sum(sizes), 3)), rng.normal(size=(3, 2))
        Y = rng.normal(size=(sum(sizes), 2))
        grads, start = [], 0
        for n in sizes:
            x, y = X[start:start + n], Y[start:start + n]
            grads.append(x.T @ losses.mse(x @ W, y)[1])  # (3, 2): ∂(mean over the shard)/∂W
            start += n
        cases.append(Case((grads, list(sizes)), label))
    return cases


def _combine(grads: list[np.ndarray], sizes: list[int]) -> np.ndarray:
    """The gradient of the mean loss over all shards together: Σ nᵢ gᵢ / Σ nᵢ."""
    return sum(n * g for n, g in zip(sizes, grads, strict=True)) / sum(sizes)


def check_combine_gradients(f: Callable[..., Any]) -> None:
    """Exercise 10.7: the full-batch gradient of a mean loss from the gradients of the shards'
    own means and the shards' sizes (what data parallelism's all-reduce must produce)."""
    check_function(
        f, _combine, _shard_cases(), name="combine_gradients",
        against="the full-batch gradient (Σ nᵢ gᵢ / Σ nᵢ)",
        mistakes=[
            Mistake(lambda g, n: np.mean(g, axis=0),
                    "the mean of the shards' gradients is the full-batch gradient only when "
                    "the shards are equal: weight each shard's mean by its number of examples, "
                    "Σ nᵢ gᵢ / Σ nᵢ."),
            Mistake(lambda g, n: np.sum(g, axis=0),
                    "an all-reduce with SUM adds the shards' gradients; each is already a "
                    "mean over its shard, so weight by nᵢ and divide by the total Σ nᵢ."),
            Mistake(lambda g, n: sum(k * x for k, x in zip(n, g, strict=True)),
                    "Σ nᵢ gᵢ is the gradient of the *sum* of the losses: divide by the total "
                    "number of examples Σ nᵢ for the mean."),
            Mistake(lambda g, n: sum(k * x for k, x in zip(n, g, strict=True)) / len(n),
                    "divide by the number of examples Σ nᵢ, not by the number of shards."),
        ])
