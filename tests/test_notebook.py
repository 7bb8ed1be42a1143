"""lmvis.notebook: the shared setup call and helpers."""

import random
import re

import lmvis
import matplotlib as mpl
import numpy as np
import pytest
import torch
from lmvis.notebook import STYLE


def test_import_has_no_side_effects_and_setup_applies_style():
    import importlib

    mpl.rcdefaults()
    importlib.reload(lmvis)
    assert mpl.rcParams["axes.spines.top"] is True  # untouched by import
    lmvis.setup()
    assert mpl.rcParams["axes.spines.top"] is STYLE["axes.spines.top"]
    mpl.rcdefaults()


def test_setup_seeds_every_generator():
    lmvis.setup(seed=3)
    a = (random.random(), np.random.rand(), torch.rand(1).item())  # noqa: NPY002
    lmvis.setup(seed=3)
    b = (random.random(), np.random.rand(), torch.rand(1).item())  # noqa: NPY002
    assert a == b
    mpl.rcdefaults()


@pytest.mark.parametrize("bad, error", [(-1, ValueError), (1.5, TypeError), ("0", TypeError),
                                        (True, TypeError)])
def test_setup_rejects_bad_seed(bad, error):
    with pytest.raises(error, match="seed must be an integer"):
        lmvis.setup(seed=bad)


def test_stopwatch_measures_what_an_outside_clock_measures_and_prints_it(capsys):
    import time

    outer_start = time.perf_counter()
    with lmvis.stopwatch("work") as sw:
        time.sleep(0.05)
    outer = time.perf_counter() - outer_start
    assert 0.05 <= sw.seconds <= outer  # at least the sleep, at most the clock around it
    assert capsys.readouterr().out == f"work: ⏱ {sw.seconds:.2f} s\n"
    with pytest.raises(TypeError, match="label must be a str"):
        lmvis.stopwatch(3)


def test_progress_final_line_has_no_timing(capsys):
    for _ in lmvis.progress(range(3), desc="steps"):
        pass
    err = capsys.readouterr().err
    final = err.split("\r")[-1]
    assert "3/3" in final and "it/s" not in final and "<" not in final


def test_below_prints_the_checked_bound_and_refuses_a_false_claim():
    assert lmvis.below(6.7e-16, 1e-12) == lmvis.below(np.float64(8.9e-16), 1e-12) == "< 1e-12"
    assert lmvis.below(0.0, 1e-8) == "< 1e-08" and lmvis.below(0.1, 0.5) == "< 0.5"
    assert lmvis.below(torch.tensor(0.0), 1e-12) == "< 1e-12"  # what (a - b).abs().max() gives
    with pytest.raises(AssertionError, match=r"below 1e-12, got 2e-12"):
        lmvis.below(2e-12, 1e-12)
    for bad in (float("nan"), float("inf")):  # no measurement
        with pytest.raises(ValueError, match="value must be a finite number"):
            lmvis.below(bad, 1e-12)
    for bad in (0.0, -1.0, float("inf")):
        with pytest.raises(ValueError, match="bound must be a"):
            lmvis.below(1e-20, bad)


@pytest.fixture
def tiny_animation():
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    fig, ax = plt.subplots(figsize=(1.5, 1.5), dpi=30)
    (line,) = ax.plot([0, 1], [0, 1])
    anim = FuncAnimation(fig, lambda i: line.set_ydata([0, i]), frames=3)
    yield anim
    plt.close(fig)


def test_animation_html_loads_nothing_from_another_host(tiny_animation):
    from bs4 import BeautifulSoup

    html = lmvis.animation_html(tiny_animation, "tiny", default_mode="once")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("link") is None and "font-awesome" not in html and "fa fa-" not in html
    for tag in soup.find_all(src=True) + soup.find_all(href=True):
        assert not re.match(r"(https?:)?//", tag.get("src") or tag.get("href")), tag
    buttons = soup.find_all("button")
    assert len(buttons) == 9 and all(len(b.find_all("svg")) == 1 for b in buttons)
    assert soup.find("img", id="_anim_imgtiny") is not None and "animtiny.play_animation()" in html


def test_animation_html_is_matplotlibs_with_only_id_icons_and_font_link_changed(tiny_animation):
    original = tiny_animation.to_jshtml(default_mode="loop")
    uid = re.search(r"_anim_img([0-9a-f]{32})", original).group(1)
    offline = lmvis.animation_html(tiny_animation, "tiny", default_mode="loop")
    assert offline == lmvis.animation_html(tiny_animation, "tiny", default_mode="loop")
    assert not re.search(r"[0-9a-f]{32}", offline)

    def icons_out(html):
        html = re.sub(r'<link rel="stylesheet"\s+href="[^"]*">\s*', "", html)
        return re.sub(r'<i class="fa [^"]*"></i>|<svg [^>]*><path [^>]*/></svg>', "ICON", html)

    assert icons_out(offline) == icons_out(original.replace(uid, "tiny"))


def test_animation_html_rejects_a_name_that_is_not_an_identifier(tiny_animation):
    for bad in ["", "1st", "my race", "a-b"]:
        with pytest.raises(ValueError, match=r"name \(letters, digits and _, not first a "
                                             r"digit\) must be a str matching"):
            lmvis.animation_html(tiny_animation, bad)
    with pytest.raises(TypeError, match=r"name \(letters, .*\) must be a str, got int 7"):
        lmvis.animation_html(tiny_animation, 7)
    tiny_animation.to_jshtml()  # rendered once, or matplotlib warns that it never was


def test_animation_html_rejects_what_is_not_an_animation():
    with pytest.raises(TypeError, match="anim must be a matplotlib Animation, got str"):
        lmvis.animation_html("<div></div>", "race")
