"""lmvis: the tested code behind the book *Large Models, Visualized* (大模型，看得见).

Importing lmvis changes nothing global: no seeding, no plot style, no downloads. A chapter's
setup cell asks for those explicitly with :func:`lmvis.setup`. Submodules are imported by name,
e.g. ``from lmvis import attention`` or ``from lmvis.viz import landscapes``.
"""

from lmvis.notebook import BOOK_REPOSITORY, animation_html, below, progress, setup, stopwatch

__all__ = [
    "BOOK_REPOSITORY", "animation_html", "below", "progress", "setup", "stopwatch",
]
__version__ = "0.1.0"
