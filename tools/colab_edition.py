"""Generate the Colab edition, colab/chapters/*.ipynb, from the chapter notebooks.

Colab renders plain Markdown (and LaTeX), not MyST. From chapters/NN.ipynb (in the portable
markup of tools/portable_markup.py) this writes colab/chapters/NN.ipynb, in which:

* a citation ``[Rumelhart et al. (1986)](#key)`` links to its entry in the HTML bibliography;
* a figure reference ``[Figure 4.2](#fig-x)`` links to the figure in the HTML book, and the
  caption cell under each figure is kept (its ``(fig-x)=`` target line dropped);
* an admonition (a "Common pitfall" box) becomes a blockquote with a bold title, and one of
  class ``dropdown`` (an exercise's answer in words) a collapsed ``<details>`` section;
* a worked solution (a code cell tagged ``solution``) becomes a form cell: Colab shows its
  title and output and hides its code until the reader opens it;
* a Mermaid diagram becomes a PNG image, embedded in the cell (drawn once by headless Chromium
  with the vendored Mermaid and kept in colab/mermaid/, named by the diagram's SHA-256);
* code cells and their stored outputs are kept as they are.

Any other MyST role or directive stops the script: add its conversion here first.
The HTML book's Colab button opens this edition (`repository.path_to_book: colab` in
_config.yml). ``--edition zh`` makes the Chinese edition's, zh/colab/chapters/, from the
Chinese notebooks zh/chapters/ (tools/zh_edition.py), linking to the Chinese HTML book.
tests/test_repo.py fails when the committed English edition is out of date::

    .venv/bin/python tools/colab_edition.py            # rewrite colab/ (make colab)
    .venv/bin/python tools/colab_edition.py --check    # change nothing; fail if stale
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import portable_markup as pm  # noqa: E402
from lmvis import notebook  # noqa: E402

ROOT = pm.ROOT
EDITION = ROOT / "colab"
MERMAID_CACHE = EDITION / "mermaid"
MERMAID_JS = ROOT / "_vendor" / "mermaid" / "mermaid.min.js"  # vendored by issue 18's tool

MERMAID = re.compile(r"^```mermaid[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)
ADMONITION = re.compile(
    r"^:::+\{(admonition|note|warning|tip|important)\}[ \t]*(.*?)\n(.*?)^:::+[ \t]*$", re.M | re.S
)
TARGET_LINE = re.compile(r"^\([^)\s]+\)=[ \t]*\n", re.M)
LINK = re.compile(r"\]\(([^)\s]+)\)")
LEFTOVER = re.compile(r"\{[a-z][a-z:-]*\}`|^:::|^```\{|^\([^)\s]+\)=", re.M)


def config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text())


#: Where the HTML book is published: the Colab edition links its citations and figures there.
#: (Not `html.baseurl` in _config.yml: Sphinx would then write a canonical <link> to that
#: host into every page, and the offline book loads nothing from another host.)
BOOK_URL = "https://large-models-visualized.github.io/book/"


#: Each edition: its notebooks, its Colab edition, its HTML book under BOOK_URL, its banner.
EDITIONS = {
    "en": (ROOT / "chapters", EDITION, "",
           "*Colab edition of chapter {number}. It is generated from `chapters/{name}` by "
           "`tools/colab_edition.py`; the book itself, with every figure, citation and "
           "cross-reference, is at {url}.*"),
    "zh": (ROOT / "zh" / "chapters", ROOT / "zh" / "colab", "zh/",
           "*第 {number} 章的 Colab 版，由 `tools/colab_edition.py` 从 `zh/chapters/{name}` 生成；"
           "完整的书（所有图、引用和交叉引用）在 {url}。*"),
}
_edition = "en"  # set by main()


def book_url() -> str:
    return BOOK_URL + EDITIONS[_edition][2]


def colab_url(stem: str) -> str:
    """Where Colab opens the edition of one chapter."""
    repo = config()["repository"]
    path = repo["url"].removeprefix("https://github.com/")
    return (f"https://colab.research.google.com/github/{path}/blob/{repo['branch']}/"
            f"{EDITIONS[_edition][1].relative_to(ROOT).as_posix()}/chapters/{stem}.ipynb")


SOLUTION_TAG = "solution"
FORM_TITLE = "# @title Solution (double-click to show the code)\n"


def _blockquote(kind: str, title: str, body: str) -> str:
    title = title.strip() or kind.capitalize()
    lines = [line for line in body.splitlines() if not re.match(r"^:[a-z-]+:", line)]
    if re.search(r"^:class:.*\bdropdown\b", body, re.M):  # collapsed until the reader opens it
        inside = "\n".join(lines).strip("\n")
        return f"<details>\n<summary><b>{title}</b></summary>\n\n{inside}\n\n</details>"
    quoted = "\n".join(f"> {line}".rstrip() for line in lines).strip("\n")
    return f"> **⚠️ {title}**\n>\n{quoted}"


class Mermaid:
    """Diagram source -> PNG bytes, from the cache in colab/mermaid/ or drawn by Chromium."""

    def __init__(self, draw: bool):
        self.draw, self.used, self.browser = draw, set(), None

    def png(self, source: str) -> bytes:
        digest = hashlib.sha256(source.strip().encode()).hexdigest()[:16]
        path = MERMAID_CACHE / f"{digest}.png"
        self.used.add(path.name)
        if not path.exists():
            if not self.draw:
                raise SystemExit(f"no image of this Mermaid diagram in {MERMAID_CACHE}; "
                                 f"run tools/colab_edition.py (needs Chromium):\n{source}")
            MERMAID_CACHE.mkdir(parents=True, exist_ok=True)
            self._render(source, path)
        return path.read_bytes()

    def _render(self, source: str, path: Path) -> None:
        if not MERMAID_JS.exists():
            raise SystemExit(f"{MERMAID_JS} is missing: vendor Mermaid first")
        sys.path.insert(0, str(ROOT / "tests"))
        import tempfile

        from browser import Browser

        page_html = (
            "<!doctype html><meta charset='utf-8'><body style='margin:0;background:white'>"
            f"<script src='{MERMAID_JS.as_uri()}'></script>"
            "<div id='d' style='display:inline-block;padding:12px'></div><script>"
            "mermaid.initialize({startOnLoad:false, theme:'default'});"
            f"mermaid.render('g', {json.dumps(source)}).then(r => {{"
            "document.getElementById('d').innerHTML = r.svg; document.title = 'done'; });"
            "</script>"
        )
        with tempfile.TemporaryDirectory() as tmp:
            html = Path(tmp) / "diagram.html"
            html.write_text(page_html, encoding="utf-8")
            with Browser(viewport=(1600, 1200)) as browser:
                page = browser.open(html.as_uri())
                page.wait_for("document.title === 'done'", 30)
                if hasattr(page, "screenshot_element"):  # tests/browser.py of this branch
                    page.screenshot_element("#d", path, scale=2)
                else:  # issue 18's Playwright harness
                    page.raw.locator("#d").screenshot(path=str(path))
        print(f"drew {path.relative_to(ROOT)}")


def markdown(text: str, figures: dict, mermaid: Mermaid, where: str) -> str:
    cites = pm.citation_texts()
    def diagram(m):
        source, caption = m.group(1), ""
        front = re.match(r"---\n(.*?)\n---\n", source, re.S)
        if front:  # a numbered figure: its caption goes under the image
            meta = yaml.safe_load(front.group(1)) or {}
            source = source[front.end():]
            if meta.get("name") in figures:
                caption = f"\n\n**Figure {figures[meta['name']][0]}.** {meta.get('caption', '')}"
        png = base64.b64encode(mermaid.png(source)).decode()
        return f"![Diagram](data:image/png;base64,{png}){caption.rstrip()}"

    text = MERMAID.sub(diagram, text)
    text = ADMONITION.sub(lambda m: _blockquote(m.group(1), m.group(2), m.group(3)), text)
    text = TARGET_LINE.sub("", text)

    def link(m):
        target = m.group(1)
        if target.startswith("#"):
            name = target[1:]
            if name in cites:
                return f"]({book_url()}chapters/references.html#cite-{name})"
            if name in figures:
                return f"]({book_url()}chapters/{figures[name][1]}.html#{name})"
            raise SystemExit(f"{where}: link to {target!r}, neither a citation nor a figure")
        if re.match(r"[a-z]+:", target):
            return m.group(0)
        stem, _, anchor = target.partition("#")
        if stem.endswith(".ipynb"):
            return f"]({colab_url(Path(stem).stem)})"
        if stem.endswith(".md"):
            return f"]({book_url()}chapters/{Path(stem).stem}.html{'#' + anchor if anchor else ''})"
        return m.group(0)

    text = LINK.sub(link, text)
    leftover = LEFTOVER.search(text)
    if leftover:
        raise SystemExit(f"{where}: MyST that Colab would show raw ({leftover.group(0)!r}); "
                         "teach tools/colab_edition.py to convert it")
    return text


def edition(path: Path, figures: dict, mermaid: Mermaid) -> dict:
    nb = json.loads(path.read_text(encoding="utf-8"))
    number = pm.chapter_numbers().get(path.stem)
    cells = []
    for i, cell in enumerate(nb["cells"]):
        cell = json.loads(json.dumps(cell))
        if cell["cell_type"] == "markdown":
            if pm._is_caption_cell(cell):
                tags = [t for t in cell["metadata"].get("tags", []) if t != pm.CAPTION_TAG]
                cell["metadata"]["tags"] = tags
                if not tags:
                    del cell["metadata"]["tags"]
            cell["source"] = markdown(pm._source(cell), figures, mermaid, f"{path.name}, cell {i}")
        if cell["cell_type"] == "code" and SOLUTION_TAG in cell["metadata"].get("tags", []):
            source = pm._source(cell)  # a form cell: the title shows, the code is hidden
            cell["source"] = source if source.startswith("# @title") else FORM_TITLE + source
            cell["metadata"]["cellView"] = "form"
        for out in cell.get("outputs", []):  # Markdown that code printed: its links only
            data = out.get("data", {})
            if "text/markdown" in data:
                text = "".join(data["text/markdown"])
                data["text/markdown"] = markdown(text, figures, mermaid, f"{path.name}, cell {i}")
        cells.append(pm._normalise(cell))
    banner = EDITIONS[_edition][3].format(number=number, name=path.name, url=book_url())
    cells.insert(1, pm._normalise({"cell_type": "markdown", "id": "colab-edition",
                                   "metadata": {}, "source": banner}))
    if _edition != "en":  # what code prints in words (chapter 1's table) in the edition's language
        cells.insert(2, pm._normalise({
            "cell_type": "code", "id": "colab-language", "metadata": {}, "outputs": [],
            "execution_count": None,
            "source": f"%env {notebook.LANGUAGE_VARIABLE}={_edition}"}))
    return {**nb, "cells": cells}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="change nothing; fail if stale")
    ap.add_argument("--edition", choices=sorted(EDITIONS), default="en")
    args = ap.parse_args(argv)
    global _edition, EDITION
    _edition = args.edition
    source, EDITION = EDITIONS[_edition][:2]
    chapters = sorted(source.glob("*.ipynb"))
    figures = pm.figure_numbers(chapters)
    mermaid = Mermaid(draw=not args.check)
    want = {EDITION / "chapters" / p.name: pm.dumps(edition(p, figures, mermaid)) for p in chapters}
    have = set((EDITION / "chapters").glob("*.ipynb"))
    stale = [p for p, text in want.items() if not p.exists() or p.read_text("utf-8") != text]
    extra = sorted(have - set(want))
    unused = sorted(p for p in MERMAID_CACHE.glob("*.png")  # the English edition's cache, shared
                    if p.name not in mermaid.used) if _edition == "en" else []
    if args.check:
        for p in stale:
            print(f"{p.relative_to(ROOT)} is out of date with chapters/{p.name}")
        for p in extra + unused:
            print(f"{p.relative_to(ROOT)} belongs to no chapter")
        return 1 if (stale or extra or unused) else 0
    (EDITION / "chapters").mkdir(parents=True, exist_ok=True)
    for p in stale:
        p.write_text(want[p], encoding="utf-8")
        print(f"wrote {p.relative_to(ROOT)}")
    for p in extra + unused:
        p.unlink()
        print(f"removed {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
