"""MLP forward/backward against an equivalent torch.nn model, in float64, to 1e-10."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from lmvis import losses
from lmvis.mlp import MLP, to_torch

ACTS = ["relu", "leaky_relu", "sigmoid", "tanh"]


@st.composite
def networks(draw):
    sizes = draw(st.lists(st.integers(1, 12), min_size=2, max_size=5))
    return (sizes, draw(st.sampled_from(ACTS)), draw(st.integers(1, 9)),
            draw(st.integers(0, 2**32 - 1)), draw(st.sampled_from(["he", "xavier"])))


@settings(max_examples=80, deadline=None)
@given(networks())
def test_forward_and_backward_match_torch_autograd(net):
    sizes, act, n, seed, init = net
    mlp = MLP(sizes, activation=act, seed=seed % 1000, init=init)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, sizes[0]))
    g = rng.normal(size=(n, sizes[-1]))  # an arbitrary upstream gradient dLoss/dOutput
    out = mlp.forward(X)
    grads = mlp.backward(g)

    model = to_torch(mlp)
    Xt = torch.tensor(X, requires_grad=True)
    out_t = model(Xt)
    (out_t * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=0, atol=1e-10)
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    assert len(grads) == len(linears) == len(sizes) - 1
    for (dW, db), lin, (W, b) in zip(grads, linears, mlp.params, strict=True):
        assert dW.shape == W.shape and db.shape == b.shape
        np.testing.assert_allclose(dW, lin.weight.grad.numpy().T, rtol=0, atol=1e-10)
        np.testing.assert_allclose(db, lin.bias.grad.numpy(), rtol=0, atol=1e-10)


def test_end_to_end_with_cross_entropy_matches_torch():
    rng = np.random.default_rng(1)
    mlp = MLP([5, 7, 3], activation="tanh", seed=3)
    X, y = rng.normal(size=(6, 5)), rng.integers(0, 3, size=6)
    loss, g = losses.cross_entropy(mlp.forward(X), y)
    grads = mlp.backward(g)
    model = to_torch(mlp)
    ref = torch.nn.functional.cross_entropy(model(torch.tensor(X)), torch.tensor(y))
    ref.backward()
    assert abs(loss - ref.item()) < 1e-12
    np.testing.assert_allclose(grads[0][0], model[0].weight.grad.numpy().T, atol=1e-12, rtol=0)


def test_init_options():
    he = MLP([400, 300], seed=0)
    assert abs(he.params[0][0].std() - np.sqrt(2 / 400)) < 0.01 * np.sqrt(2 / 400) * 5
    xa = MLP([400, 300], activation="tanh", seed=0)
    assert abs(xa.params[0][0].std() - np.sqrt(2 / 700)) < 0.05 * np.sqrt(2 / 700)
    z = MLP([3, 4, 1], init="zeros")
    assert all(not W.any() and not b.any() for W, b in z.params)
    c = MLP([3, 4, 1], init=0.5)
    assert all(np.all(W == 0.5) and np.all(b == 0.5) for W, b in c.params)
    assert MLP([784, 256, 256, 10]).n_params == 784 * 256 + 256 + 256 * 256 + 256 + 256 * 10 + 10
    assert MLP([3, 2], seed=1).params[0][0].tolist() == MLP([3, 2], seed=1).params[0][0].tolist()


def test_float32_mode_keeps_float32():
    mlp = MLP([4, 3, 2], dtype=np.float32)
    out = mlp.forward(np.ones((2, 4)))
    assert out.dtype == np.float32
    assert mlp.backward(np.ones((2, 2), dtype=np.float32))[0][0].dtype == np.float32


def test_step_descends():
    rng = np.random.default_rng(0)
    mlp = MLP([2, 8, 1], activation="tanh", seed=0)
    X, y = rng.normal(size=(16, 2)), rng.normal(size=(16, 1))
    before, g = losses.mse(mlp.forward(X), y)
    mlp.step(mlp.backward(g), lr=0.05)
    after, _ = losses.mse(mlp.forward(X), y)
    assert after < before


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="layer_sizes must hold at least 2 items, got 1"):
        MLP([3])
    with pytest.raises(ValueError, match=r"layer_sizes\[1\] must be an integer >= 1, got 0"):
        MLP([3, 0])
    with pytest.raises(TypeError, match="layer_sizes must be a sequence"):
        MLP("32")
    with pytest.raises(ValueError, match=r"activation must be one of \[.*\], got 'gelu'"):
        MLP([3, 2], activation="gelu")
    with pytest.raises(ValueError, match="init must be one of"):
        MLP([3, 2], init="orthogonal")
    with pytest.raises(ValueError, match=r"dtype must be one of \['float32', 'float64'\], got in"):
        MLP([3, 2], dtype=np.int64)
    with pytest.raises(TypeError, match="dtype must be a dtype"):
        MLP([3, 2], dtype="no such dtype")
    # the old message was NumPy's, without the argument's name
    with pytest.raises(ValueError, match="seed must be an integer >= 0, got -1"):
        MLP([3, 2], seed=-1)
    assert MLP([np.int64(3), 2], seed=np.int32(1)).layer_sizes == [3, 2]
    mlp = MLP([3, 4, 2])
    with pytest.raises(RuntimeError, match="forward"):
        mlp.backward(np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"X \(n, 3 features\) must have shape \(n, 3\), got \(5,"):
        mlp.forward(np.zeros((5, 4)))
    with pytest.raises(ValueError, match=r"X \(n, 3 features\) must have shape \(n, 3\), got \(3,"):
        mlp.forward(np.zeros(3))
    with pytest.raises(ValueError, match="finite"):
        mlp.forward(np.array([[1.0, np.inf, 0.0]]))
    mlp.forward(np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"grad_output must have shape \(5, 2\), got \(5, 3\)"):
        mlp.backward(np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"grads \(2 \(dW, db\) pairs\) must hold 2 items"):
        mlp.step([], lr=0.1)


def test_step_refuses_gradients_of_another_shape_and_bad_learning_rates():
    mlp = MLP([4, 3], seed=0)
    W, b = (p.copy() for p in mlp.params[0])
    # the old silent result: a (1, 1) gradient was broadcast over the (4, 3) weight
    with pytest.raises(ValueError, match=r"grads\[0\]\[0\] \(dW\) must have shape \(4, 3\), "
                                         r"got \(1, 1\)"):
        mlp.step([(np.ones((1, 1)), np.ones(3))], lr=0.1)
    # ... and lr = -1 (ascent) or NaN were taken
    for lr, error, match in ((-1.0, ValueError, "lr must be a number >= 0.0, got -1.0"),
                             (float("nan"), ValueError, "lr must be a finite number, got nan"),
                             ("0.1", TypeError, "lr must be a real number")):
        with pytest.raises(error, match=match):
            mlp.step([(np.ones((4, 3)), np.ones(3))], lr=lr)
    with pytest.raises(ValueError, match=r"grads\[0\]\[1\] \(db\) must contain only finite"):
        mlp.step([(np.ones((4, 3)), np.array([0.0, np.nan, 0.0]))], lr=0.1)
    assert np.array_equal(mlp.params[0][0], W) and np.array_equal(mlp.params[0][1], b)
    mlp.step([(np.ones((4, 3)), np.ones(3))], lr=np.float32(0.5))  # W ← W − lr·dW, exactly
    np.testing.assert_array_equal(mlp.params[0][0], W - 0.5)


def test_forward_reports_overflowing_weights_as_divergence():
    mlp = MLP([2, 2, 1], seed=0, init=1e200)
    with pytest.raises(FloatingPointError, match="layer 2 of the network computed NaN or inf"):
        with np.errstate(over="ignore"):
            mlp.forward(np.ones((1, 2)))


def test_parameters_are_the_arrays_themselves_in_torchs_order():
    net = MLP([3, 4, 2], seed=0)
    params = net.parameters()
    assert [p is q for p, q in zip(params, [a for pair in net.params for a in pair],
                                   strict=True)] == [True] * 4
    params[0] += 1.0  # updating the list updates the network: what lmvis.optim relies on
    assert np.array_equal(net.params[0][0], params[0])
    shapes = [tuple(p.shape) for p in to_torch(net).parameters()]
    assert shapes == [p.T.shape for p in params]
