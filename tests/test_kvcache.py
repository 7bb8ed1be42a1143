"""lmvis.kvcache against chapter 9's full forward pass, and its size against lmvis.scale."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from lmvis import kvcache, scale
from lmvis.gpt import GPT, GPTConfig


@settings(max_examples=15, deadline=None)
@given(st.sampled_from([(8, 2), (12, 3), (16, 1)]), st.integers(1, 3), st.integers(1, 3),
       st.integers(1, 5), st.booleans(), st.integers(0, 1000))
def test_cached_decoding_gives_the_full_forward_logits(dims, L, B, T0, tie, seed):
    d, h = dims
    cfg = GPTConfig(vocab_size=17, context=10, d_model=d, n_layers=L, n_heads=h, tie_weights=tie)
    torch.manual_seed(seed)
    model = GPT(cfg).double().eval()
    g = torch.Generator().manual_seed(seed)
    idx = torch.randint(0, 17, (B, cfg.context), generator=g)
    full, _ = model(idx)  # (B, T, V)
    logits, cache = kvcache.prefill(model, idx[:, :T0])
    assert torch.allclose(logits, full[:, T0 - 1], rtol=0, atol=1e-12)
    for t in range(T0, cfg.context):
        logits, cache = kvcache.decode_step(model, cache, idx[:, t])
        assert torch.allclose(logits, full[:, t], rtol=0, atol=1e-10), t
    assert kvcache.cache_bytes(cache) == scale.kv_cache_bytes(cfg, cfg.context, B, "fp64")
    assert all(K.shape == V.shape == (B, cfg.context, d) for K, V in cache)


def test_cache_errors():
    cfg = GPTConfig(vocab_size=5, context=3, d_model=4, n_layers=1, n_heads=1)
    model = GPT(cfg).eval()
    _, cache = kvcache.prefill(model, torch.zeros(2, 3, dtype=torch.long))
    with pytest.raises(ValueError, match="the model reads at most context=3"):
        kvcache.decode_step(model, cache, torch.zeros(2, dtype=torch.long))
    _, cache = kvcache.prefill(model, torch.zeros(2, 1, dtype=torch.long))
    with pytest.raises(ValueError, match="token has 1 entries for a cache of batch 2"):
        kvcache.decode_step(model, cache, torch.zeros(1, dtype=torch.long))
    with pytest.raises(TypeError, match="model must be an instance of lmvis.gpt.GPT"):
        kvcache.prefill(torch.nn.Linear(2, 2), torch.zeros(1, 1, dtype=torch.long))
    with pytest.raises(ValueError, match="cache must be a list of 1"):
        kvcache.decode_step(model, [], torch.zeros(2, dtype=torch.long))
