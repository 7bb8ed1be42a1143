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
from typing import TYPE_CHECKING, Any

from lmvis.datasets import verified_bytes

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RUN_KEYS", "SWEEP_SHA256", "load_sweep", "sweep_path", "sweep_table"]

#: SHA-256 of ``scaling/sweep.json`` as tools/scaling_sweep.py wrote it.
SWEEP_SHA256 = "ae7b43551be3c392bd4ec54101eb60bbc1b74514fdc9132060d598d730242fd0"


def sweep_path() -> Path:
    """Where the installed package keeps the sweep's results."""
    return Path(__file__).with_name("scaling") / "sweep.json"


def load_sweep(*, expected_sha256: str = SWEEP_SHA256) -> dict[str, Any]:
    """The sweep as a dict (``settings``, ``runs``, ``provenance``), after checking its SHA-256.

    Raises RuntimeError when the file is missing or its checksum is not ``expected_sha256``.
    """
    data = verified_bytes(sweep_path(), expected_sha256,
                          missing_hint="the sweep's results; run tools/scaling_sweep.py")
    return json.loads(data)


#: What every run of the sweep records (tools/scaling_sweep.py).
RUN_KEYS = ("d_model", "n_layers", "n_heads", "params", "non_embedding_params", "training_flops",
            "eval_steps", "val_loss", "cpu_seconds")


def sweep_table(sweep: dict[str, Any] | None = None) -> pd.DataFrame:
    """One row per model (smallest first): sizes, FLOPs, final validation loss, CPU seconds.

    ``sweep`` is what :func:`load_sweep` returns (loaded here when None)."""
    import pandas as pd

    sweep = load_sweep() if sweep is None else sweep
    if not isinstance(sweep, dict) or not isinstance(sweep.get("runs"), list) or not sweep["runs"]:
        raise ValueError("sweep must be the dict load_sweep returns, with a non-empty list of "
                         f"runs, got {type(sweep).__name__}")
    for i, r in enumerate(sweep["runs"]):
        missing = [k for k in RUN_KEYS if not isinstance(r, dict) or k not in r]
        if missing:
            raise ValueError(f"sweep run {i} lacks {missing}")
    rows = []
    for r in sweep["runs"]:
        rows.append({k: r[k] for k in ("d_model", "n_layers", "n_heads", "params",
                                       "non_embedding_params", "training_flops")}
                    | {"val_loss": r["val_loss"][-1], "cpu_seconds": r["cpu_seconds"]})
    return pd.DataFrame(rows)
