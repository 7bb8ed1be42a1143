"""Time nbval over every notebook one at a time and on all cores, and check both agree.

    .venv/bin/python benchmarks/nbval_parallel.py [--jobs N] [--rounds 1]

Runs `make test-notebooks` twice, exactly as `make test` does: with ``JOBS=0`` (pytest-xdist
off: one pytest process, one notebook after another) and with ``JOBS=N`` (N workers, default
the number of cores; the Makefile's ``--dist loadscope``, longest chapters first). Reports both
wall times and the ratio parallel / serial (goal: at most 0.6 on 2 cores), and checks that
every cell has the same outcome both ways (pytest's JUnit XML report, cell by cell). With
``--rounds R`` the two alternate R times and the medians are compared. Not a test: timings
depend on the machine and its load, so the report names both.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from in_parallel import cores  # noqa: E402  (tools/ is not a package)


def outcomes(junit: Path) -> dict[str, str]:
    """Each cell's outcome ("passed", "failed", "error", "skipped") in a JUnit XML report."""
    found = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        found[f"{case.get('classname')}::{case.get('name')}"] = (
            {"failure": "failed"}.get(kinds[0], kinds[0]) if kinds else "passed")
    return found


def run_nbval(jobs: int, junit: Path) -> tuple[float, int, dict[str, str]]:
    """`make test-notebooks JOBS=jobs`: (wall seconds, exit status, each cell's outcome)."""
    env = {**os.environ, "PYTEST_ADDOPTS": f"--junitxml={junit} -q"}
    start = time.perf_counter()
    done = subprocess.run(["make", "-s", "test-notebooks", f"JOBS={jobs}"], cwd=ROOT, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seconds = time.perf_counter() - start
    print(done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "(no output)")
    return seconds, done.returncode, outcomes(junit) if junit.exists() else {}


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    return f"{model}, {cores()} cores usable, Python {platform.python_version()}"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def main(argv=None) -> float:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--jobs", type=int, default=cores(), help="parallel workers (default: cores)")
    p.add_argument("--rounds", type=int, default=1, help="serial/parallel pairs to run")
    args = p.parse_args(argv)
    if args.jobs < 2 or args.rounds < 1:
        p.error("--jobs must be at least 2 and --rounds at least 1")

    print(f"machine: {machine()}; {load()} at the start")
    times: dict[str, list[float]] = {"serial": [], "parallel": []}
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            for form, jobs in (("serial", 0), ("parallel", args.jobs)):
                print(f"round {r + 1}, {form} (JOBS={jobs}): ", end="", flush=True)
                seconds, status, cells = run_nbval(jobs, Path(tmp, f"{form}{r}.xml"))
                times[form].append(seconds)
                print(f"  {seconds:.1f} s, exit status {status}, {len(cells)} cells; {load()}")
                results[form, r] = (status, cells)

    serial, parallel = (statistics.median(times[f]) for f in ("serial", "parallel"))
    ratio = parallel / serial
    first = results["serial", 0]
    same = all(result == first for result in results.values()) and bool(first[1])
    failed = sorted(cell for cell, outcome in first[1].items() if outcome != "passed")
    print(f"\nnbval over every notebook, median of {args.rounds} round(s):")
    rows = [("serial (one pytest process)", f"{serial:7.1f} s"),
            (f"parallel ({args.jobs} xdist workers, loadscope)", f"{parallel:7.1f} s"),
            ("ratio parallel / serial", f"{ratio:7.2f}    (goal: at most 0.6 on 2 cores)")]
    for label, value in rows:
        print(f"  {label:<40}{value}")
    print(f"  same outcome for each of {len(first[1])} cells both ways: {'yes' if same else 'NO'}"
          + (f"; not passed: {failed}" if failed else ""))
    print(f"  {machine()}; {load()} at the end")
    if not same:
        sys.exit("the serial and parallel runs disagree")
    return ratio


if __name__ == "__main__":
    main()
