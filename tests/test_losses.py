"""Losses: values against torch.nn.functional, gradients against torch.autograd."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from lmvis import losses


@st.composite
def logits_and_labels(draw):
    n, c = draw(st.integers(1, 8)), draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**32 - 1))
    scale = draw(st.sampled_from([0.1, 1.0, 30.0]))
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, c)) * scale, rng.integers(0, c, size=n)


def assert_matches_torch(ours, torch_loss, x, target, relative=True):
    """Compare a loss's (value, gradient wrt x) with torch's loss and autograd gradient."""
    value, grad = ours
    t = torch.tensor(x, requires_grad=True)
    ref = torch_loss(t, torch.tensor(target))
    ref.backward()
    scale = max(1.0, abs(ref.item())) if relative else 1.0
    assert abs(value - ref.item()) <= 1e-10 * scale
    np.testing.assert_allclose(grad, t.grad.numpy(), rtol=0, atol=1e-10)


@settings(max_examples=60, deadline=None)
@given(logits_and_labels())
def test_cross_entropy_matches_torch(data):
    logits, labels = data
    assert_matches_torch(losses.cross_entropy(logits, labels), F.cross_entropy, logits, labels)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_mse_matches_torch(n, d, seed):
    rng = np.random.default_rng(seed)
    pred, target = rng.normal(size=(n, d)), rng.normal(size=(n, d))
    assert_matches_torch(losses.mse(pred, target), F.mse_loss, pred, target, relative=False)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 8), st.booleans(), st.integers(0, 2**32 - 1), st.sampled_from([1.0, 40.0]))
def test_bce_with_logits_matches_torch(n, column, seed, scale):
    rng = np.random.default_rng(seed)
    shape = (n, 1) if column else (n,)
    z, y = rng.normal(size=shape) * scale, rng.uniform(size=shape)
    ours = losses.binary_cross_entropy_with_logits(z, y)
    assert_matches_torch(ours, F.binary_cross_entropy_with_logits, z, y)


def test_softmax_rows_sum_to_one_even_for_huge_logits():
    p = losses.softmax(np.array([[1000.0, 0.0, -1000.0]]))
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert np.all(np.isfinite(p))


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match=r"pred and target must have the same shape, got "
                                         r"pred \(2, 1\), target \(2,\)"):
        losses.mse(np.zeros((2, 1)), np.zeros(2))
    with pytest.raises(ValueError, match="finite"):
        losses.mse(np.array([np.nan]), np.array([0.0]))
    with pytest.raises(ValueError, match="logits must be 2-D"):
        losses.cross_entropy(np.zeros(3), np.zeros(3, dtype=int))
    with pytest.raises(ValueError, match=r"labels \(class indices, one per row of logits\) "
                                         r"must have shape \(2,\)"):
        losses.cross_entropy(np.zeros((2, 3)), np.zeros((2, 1), dtype=int))
    with pytest.raises(ValueError, match=r"labels .* must hold values >= 0 and <= 2, got "
                                         r"values in \[0, 3\]"):
        losses.cross_entropy(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(TypeError, match=r"labels \(class indices.*\) must hold integers"):
        losses.cross_entropy(np.zeros((2, 3)), np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match="logits must have at least 1 dimensions"):
        losses.softmax(3.0)
    with pytest.raises(ValueError, match=r"targets .* must hold values >= 0.0 and <= 1.0"):
        losses.binary_cross_entropy_with_logits(np.zeros(2), np.array([0.0, 2.0]))
    with pytest.raises(ValueError, match=r"logits must have shape \(n, 1\), got \(2, 2\)"):
        losses.binary_cross_entropy_with_logits(np.zeros((2, 2)), np.zeros((2, 2)))
    with pytest.raises(TypeError, match="pred must be a numeric array, got str"):
        losses.mse("abc", "abd")
