"""Give every "Common pitfall" box the same form, in place (idempotent).

The book's form is a MyST admonition whose title is exactly "Common pitfall" and whose first
option line is ``:class: warning``, so that every box renders alike (README, "Adding a
chapter")::

    :::{admonition} Common pitfall
    :class: warning
    ...
    :::

This adds the ``:class: warning`` line where a box lacks it, in Markdown cells only, and
changes nothing else (stored outputs stay valid, no re-execution is needed)::

    .venv/bin/python tools/pitfall_boxes.py chapters/*.ipynb          # rewrite in place
    .venv/bin/python tools/pitfall_boxes.py --check chapters/*.ipynb  # exit 1 if one lacks it
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

OPENING = re.compile(r"^(:::+)\{admonition\}[ \t]+Common pitfall[^\n]*\n(?!:class: warning\n)",
                     re.M)


def fix(text: str) -> str:
    """``text`` with ``:class: warning`` after every pitfall opening that lacks it."""
    return OPENING.sub(lambda m: m.group(0) + ":class: warning\n", text)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    stale = []
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        changed = False
        for cell in nb.cells:
            if cell.cell_type == "markdown" and fix(cell.source) != cell.source:
                cell.source, changed = fix(cell.source), True
        if changed:
            stale.append(path)
            if not args.check:
                nbformat.write(nb, path)
    for path in stale:
        print(f"{path}: {'lacks' if args.check else 'added'} ':class: warning'")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
