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


def verified_bytes(path: str | os.PathLike, expected_sha256: str, *, missing_hint: str) -> bytes:
    """The bytes of ``path``, read once, after checking that their SHA-256 is ``expected_sha256``.

    The one check behind every shipped file the book reads (poems, the scaling sweep, chapter
    9's weights): RuntimeError, with ``missing_hint`` saying where the file comes from, when it
    is absent, and RuntimeError naming both digests when its bytes are not the expected ones.
    """
    checks.instance("path", path, str | os.PathLike, "a str or a path")
    checks.text("expected_sha256 (64 lower-case hex digits)", expected_sha256,
                pattern="[0-9a-f]{64}")
    checks.text("missing_hint", missing_hint)
    path = Path(path)
    if not path.is_file():
        raise RuntimeError(f"{path} is missing ({missing_hint})")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != expected_sha256:
        raise RuntimeError(
            f"checksum mismatch for {path}: expected SHA-256 {expected_sha256}, got {digest}")
    return data
