"""Where a stored result came from: commit, date, versions, processor, numerical environment.

Shared by the tools whose results ship in the package (tools/scaling_sweep.py,
tools/select_digits_models.py), so every results file records the same facts.
"""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The environment variables of tools/numerics.py that decide a run's code paths.
NUMERIC_ENV = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
               "ATEN_CPU_CAPABILITY", "MKL_CBWR", "ONEDNN_MAX_CPU_ISA", "PYTHONHASHSEED")


def processor() -> str:
    """The CPU's model name (from /proc/cpuinfo where there is one)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def commit() -> str:
    """HEAD's hash, marked when tracked files of the code (lib/, tools/) have uncommitted
    changes; edits elsewhere (chapters, prose) cannot change a result."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout
    head = git("rev-parse", "HEAD").strip()
    dirty = bool(git("status", "--porcelain", "--untracked-files=no", "--", "lib", "tools").strip())
    return head + (" (with uncommitted changes)" if dirty else "")


def provenance(script: str, *, cpu_seconds: float, wall_seconds: float,
               at_commit: str | None = None) -> dict:
    """The provenance record of a run of ``script`` (a path relative to the repository);
    ``at_commit``, :func:`commit` taken when a long run started (the tree may change meanwhile)."""
    import torch

    return {
        "script": script, "commit": at_commit or commit(),
        "date_utc": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M"),
        "python": platform.python_version(), "torch": torch.__version__,
        "processor": processor(), "cpu_count": os.cpu_count(),
        "numerics": {k: os.environ.get(k) for k in NUMERIC_ENV},
        "cpu_seconds": round(cpu_seconds, 1), "wall_seconds": round(wall_seconds, 1),
    }
