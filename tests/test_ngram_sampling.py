"""lmvis.ngram against counts written out by hand; lmvis.sampling against torch's softmax."""

import math
from collections import Counter

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from lmvis.ngram import NGram
from lmvis.sampling import next_token_probs, sample_next

ids_strategy = st.lists(st.integers(0, 4), min_size=2, max_size=60)


@settings(max_examples=50, deadline=None)
@given(ids_strategy, ids_strategy, st.floats(0.01, 3.0))
def test_bigram_nll_equals_add_alpha_counts_done_with_dicts(train, held_out, alpha):
    V = 5
    model = NGram(2, V, alpha).fit(train)
    pairs = Counter(zip(train, train[1:], strict=False))
    firsts = Counter(train[:-1])
    expected = -np.mean([
        math.log((pairs[(a, b)] + alpha) / (firsts[a] + alpha * V))
        for a, b in zip(held_out, held_out[1:], strict=False)
    ])
    assert model.nll(held_out) == pytest.approx(expected, rel=1e-12)
    assert model.perplexity(held_out) == pytest.approx(math.exp(expected), rel=1e-12)
    assert np.allclose(model.probs().sum(1), 1.0, atol=1e-12)


@settings(max_examples=50, deadline=None)
@given(ids_strategy, ids_strategy, st.floats(0.01, 3.0))
def test_unigram_nll_equals_add_alpha_counts_and_scores_ids_from_the_second_on(train, held, alpha):
    V = 5
    counts = Counter(train)
    expected = -np.mean([math.log((counts[b] + alpha) / (len(train) + alpha * V))
                         for b in held[1:]])
    assert NGram(1, V, alpha).fit(train).nll(held) == pytest.approx(expected, rel=1e-12)


def test_a_huge_alpha_gives_the_uniform_model_and_unseen_pairs_stay_finite():
    model = NGram(2, 7, alpha=1e12).fit([0, 1, 2, 3])
    assert model.nll([4, 5, 6]) == pytest.approx(math.log(7), rel=1e-9)
    assert math.isfinite(NGram(2, 7, alpha=0.1).fit([0, 1]).nll([5, 6]))


def test_bigram_generation_is_seeded_follows_its_table_and_stops():
    model = NGram(2, 3, alpha=1e-9).fit([0, 1, 2, 0, 1, 2, 0])  # 0 -> 1 -> 2 -> 0 ...
    g = torch.Generator().manual_seed(0)
    assert model.generate(0, 5, generator=g) == [0, 1, 2, 0, 1, 2]
    out = model.generate(1, 10, generator=torch.Generator().manual_seed(0), stop=0)
    assert out == [1, 2, 0]
    rnd = NGram(2, 4, alpha=1.0).fit([0, 1, 2, 3])
    a = rnd.generate(0, 20, generator=torch.Generator().manual_seed(5))
    b = rnd.generate(0, 20, generator=torch.Generator().manual_seed(5))
    assert a == b and len(a) == 21


def test_ngram_rejects_bad_input():
    with pytest.raises(ValueError, match="order must be an integer >= 1 and <= 2"):
        NGram(3, 5)
    with pytest.raises(ValueError, match="alpha must be a number > 0"):
        NGram(2, 5, alpha=0)
    with pytest.raises(ValueError, match=r"ids must lie in \[0, 5\)"):
        NGram(2, 5).fit([0, 5])
    with pytest.raises(RuntimeError, match="call fit"):
        NGram(1, 5).nll([0, 1])
    with pytest.raises(ValueError, match="at least 2 ids"):
        NGram(2, 5).fit([0, 1]).nll([1])


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 3), st.integers(2, 12), st.floats(0.05, 5.0), st.integers(0, 2**31 - 1))
def test_temperature_is_softmax_of_scaled_logits(batch, V, temperature, seed):
    logits = torch.randn(batch, V, generator=torch.Generator().manual_seed(seed))
    probs = next_token_probs(logits, temperature)
    assert probs.dtype == torch.float64
    assert torch.allclose(probs, F.softmax(logits.double() / temperature, -1), atol=1e-14)


@settings(max_examples=50, deadline=None)
@given(st.integers(2, 12), st.integers(1, 12), st.integers(0, 2**31 - 1))
def test_top_k_keeps_exactly_the_k_largest_renormalised(V, k, seed):
    logits = torch.randn(3, V, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))
    probs = next_token_probs(logits, 1.0, top_k=k)
    kept = probs > 0
    top = torch.topk(logits, min(k, V), dim=-1).indices
    expected = torch.zeros_like(kept).scatter(-1, top, True)
    assert torch.equal(kept, expected)
    ref = F.softmax(logits.masked_fill(~expected, float("-inf")), -1)
    assert torch.allclose(probs, ref, atol=1e-14)


def test_top_k_keeps_ties_and_top_1_is_greedy():
    logits = torch.tensor([1.0, 3.0, 3.0, 0.0])
    assert (next_token_probs(logits, top_k=1) > 0).tolist() == [False, True, True, False]
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(50, 9, generator=g)
    choice = sample_next(next_token_probs(logits, top_k=1), g)
    assert torch.equal(choice, logits.argmax(-1))


def test_excluded_tokens_get_probability_zero_before_top_k():
    logits = torch.tensor([[5.0, 3.0, 2.0, 1.0], [0.0, 4.0, 1.0, 1.0]])
    p = next_token_probs(logits, exclude=[0])
    assert torch.equal(p[:, 0], torch.zeros(2, dtype=torch.float64))
    assert torch.allclose(p[:, 1:], F.softmax(logits[:, 1:].double(), -1), rtol=0, atol=1e-15)
    greedy = next_token_probs(logits, top_k=1, exclude=[0])  # the best of the others
    assert greedy.argmax(-1).tolist() == [1, 1] and ((greedy > 0).sum(-1) == 1).all()
    assert torch.equal(next_token_probs(logits, top_k=2, exclude=[0, 0]),
                       next_token_probs(logits, top_k=2, exclude=(0,)))
    with pytest.raises(ValueError, match=r"exclude\[0\] must be an integer >= 0 and <= 3"):
        next_token_probs(logits, exclude=[4])
    with pytest.raises(ValueError, match="at least one"):
        next_token_probs(logits, exclude=[0, 1, 2, 3])


def test_bigram_and_gpt_generation_never_draw_an_excluded_token():
    from lmvis.gpt import GPT, GPTConfig

    bigram = NGram(2, 3, alpha=1.0).fit([0, 0, 0, 0, 1, 2])  # 0 follows 0 most often
    out = bigram.generate(0, 200, generator=torch.Generator().manual_seed(0), exclude=[0])
    assert out[0] == 0 and 0 not in out[1:] and len(out) == 201
    torch.manual_seed(0)
    gpt = GPT(GPTConfig(6, 8, 8, 1, 2)).double()
    with torch.no_grad():
        gpt.norm.bias.fill_(3.0)  # every final hidden state leans towards the ones vector ...
        gpt.head.weight[0] = 3.0  # ... and token 0's row is that vector: it scores far above
    free = gpt.generate([1, 2], 30, top_k=1)
    assert (free[2:] == 0).all()  # greedy takes token 0 every time ...
    banned = gpt.generate([1, 2], 30, top_k=1, exclude=[0])
    assert not (banned[2:] == 0).any()  # ... and never when it is excluded
    with pytest.raises(ValueError, match="exclude"):
        gpt.generate([1, 2], 3, exclude=[6])


def test_sampling_frequencies_match_the_probabilities_and_skip_zeros():
    probs = torch.tensor([0.1, 0.0, 0.6, 0.3], dtype=torch.float64)
    g = torch.Generator().manual_seed(0)
    draws = sample_next(probs.expand(40_000, 4), g)
    freq = torch.bincount(draws, minlength=4).double() / len(draws)
    assert freq[1] == 0
    # 40,000 draws: the standard error of each frequency is below 0.0025
    assert torch.allclose(freq, probs, atol=0.01)
    again = sample_next(probs.expand(40_000, 4), torch.Generator().manual_seed(0))
    assert torch.equal(draws, again)


def test_sampling_rejects_bad_input():
    logits = torch.zeros(3)
    for bad in (0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="temperature"):
            next_token_probs(logits, bad)
    with pytest.raises(ValueError, match="top_k must be an integer >= 1"):
        next_token_probs(logits, 1.0, top_k=0)
    with pytest.raises(TypeError, match="logits must be a floating-point tensor"):
        next_token_probs(torch.zeros(3, dtype=torch.long))
    with pytest.raises(ValueError, match="non-negative"):
        sample_next(torch.tensor([0.5, -0.1]))
    with pytest.raises(ValueError, match="positive sum"):
        sample_next(torch.zeros(2))
    with pytest.raises(TypeError, match="generator"):
        sample_next(torch.ones(2), generator=0)
