"""Datasets the book uses, offline, each verified on load.

One module per dataset: :mod:`~lmvis.datasets.ames` (house prices), :mod:`~lmvis.datasets.digits`
(8×8 handwritten digits), :mod:`~lmvis.datasets.gates` (logic-gate truth tables),
:mod:`~lmvis.datasets.milestones` (landmark networks with their sources) and
:mod:`~lmvis.datasets.poems` (five-character Tang poems). Files shipped with
the package are checked against a SHA-256 before they are read.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from lmvis import checks


def sha256_file(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's bytes."""
    checks.instance("path", path, str | os.PathLike, "a str or a path")
    if not Path(path).is_file():
        raise ValueError(f"path must name an existing file, got {str(path)!r}")
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
