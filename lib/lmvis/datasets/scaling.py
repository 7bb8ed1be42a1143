"""Chapter 10's scaling sweep, stored as data: chapter 9's GPT at six sizes, one token budget.

``scaling/sweep.json`` is written by ``tools/scaling_sweep.py`` (too slow for a chapter's
budget: minutes of CPU). It holds, per model, its size (d_model, layers, heads, parameters with
and without embeddings), its training FLOPs and its validation-loss curve, plus the settings and
the provenance of the run (commit, versions, processor, numerical environment, CPU and wall
time). Verified by SHA-256 before it is read.
"""

from __future__ import annotations

import json
from pathlib import Path

from lmvis.datasets import sha256_file

__all__ = ["SWEEP_SHA256", "load_sweep", "sweep_path", "sweep_table"]

#: SHA-256 of ``scaling/sweep.json`` as tools/scaling_sweep.py wrote it.
SWEEP_SHA256 = "96d3b63f5d22ee4603fe69c3bd8946c06c86ec9ec2b9e71225fe8169b4c08f68"


def sweep_path() -> Path:
    """Where the installed package keeps the sweep's results."""
    return Path(__file__).with_name("scaling") / "sweep.json"


def load_sweep(*, expected_sha256: str = SWEEP_SHA256) -> dict:
    """The sweep as a dict (``settings``, ``runs``, ``provenance``), after checking its SHA-256.

    Raises RuntimeError when the file is missing or its checksum is not ``expected_sha256``.
    """
    if not isinstance(expected_sha256, str) or len(expected_sha256) != 64:
        raise ValueError(
            f"expected_sha256 must be a 64-character hex string, got {expected_sha256!r}")
    path = sweep_path()
    if not path.is_file():
        raise RuntimeError(f"the sweep's results are missing: {path} (run tools/scaling_sweep.py)")
    digest = sha256_file(path)
    if digest != expected_sha256:
        raise RuntimeError(
            f"checksum mismatch for {path}: expected SHA-256 {expected_sha256}, got {digest}")
    return json.loads(path.read_text(encoding="utf-8"))


def sweep_table(sweep: dict | None = None):
    """One row per model (smallest first): sizes, FLOPs, final validation loss, CPU seconds."""
    import pandas as pd

    sweep = load_sweep() if sweep is None else sweep
    rows = []
    for r in sweep["runs"]:
        rows.append({k: r[k] for k in ("d_model", "n_layers", "n_heads", "params",
                                       "non_embedding_params", "training_flops")}
                    | {"val_loss": r["val_loss"][-1], "cpu_seconds": r["cpu_seconds"]})
    return pd.DataFrame(rows)
