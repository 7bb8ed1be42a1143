"""Activations and derivatives against torch (values) and torch.autograd (derivatives)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from lmvis import activations as A

TORCH = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda t: F.leaky_relu(t, 0.01),
    "identity": lambda t: t,
}

floats = arrays(np.float64, st.integers(1, 30),
                elements=st.floats(-50, 50, allow_nan=False, allow_infinity=False))


@pytest.mark.parametrize("name", sorted(A.ACTIVATIONS))
@settings(max_examples=40, deadline=None)
@given(z=floats)
def test_activation_and_derivative_match_torch_autograd(name, z):
    f, fp = A.get(name)
    t = torch.tensor(z, requires_grad=True)
    y = TORCH[name](t)
    y.sum().backward()
    np.testing.assert_allclose(f(z), y.detach().numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(fp(z), t.grad.numpy(), rtol=1e-10, atol=1e-15)


def test_sigmoid_is_stable_at_extremes_and_derivative_peaks_at_quarter():
    z = np.array([-1000.0, 0.0, 1000.0])
    np.testing.assert_array_equal(A.sigmoid(z), [0.0, 0.5, 1.0])
    assert A.sigmoid_prime(0.0) == 0.25
    assert A.relu_prime(np.array(0.0)) == 0.0  # PyTorch's convention at the kink


def test_unknown_activation_name_raises():
    with pytest.raises(ValueError, match=r"name must be one of \['sigmoid', .*got 'softsign'"):
        A.get("softsign")
    with pytest.raises(TypeError, match="name must be a str"):
        A.get(3)
