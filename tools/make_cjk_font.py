"""Make the Chinese font that lmvis's figures use: a subset of Noto Sans CJK SC (SIL OFL 1.1).

Matplotlib's default font has no Chinese glyphs, and a reader's machine (or Colab) may have no
Chinese font at all, so chapter 9's figures ship their own: Noto Sans CJK SC Regular reduced to
the characters of the poems plus a few marks (about 1.3 MB instead of 19 MB). Run once, from
a machine with Debian's fonts-noto-cjk package (apt-get install fonts-noto-cjk):

    .venv/bin/python tools/make_cjk_font.py

It writes lib/lmvis/viz/fonts/NotoSansCJKsc-subset.otf and LICENSE-OFL.txt (the font's
licence, which must travel with it) and prints the SHA-256 that lmvis.viz.gpt checks.
Not run by make. Takes a minute or two.

The HTML books' web font (both editions) is made from the same Noto Sans CJK SC with ``--web``:

    .venv/bin/python tools/make_cjk_font.py --web

It writes _ext/static/fonts/NotoSansCJKsc-web.woff2 (WOFF2: fonttools with brotli) with the
Chinese characters that the book's pages, the Chinese catalogue (locale/zh_CN/) and the themes'
Chinese words use (web_characters()), and the licence beside it; _ext/editions.py serves it.
Run it again after the catalogue gains characters (tests/test_zh_edition.py fails until then).
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


#: What the web font covers: CJK punctuation, ideographs (and extension A), full-width forms.
#: The same ranges are the @font-face's unicode-range (_ext/static/cjk-font.css).
WEB_RANGES = ((0x3000, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xFF00, 0xFFEF))
WEB_OUT = ROOT / "_ext" / "static" / "fonts"


def in_web_ranges(char: str) -> bool:
    return any(lo <= ord(char) <= hi for lo, hi in WEB_RANGES)


def web_characters(root: Path = ROOT) -> list[str]:
    """The Chinese characters either HTML edition shows: the pages (chapters/, intro.md), the
    package's strings (lib/), the Chinese catalogue's translations (locale/) and the Chinese words
    of the themes (Sphinx's, pydata's and the book theme's zh_CN catalogues)."""
    import polib
    import pydata_sphinx_theme
    import sphinx
    import sphinx_book_theme

    texts = [p.read_text(encoding="utf-8") for pattern in
             ("chapters/*.ipynb", "chapters/*.md", "intro.md", "lib/lmvis/**/*.py")
             for p in sorted(root.glob(pattern))]
    texts += [e.msgstr for p in sorted((root / "locale").glob("zh_CN/**/*.po"))
              for e in polib.pofile(str(p))]
    for package in (sphinx_book_theme, pydata_sphinx_theme):
        for p in Path(package.__file__).parent.glob("**/zh_CN/LC_MESSAGES/*.po"):
            texts += [e.msgstr for e in polib.pofile(str(p))]
    sphinx_po = Path(sphinx.__file__).parent / "locale" / "zh_CN" / "LC_MESSAGES" / "sphinx.po"
    texts += [e.msgstr for e in polib.pofile(str(sphinx_po))  # only what a web page shows
              if any(("themes" in f or "html" in f or "search" in f) for f, _ in e.occurrences)]
    return sorted({c for text in texts + [EXTRA] for c in text if in_web_ranges(c)})


def source_font():
    from fontTools.ttLib import TTCollection

    if not SOURCE.is_file():
        sys.exit(f"{SOURCE} not found: apt-get install fonts-noto-cjk")
    return next(f for f in TTCollection(str(SOURCE)).fonts
                if f["name"].getDebugName(1) == "Noto Sans CJK SC")


def web_font() -> None:
    from fontTools import subset

    chars = web_characters()
    font = source_font()
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.flavor = "woff2"  # needs brotli
    sub = subset.Subsetter(options)
    sub.populate(unicodes=[ord(c) for c in chars])
    sub.subset(font)
    font.flavor = "woff2"
    font.recalcTimestamp = False
    WEB_OUT.mkdir(parents=True, exist_ok=True)
    path = WEB_OUT / "NotoSansCJKsc-web.woff2"
    font.save(str(path))
    (WEB_OUT / "NotoSansCJKsc-web.txt").write_text("".join(chars) + "\n", encoding="utf-8")
    (WEB_OUT / "LICENSE-OFL.txt").write_text(
        (OUT / "LICENSE-OFL.txt").read_text(encoding="utf-8").replace(
            "subset by tools/make_cjk_font.py to the characters of the Tang\npoems shipped with "
            "lmvis", "subset by tools/make_cjk_font.py --web to the Chinese\ncharacters of the "
            "HTML book"), encoding="utf-8")
    print(f"{path.relative_to(ROOT)}: {len(chars)} characters, {path.stat().st_size:,} bytes")


def main() -> None:
    from fontTools import subset

    if "--web" in sys.argv[1:]:
        web_font()
        return
    font = source_font()
    poems = (ROOT / "lib" / "lmvis" / "datasets" / "tang_wuyan" / "wuyan.txt").read_text("utf-8")
    chars = sorted(set(poems.replace("\n", "")) | set(EXTRA))
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
