"""Print pip constraints that pin every dependency of pyproject.toml to its declared lower bound.

`make test-oldest` installs the package under these constraints into .venv-oldest/ and runs
every chapter, so a floor in pyproject.toml is a claim that is checked, not a hope. torch is the
exception: the book's machines have exactly one CPU build, torch==2.13.0 (its floor is not run).
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The one torch build the book's machines install (a CUDA build of an older torch is GBs).
TORCH = "torch==2.13.0"


def lower_bounds(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """`name==floor` for every `name>=floor` dependency; fails on a dependency without one."""
    deps = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    pins = []
    for dep in deps:
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*>=\s*([0-9][0-9.]*)(\s*,\s*<[0-9.]+)?", dep)
        if not m:
            raise SystemExit(f"pyproject.toml: {dep!r} has no plain lower bound (name>=X.Y)")
        name, floor = m.group(1), m.group(2)
        pins.append(TORCH if name.lower() == "torch" else f"{name}=={floor}")
    return pins


if __name__ == "__main__":
    sys.stdout.write("".join(line + "\n" for line in lower_bounds()))
