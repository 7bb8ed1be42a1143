"""Datasets the book uses, offline, each verified on load.

One module per dataset: :mod:`~lmvis.datasets.ames` (house prices), :mod:`~lmvis.datasets.digits`
(8×8 handwritten digits), :mod:`~lmvis.datasets.gates` (logic-gate truth tables) and
:mod:`~lmvis.datasets.milestones` (landmark networks with their sources). Files shipped with
the package are checked against a SHA-256 before they are read.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
