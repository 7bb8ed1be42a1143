"""Make the Chinese font that lmvis's figures use: a subset of Noto Sans CJK SC (SIL OFL 1.1).

Matplotlib's default font has no Chinese glyphs, and a reader's machine (or Colab) may have no
Chinese font at all, so chapter 9's figures ship their own: Noto Sans CJK SC Regular reduced to
the characters of the poems plus a few marks (about 1.3 MB instead of 19 MB). Run once, from
a machine with Debian's fonts-noto-cjk package (apt-get install fonts-noto-cjk):

    .venv/bin/python tools/make_cjk_font.py

It writes lib/lmvis/viz/fonts/NotoSansCJKsc-subset.otf and LICENSE-OFL.txt (the font's
licence, which must travel with it) and prints the SHA-256 that lmvis.viz.gpt checks.
Not run by make. Takes a minute or two.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
COPYRIGHT = Path("/usr/share/doc/fonts-noto-cjk/copyright")
OUT = ROOT / "lib" / "lmvis" / "viz" / "fonts"
#: Marks a figure may show besides the poems' characters: the unknown-token box, punctuation.
EXTRA = "□，。、：；？！“”‘’「」《》（）…—·"


def ofl_text() -> str:
    """The SIL OFL 1.1 text as Debian's copyright file of fonts-noto-cjk gives it."""
    text = COPYRIGHT.read_text(encoding="utf-8")
    block = text.split("\nLicense: SIL-1.1\n")[-1].split("\nLicense: ")[0]
    lines = [re.sub(r"^ ", "", ln) for ln in block.splitlines()]
    return "\n".join("" if ln == "." else ln for ln in lines).strip() + "\n"


def main() -> None:
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    if not SOURCE.is_file():
        sys.exit(f"{SOURCE} not found: apt-get install fonts-noto-cjk")
    poems = (ROOT / "lib" / "lmvis" / "datasets" / "tang_wuyan" / "wuyan.txt").read_text("utf-8")
    chars = sorted(set(poems.replace("\n", "")) | set(EXTRA))
    font = next(f for f in TTCollection(str(SOURCE)).fonts
                if f["name"].getDebugName(1) == "Noto Sans CJK SC")
    options = subset.Options()
    options.layout_features = []  # horizontal text only: no vertical forms, no ligatures
    options.hinting = False
    options.name_IDs = ["*"]  # keep the copyright, licence and trademark notices
    options.notdef_outline = True
    sub = subset.Subsetter(options)
    sub.populate(unicodes=[ord(c) for c in chars])
    sub.subset(font)
    font.recalcTimestamp = False  # the same bytes on every run
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "NotoSansCJKsc-subset.otf"
    font.save(str(path))
    header = ("Noto Sans CJK SC, subset by tools/make_cjk_font.py to the characters of the Tang\n"
              "poems shipped with lmvis. Font: " + font["name"].getDebugName(0) + "\n"
              "Upstream: https://github.com/notofonts/noto-cjk (Copyright 2014-2021 Adobe, with\n"
              "Reserved Font Name 'Source'). Licence: SIL Open Font License 1.1, below.\n\n")
    (OUT / "LICENSE-OFL.txt").write_text(header + ofl_text(), encoding="utf-8")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    print(f"{path.relative_to(ROOT)}: {len(chars)} characters, {path.stat().st_size:,} bytes, "
          f"SHA-256 {digest}")


if __name__ == "__main__":
    main()
