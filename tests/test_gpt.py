"""lmvis.gpt against torch's own Transformer parts, its parameter formula, and its generation."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from lmvis.attention import causal_mask
from lmvis.gpt import GPT, GPTConfig, PreLNBlock, TorchGPT, gpt_param_count

configs = st.builds(
    lambda V, C, h, dk, L, ff, tie: GPTConfig(V, C, h * dk, L, h, d_ff=ff, tie_weights=tie),
    st.integers(1, 40), st.integers(1, 12), st.integers(1, 4), st.integers(1, 6),
    st.integers(1, 3), st.one_of(st.none(), st.integers(1, 20)), st.booleans(),
)


def _model(config, seed=0):
    torch.manual_seed(seed)
    return GPT(config).double()


@settings(max_examples=60, deadline=None)
@given(configs)
def test_parameter_count_formula_equals_sum_of_numel(config):
    assert gpt_param_count(config) == sum(p.numel() for p in GPT(config).parameters())


def test_parameter_count_of_gpt2_small_is_its_published_124m():
    # GPT-2 small: vocabulary 50,257, context 1,024, 12 layers of width 768 (Radford et al., 2019)
    assert gpt_param_count(GPTConfig(50257, 1024, 768, 12, 12)) == 124_439_808


@settings(max_examples=30, deadline=None)
@given(configs, st.integers(1, 3), st.integers(0, 2**31 - 1))
def test_gpt_equals_the_same_model_built_from_torch_transformer_encoder_layers(config, B, seed):
    model = _model(config, seed)
    with torch.no_grad():  # non-zero biases and LayerNorm gains, so every copy is exercised
        for p in model.parameters():
            p.add_(0.1 * torch.randn(p.shape, dtype=p.dtype))
    ref = TorchGPT.from_gpt(model)
    assert sum(p.numel() for p in ref.parameters()) == gpt_param_count(config)
    g = torch.Generator().manual_seed(seed)
    idx = torch.randint(0, config.vocab_size, (B, config.context), generator=g)
    logits, weights = model(idx)
    assert logits.shape == (B, config.context, config.vocab_size)
    assert len(weights) == config.n_layers
    assert weights[0].shape == (B, config.n_heads, config.context, config.context)
    assert torch.allclose(logits, ref(idx), atol=1e-10, rtol=0)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 3), st.integers(1, 4), st.integers(1, 9), st.integers(1, 6),
       st.integers(0, 2**31 - 1))
def test_causal_self_attention_equals_torch_sdpa_is_causal(B, h, T, dk, seed):
    torch.manual_seed(seed)
    block = PreLNBlock(h * dk, h, 4).double()
    x = torch.randn(B, T, h * dk, dtype=torch.float64)
    out, w = block.attn(x, mask=causal_mask(T))
    a = block.attn
    q, k, v = (lin(x).view(B, T, h, dk).transpose(1, 2) for lin in (a.W_q, a.W_k, a.W_v))
    ref = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # (B, h, T, dk)
    ref = a.W_o(ref.transpose(1, 2).reshape(B, T, h * dk))
    assert torch.allclose(out, ref, atol=1e-12, rtol=0)
    assert (w.triu(1) == 0).all()


def test_a_later_token_never_changes_earlier_logits_and_weights_are_tied():
    model = _model(GPTConfig(20, 10, 8, 2, 2))
    assert model.head.weight is model.tok.weight
    idx = torch.randint(0, 20, (2, 10))
    changed = idx.clone()
    changed[:, 6] = (changed[:, 6] + 1) % 20
    a, b = model(idx)[0], model(changed)[0]
    assert torch.equal(a[:, :6], b[:, :6]) and not torch.allclose(a[:, 6:], b[:, 6:])
    untied = _model(GPTConfig(20, 10, 8, 2, 2, tie_weights=False))
    assert untied.head.weight is not untied.tok.weight


def test_pre_ln_block_normalises_only_inside_the_branches():
    torch.manual_seed(0)
    block = PreLNBlock(8, 2, 16).double()
    x = torch.randn(2, 5, 8, dtype=torch.float64)
    y, _ = block(x, causal_mask(5))
    a, _ = block.attn(block.norm1(x), mask=causal_mask(5))
    h = x + a
    assert torch.allclose(y, h + block.ffn(block.norm2(h)), atol=1e-14)


def test_generation_is_deterministic_under_a_seeded_generator_and_keeps_the_prompt():
    model = _model(GPTConfig(30, 8, 12, 2, 3))
    prompt = [3, 1, 4]
    a = model.generate(prompt, 12, temperature=0.9, top_k=10,
                       generator=torch.Generator().manual_seed(7))
    b = model.generate(torch.tensor(prompt), 12, temperature=0.9, top_k=10,
                       generator=torch.Generator().manual_seed(7))
    assert torch.equal(a, b) and a.shape == (15,) and a[:3].tolist() == prompt
    c = model.generate(prompt, 12, generator=torch.Generator().manual_seed(8))
    assert not torch.equal(a, c)
    batch = model.generate(torch.tensor([prompt, prompt]), 5, generator=torch.Generator())
    assert batch.shape == (2, 8)


def test_top_1_generation_is_greedy_argmax_with_the_window_sliding_past_the_context():
    model = _model(GPTConfig(30, 6, 12, 2, 3))
    out = model.generate([5], 10, top_k=1, generator=torch.Generator().manual_seed(0))
    seq = [5]
    for _ in range(10):  # the greedy loop written out: last 6 tokens, argmax of the last logits
        logits, _ = model(torch.tensor([seq[-6:]]))
        seq.append(int(logits[0, -1].argmax()))
    assert out.tolist() == seq


def test_bad_configurations_and_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match="n_heads must divide d_model"):
        GPTConfig(10, 8, 10, 1, 3)
    for field in ("vocab_size", "context", "d_model", "n_layers", "n_heads"):
        kwargs = dict(vocab_size=10, context=8, d_model=8, n_layers=1, n_heads=2)
        kwargs[field] = 0
        with pytest.raises(ValueError, match=f"{field} must be an integer >= 1"):
            GPTConfig(**kwargs)
    with pytest.raises(TypeError, match="config must be an instance of lmvis.gpt.GPTConfig"):
        GPT({"vocab_size": 10})
    model = _model(GPTConfig(10, 4, 8, 1, 2))
    with pytest.raises(ValueError, match="empty prompt"):
        model.generate([], 3)
    with pytest.raises(ValueError, match="temperature must be a number > 0"):
        model.generate([1], 3, temperature=0)
    with pytest.raises(ValueError, match="temperature"):
        model.generate([1], 3, temperature=-1.0)
    with pytest.raises(ValueError, match="top_k must be an integer >= 1"):
        model.generate([1], 3, top_k=0)
    with pytest.raises(ValueError, match=r"prompt must hold token ids in \[0, 10\)"):
        model.generate([1, 10], 3)
    with pytest.raises(ValueError, match="idx must be .batch >= 1, 1 to context=4 positions"):
        model(torch.zeros(1, 5, dtype=torch.long))
    with pytest.raises(TypeError, match="idx must be an integer tensor"):
        model(torch.zeros(1, 3))
    with pytest.raises(ValueError, match="max_new_tokens must be an integer >= 0"):
        model.generate([1], -1)


def test_cached_generation_reads_the_same_logits_as_the_whole_window():
    model = _model(GPTConfig(30, 8, 12, 2, 3))
    idx = torch.randint(0, 30, (3, 5), generator=torch.Generator().manual_seed(0))
    logits, cache = model._next_logits(idx[:, :3], None)
    assert torch.allclose(logits, model(idx[:, :3])[0][:, -1], atol=1e-12, rtol=0)
    logits, cache = model._next_logits(idx, cache)  # two new positions at once
    assert torch.allclose(logits, model(idx)[0][:, -1], atol=1e-12, rtol=0)
    assert [c.shape[1] for c in cache] == [5, 5]
