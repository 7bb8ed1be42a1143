"""Vendor the browser code that the HTML book serves itself, from pinned npm packages.

The book must load nothing from another host (readers behind slow or blocked CDNs, readers on
a train). Two assets come from npm and are committed under _vendor/, each beside its licence:

- Mermaid's single-file build, ``dist/mermaid.min.js`` (a classic script, so it also works when
  the book is opened from disk: module imports are refused on file:// pages);
- MathJax's licence. MathJax itself comes from the PyPI pin ``sphinx-mathjax-offline`` (its
  files are byte-identical to npm mathjax@3.2.2 ``es5/``), so the repository does not carry it.

``python tools/vendor_assets.py`` (``make vendor``; needs npm) downloads each tarball with
``npm pack``, refuses it unless its sha512 matches the pin below, and writes the files.
``python tools/vendor_assets.py --check`` needs no network: it verifies the committed files
against their pinned SHA-256 (tests/test_site.py runs it). To upgrade, change a version, its
integrity (``npm view NAME@VERSION dist.integrity``) and, after vendoring, the SHA-256 values.
"""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "_vendor"

#: npm package: version, the tarball's sha512 integrity, {path in the tarball: path under _vendor}.
PACKAGES = {
    "mermaid": {
        "version": "11.12.1",  # what sphinxcontrib-mermaid 2.1.1 loads by default
        "integrity": "sha512-UlIZrRariB11TY1RtTgUWp65tphtBv4CSq7vyS2ZZ2TgoMjs2nloq+wFqxiwcxl"
                     "hHUvs7DPGgMjs2aeQxz5h9g==",
        "files": {
            "package/dist/mermaid.min.js": "mermaid/mermaid.min.js",
            "package/LICENSE": "mermaid/LICENSE",
        },
    },
    "mathjax": {
        "version": "3.2.2",  # the files that sphinx-mathjax-offline 0.0.2 ships
        "integrity": "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjK"
                     "PZGJvtRZM1vO+geW0OhGw==",
        "files": {"package/LICENSE": "mathjax/LICENSE"},
    },
}

#: SHA-256 of every vendored file, checked without network by `--check`.
SHA256 = {
    "mermaid/mermaid.min.js": "198b19442f86f0b46a17e56d3abf744c3a28a3427e66fa8dada3b589a77babcc",
    "mermaid/LICENSE": "ec9fb67dcb25eccc416ed56e1aab819222c805a2a4bfe4cb19e7556bf2ffde80",
    "mathjax/LICENSE": "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30",
}


def sha512_integrity(path: Path) -> str:
    """The npm ``dist.integrity`` string of a tarball."""
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def check(vendor: Path = VENDOR) -> list[str]:
    """What is wrong with the committed files (missing, not the pinned bytes); empty if nothing."""
    problems = []
    for rel, digest in SHA256.items():
        path = vendor / rel
        if not path.is_file():
            problems.append(f"{rel}: missing (run `make vendor`)")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems.append(f"{rel}: SHA-256 differs from the pin in tools/vendor_assets.py")
    return problems


def vendor(name: str, pin: dict, dest: Path = VENDOR) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npm", "pack", f"{name}@{pin['version']}", "--pack-destination", tmp, "--silent"],
            check=True, stdout=subprocess.DEVNULL,
        )
        (tarball,) = Path(tmp).glob("*.tgz")
        got = sha512_integrity(tarball)
        if got != pin["integrity"]:
            sys.exit(f"{name}@{pin['version']}: integrity {got}, not the pinned {pin['integrity']}")
        with tarfile.open(tarball) as tar:
            for member, rel in pin["files"].items():
                out = dest / rel
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(tar.extractfile(member).read())
                print(f"{name}@{pin['version']}: {member} -> {out.relative_to(ROOT)}")


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        found = check()
        print("\n".join(found) or f"{len(SHA256)} vendored files match their pins")
        sys.exit(1 if found else 0)
    if sys.argv[1:]:
        sys.exit("usage: vendor_assets.py [--check]")
    for package, pinned in PACKAGES.items():
        vendor(package, pinned)
    problems = check()
    if problems:
        sys.exit("\n".join(problems))
