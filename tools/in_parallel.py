"""Run one function over many notebooks, as many at a time as there are cores, in the order given.

For `make execute`, `make test-oldest` and `make test-colab` (tools/execute_notebooks.py,
tools/run_chapters.py). Every notebook runs in a kernel of its own, on one thread, so running
several at once changes no output, only the wall time. The notebooks start in the order given:
the Makefile lists the longest chapters first, so that no long one is left to run alone at the
end. Standard library only: run_chapters.py runs in environments that hold just the package.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def cores() -> int:
    """The cores this process may run on (within taskset's or a container's cpuset)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def jobs_and_paths(argv: list[str], usage: str) -> tuple[int, list[str]]:
    """``[--jobs N] PATH ...`` from the command line; N defaults to the number of cores (0 or 1:
    one at a time, as pytest-xdist's ``-n 0``)."""
    jobs = cores()
    if argv[:1] == ["--jobs"] and len(argv) > 1 and argv[1].isdigit():
        jobs, argv = int(argv[1]), argv[2:]
    if not argv or argv[0].startswith("-"):
        raise SystemExit(usage)
    return jobs, argv


def each(fn: Callable[[T], R], items: Iterable[T], jobs: int) -> Iterator[R]:
    """``fn(item)`` for every item, ``jobs`` at a time in worker processes, each result as soon
    as it is ready (one at a time, in order, in this process when ``jobs`` is 1).

    An exception in ``fn`` is raised here; the items not yet started then never start.
    """
    items = list(items)
    if jobs <= 1 or len(items) <= 1:
        yield from map(fn, items)
        return
    with ProcessPoolExecutor(max_workers=min(jobs, len(items))) as pool:
        futures = [pool.submit(fn, item) for item in items]  # started in this order
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()  # those not started yet; the running ones finish
