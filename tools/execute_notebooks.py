"""Re-execute notebooks in place: fresh kernel, top to bottom, stop on the first error.

Used by `make execute` to refresh the stored outputs that nbval later compares, as many
notebooks at a time as there are cores (or ``--jobs N``). Cell timing metadata is not
recorded, and the notebook is tidied for readers (tools/tidy_notebooks.py: the
setup cell collapsed, progress bars at their final line, whose redraws vary with timing), so
re-executing an unchanged notebook leaves it byte-identical.
"""

import sys
import time
from pathlib import Path

import nbformat
from in_parallel import each, jobs_and_paths
from nbclient import NotebookClient
from tidy_notebooks import tidy

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def execute(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    elapsed = time.perf_counter() - start
    # Widget state holds random model ids; the HTML book shows static figures instead.
    nb.metadata.pop("widgets", None)
    tidy(nb)
    # The name JupyterLab writes on opening, so that opening a chapter does not modify it.
    nb.metadata["kernelspec"] = {**KERNELSPEC}
    nbformat.write(nb, path)
    return elapsed


def _execute(path: Path) -> tuple[Path, float]:
    return path, execute(path)


if __name__ == "__main__":
    usage = "usage: execute_notebooks.py [--jobs N] NOTEBOOK.ipynb [...]"
    jobs, args = jobs_and_paths(sys.argv[1:], usage)
    # As many notebooks at a time as cores (tools/in_parallel.py), the first ones first; each
    # kernel is fresh and on one thread, so the outputs are those of one at a time.
    for path, seconds in each(_execute, [Path(p) for p in args], jobs):
        print(f"{path}: executed in {seconds:.1f} s", flush=True)
