"""lmvis.transformer against a written-out formula and torch.nn.TransformerEncoderLayer."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from lmvis.attention import MultiHeadAttention
from lmvis.transformer import (
    SequenceClassifier,
    TinyTransformer,
    TransformerBlock,
    TransformerConfig,
    sinusoidal_positional_encoding,
)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 20), st.integers(1, 17))
def test_positional_encoding_matches_the_papers_formula(T, d):
    pe = sinusoidal_positional_encoding(T, d)
    assert pe.shape == (T, d) and pe.dtype == torch.float64
    for p in range(T):
        for j in range(d):
            i = j // 2
            angle = p / 10000 ** (2 * i / d)
            expected = math.sin(angle) if j % 2 == 0 else math.cos(angle)
            assert abs(pe[p, j].item() - expected) < 1e-12


def test_positional_encoding_errors():
    with pytest.raises(ValueError, match="n_positions must be an integer >= 1, got 0"):
        sinusoidal_positional_encoding(0, 4)
    with pytest.raises(ValueError, match="base must be a number > 1.0, got 1.0"):
        sinusoidal_positional_encoding(3, 4, base=1.0)


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 3), st.integers(1, 6), st.sampled_from([(4, 1), (8, 2), (12, 3)]),
       st.booleans(), st.integers(0, 2**31 - 1))
def test_block_equals_torch_transformer_encoder_layer(B, T, dims, masked, seed):
    d_model, n_heads = dims
    torch.manual_seed(seed)
    ref = torch.nn.TransformerEncoderLayer(
        d_model, n_heads, dim_feedforward=2 * d_model, dropout=0.0, batch_first=True,
        norm_first=False, dtype=torch.float64,
    )
    for p in ref.parameters():  # random biases and norm gains, so all of them are tested
        torch.nn.init.normal_(p, std=0.5)
    ours = TransformerBlock(d_model, n_heads, 2 * d_model).double()
    ours.attn = MultiHeadAttention.from_torch(ref.self_attn)
    ours.ffn.linear1.load_state_dict(ref.linear1.state_dict())
    ours.ffn.linear2.load_state_dict(ref.linear2.state_dict())
    ours.norm1.load_state_dict(ref.norm1.state_dict())
    ours.norm2.load_state_dict(ref.norm2.state_dict())
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(B, T, d_model, generator=g, dtype=torch.float64)
    mask = None
    if masked:
        mask = torch.rand(T, T, generator=g) < 0.5
        mask[:, 0] = True
    out, w = ours(x, mask)
    expected = ref(x, src_mask=None if mask is None else ~mask)  # torch: True = blocked
    assert w.shape == (B, n_heads, T, T)
    assert torch.allclose(out, expected, atol=1e-10, rtol=0)


def test_config_validates():
    with pytest.raises(ValueError, match="divisible by n_heads"):
        TransformerConfig(d_model=10, n_heads=4)
    with pytest.raises(ValueError, match="n_layers must be an integer >= 1, got 0"):
        TransformerConfig(n_layers=0)
    with pytest.raises(TypeError, match="TransformerConfig"):
        TinyTransformer({"d_model": 8})
    with pytest.raises(TypeError, match="positional"):  # seven sizes: by name only
        TransformerConfig(10, 16)
    assert TransformerConfig(d_model=np.int64(8), n_heads=2).d_model == 8


def test_tiny_model_is_deterministic_under_a_seed_and_checks_tokens():
    cfg = TransformerConfig(vocab_size=7, max_len=5, d_model=8, n_heads=2, n_layers=2, d_ff=16,
                            n_outputs=7)
    tokens = torch.tensor([[0, 1, 2, 3, 6], [6, 5, 4, 3, 2]])
    runs = []
    for _ in range(2):
        torch.manual_seed(123)
        logits, weights = TinyTransformer(cfg)(tokens)
        runs.append((logits, weights))
    assert torch.equal(runs[0][0], runs[1][0])
    assert logits.shape == (2, 5, 7) and len(weights) == 2 and weights[0].shape == (2, 2, 5, 5)
    torch.manual_seed(124)
    assert not torch.equal(TinyTransformer(cfg)(tokens)[0], runs[0][0])
    model = TinyTransformer(cfg)
    with pytest.raises(ValueError, match=r"the length of tokens \(at most config.max_len = 5\)"):
        model(torch.zeros(1, 6, dtype=torch.long))
    with pytest.raises(ValueError, match=r"tokens \(token ids\) must lie in \[0, 7\)"):
        model(torch.tensor([[7]]))
    with pytest.raises(TypeError, match=r"tokens \(batch, length\) must be an integer tensor"):
        model(torch.zeros(1, 3))
    assert torch.equal(model(tokens.int())[0], model(tokens)[0])  # int32 ids work like int64


def test_classifier_ignores_padding():
    cfg = TransformerConfig(vocab_size=5, max_len=6, d_model=8, n_heads=2, n_layers=2, d_ff=16,
                            n_outputs=3)
    torch.manual_seed(0)
    model = SequenceClassifier(cfg)
    short = torch.tensor([[1, 2, 3]])
    padded = torch.tensor([[1, 2, 3, 0, 4, 4]])  # anything after the real tokens
    pad_mask = torch.tensor([[True, True, True, False, False, False]])
    a, _ = model(short)
    b, w = model(padded, pad_mask)
    assert torch.allclose(a, b, atol=1e-6)
    assert (w[0][..., 3:] == 0).all()  # no query attends to a padding key
    with pytest.raises(TypeError, match=r"padding_mask .* must be a torch.bool tensor"):
        model(padded, pad_mask.float())
    with pytest.raises(ValueError, match=r"padding_mask .* must have shape \(1, 6\), got \(1, 3\)"):
        model(padded, pad_mask[:, :3])
