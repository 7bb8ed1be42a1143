"""Chapter 5: landscapes (vs finite differences), trajectories, schedules (vs torch), widget."""

import itertools

import matplotlib
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from lmvis import schedules, widgets
from lmvis.landscapes import LANDSCAPES, quadratic, run

matplotlib.use("Agg")


@pytest.mark.parametrize("name", list(LANDSCAPES))
@settings(max_examples=25, deadline=None)
@given(x=st.floats(-2, 2), y=st.floats(-2, 2))
def test_gradients_equal_central_differences(name, x, y):
    land = LANDSCAPES[name]()
    h = 1e-6
    xy = np.array([x, y])
    fd = np.array([(land.f(xy + h * e) - land.f(xy - h * e)) / (2 * h) for e in np.eye(2)])
    assert np.allclose(land.grad(xy), fd, rtol=1e-6, atol=1e-5)


def test_landscape_batches_and_errors():
    land = LANDSCAPES["rosenbrock"]()
    pts = np.zeros((4, 5, 2))
    assert land.f(pts).shape == (4, 5) and land.grad(pts).shape == (4, 5, 2)
    assert land.f(np.array([1.0, 1.0])) == 0.0  # the minimum
    with pytest.raises(ValueError, match=r"shape \(2,\) or \(\.\.\., 2\), got shape \(3,\)"):
        land.f(np.zeros(3))
    with pytest.raises(ValueError, match="kappa"):
        quadratic(kappa=0.5)
    with pytest.raises(ValueError, match="n must be"):
        land.grid(1)


@pytest.mark.parametrize("kappa", [1.0, 10.0, 50.0])
def test_quadratic_threshold_two_over_lambda_max(kappa):
    land = quadratic(kappa)
    lam_max = np.linalg.eigvalsh(land.hessian).max()
    below = run(land, "sgd", lr=0.95 * 2 / lam_max, steps=2000)
    above = run(land, "sgd", lr=1.05 * 2 / lam_max, steps=2000)
    assert not below.diverged and below.losses[-1] < 1e-6 * below.losses[0]
    assert above.diverged and above.diverged_at is not None
    assert np.all(np.isfinite(above.points))


def test_run_errors():
    land = quadratic()
    with pytest.raises(ValueError, match="optimizer must be one of"):
        run(land, "lbfgs")
    with pytest.raises(ValueError, match="steps must be an int"):
        run(land, steps=-1)
    with pytest.raises(ValueError, match="start must be"):
        run(land, start=[0.0, np.nan])
    with pytest.raises(TypeError, match="landscape must be a Landscape"):
        run("quadratic")


def test_schedules_equal_torch_lr_schedulers():
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=1.0)
    cos = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=20)
    ours = schedules.cosine(20)
    for t in range(20):
        assert abs(opt.param_groups[0]["lr"] - ours(t)) < 1e-12
        opt.step()
        cos.step()
    opt2 = torch.optim.SGD([p], lr=1.0)
    stp = torch.optim.lr_scheduler.StepLR(opt2, step_size=7, gamma=0.5)
    ours = schedules.step_decay(7, 0.5)
    for t in range(30):
        assert abs(opt2.param_groups[0]["lr"] - ours(t)) < 1e-12
        opt2.step()
        stp.step()
    w = schedules.warmup_cosine(5, 25)
    assert [w(t) for t in range(5)] == [0.2, 0.4, 0.6, 0.8, 1.0]
    assert w(5) == 1.0 and abs(w(25)) < 1e-12
    with pytest.raises(ValueError, match="warmup must be < total"):
        schedules.warmup_cosine(10, 10)


@pytest.mark.parametrize(
    ("landscape", "optimizer", "lr", "momentum", "steps"),
    list(itertools.product(widgets.SLIDERS["landscape"], widgets.SLIDERS["optimizer"],
                           widgets.SLIDERS["lr"], widgets.SLIDERS["momentum"],
                           widgets.SLIDERS["steps"])),
)
def test_widget_callback_at_every_slider_extreme(landscape, optimizer, lr, momentum, steps):
    import matplotlib.pyplot as plt

    ax, tr = widgets.explore_figure(landscape, optimizer, lr, momentum, steps)
    assert np.all(np.isfinite(tr.points)) and len(tr.points) >= 1
    assert len(tr.points) == steps + 1 or tr.diverged
    assert ("diverged" in ax.get_title()) == tr.diverged
    plt.close(ax.figure)


def test_widget_shell_builds():
    w = widgets.explorer()
    assert len(w.children) >= 5
