"""The numerical environment of every notebook kernel, written once.

`make test`, `make execute`, `make lab` and CI run their commands through this file, so every
kernel they start computes with the same code paths and the same thread count::

    python tools/numerics.py -- COMMAND [ARG ...]              # the pinned environment
    python tools/numerics.py --alternate -- COMMAND [ARG ...]  # another code path

Why each variable is here (the README's "Reproducible numbers" section says the same):

* Threads. A parallel reduction adds in an order that depends on the number of threads, so
  one thread for OpenMP (torch, scikit-learn), MKL and OpenBLAS makes results independent of
  the core count. The chapters' models are tiny; one thread is as fast as two on a laptop.
* ``ATEN_CPU_CAPABILITY``: torch's own vectorised kernels (AVX2 or AVX-512 builds of the same op).
* ``MKL_CBWR``: the code path of MKL, torch's BLAS (matrix products), by conditional numerical
  reproducibility mode.
* ``ONEDNN_MAX_CPU_ISA``: the highest instruction set oneDNN (torch's convolution/linear
  primitives) may use.
* ``OPENBLAS_CORETYPE``: the kernel family of OpenBLAS, NumPy's and SciPy's BLAS.
* ``NPY_DISABLE_CPU_FEATURES``: NumPy's own SIMD loops above AVX2 (AVX-512 variants).
* ``PYTHONHASHSEED``: the order of sets and dicts of strings.

The pinned values name the AVX2 path that every x86-64 machine the book targets has, whether
it also has AVX-512 or not. Pins reduce differences but do not remove them all (MKL, for one,
may choose differently on AMD and Intel), so stored outputs are also made robust (float64,
checked bounds, stable precision). The alternate environment is the check of that: another
code path for every library, two threads, another hash seed. Outputs that survive both on one
machine are the best evidence one machine can give that they survive other CPUs.
"""

from __future__ import annotations

import os
import sys

_ONE_THREAD = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}

#: What every notebook kernel of `make test`, `make execute`, `make lab` and CI runs with.
PINNED = {
    **_ONE_THREAD,
    "ATEN_CPU_CAPABILITY": "avx2",
    "MKL_CBWR": "AVX2",
    "ONEDNN_MAX_CPU_ISA": "AVX2",
    "OPENBLAS_CORETYPE": "Haswell",
    "PYTHONHASHSEED": "0",
}

#: Another code path for every library, for `make test-portable`.
ALTERNATE = {
    "OMP_NUM_THREADS": "2",
    "MKL_NUM_THREADS": "2",
    "OPENBLAS_NUM_THREADS": "2",
    # Idle OpenMP threads sleep instead of spinning: with spinning, two threads on a busy
    # 2-core machine burnt 30 times the CPU time of one (measured on chapter 7's MLP).
    "OMP_WAIT_POLICY": "PASSIVE",
    "ATEN_CPU_CAPABILITY": "default",
    "MKL_CBWR": "COMPATIBLE",
    "ONEDNN_MAX_CPU_ISA": "SSE41",
    "OPENBLAS_CORETYPE": "Prescott",
    "PYTHONHASHSEED": "1",
}

#: NumPy's dispatch targets to switch off: above AVX2 for the pinned path, all for the alternate.
_NUMPY_ABOVE_AVX2 = ("X86_V4", "AVX512_ICL", "AVX512_SPR")
_NUMPY_ALL = ("X86_V3", *_NUMPY_ABOVE_AVX2)


def numpy_disabled_features(names: tuple[str, ...]) -> str:
    """The subset of `names` that this NumPy dispatches to on this CPU, space-separated.

    NumPy refuses to disable a feature it does not dispatch to, and warns about one the CPU
    lacks, so the list is computed here rather than written as a constant.
    """
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    return " ".join(n for n in names if n in __cpu_dispatch__ and __cpu_features__.get(n))


def environment(alternate: bool = False) -> dict[str, str]:
    """The variables to set for the pinned (or the alternate) code path."""
    env = dict(ALTERNATE if alternate else PINNED)
    disabled = numpy_disabled_features(_NUMPY_ALL if alternate else _NUMPY_ABOVE_AVX2)
    if disabled:
        env["NPY_DISABLE_CPU_FEATURES"] = disabled
    return env


def main(argv: list[str]) -> None:
    alternate = argv[:1] == ["--alternate"]
    if alternate:
        argv = argv[1:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        sys.exit("usage: numerics.py [--alternate] -- COMMAND [ARG ...]")
    env = {**os.environ, **environment(alternate)}
    os.execvpe(argv[0], argv, env)


if __name__ == "__main__":
    main(sys.argv[1:])
