"""lmvis.attention against torch.nn.functional and torch.nn.MultiheadAttention."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from lmvis.attention import MultiHeadAttention, causal_mask, scaled_dot_product_attention

shapes = st.tuples(
    st.integers(1, 3),  # batch
    st.integers(1, 3),  # heads
    st.integers(1, 7),  # L
    st.integers(1, 7),  # S
    st.integers(1, 9),  # d_k
    st.integers(1, 6),  # d_v
    st.integers(0, 2**31 - 1),  # seed
)


def _qkv(B, H, L, S, d, dv, seed):
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(B, H, L, d, generator=g, dtype=torch.float64)
    k = torch.randn(B, H, S, d, generator=g, dtype=torch.float64)
    v = torch.randn(B, H, S, dv, generator=g, dtype=torch.float64)
    return q, k, v, g


@settings(max_examples=60, deadline=None)
@given(shapes)
def test_equals_torch_without_mask(shape):
    q, k, v, _ = _qkv(*shape)
    out, w = scaled_dot_product_attention(q, k, v)
    ref = F.scaled_dot_product_attention(q, k, v)
    assert torch.allclose(out, ref, atol=1e-10, rtol=0)
    assert torch.allclose(w.sum(-1), torch.ones(w.shape[:-1], dtype=torch.float64), atol=1e-12)
    # the weights themselves, written out independently
    ref_w = torch.softmax(torch.einsum("bhld,bhsd->bhls", q, k) / math.sqrt(q.shape[-1]), -1)
    assert torch.allclose(w, ref_w, atol=1e-12, rtol=0)


@settings(max_examples=60, deadline=None)
@given(shapes)
def test_equals_torch_with_random_mask_and_masked_weights_are_exactly_zero(shape):
    q, k, v, g = _qkv(*shape)
    L, S = q.shape[-2], k.shape[-2]
    mask = torch.rand(q.shape[0], 1, L, S, generator=g) < 0.6
    mask[..., 0] = True  # every query may attend to at least one key
    out, w = scaled_dot_product_attention(q, k, v, mask)
    ref = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    assert torch.allclose(out, ref, atol=1e-10, rtol=0)
    assert (w.masked_select(~mask.expand_as(w)) == 0).all()
    assert torch.allclose(w.sum(-1), torch.ones(w.shape[:-1], dtype=torch.float64), atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(shapes)
def test_causal_mask_equals_torch_is_causal(shape):
    q, k, v, _ = _qkv(*shape)
    L, S = q.shape[-2], k.shape[-2]
    out, w = scaled_dot_product_attention(q, k, v, causal_mask(L, S))
    ref = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    assert torch.allclose(out, ref, atol=1e-10, rtol=0)
    assert (w.triu(1) == 0).all()


def test_fully_masked_row_gives_zeros_not_nan():
    q, k, v, _ = _qkv(1, 1, 3, 4, 5, 2, 0)
    mask = torch.ones(3, 4, dtype=torch.bool)
    mask[1] = False
    out, w = scaled_dot_product_attention(q, k, v, mask)
    assert not torch.isnan(out).any()
    assert (w[..., 1, :] == 0).all() and (out[..., 1, :] == 0).all()


def test_causal_mask_values_and_errors():
    expected = [[True, False, False], [True, True, False], [True, True, True]]
    assert causal_mask(3).tolist() == expected
    assert causal_mask(2, 3).shape == (2, 3)
    with pytest.raises(ValueError, match="L must be an integer >= 1, got 0"):
        causal_mask(0)
    # NumPy integers are integers (they used to be refused)
    assert torch.equal(causal_mask(np.int64(3), np.int32(2)), causal_mask(3, 2))
    with pytest.raises(TypeError, match="S must be an integer, got float"):
        causal_mask(3, 2.0)


def test_clear_errors():
    q = torch.randn(2, 3, 4, dtype=torch.float64)
    with pytest.raises(ValueError, match="share the last dimension d_k"):
        scaled_dot_product_attention(q, torch.randn(2, 5, 3, dtype=torch.float64), q)
    with pytest.raises(ValueError, match="same number of positions S"):
        scaled_dot_product_attention(q, q, torch.randn(2, 4, 4, dtype=torch.float64))
    with pytest.raises(ValueError, match="does not broadcast"):
        scaled_dot_product_attention(q, q, q, torch.ones(2, 2, dtype=torch.bool))
    with pytest.raises(TypeError, match="torch.bool"):
        scaled_dot_product_attention(q, q, q, torch.ones(3, 3))
    with pytest.raises(TypeError, match="torch.Tensor"):
        scaled_dot_product_attention([[1.0]], q, q)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        scaled_dot_product_attention(torch.randn(3), q, q)
    with pytest.raises(ValueError, match="divisible by n_heads"):
        MultiHeadAttention(10, 3)
    mha = MultiHeadAttention(8, 2)
    with pytest.raises(ValueError, match="d_model=8"):
        mha(torch.randn(2, 3, 6))
    with pytest.raises(ValueError, match="batch_first=True"):
        MultiHeadAttention.from_torch(torch.nn.MultiheadAttention(8, 2))
    with pytest.raises(TypeError, match="MultiheadAttention"):
        MultiHeadAttention.from_torch(mha)


@settings(max_examples=30, deadline=None)
@given(
    st.integers(1, 3), st.integers(1, 6), st.integers(1, 6),
    st.sampled_from([(4, 1), (6, 2), (8, 4)]),
    st.booleans(), st.integers(0, 2**31 - 1),
)
def test_multihead_equals_torch_outputs_and_per_head_weights(B, L, S, dims, masked, seed):
    d_model, n_heads = dims
    torch.manual_seed(seed)
    ref = torch.nn.MultiheadAttention(d_model, n_heads, batch_first=True, dtype=torch.float64)
    torch.nn.init.normal_(ref.in_proj_bias)  # non-zero biases, so that copying them is tested
    torch.nn.init.normal_(ref.out_proj.bias)
    ours = MultiHeadAttention.from_torch(ref)
    g = torch.Generator().manual_seed(seed)
    query = torch.randn(B, L, d_model, generator=g, dtype=torch.float64)
    kv = torch.randn(B, S, d_model, generator=g, dtype=torch.float64)
    mask = None
    if masked:
        mask = torch.rand(L, S, generator=g) < 0.5
        mask[:, 0] = True
    out, w = ours(query, kv, kv, mask=mask)
    ref_out, ref_w = ref(query, kv, kv, attn_mask=None if mask is None else ~mask,  # True = blocked
                         need_weights=True, average_attn_weights=False)
    assert w.shape == (B, n_heads, L, S)
    assert torch.allclose(out, ref_out, atol=1e-10, rtol=0)
    assert torch.allclose(w, ref_w, atol=1e-10, rtol=0)


def test_attention_row_clips_and_plots_return_figures():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from lmvis.viz.attention import plot_attention, plot_attention_grid, plot_attention_row
    from lmvis.widgets import attention_row

    w = torch.softmax(torch.randn(2, 2, 3, 4, generator=torch.Generator().manual_seed(0)), -1)
    layers = [w[0], w[1]]  # two layers, (heads=2, L=3, S=4) each
    row, used = attention_row(layers, 1, 0, 2)
    assert used == (1, 0, 2) and torch.allclose(torch.as_tensor(row), w[1, 0, 2].double())
    _, used = attention_row(layers, 99, -5, 99)  # slider extremes: clipped, not raised
    assert used == (1, 0, 2)
    with pytest.raises(ValueError, match=r"layer_weights .* must hold at least 1 items"):
        attention_row([], 0, 0, 0)
    fig = plot_attention_grid(layers, list("abc"), list("wxyz"))
    assert len(fig.axes) == 4
    ax = plot_attention(w[0, 0], annotate=True)
    assert len(ax.texts) == 12
    assert plot_attention_row(w[0, 0, 0]).get_ylim()[1] > 1
    with pytest.raises(ValueError, match=r"key_tokens \(4 labels, .*\) must hold 4 items, got 3"):
        plot_attention(w[0, 0], key_tokens=list("abc"))
    plt.close("all")


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 3), st.integers(1, 4), st.integers(1, 5), st.integers(1, 4),
       st.integers(0, 2**31 - 1))
def test_split_heads_gives_each_head_its_columns_and_merge_heads_undoes_it(B, h, T, d_k, seed):
    m = MultiHeadAttention(h * d_k, h)
    x = torch.randn(B, T, h * d_k, generator=torch.Generator().manual_seed(seed))
    heads = m.split_heads(x)
    assert heads.shape == (B, h, T, d_k)
    for i in range(h):  # head i is columns i*d_k .. (i+1)*d_k - 1, written out the slow way
        assert torch.equal(heads[:, i], x[:, :, i * d_k:(i + 1) * d_k])
    assert torch.equal(m.merge_heads(heads), x)
    assert torch.equal(m.merge_heads(heads.transpose(2, 3).contiguous().transpose(2, 3)), x)


def test_split_and_merge_heads_name_the_shape_they_expect():
    m = MultiHeadAttention(8, 2)
    with pytest.raises(ValueError, match="d_model=8"):
        m.split_heads(torch.zeros(1, 3, 6))
    with pytest.raises(ValueError, match="n_heads=2"):
        m.merge_heads(torch.zeros(1, 3, 4, 4))
    with pytest.raises(TypeError, match="torch.Tensor"):
        m.split_heads(np.zeros((1, 3, 8)))
