"""Do what the setup cell does in Colab, and check that it replaces nothing Colab has.

`make test-colab` first installs tools/colab_versions.txt (what Colab ships), then runs this:
`pip install` of the package (the setup cell installs it from the repository, which is this
checkout), then compares the installed distributions before and after. It fails if any
pre-installed one changed version, and prints what the install added and its size on disk.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def installed() -> dict[str, str]:
    """Name -> version of every distribution, read in a fresh process (no stale caches)."""
    lines = subprocess.run(
        [sys.executable, "-c", "from importlib import metadata; print('\\n'.join("
         "f\"{d.metadata['Name'].lower()}=={d.version}\" for d in metadata.distributions()))"],
        check=True, capture_output=True, text=True,
    ).stdout.split()
    return dict(line.split("==", 1) for line in lines)


def tree_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


if __name__ == "__main__":
    site = Path(sysconfig.get_paths()["purelib"])
    before, size_before = installed(), tree_size(site)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", str(ROOT)],
        check=True,
    )
    after = installed()
    changed = {n: (before[n], v) for n, v in after.items() if n in before and before[n] != v}
    added = sorted(f"{n}=={v}" for n, v in after.items() if n not in before)
    added_mb = (tree_size(site) - size_before) / 1e6
    print(f"the setup cell's install added {len(added)} distributions, {added_mb:.1f} MB on disk:")
    for line in added:
        print(f"  {line}")
    if changed:
        for n, (old, new) in sorted(changed.items()):
            print(f"  REPLACED {n}: {old} -> {new}")
        sys.exit(f"the install replaced {len(changed)} of Colab's packages")
    print("it replaced none of Colab's packages")
