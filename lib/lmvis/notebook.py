"""What every chapter notebook shares: one setup call, a reproducible progress bar, and ways to
print timings and rounding-level differences that a stored output can reproduce."""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from lmvis import checks

if TYPE_CHECKING:
    from tqdm.std import tqdm

#: Where Colab installs the package from; must match `repository.url` in _config.yml (tested).
BOOK_REPOSITORY = "https://github.com/large-models-visualized/book"

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
