"""Execute notebooks in a fresh kernel each, without writing them back, and time each one.

For `make test-oldest` and `make test-colab`: there the question is whether every chapter runs
without error under other library versions, not whether it reproduces the stored outputs
(that is nbval's job under the exact pins). Runs as many notebooks at a time as there are
cores (or ``--jobs N``), and prints one line per notebook and a total.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from in_parallel import each, jobs_and_paths
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError

#: One thread per library, as in every kernel the book runs (tools/numerics.py, whose other
#: settings need NumPy 2): on a shared 2-core machine two threads per library run many times
#: slower (chapter 6's MLPs: over 90 s instead of 12 s).
ONE_THREAD = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


def run(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    # IPC sockets, not TCP ports: kernels of other processes on the machine cannot take them.
    with tempfile.TemporaryDirectory() as tmp:
        km = KernelManager(kernel_name="python3", transport="ipc", ip=f"{tmp}/kernel")
        start = time.perf_counter()
        NotebookClient(
            nb, km=km, timeout=300, resources={"metadata": {"path": str(path.parent)}}
        ).execute()
        return time.perf_counter() - start


def attempt(path: Path) -> tuple[Path, float | None, str]:
    """Run one notebook (twice if its kernel dies): (path, seconds or None if it failed, what
    to print)."""
    try:
        try:
            return path, run(path), ""
        except DeadKernelError:  # a kernel that died, not a cell that failed: once more
            return path, run(path), f"{path}: the kernel died; ran it once more\n"
    except (CellExecutionError, DeadKernelError) as e:
        return path, None, f"{path}: FAILED\n{str(e)[-3000:]}"


if __name__ == "__main__":
    usage = "usage: run_chapters.py [--jobs N] NOTEBOOK.ipynb [...]"
    jobs, args = jobs_and_paths(sys.argv[1:], usage)
    paths = [Path(p) for p in args]
    os.environ.update(ONE_THREAD)  # the kernels inherit it
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # ipykernel 6's debugger note
    start = time.perf_counter()
    total, failed = 0.0, []
    # As many notebooks at a time as cores (tools/in_parallel.py), the first ones first.
    for path, seconds, note in each(attempt, paths, jobs):
        if seconds is None:
            failed.append(path.name)
            print(note, flush=True)
            continue
        total += seconds
        print(f"{note}{path}: ran in {seconds:.1f} s", flush=True)
    wall = time.perf_counter() - start
    print(f"{len(paths) - len(failed)} passed, {len(failed)} failed ({total:.0f} s in all, "
          f"{wall:.0f} s of wall time on {jobs} worker(s))")
    sys.exit(1 if failed else 0)
