"""Execute notebooks in a fresh kernel each, without writing them back, and time each one.

For `make test-oldest` and `make test-colab`: there the question is whether every chapter runs
without error under other library versions, not whether it reproduces the stored outputs
(that is nbval's job under the exact pins). Prints one line per notebook and a total.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
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


if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]]
    if not paths:
        sys.exit("usage: run_chapters.py NOTEBOOK.ipynb [...]")
    os.environ.update(ONE_THREAD)  # the kernels inherit it
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # ipykernel 6's debugger note
    total, failed = 0.0, []
    for path in paths:
        try:
            try:
                seconds = run(path)
            except DeadKernelError:  # a kernel that died, not a cell that failed: once more
                print(f"{path}: the kernel died; running it once more", flush=True)
                seconds = run(path)
        except (CellExecutionError, DeadKernelError) as e:
            failed.append(path.name)
            print(f"{path}: FAILED\n{str(e)[-3000:]}", flush=True)
            continue
        total += seconds
        print(f"{path}: ran in {seconds:.1f} s", flush=True)
    print(f"{len(paths) - len(failed)} passed, {len(failed)} failed ({total:.0f} s in all)")
    sys.exit(1 if failed else 0)
