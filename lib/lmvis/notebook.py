"""What every chapter notebook shares: one setup call, a reproducible progress bar, ways to
print timings and rounding-level differences that a stored output can reproduce, and animations
embedded so that they play offline."""

from __future__ import annotations

import os
import random
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from lmvis import checks

if TYPE_CHECKING:
    from matplotlib.animation import Animation
    from tqdm.std import tqdm

#: Where Colab installs the package from; must match `repository.url` in _config.yml (tested).
BOOK_REPOSITORY = "https://github.com/large-models-visualized/book"

#: The languages of the book's editions, and the environment variable that picks one for a
#: kernel: the Chinese edition's Colab install cell and `make lab-zh` set it to "zh".
LANGUAGES = ("en", "zh")
LANGUAGE_VARIABLE = "LMVIS_LANGUAGE"

#: The book's plot style: readable on screen and in the HTML book, PNG at a fixed size.
STYLE = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titleweight": "bold",
    "font.size": 10,
    "legend.frameon": False,
    "image.cmap": "viridis",
    "animation.embed_limit": 40.0,  # MB; the chapters' animations are well below this
}


def language(language: str | None = None) -> str:
    """The edition's language for text that code prints (chapter 1's milestone table):
    `language` if given, else the LMVIS_LANGUAGE environment variable, else English ("en")."""
    if language is None:
        return checks.choice(f"the environment variable {LANGUAGE_VARIABLE}",
                             os.environ.get(LANGUAGE_VARIABLE, "en"), LANGUAGES)
    return checks.choice("language", language, LANGUAGES)


def setup(seed: int = 0) -> None:
    """Seed Python, NumPy and PyTorch, apply the book's plot style and print options.

    Called once at the top of every chapter, so that a fresh kernel reproduces every stored
    output. Figures are rendered as PNG: nbval skips PNG data, whereas SVG embeds ids and dates.
    """
    seed = checks.integer("seed", seed, minimum=0)
    import matplotlib as mpl
    import torch

    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - the legacy global generator, for code that uses it
    torch.manual_seed(seed)
    np.set_printoptions(precision=4, suppress=True, linewidth=100)
    torch.set_printoptions(precision=4, linewidth=100)
    mpl.rcParams.update(STYLE)
    try:  # only inside IPython/Jupyter
        from IPython import get_ipython

        ip = get_ipython()
        if ip is not None:
            from matplotlib_inline.backend_inline import set_matplotlib_formats

            ip.run_line_magic("matplotlib", "inline")
            set_matplotlib_formats("png")
    except ImportError:  # pragma: no cover - IPython is installed with the book
        pass


def progress(iterable: Iterable | None = None, **kwargs: Any) -> tqdm:
    """A tqdm progress bar whose final line is reproducible.

    The bar omits elapsed time and rate, so only the intermediate redraws (separated by
    carriage returns) vary between runs; tests/sanitize.cfg removes those for nbval.
    Written to stderr as plain text rather than as a widget, so it also shows in the HTML book.
    """
    from tqdm.std import tqdm

    if iterable is not None:
        checks.instance("iterable", iterable, Iterable, "an iterable or None")
    kwargs.setdefault("bar_format", "{l_bar}{bar:20}| {n_fmt}/{total_fmt}{postfix}")
    kwargs.setdefault("ascii", True)
    kwargs.setdefault("mininterval", 0.5)
    return tqdm(iterable, **kwargs)


class stopwatch:  # noqa: N801 - used like a function: `with stopwatch("training"):`
    """Print how long a block took as ``label: ⏱ 1.23 s`` (sanitised for nbval by that mark)."""

    def __init__(self, label: str = "elapsed"):
        self.label = checks.text("label", label)
        self.seconds: float | None = None

    def __enter__(self) -> stopwatch:
        import time

        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> bool:
        import time

        self.seconds = time.perf_counter() - self._start
        print(f"{self.label}: ⏱ {self.seconds:.2f} s")
        return False


def below(value: float, bound: float) -> str:
    """Check ``value < bound`` and return ``"< bound"`` for printing (raise if it is not below).

    For differences at the level of rounding, e.g. lmvis against torch in float64: their last
    digits (6.7e-16 on one processor, 8.9e-16 on another) depend on the CPU's vector
    instructions, so a stored output that printed them would not reproduce everywhere. The
    checked bound does, and it is the claim that matters.
    """
    value = checks.real("value", value)  # NaN or inf is no measurement: ValueError
    bound = checks.real("bound", bound, minimum=0.0, low_open=True)
    if not value < bound:
        raise AssertionError(f"expected a value below {bound:g}, got {value:.3g}")
    return f"< {bound:g}"


# matplotlib's JavaScript animation links font-awesome from a CDN for its nine button icons; the
# book loads nothing from another host, so each icon is drawn inline (16x16, the text colour).
_ICONS = {
    "minus": "M2 7h12v2H2z",
    "plus": "M7 2h2v5h5v2H9v5H7V9H2V7h5z",
    "play": "M4 2l10 6-10 6z",
    "play fa-flip-horizontal": "M12 2L2 8l10 6z",
    "pause": "M3 2h4v12H3zM9 2h4v12H9z",
    "step-forward": "M2 2l9 6-9 6zM12 2h2v12h-2z",
    "step-backward": "M14 2L5 8l9 6zM2 2h2v12H2z",
    "fast-forward": "M1 2l6 6-6 6zM7 2l6 6-6 6zM13 2h2v12h-2z",
    "fast-backward": "M15 2L9 8l6 6zM9 2L3 8l6 6zM1 2h2v12H1z",
}
_ICON = re.compile(r'<i class="fa fa-([a-z -]+?)"></i>')
_ICON_FONT = re.compile(r'<link rel="stylesheet"\s+href="[^"]*font-awesome[^"]*">\s*')
_EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


def _svg(icon: re.Match) -> str:
    path = _ICONS[icon.group(1)]
    return (f'<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">'
            f'<path fill="currentColor" d="{path}"/></svg>')


def animation_html(anim: Animation, name: str, **to_jshtml: Any) -> str:
    """``anim.to_jshtml(**to_jshtml)``, made to play offline and to reproduce byte for byte.

    matplotlib names the animation's elements with a random id and links its button icons from
    a CDN; here the id is ``name`` (letters, digits and ``_``; unique on the page) and the icons
    are inline SVG, so the stored output is the same on every run and loads nothing from
    another host, in JupyterLab and in the HTML book alike.
    """
    from matplotlib.animation import Animation

    checks.instance("anim", anim, Animation, "a matplotlib Animation")
    checks.text("name (letters, digits and _, not first a digit)", name,
                pattern="[A-Za-z_][A-Za-z0-9_]*")
    html = anim.to_jshtml(**to_jshtml)
    uid = re.search(r"_anim_img([0-9a-f]{32})", html)
    html, n_fonts = _ICON_FONT.subn("", html.replace(uid.group(1), name) if uid else html)
    html, n_icons = _ICON.subn(_svg, html)
    if not uid or n_fonts != 1 or n_icons != len(_ICONS) or _EXTERNAL.search(html):
        raise RuntimeError(  # a matplotlib whose template this does not know
            "animation_html: matplotlib's to_jshtml output has changed (id found: "
            f"{bool(uid)}, icon font links: {n_fonts}, icons: {n_icons} of {len(_ICONS)}, "
            f"loads from another host: {bool(_EXTERNAL.search(html))})"
        )
    return html
