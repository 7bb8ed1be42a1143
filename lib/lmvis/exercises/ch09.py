"""Checkers for the exercises of chapter 9 (a tiny GPT: next-token prediction, perplexity, the
bigram baseline, sampling, and the parameter count)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from lmvis.exercises.core import Case, Mistake, check_answer, check_function
from lmvis.gpt import GPTConfig, gpt_param_count
from lmvis.ngram import NGram
from lmvis.sampling import next_token_probs
from lmvis.training import lm_windows

#: Exercise 9.1: the probabilities that the model gives the right next character, each at half
#: of the positions of a text.
HALVES = (1 / 4, 1 / 64)


def check_perplexity(answer: Any) -> None:
    """Exercise 9.1: the perplexity of a model that gives the right character probability 1/4 at
    half of the positions and 1/64 at the other half (a number)."""
    p1, p2 = HALVES
    check_answer(
        answer, np.exp(-(np.log(p1) + np.log(p2)) / 2), name="the perplexity", tol=1e-6,
        hint="the loss is the mean of −ln p over the positions; the perplexity is exp(loss).",
        mistakes=[((1 / p1 + 1 / p2) / 2, "That is the mean of the two perplexities 4 and 64. "
                   "The losses are averaged (in nats), not the perplexities: exp of the mean "
                   "of −ln p is the *geometric* mean of 1/p."),
                  (2 / (p1 + p2), "That is 1 / (the mean probability). The loss averages "
                   "−ln p, not p: take the mean of the logarithms, then exp."),
                  (-(np.log(p1) + np.log(p2)) / 2, "That is the loss in nats per character; "
                   "the perplexity is its exponential.")])


def _windows(ids, starts, length):
    ids_t = torch.as_tensor(ids)
    pairs = [lm_windows(ids_t, torch.as_tensor(starts[i:i + 1]), batch_size=1, length=length)
             for i in range(len(starts))]  # one allowed start: the draw can only pick it
    return (torch.cat([x for x, _ in pairs]).numpy(), torch.cat([y for _, y in pairs]).numpy())


def _window_cases() -> list[Case]:
    rng = np.random.default_rng(90)
    stream = rng.integers(0, 50, 40)
    return [Case((stream, np.array([2, 9, 20]), 5), "3 windows of 5 in 40 random ids"),
            Case((np.arange(10, 22), np.array([3]), 8), "one window of 8 in the ids 10, ..., 21"),
            Case((stream, np.array([38]), 1), "a window of 1 at the stream's end")]


def check_windows(f: Callable[..., Any]) -> None:
    """Exercise 9.2: the training windows of a token stream: inputs[b] = ids[s:s + length] and
    targets[b] = ids[s + 1:s + length + 1] for the b-th start s."""
    check_function(
        f, _windows, _window_cases(), name="windows", outputs=("inputs", "targets"),
        against="lmvis.training.lm_windows",
        mistakes=[Mistake(lambda ids, st, n: (_windows(ids, st, n)[0],) * 2,
                          "the targets are the inputs themselves: a model would learn to copy "
                          "the token it reads. Each target is the token that *follows* its "
                          "input: shift by one, ids[s + 1:s + length + 1]."),
                  Mistake(lambda ids, st, n: _windows(ids, st, n)[::-1],
                          "inputs and targets are swapped: the inputs start at s, the targets "
                          "one later."),
                  Mistake(lambda ids, st, n: (_windows(ids, st, n)[0],
                                              np.stack([ids[s - 1:s + n - 1] for s in st])),
                          "the targets are shifted the wrong way: the label of position t is "
                          "the token at t + 1, not t − 1.")])


def _bigram_probs(ids, vocab_size, alpha):
    return NGram(2, vocab_size, alpha).fit(ids).probs()


def _counts(ids, vocab_size):
    return NGram(2, vocab_size, 1.0).fit(ids).counts.astype(np.float64)


def _bigram_cases() -> list[Case]:
    rng = np.random.default_rng(91)
    every = np.concatenate([rng.permutation(6), rng.integers(0, 6, 30)])  # each id seen before
    return [Case((every, 6, 0.5), "36 random ids, V = 6, α = 0.5"),
            Case((np.array([0, 1, 1, 2, 0, 1, 2, 2, 0]), 3, 1.0), "9 ids, V = 3, α = 1"),
            Case((np.concatenate([rng.permutation(4), rng.integers(0, 4, 20)]), 4, 0.01),
                 "24 random ids, V = 4, α = 0.01")]


def check_bigram_probs(f: Callable[..., Any]) -> None:
    """Exercise 9.3: the add-α smoothed bigram probabilities P[a, b] = P(b | a), (V, V)."""
    check_function(
        f, _bigram_probs, _bigram_cases(), name="bigram_probs",
        against="lmvis.ngram.NGram(2, V, alpha).probs()",
        mistakes=[Mistake(lambda ids, v, a: (_counts(ids, v) + a)
                          / _counts(ids, v).sum(1, keepdims=True),
                          "the denominator needs α for every one of the V possible next "
                          "tokens, c(a) + αV, or the rows do not sum to 1."),
                  Mistake(lambda ids, v, a: _counts(ids, v) / _counts(ids, v).sum(
                      1, keepdims=True),
                          "the smoothing is missing: a pair never seen in training gets "
                          "probability 0, and one such pair in the validation text makes the "
                          "loss infinite. Add α to every count."),
                  Mistake(lambda ids, v, a: (_counts(ids, v) + a)
                          / (_counts(ids, v) + a).sum(0, keepdims=True),
                          "each *row* must sum to 1 (a distribution over the next token b "
                          "given a): normalise over axis 1, not axis 0."),
                  Mistake(lambda ids, v, a: _bigram_probs(ids, v, a).T,
                          "P[a, b] is the probability of b *after* a: the row is the earlier "
                          "token (rows and columns swapped).")])


def _probs(logits, temperature, top_k, exclude):
    return next_token_probs(torch.as_tensor(logits), temperature, top_k, exclude).numpy()


def _softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def _top_k_after(logits, temperature, top_k, exclude):
    p = _probs(logits, temperature, None, exclude)
    if top_k is not None:
        p = np.where(p >= np.sort(p)[-top_k], p, 0.0)
    return p


def _excluded_after(logits, temperature, top_k, exclude):
    p = _probs(logits, temperature, top_k, [])
    p[list(exclude)] = 0.0
    return p


def _sampling_cases() -> list[Case]:
    rng = np.random.default_rng(92)
    return [Case((rng.normal(size=8) * 2, 1.0, None, []), "8 logits, τ 1, no top-k"),
            Case((rng.normal(size=8) * 2, 0.5, 3, [0]), "τ 0.5, top-k 3, <unk> (id 0) excluded"),
            Case((rng.normal(size=10) * 2, 2.0, None, [0, 4]), "τ 2, ids 0 and 4 excluded"),
            Case((rng.normal(size=6) * 3, 1.0, 6, []), "top-k equal to V (no cut)"),
            Case((rng.normal(size=8) * 300 + 600, 0.7, 4, [1]),
                 "large logits (around 600), τ 0.7", large=True)]


def check_sampling_probs(f: Callable[..., Any]) -> None:
    """Exercise 9.4: the probabilities to sample the next token from: softmax(logits / τ),
    with the ids in ``exclude`` at 0 and only the top_k largest of the rest kept."""
    check_function(
        f, _probs, _sampling_cases(), name="sampling_probs",
        against="lmvis.sampling.next_token_probs",
        mistakes=[Mistake(lambda z, t, k, ex: _probs(z, 1 / t, k, ex),
                          "the logits are *divided* by the temperature: τ < 1 sharpens the "
                          "distribution, τ > 1 flattens it."),
                  Mistake(_top_k_after,
                          "after cutting the tail (top-k), renormalise: the kept "
                          "probabilities must sum to 1. Simplest: set the other logits to −∞ "
                          "before the softmax."),
                  Mistake(_excluded_after,
                          "an excluded token must go *before* the softmax (its logit −∞), so "
                          "that the rest sum to 1 and top-k chooses among allowed tokens "
                          "only."),
                  Mistake(lambda z, t, k, ex: _probs(z, t, k, []),
                          "the ids in `exclude` (such as <unk>) must get probability 0.")])


def _param_count(vocab_size, context, d_model, n_layers, d_ff):
    return gpt_param_count(GPTConfig(vocab_size, context, d_model, n_layers, 1, d_ff=d_ff))


def _param_cases() -> list[Case]:
    return [Case((2001, 49, 64, 2, 256), "chapter 9's GPT"),
            Case((10, 8, 4, 1, 16), "V 10, context 8, d 4, 1 layer, d_ff 16"),
            Case((100, 16, 8, 3, 20), "V 100, context 16, d 8, 3 layers, d_ff 20"),
            Case((50257, 1024, 768, 12, 3072), "GPT-2's smallest shape")]


def check_gpt_params(f: Callable[..., Any]) -> None:
    """Exercise 9.6: the number of parameters of chapter 9's GPT from its sizes (tied output
    layer, biases everywhere, two LayerNorms per block and a final one)."""
    check_function(
        f, _param_count, _param_cases(), name="gpt_params", against="lmvis.gpt.gpt_param_count",
        atol=0.0, rtol=0.0,
        mistakes=[Mistake(lambda v, c, d, n, f_: _param_count(v, c, d, n, f_) + v * d,
                          "the output layer is tied to the token embedding E (weight tying): "
                          "it adds no parameters of its own."),
                  Mistake(lambda v, c, d, n, f_: _param_count(v, c, d, n, f_) - c * d,
                          "the position embedding P, one learned vector of d numbers for each "
                          "of the `context` positions, is missing."),
                  Mistake(lambda v, c, d, n, f_: _param_count(v, c, d, n, f_)
                          - n * (4 * d + f_ + d),
                          "the biases are missing: W_Q, W_K, W_V, W_O have d each, the "
                          "feed-forward layers d_ff and d."),
                  Mistake(lambda v, c, d, n, f_: _param_count(v, c, d, n, f_) - (4 * n + 2) * d,
                          "the LayerNorms are missing: each has a gain and a shift, 2d, two "
                          "per block and one at the end."),
                  Mistake(lambda v, c, d, n, f_: _param_count(v, c, d, n, f_) - 2 * d,
                          "the final LayerNorm, before the output layer, is missing (2d)."),
                  Mistake(lambda v, c, d, n, f_: _param_count(v, c, d, n, f_) - 2 * n * d,
                          "each block has *two* LayerNorms (before attention and before the "
                          "feed-forward network), 2d each.")])
