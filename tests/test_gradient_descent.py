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
    with pytest.raises(ValueError, match=r"xy must have shape \(2,\) or \(\.\.\., 2\), got shape"):
        land.f(np.zeros(3))
    with pytest.raises(ValueError, match=r"kappa \(condition number\) must be a number >= 1.0"):
        quadratic(kappa=0.5)
    with pytest.raises(ValueError, match="n must be an integer >= 2, got 1"):
        land.grid(1)
    with pytest.raises(ValueError, match="xy must contain only finite values"):
        land.grad(np.array([np.nan, 0.0]))


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
    with pytest.raises(ValueError, match="steps must be an integer >= 0, got -1"):
        run(land, steps=-1)
    with pytest.raises(ValueError, match="start must contain only finite values"):
        run(land, start=[0.0, np.nan])
    with pytest.raises(TypeError, match="landscape must be an instance of lmvis.landscapes.Landsc"):
        run("quadratic")
    with pytest.raises(ValueError, match=r"schedule\(0\) must be a number >= 0.0, got -1.0"):
        run(land, steps=3, schedule=lambda t: -1.0)
    assert run(land, steps=np.int64(3)).points.shape == (4, 2)


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
    with pytest.raises(ValueError, match=r"total \(more than warmup = 10\) must be an integer >="):
        schedules.warmup_cosine(10, 10)
    # the old silent result: cosine(10)(-1) was 0.976, a factor for a step that does not exist
    for schedule in (schedules.cosine(10), schedules.step_decay(3), w):
        with pytest.raises(ValueError, match=r"t \(the step index\) must be an integer >= 0"):
            schedule(-1)
        with pytest.raises(TypeError, match=r"t \(the step index\) must be an integer"):
            schedule(1.5)
        assert schedule(np.int64(4)) == schedule(4)


@pytest.mark.parametrize(
    ("landscape", "optimizer", "lr", "momentum", "steps"),
    list(itertools.product(widgets.SLIDERS["landscape"], widgets.SLIDERS["optimizer"],
                           widgets.SLIDERS["lr"], widgets.SLIDERS["momentum"],
                           widgets.SLIDERS["steps"])),
)
def test_widget_callback_at_every_slider_extreme(landscape, optimizer, lr, momentum, steps):
    import matplotlib.pyplot as plt

    kw = {"lr": lr, "momentum": momentum}
    ax, tr = widgets.explore_figure(landscape, optimizer, steps=steps, **kw)
    land = LANDSCAPES[landscape]()
    p = tr.points
    assert np.all(np.isfinite(p)) and np.array_equal(p[0], land.start)
    # each loss is the landscape at its point (a batch and a single point may round apart)
    np.testing.assert_allclose(tr.losses, land.f(p), rtol=1e-12, atol=1e-12)
    if tr.diverged:  # at the first step that left the ball: one step fewer does not diverge
        assert tr.diverged_at == len(p) <= steps
        shorter = widgets.explore(landscape, optimizer, steps=tr.diverged_at - 1, **kw)
        assert not shorter.diverged and np.array_equal(shorter.points, p)
    else:
        assert len(p) == steps + 1 and tr.diverged_at is None
    if len(p) > 1:  # the first step against its formula (the optimizers' state starts at 0)
        g = land.grad(p[0])
        first = {"sgd": lr * g, "adam": lr * g / (np.abs(g) + 1e-8),
                 "rmsprop": lr * g / (np.sqrt(0.01 * g * g) + 1e-8)}[optimizer]
        np.testing.assert_allclose(p[0] - p[1], first, rtol=1e-9, atol=1e-15)
    assert ax.get_title().endswith(tr.label) and ("diverged" in ax.get_title()) == tr.diverged
    plt.close(ax.figure)


def test_widget_shell_offers_exactly_the_tested_slider_ranges():
    import math

    w = widgets.explorer()
    controls = {c.description or name: c for name, c in zip(widgets.SLIDERS, w.children,
                                                            strict=False)}
    assert list(controls) == list(widgets.SLIDERS)  # one control per setting, in that order
    assert controls["landscape"].options == widgets.SLIDERS["landscape"]
    assert controls["optimizer"].options == widgets.SLIDERS["optimizer"]
    lo, hi = widgets.SLIDERS["lr"]
    assert (controls["lr"].min, controls["lr"].max) == (math.log10(lo), math.log10(hi))
    for name in ("momentum", "steps"):
        assert (controls[name].min, controls[name].max) == widgets.SLIDERS[name]
    assert len(w.children) == len(widgets.SLIDERS) + 1  # and the output area
