"""lmvis.optim against torch.optim: 200 steps in float64, step for step, to 1e-10."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from lmvis.optim import SGD, Adam, RMSprop

N_STEPS = 200
TOL = 1e-10


def _loss_and_grads(params):
    """A non-quadratic loss of two tensors, so gradients change in shape along the way."""
    w, b = params
    return (torch.tanh(w).sum() ** 2 + (w**2).sum() * 0.5 + torch.sin(b).sum() + (b**4).sum() * 0.1)


def _run_both(ours_cls, torch_cls, kwargs, seed=0, n_steps=N_STEPS):
    """Run our optimizer and torch's from the same start on the same loss; return max |diff|.

    Adaptive methods (RMSprop, Adam) start far from the minimum: near a stationary point they
    divide a gradient of pure rounding noise by its own size, which turns 1e-18 differences into
    full steps of size lr (chaos, not a bug), so the comparison must stay away from there.
    """
    rng = np.random.default_rng(seed)
    offset = 0.0 if ours_cls is SGD else 8.0
    w0, b0 = rng.normal(size=(3, 4)) + offset, rng.normal(size=(4,)) + offset
    ours = [w0.copy(), b0.copy()]
    theirs = [torch.tensor(w0, requires_grad=True), torch.tensor(b0, requires_grad=True)]
    opt_ours = ours_cls(ours, **kwargs)
    opt_torch = torch_cls(theirs, **kwargs)
    worst = 0.0
    for _ in range(n_steps):
        # gradient at OUR parameters, computed by autograd (independent of lmvis)
        tp = [torch.tensor(p, requires_grad=True) for p in ours]
        _loss_and_grads(tp).backward()
        opt_ours.step([t.grad.numpy() for t in tp])
        opt_torch.zero_grad()
        _loss_and_grads(theirs).backward()
        opt_torch.step()
        for p, t in zip(ours, theirs, strict=True):
            assert np.all(np.isfinite(p)), "the comparison must not diverge"
            worst = max(worst, float(np.max(np.abs(p - t.detach().numpy()))))
    return worst


CASES = [
    (SGD, torch.optim.SGD, dict(lr=0.05)),
    (SGD, torch.optim.SGD, dict(lr=0.02, momentum=0.9)),
    (SGD, torch.optim.SGD, dict(lr=0.02, momentum=0.9, nesterov=True)),
    (SGD, torch.optim.SGD, dict(lr=0.02, momentum=0.5, nesterov=True, weight_decay=0.1)),
    (RMSprop, torch.optim.RMSprop, dict()),
    (RMSprop, torch.optim.RMSprop, dict(lr=0.003, alpha=0.9, eps=1e-6, weight_decay=0.05)),
    (Adam, torch.optim.Adam, dict()),
    (Adam, torch.optim.Adam, dict(lr=0.01, betas=(0.8, 0.95), eps=1e-6)),
    (Adam, torch.optim.Adam, dict(lr=0.02, betas=(0.5, 0.9), weight_decay=0.01)),
]


@pytest.mark.parametrize(("ours", "theirs", "kwargs"), CASES, ids=lambda x: str(x))
def test_equals_torch_optim_for_200_steps(ours, theirs, kwargs):
    assert _run_both(ours, theirs, kwargs) < TOL


@settings(max_examples=15, deadline=None)
@given(
    lr=st.floats(1e-4, 0.1),
    momentum=st.floats(0.0, 0.99),
    nesterov=st.booleans(),
    wd=st.sampled_from([0.0, 1e-3, 0.1]),
    seed=st.integers(0, 1000),
)
def test_sgd_property(lr, momentum, nesterov, wd, seed):
    nesterov = nesterov and momentum > 0
    kw = dict(lr=lr, momentum=momentum, nesterov=nesterov, weight_decay=wd)
    assert _run_both(SGD, torch.optim.SGD, kw, seed=seed, n_steps=30) < TOL


@settings(max_examples=15, deadline=None)
@given(
    lr=st.floats(1e-4, 0.1),
    b1=st.floats(0.0, 0.99),
    b2=st.floats(0.5, 0.9999),
    seed=st.integers(0, 1000),
)
def test_adam_property(lr, b1, b2, seed):
    kw = dict(lr=lr, betas=(b1, b2))
    assert _run_both(Adam, torch.optim.Adam, kw, seed=seed, n_steps=30) < TOL


def test_params_are_updated_in_place_and_lr_is_mutable():
    p = np.array([1.0, -2.0])
    ref = p
    opt = SGD([p], lr=0.5)
    opt.step([np.array([1.0, 1.0])])
    assert ref is p and np.allclose(p, [0.5, -2.5])
    opt.lr = 0.0
    opt.step([np.array([1.0, 1.0])])
    assert np.allclose(p, [0.5, -2.5])
    assert opt.t == 2


def test_errors_name_what_was_expected():
    with pytest.raises(ValueError, match=r"params .* must hold at least 1 items"):
        SGD([], lr=0.1)
    with pytest.raises(TypeError, match=r"params\[0\] .* must hold floating-point numbers"):
        SGD([np.zeros(2, dtype=int)], lr=0.1)
    with pytest.raises(TypeError, match=r"params\[0\] must be a floating-point NumPy array"):
        SGD([[0.0, 1.0]], lr=0.1)
    with pytest.raises(ValueError, match="lr must be a number >= 0.0, got -1.0"):
        SGD([np.zeros(2)], lr=-1.0)
    with pytest.raises(ValueError, match="weight_decay must be a finite number, got nan"):
        SGD([np.zeros(2)], lr=0.1, weight_decay=float("nan"))
    with pytest.raises(ValueError, match=r"momentum must be a number >= 0.0 and < 1.0, got 1.0"):
        SGD([np.zeros(2)], lr=0.1, momentum=1.0)
    with pytest.raises(ValueError, match="momentum must be > 0 when nesterov=True"):
        SGD([np.zeros(2)], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match=r"alpha must be a number >= 0.0 and < 1.0, got 1.5"):
        RMSprop([np.zeros(2)], alpha=1.5)
    with pytest.raises(ValueError, match="eps must be a number >= 0.0, got -1.0"):
        RMSprop([np.zeros(2)], eps=-1.0)
    with pytest.raises(ValueError, match=r"betas\[1\] must be a number >= 0.0 and < 1.0"):
        Adam([np.zeros(2)], betas=(0.9, 1.0))
    opt = Adam([np.zeros(2), np.zeros(3)])
    with pytest.raises(ValueError, match=r"grads \(2 gradients, one per parameter\) must hold 2 "
                                         r"items, got 1"):
        opt.step([np.zeros(2)])
    with pytest.raises(ValueError, match=r"grads\[1\] .* must have shape \(3,\), got \(2,\)"):
        opt.step([np.zeros(2), np.zeros(2)])
    with pytest.raises(ValueError, match=r"grads\[0\] .* must contain only finite values"):
        opt.step([np.array([np.nan, 0.0]), np.zeros(3)])
    assert SGD([np.zeros(2)], lr=np.float32(0.5), momentum=np.float64(0.5)).momentum == 0.5
    # settings after lr are keyword-only: their order is not torch.optim's
    with pytest.raises(TypeError, match="positional"):
        SGD([np.zeros(2)], 0.1, 0.9)


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda p: Adam(p, betas=0.9), TypeError, r"betas must be a sequence"),
        (lambda p: SGD(p, lr=0.1, momentum="0.9"), TypeError,
         r"momentum must be a real number, got str '0.9'"),
        (lambda p: RMSprop(p, eps="x"), TypeError, r"eps must be a real number, got str 'x'"),
        (lambda p: SGD(p, lr=0.1, momentum=0.5, nesterov=1), TypeError,
         r"nesterov must be True or False, got int 1"),
        (lambda p: Adam(p, betas=(0.9, "x")), TypeError, r"betas\[1\] must be a real number"),
        (lambda p: SGD(p, lr="0.1"), TypeError, r"lr must be a real number, got str"),
        (lambda p: RMSprop(p, weight_decay=None), TypeError, r"weight_decay must be a real"),
    ],
)
def test_hyperparameters_of_the_wrong_type_are_named(make, error, message):
    with pytest.raises(error, match=message):
        make([np.zeros(3)])
